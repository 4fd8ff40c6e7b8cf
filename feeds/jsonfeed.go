package feeds

import (
	"bytes"
	"encoding/json"
	"fmt"

	gfeeds "github.com/gorilla/feeds"
)

// jsonFeedVersion is the JSON Feed version written (and checked against
// what gorilla/feeds claims).
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed is gorilla's JSON Feed with an items list that is never
// omitted (JSON Feed requires it, even empty) and items that carry the
// _egovfeed extension.
type jsonFeed struct {
	*gfeeds.JSONFeed
	Items []jsonItem `json:"items"`
}

type jsonItem struct {
	*gfeeds.JSONItem
	Ext jsonExt `json:"_egovfeed"`
}

// jsonExt is egovfeed's JSON Feed extension object (JSON Feed 1.1:
// custom keys start with an underscore).
type jsonExt struct {
	Lands  []jsonLand `json:"lands"`
	Source string     `json:"source"`
	// Explain says why the item has its Länder. For now it is built from
	// the Land tags' rules and evidence; a fuller explanation can take
	// its place without changing the key.
	Explain string `json:"explain,omitempty"`
}

type jsonLand struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Rule     string `json:"rule,omitempty"`
	Evidence string `json:"evidence,omitempty"`
}

// renderJSON writes d as JSON Feed 1.1.
func renderJSON(d *doc) ([]byte, error) {
	gf := gorillaFeed(d, d.self)
	jf := (&gfeeds.JSON{Feed: gf}).JSONFeed()
	if jf.Version != jsonFeedVersion {
		// gorilla/feeds v1.2.0 writes 1.1; a different claim would not
		// describe what follows.
		jf.Version = jsonFeedVersion
	}
	jf.Language = "de"
	jf.FeedUrl = d.self
	jf.NextUrl = d.next
	out := jsonFeed{JSONFeed: jf, Items: make([]jsonItem, len(jf.Items))}
	for i, ji := range jf.Items {
		it := &d.items[i]
		ji.Summary = it.Teaser
		ji.ContentText = it.ContentText
		ji.Tags = nil
		for _, l := range it.Lands {
			ji.Tags = append(ji.Tags, l.Name)
		}
		ext := jsonExt{Lands: []jsonLand{}, Source: it.Source, Explain: it.Explain}
		for _, l := range it.Lands {
			ext.Lands = append(ext.Lands, jsonLand{Code: l.Code, Name: l.Name, Rule: l.Rule, Evidence: l.Evidence})
		}
		out.Items[i] = jsonItem{JSONItem: ji, Ext: ext}
	}
	jf.Items = nil
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("feeds: json feed: %w", err)
	}
	return b.Bytes(), nil
}
