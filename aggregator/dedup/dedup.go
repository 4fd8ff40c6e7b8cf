// Package dedup finds news items that tell the same story although they come
// from different sources: a Land's press release, two news sites' rewrites
// of it and an aggregator's copy with tracking links.
//
// It works in memory on what is known of each item (Doc): a Fingerprint is
// computed once per item (cheap enough to run inline in ingest, and storable
// as a BLOB), an Index holds the fingerprints of the items in the time
// window and finds, for a new item, the best earlier item of the same story
// without scanning the window. Layers, cheapest first:
//
//   - title: the same normalized title (at least three features);
//   - similar: weighted overlap of title and teaser words, numbers and
//     places above Options.Threshold.
//
// Both layers are subject to the rules that keep hard negatives apart:
// items published further apart than the window, items tagged with
// disjoint Land sets ("DE", the Bund, is no Land and counts for neither
// side), texts that each mention a number the other lacks ("KW 12" vs
// "KW 13"), texts that each name a different place ("Thüringen: …" vs
// "Sachsen: …") and reports from sources speaking for two places (two
// towns' feeds, see Doc.Place) whose texts do not name the other's place
// are never merged. The method, the thresholds and the measured figures
// are in docs/dedup.md.
//
// Clusters (primary item, editorial split and merge) are kept by storage;
// this package only answers "which earlier item is this one a duplicate of".
package dedup

import "time"

// Doc is what the detector knows of one stored item.
type Doc struct {
	ID        int64
	Title     string   // plain text, NFC
	Teaser    string   // plain text, ≤ 320 chars
	Lands     []string // ISO 3166-2 codes ("DE-HE", "DE" for Bund); may be empty
	Published time.Time
	// Place is the place the item's source speaks for (a town's own
	// feed: its title_prefix), empty for sources that speak for none.
	Place string
}

// Defaults. DefaultThreshold was chosen on testdata/pairs.jsonl; the sweep
// and the reasoning are in docs/dedup.md.
const (
	DefaultWindow    = 7 * 24 * time.Hour
	DefaultThreshold = 0.275
)

// Options tune the detector. Zero fields take the defaults.
type Options struct {
	// Window is the largest distance in publication time between two
	// items of one story.
	Window time.Duration
	// Threshold is the lowest similarity score (0–1) of the "similar"
	// layer. Higher keeps more items apart.
	Threshold float64
}

// DefaultOptions returns the options chosen on the labelled pair set.
func DefaultOptions() Options {
	return Options{Window: DefaultWindow, Threshold: DefaultThreshold}
}

func (o Options) withDefaults() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Threshold <= 0 {
		o.Threshold = DefaultThreshold
	}
	return o
}

// Layers of Match.Layer and Verdict.Layer.
const (
	LayerTitle   = "title"
	LayerSimilar = "similar"
)

// Match explains why two docs were judged the same story.
type Match struct {
	ID    int64
	Score float64
	Layer string  // LayerTitle or LayerSimilar
	text  float64 // Verdict.Text: orders matches of equal Score
}

// Same is the pairwise decision used by Index.Find after candidate lookup.
// score is the similarity even when ok is false (see Verdict.Score); layer
// is empty then.
func Same(a, b Doc, o Options) (score float64, layer string, ok bool) {
	v := Explain(a, b, o)
	return v.Score, v.Layer, v.Same
}

// Explain is Same with the reason for a negative decision, for logs and for
// an editor asking why two items were not merged.
func Explain(a, b Doc, o Options) Verdict {
	fa, fb := NewFingerprint(a), NewFingerprint(b)
	return judge(side{&fa, unixNano(a.Published), landMask(a.Lands), homeOf(a.Place)},
		side{&fb, unixNano(b.Published), landMask(b.Lands), homeOf(b.Place)}, o.withDefaults())
}

// unixNano returns t in Unix nanoseconds, 0 for the zero time (unknown).
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
