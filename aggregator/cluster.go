package aggregator

import (
	"context"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/dedup"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// clusterer adapts the in-memory near-duplicate index to storage, which
// keeps fingerprints as bytes.
type clusterer struct{ ix *dedup.Index }

func (c clusterer) Matches(d storage.ClusterDoc) []storage.ClusterMatch {
	var f dedup.Fingerprint
	if err := f.UnmarshalBinary(d.Fingerprint); err != nil {
		return nil
	}
	ms := c.ix.Matches(d.Published, d.Lands, d.Place, f)
	out := make([]storage.ClusterMatch, len(ms))
	for i, m := range ms {
		out[i] = storage.ClusterMatch{ID: m.ID, Score: m.Score, Layer: m.Layer}
	}
	return out
}

func (c clusterer) Add(id int64, d storage.ClusterDoc) {
	var f dedup.Fingerprint
	if err := f.UnmarshalBinary(d.Fingerprint); err == nil {
		c.ix.Add(id, d.Published, d.Lands, d.Place, f)
	}
}

func (c clusterer) Remove(id int64) { c.ix.Remove(id) }

func (c clusterer) Window() time.Duration { return c.ix.Options().Window }

func dedupOptions(cfg config.Dedup) dedup.Options {
	o := dedup.DefaultOptions()
	if cfg.Window > 0 {
		o.Window = time.Duration(cfg.Window)
	}
	if cfg.Threshold > 0 {
		o.Threshold = cfg.Threshold
	}
	return o
}

// loadIndex fills a new index with the stored items of the window before
// now, so a restart finds duplicates of items stored before it.
func loadIndex(ctx context.Context, store *storage.Store, o dedup.Options, now time.Time) (*dedup.Index, error) {
	ix := dedup.NewIndex(o)
	err := store.FingerprintsSince(ctx, now.Add(-o.Window), clusterer{ix}.Add)
	return ix, err
}

// fingerprint computes the stored near-duplicate features of an item.
func fingerprint(it *storage.NewItem) []byte {
	lands := make([]string, len(it.Lands))
	for i, l := range it.Lands {
		lands[i] = l.Land
	}
	b, err := dedup.NewFingerprint(dedup.Doc{Title: it.Title, Teaser: it.Teaser, Lands: lands, Published: it.Published}).MarshalBinary()
	if err != nil {
		return nil
	}
	return b
}

// RebuildClusters recomputes every cluster from the stored items with
// the current thresholds; editorial splits and merges are kept. It
// returns how many items were examined and how many joined a cluster.
func (a *Aggregator) RebuildClusters(ctx context.Context) (seen, joined int, err error) {
	// A fresh index: a serve process running meanwhile keeps its own,
	// which stays correct because it holds item ids, not clusters.
	return a.store.RebuildClusters(ctx, clusterer{dedup.NewIndex(dedupOptions(a.cfg.Dedup))}, a.now())
}

// SameStory is near-duplicate detection's verdict on two stored items
// under cfg (its thresholds, and the places of its sources), with the
// reason when they are not one story: egovfeed explain A B, for an editor
// asking why two reports were or were not merged. It judges the texts
// only; storage's rules come first (one source's items are never merged,
// one article link joins reports).
func SameStory(cfg *config.Config, a, b storage.Item) dedup.Verdict {
	doc := func(it storage.Item) dedup.Doc {
		d := dedup.Doc{ID: it.ID, Title: it.Title, Teaser: it.Teaser, Published: it.Published, Place: cfg.PlaceOf(it.SourceURL)}
		for _, l := range it.Lands {
			d.Lands = append(d.Lands, l.Land)
		}
		return d
	}
	return dedup.Explain(doc(a), doc(b), dedupOptions(cfg.Dedup))
}
