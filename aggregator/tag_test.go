package aggregator_test

import (
	"context"
	"strings"
	"testing"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// TestNationalSourceTagged runs the real tagger: items of a source with
// no Land land in the Länder their text names.
func TestNationalSourceTagged(t *testing.T) {
	feed := `<?xml version="1.0"?><rss version="2.0"><channel><title>Kommune21</title><link>https://k21.example/</link>
<item><title>Lüneburg: Digitale Bauanträge ab März</title><link>https://k21.example/1</link><guid>1</guid>
<description>Bauherren können ihre Anträge in der Hansestadt künftig online einreichen.</description></item>
<item><title>Länderübergreifendes Portal</title><link>https://k21.example/2</link><guid>2</guid>
<description>Bayern, Sachsen und Thüringen starten ein gemeinsames Serviceportal.</description></item>
<item><title>Neues Formularsystem</title><link>https://k21.example/3</link><guid>3</guid>
<description>Die Verwaltung stellt auf civento um.</description></item>
</channel></rss>`
	_, u := serveBytes(t, []byte(feed), "")
	h := newHarness(t, func(c *config.Config) {
		c.TagRules = []config.TagRule{{Pattern: `(?i)\bcivento\b`, Lands: []string{"DE-HE"}}}
	}, src("Kommune21", u, ""))
	tag, err := aggregator.NewTagFunc(h.cfg.TagRules)
	if err != nil {
		t.Fatal(err)
	}
	agg, err := aggregator.New(context.Background(), h.cfg, h.store, aggregator.Options{Tag: tag})
	if err != nil {
		t.Fatal(err)
	}
	agg.FetchAll(context.Background(), false, nil)
	want := map[string]string{
		"Lüneburg: Digitale Bauanträge ab März": "DE-NI",
		"Länderübergreifendes Portal":           "DE-BY,DE-SN,DE-TH",
		"Neues Formularsystem":                  "DE-HE",
	}
	for _, it := range h.items(t) {
		var got []string
		for _, l := range it.Lands {
			got = append(got, l.Land)
			if l.Rule == "" || l.Evidence == "" {
				t.Errorf("%q: tag %s has no explanation", it.Title, l.Land)
			}
		}
		if g := strings.Join(got, ","); g != want[it.Title] {
			t.Errorf("%q: lands %s, want %s", it.Title, g, want[it.Title])
		}
	}
	he, err := h.store.Items(context.Background(), storage.Query{Lands: []string{"DE-NI"}})
	if err != nil || len(he) != 1 {
		t.Errorf("Niedersachsen feed has %d items (%v), want 1", len(he), err)
	}
}
