package aggregator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/storage"
)

// wordTagger tags an item with land when its text contains word.
func wordTagger(word, land string) aggregator.TagFunc {
	return func(title, teaser string) []storage.LandTag {
		if strings.Contains(title+" "+teaser, word) {
			return []storage.LandTag{{Land: land, Rule: "test", Evidence: word}}
		}
		return nil
	}
}

func TestRetag(t *testing.T) {
	_, u := serveFile(t, "rss2.xml", "")
	h := newHarness(t, nil, src("S", u, "DE-NI"))
	h.fetch(t)
	before := h.items(t)

	agg, err := aggregator.New(context.Background(), h.cfg, h.store, aggregator.Options{Tag: wordTagger("Hamburg", "DE-HH")})
	if err != nil {
		t.Fatal(err)
	}
	seen, changed, err := agg.Retag(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if seen != 2 || changed != 1 {
		t.Errorf("retag saw %d, changed %d; want 2 and 1", seen, changed)
	}
	after := h.items(t)
	if len(after) != len(before) {
		t.Fatalf("item count changed: %d → %d", len(before), len(after))
	}
	for i := range after {
		if after[i].ID != before[i].ID || after[i].Key != before[i].Key || !after[i].Updated.Equal(before[i].Updated) {
			t.Errorf("retag changed identity or updated time of %q", after[i].Title)
		}
		var lands []string
		for _, l := range after[i].Lands {
			lands = append(lands, l.Land+"/"+l.Rule)
		}
		want := "DE-NI/source"
		if strings.Contains(after[i].Title, "Hamburg") {
			want = "DE-HH/test,DE-NI/source"
		}
		if got := strings.Join(lands, ","); got != want {
			t.Errorf("%q: lands %s, want %s", after[i].Title, got, want)
		}
	}
	// Retagging again changes nothing.
	if _, changed, _ := agg.Retag(context.Background()); changed != 0 {
		t.Errorf("second retag changed %d items", changed)
	}
}

func TestTagFromContentOff(t *testing.T) {
	_, u := serveFile(t, "rss2.xml", "")
	off := false
	s := src("S", u, "DE-NI")
	s.TagFromContent = &off
	h := newHarness(t, nil, s)
	agg, err := aggregator.New(context.Background(), h.cfg, h.store, aggregator.Options{Tag: wordTagger("Hamburg", "DE-HH")})
	if err != nil {
		t.Fatal(err)
	}
	agg.FetchAll(context.Background(), false, nil)
	for _, it := range h.items(t) {
		if len(it.Lands) != 1 || it.Lands[0].Land != "DE-NI" {
			t.Errorf("%q: lands %+v, want only the source's", it.Title, it.Lands)
		}
	}
}

// TestLandChangeRetagsStoredItems: an operator corrects a source's land in
// the config; at the next start its stored items move to the new Land's
// feed (they would otherwise stay in the old one's until someone thought
// of running retag), and other sources' items are not touched.
func TestLandChangeRetagsStoredItems(t *testing.T) {
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://a.example/</link>
<item><title>Neues Bürgerportal</title><link>https://a.example/1</link><guid>1</guid></item></channel></rss>`
	other := `<?xml version="1.0"?><rss version="2.0"><channel><title>O</title><link>https://o.example/</link>
<item><title>Neue Sprechzeiten</title><link>https://o.example/1</link><guid>1</guid></item></channel></rss>`
	_, u := serveBytes(t, []byte(feed), "")
	_, uo := serveBytes(t, []byte(other), "")
	h := newHarness(t, nil, src("S", u, "DE-HE"), src("O", uo, "DE-BY"))
	h.fetch(t)
	inLand := func(h *harness, land string) int {
		t.Helper()
		items, err := h.store.Items(context.Background(), storage.Query{Lands: []string{land}})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	if inLand(h, "DE-HE") != 1 || inLand(h, "DE-NI") != 0 {
		t.Fatal("before the change: the item is not in Hessen's feed only")
	}
	h2 := newHarnessOn(t, h, src("S", u, "DE-NI"), src("O", uo, "DE-BY"))
	if he, ni, by := inLand(h2, "DE-HE"), inLand(h2, "DE-NI"), inLand(h2, "DE-BY"); he != 0 || ni != 1 || by != 1 {
		t.Errorf("after the change: DE-HE %d, DE-NI %d, DE-BY %d items; want 0, 1, 1", he, ni, by)
	}
}

// TestLandChangeWithURLCorrected: an operator who corrects a source's URL
// and Land in one edit finds its stored items in the new Land's feed at
// the next start, as after a change of the Land alone; the feed need not
// change them for that.
func TestLandChangeWithURLCorrected(t *testing.T) {
	feed := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://a.example/</link>
<item><title>Neues Bürgerportal</title><link>https://a.example/1</link><guid>1</guid></item></channel></rss>`)
	for _, tc := range []struct {
		name   string
		newURL bool
	}{
		{"Land changed", false},
		{"URL and Land changed", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, u := serveBytes(t, feed, "")
			h := newHarness(t, nil, src("S", u, "DE-HE"))
			h.fetch(t)
			u2 := u
			if tc.newURL {
				_, u2 = serveBytes(t, feed, "")
			}
			h2 := newHarnessOn(t, h, src("S", u2, "DE-NI"))
			inLand := func(land string) int {
				t.Helper()
				items, err := h2.store.Items(context.Background(), storage.Query{Lands: []string{land}})
				if err != nil {
					t.Fatal(err)
				}
				return len(items)
			}
			if he, ni := inLand("DE-HE"), inLand("DE-NI"); he != 0 || ni != 1 {
				t.Errorf("at the start: DE-HE %d, DE-NI %d items; want 0, 1", he, ni)
			}
			h2.now = h2.now.Add(time.Hour)
			if r := h2.fetch(t)["S"]; r.Err != nil || r.New != 0 {
				t.Errorf("fetch: %+v, want no new item", r)
			}
			if he, ni := inLand("DE-HE"), inLand("DE-NI"); he != 0 || ni != 1 {
				t.Errorf("after a fetch: DE-HE %d, DE-NI %d items; want 0, 1", he, ni)
			}
		})
	}
}
