package aggregator

import (
	"context"
	"fmt"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// retagBatch is how many items share one transaction when re-tagging.
const retagBatch = 1000

// Retag re-applies the current tagging rules (source Länder, gazetteer,
// tag_rules) to every stored item, one transaction per batch. Ids, keys
// and everything but the Land tags stay as they are. It returns how many
// items were examined and how many changed.
func (a *Aggregator) Retag(ctx context.Context) (seen, changed int, err error) {
	byURL := make(map[string]*source, len(a.sources))
	for _, s := range a.sources {
		byURL[s.cfg.URL] = s
	}
	stored, err := a.store.SourceStates(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, st := range stored {
		if _, ok := byURL[st.URL]; !ok {
			// A source no longer configured keeps its stored Land.
			byURL[st.URL] = &source{cfg: config.Source{Name: st.Name, URL: st.URL, Land: st.Land}, id: st.ID}
		}
	}
	return a.retag(ctx, byURL)
}

// retag re-tags the stored items of the sources with the ids in only (of
// every source if none), with the sources in byURL, keyed by URL.
func (a *Aggregator) retag(ctx context.Context, byURL map[string]*source, only ...int64) (seen, changed int, err error) {
	var after int64
	for {
		texts, err := a.store.ItemTexts(ctx, after, retagBatch, only...)
		if err != nil {
			return seen, changed, err
		}
		if len(texts) == 0 {
			return seen, changed, nil
		}
		tags := make(map[int64][]storage.LandTag, len(texts))
		for _, t := range texts {
			tags[t.ID] = a.tags(byURL[t.SourceURL], t.Title, t.Teaser)
		}
		n, err := a.store.ReplaceLands(ctx, tags)
		if err != nil {
			return seen, changed, err
		}
		seen += len(texts)
		changed += n
		after = texts[len(texts)-1].ID
	}
}

// retagMovedSources re-tags the stored items of sources whose configured
// Land differs from the stored one, before the new Land is stored: their
// items would otherwise stay in the old Land's feed (and out of the new
// one's) until an operator thought of running retag. An interrupted
// re-tag is done again at the next start, as the stored Land is still
// the old one. Sources are matched as SyncSources will match them, so a
// source whose URL was corrected in the same edit is found too.
func (a *Aggregator) retagMovedSources(ctx context.Context, cfg *config.Config, scs []storage.SourceConfig) error {
	stored, err := a.store.StoredSources(ctx, scs)
	if err != nil {
		return err
	}
	moved := map[string]*source{}
	var ids []int64
	for i, c := range cfg.Sources {
		if st := stored[i]; st.ID != 0 && st.Land != c.Land {
			// Keyed by the stored URL, which the stored items name.
			moved[st.URL] = &source{cfg: c, id: st.ID}
			ids = append(ids, st.ID)
			a.log.Info("source's Land changed: re-tagging its stored items", "source", c.Name, "from", st.Land, "to", c.Land)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	seen, changed, err := a.retag(ctx, moved, ids...)
	if err != nil {
		return fmt.Errorf("re-tag sources whose Land changed: %w", err)
	}
	a.log.Info("re-tagged", "items", seen, "changed", changed)
	return nil
}
