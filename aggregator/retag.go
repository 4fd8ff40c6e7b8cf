package aggregator

import (
	"context"

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
	stored, err := a.store.Sources(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, st := range stored {
		if _, ok := byURL[st.URL]; !ok {
			// A source no longer configured keeps its stored Land.
			byURL[st.URL] = &source{cfg: config.Source{Name: st.Name, URL: st.URL, Land: st.Land}, id: st.ID}
		}
	}
	var after int64
	for {
		texts, err := a.store.ItemTexts(ctx, after, retagBatch)
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
