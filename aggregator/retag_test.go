package aggregator_test

import (
	"context"
	"strings"
	"testing"

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
