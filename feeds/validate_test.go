package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestAtomValidates runs the RFC 4287 RELAX NG schema (jing) over served
// Atom: all items, a Land, a curated output, an empty feed, a middle
// page and a feed with hostile content.
func TestAtomValidates(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedGolden(e)
	seedMany(e, 120)
	seedHostile(e)
	docs := map[string][]byte{}
	for name, path := range map[string]string{
		"all.atom":     "/feeds/all.atom",
		"land-he.atom": "/feeds/land/he.atom",
		"land-by.atom": "/feeds/land/by.atom",
		"ozg.atom":     "/feeds/ozg.atom",
		"empty.atom":   "/feeds/land/th.atom",
		"since.atom":   "/feeds/all.atom?since=2030-01-01",
	} {
		docs[name] = e.get(path).body
	}
	first := parseAtom(t, docs["all.atom"])
	paged := e.get(localPath(t, first.link("next")))
	docs["paged.atom"] = paged.body
	if p := parseAtom(t, paged.body); p.link("next") == "" || len(p.Entries) != 50 {
		t.Fatalf("the paged feed is not a middle page: %d entries, next %q", len(p.Entries), p.link("next"))
	}
	if n := len(parseAtom(t, docs["empty.atom"]).Entries); n != 0 {
		t.Fatalf("empty feed has %d entries", n)
	}
	hostile := e.get("/feeds/all.atom?limit=1000").body
	if !bytes.Contains(hostile, []byte("Portal eröffnet")) {
		t.Fatal("the hostile item is not in the feed")
	}
	docs["hostile.atom"] = hostile
	docs["related.atom"] = relatedAtom(t)
	for name, body := range docs {
		if err := xml.Unmarshal(body, new(struct{})); err != nil {
			t.Fatalf("%s is not well-formed: %v", name, err)
		}
	}
	validateAtom(t, docs)
}

// TestValidatorRejects makes sure the validation can fail: an entry
// without id and with an RFC 822 date is invalid.
func TestValidatorRejects(t *testing.T) {
	bad := []byte(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:x,2026:f</id><title>T</title><updated>2025-02-14T12:00:00Z</updated>
<entry><title>E</title><updated>Fri, 14 Feb 2025 12:00:00 +0000</updated></entry></feed>`)
	if out, err := runJing(t, map[string][]byte{"bad.atom": bad}); err == nil {
		t.Fatalf("jing accepted an invalid feed: %s", out)
	}
}

// relatedAtom renders an item with other reports of its story (filled
// by storage's cluster queries, which the handler passes through).
func relatedAtom(t *testing.T) []byte {
	t.Helper()
	e := newTestEnv(t, "")
	p := e.srv.pres
	it := storage.Item{ID: 7, Key: "abc123", SourceName: "Hessen – Meldungen", SourceURL: "https://www.hessen.de/feeds", SourceLand: "DE-HE",
		Title: "Digitale Verwaltung", Teaser: "Text.", Link: "https://www.hessen.de/a", Published: testNow, Updated: testNow,
		Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}},
		Related: []storage.Related{
			{Title: "Dasselbe", Link: "https://www.egovernment.de/b", SourceName: "eGovernment Computing"},
			{Title: "Böse", Link: "javascript:alert(1)", SourceName: "Böse <b>Quelle</b>"},
			{Title: "Ohne Namen", Link: "https://kommune21.de/c"},
		}}
	pr := p.present(&it)
	for _, want := range []string{`<p>Auch berichtet von: <a href="https://www.egovernment.de/b">eGovernment Computing</a>, Böse Quelle, <a href="https://kommune21.de/c">Ohne Namen</a></p>`} {
		if !strings.Contains(pr.ContentHTML, want) {
			t.Errorf("content lacks %s:\n%s", want, pr.ContentHTML)
		}
	}
	v := &view{kind: kindAll, format: FormatAtom}
	d := &doc{v: v, feedID: p.tagURI("feed/all"), title: "T", description: "D", self: "http://127.0.0.1:8080/feeds/all.atom",
		htmlURL: "http://127.0.0.1:8080/", updated: testNow, items: []presented{pr}}
	body, err := renderAtom(d)
	if err != nil {
		t.Fatal(err)
	}
	f := parseAtom(t, body)
	var related []string
	for _, l := range f.Entries[0].Links {
		if l.Rel == "related" {
			related = append(related, l.Href)
		}
	}
	if strings.Join(related, " ") != "https://www.egovernment.de/b https://kommune21.de/c" {
		t.Errorf("related links %v", related)
	}
	for _, render := range []func(*doc) ([]byte, error){renderRSS, renderJSON} {
		b, err := render(d)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.ToLower(b), []byte("javascript")) {
			t.Errorf("a javascript: link reached the output:\n%s", b)
		}
	}
	if txt := renderText(d); !bytes.Contains(txt, []byte("Auch berichtet von: eGovernment Computing, Böse Quelle, Ohne Namen")) {
		t.Errorf("text output:\n%s", txt)
	}
	return body
}

// TestRSSRequiredElements checks RSS 2.0's required channel elements
// and that every item has a title or description.
func TestRSSRequiredElements(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedGolden(e)
	for _, path := range []string{"/feeds/all.rss", "/feeds/land/he.rss", "/feeds/ozg.rss", "/feeds/land/th.rss"} {
		var doc struct {
			XMLName xml.Name `xml:"rss"`
			Version string   `xml:"version,attr"`
			Channel struct {
				Title string `xml:"title"`
				Links []struct {
					XMLName xml.Name
					URL     string `xml:",chardata"`
				} `xml:"link"` // <link> and <atom:link>
				Description string `xml:"description"`
				Items       []struct {
					Title       string `xml:"title"`
					Description string `xml:"description"`
					GUID        string `xml:"guid"`
					PubDate     string `xml:"pubDate"`
					Source      struct {
						URL string `xml:"url,attr"`
					} `xml:"source"`
				} `xml:"item"`
			} `xml:"channel"`
		}
		if err := xml.Unmarshal(e.get(path).body, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		c := doc.Channel
		var link string
		for _, l := range c.Links {
			if l.XMLName.Space == "" {
				link = l.URL
			}
		}
		if doc.Version != "2.0" || c.Title == "" || !strings.HasPrefix(link, "http://127.0.0.1:8080/") || c.Description == "" {
			t.Errorf("%s: version %q, title %q, link %q, description %q", path, doc.Version, c.Title, link, c.Description)
		}
		for _, it := range c.Items {
			if it.Title == "" && it.Description == "" {
				t.Errorf("%s: item with neither title nor description", path)
			}
			if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil {
				t.Errorf("%s: pubDate %q: %v", path, it.PubDate, err)
			}
			if !strings.HasPrefix(it.GUID, "tag:127.0.0.1,2026:item/") || it.Source.URL == "" {
				t.Errorf("%s: guid %q, source url %q", path, it.GUID, it.Source.URL)
			}
		}
		if path != "/feeds/land/th.rss" && len(c.Items) == 0 {
			t.Errorf("%s: no items", path)
		}
	}
}

// TestJSONFeedRequiredFields checks JSON Feed 1.1's required fields.
func TestJSONFeedRequiredFields(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedGolden(e)
	for _, path := range []string{"/feeds/all.json", "/feeds/land/bund.json", "/feeds/ozg.json", "/feeds/land/th.json"} {
		var f map[string]any
		if err := json.Unmarshal(e.get(path).body, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if f["version"] != "https://jsonfeed.org/version/1.1" {
			t.Errorf("%s: version %v", path, f["version"])
		}
		if s, _ := f["title"].(string); s == "" {
			t.Errorf("%s: no title", path)
		}
		items, ok := f["items"].([]any)
		if !ok {
			t.Fatalf("%s: items missing or not a list: %v", path, f["items"])
		}
		for _, raw := range items {
			it := raw.(map[string]any)
			id, _ := it["id"].(string)
			html, _ := it["content_html"].(string)
			text, _ := it["content_text"].(string)
			if id == "" || (html == "" && text == "") {
				t.Errorf("%s: item id %q, content_html %q, content_text %q", path, id, html, text)
			}
			ext, ok := it["_egovfeed"].(map[string]any)
			if !ok {
				t.Errorf("%s: item %s has no _egovfeed extension", path, id)
			} else if _, ok := ext["lands"].([]any); !ok {
				t.Errorf("%s: _egovfeed.lands is not a list: %v", path, ext["lands"])
			}
		}
		if path != "/feeds/land/th.json" && len(items) == 0 {
			t.Errorf("%s: no items", path)
		}
	}
}

// unescapeAll decodes entities until nothing changes, to see text as a
// reader that decodes once too often would.
func unescapeAll(s string) string {
	for range 4 {
		u := html.UnescapeString(s)
		if u == s {
			break
		}
		s = u
	}
	return s
}
