package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/egovfeed/egovfeed/storage"
)

// seedHostile stores items whose text and links carry markup and
// script, as a broken or malicious source might deliver them (bypassing
// the normalizer, which would already strip most of it).
func seedHostile(e *testEnv) {
	e.t.Helper()
	e.saveFetch(storage.Fetch{FeedTitle: `<script>alert("feedtitle")</script>Böser Feed`, FeedLink: "javascript:alert('feedlink')"},
		"eGovernment Computing",
		storage.NewItem{
			GUID:     "evil-1",
			Title:    `<script>alert("title")</script>Portal eröffnet <img src=x onerror=alert(1)>`,
			Teaser:   `Text <a href="javascript:alert(2)">klick</a> <iframe src="javascript:alert(3)"></iframe><svg onload=alert(4)></svg> Ende <style>body{}</style>`,
			Link:     "javascript:alert(5)",
			OrigLink: "data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==",
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: `<b onmouseover=alert(7)>rule</b>`, Evidence: `<script>alert(8)</script>`},
				{Land: "DE-XX<script>", Rule: "x"}},
			Published: at(0),
		},
		storage.NewItem{
			GUID:      "evil-2",
			Title:     `Zweites &lt;script&gt;alert(9)&lt;/script&gt; Angebot`,
			Teaser:    `&lt;img src=x onerror=alert(10)&gt; Hallo`,
			Link:      " JaVaScRiPt:alert(11)",
			OrigLink:  "vbscript:alert(12)",
			Published: at(-1),
		},
		storage.NewItem{
			GUID:      "evil-3",
			Title:     "Drittes",
			Teaser:    "Text",
			Link:      "https://example.org/\"><script>alert(13)</script>",
			OrigLink:  "//evil.example/protocol-relative",
			Published: at(-2),
		},
		// Escaped three times: decoded three times, it is a tag again.
		storage.NewItem{
			GUID:      "evil-4",
			Title:     `Viertes &amp;amp;lt;script&amp;amp;gt;alert(14)&amp;amp;lt;/script&amp;amp;gt; Angebot`,
			Teaser:    `&amp;amp;amp;lt;img src=x onerror=alert(15)&amp;amp;amp;gt; Tschüss`,
			Link:      "javascript:alert(16)",
			Published: at(-3),
		},
	)
}

// forbidden are fragments that must never appear in any output, not
// even after decoding entities as a careless reader would.
var forbidden = []string{"<script", "onerror", "onload", "onmouseover", "javascript:", "vbscript:", "data:text", "<iframe", "<svg", "alert(", "body{}", "evil.example"}

func TestHostileContentNeverReachesOutput(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedHostile(e)
	paths := []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/all.txt", "/",
		"/feeds/land/he.atom", "/feeds/land/he.rss", "/feeds/land/he.json", "/feeds/land/he.txt", "/land/he",
		"/sources.opml", "/feeds.opml"}
	for _, p := range paths {
		body := string(e.get(p).body)
		views := []string{strings.ToLower(body), strings.ToLower(unescapeAll(body))}
		if strings.HasSuffix(p, ".json") {
			views = append(views, strings.ToLower(unescapeAll(jsonStrings(t, body))))
		}
		for _, v := range views {
			for _, bad := range forbidden {
				if strings.Contains(v, bad) {
					i := strings.Index(v, bad)
					t.Errorf("%s contains %q: …%s…", p, bad, v[max(0, i-80):min(len(v), i+80)])
				}
			}
		}
		if p != "/sources.opml" && p != "/feeds.opml" && !strings.Contains(body, "Portal eröffnet") {
			t.Errorf("%s lost the hostile item's harmless text", p)
		}
	}
	// The text that survives is still the item's.
	f := parseAtom(t, e.get("/feeds/all.atom").body)
	if len(f.Entries) != 4 {
		t.Fatalf("%d entries", len(f.Entries))
	}
	if got := f.Entries[0].Title; got != "Hessen: Portal eröffnet" {
		t.Errorf("title %q", got)
	}
	if got := f.Entries[0].Summary; got != "Text klick Ende" {
		t.Errorf("summary %q", got)
	}
	for _, en := range f.Entries {
		for _, l := range en.Links {
			if l.Rel == "alternate" {
				t.Errorf("entry %q has an alternate link %q from an unsafe URL", en.Title, l.Href)
			}
		}
	}
}

// jsonStrings concatenates every string in a JSON document (decoding
// \u003c and friends).
func jsonStrings(t *testing.T, body string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case []any:
			for _, y := range x {
				walk(y)
			}
		case map[string]any:
			for k, y := range x {
				b.WriteString(k + "\n")
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}

// TestNonXMLCharactersKeepFeedsWellFormed stores text with characters XML
// does not allow (U+FFFE, U+FFFF, bytes that are no UTF-8), as a source
// that bypassed the normalizer might: every XML output must still parse,
// since one such item would otherwise break the whole feed for everyone.
func TestNonXMLCharactersKeepFeedsWellFormed(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	e.saveFetch(storage.Fetch{FeedTitle: "Quelle \uFFFF mit \xff Titel"}, "eGovernment Computing",
		storage.NewItem{
			GUID:      "bad-chars",
			Title:     "Portal \uFFFE eröffnet \xff\xfe",
			Teaser:    "Text mit \uFFFF und \uFFFE Ende \xc3",
			Link:      "https://example.org/a",
			Lands:     []storage.LandTag{{Land: "DE-HE", Rule: "source"}},
			Published: at(0),
		})
	for _, p := range []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/land/he.atom", "/feeds/land/he.rss", "/feeds.opml", "/sources.opml"} {
		body := e.get(p).body
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s is not well-formed XML: %v", p, err)
				break
			}
		}
		if !utf8.Valid(body) || bytes.Contains(body, []byte("\uFFFF")) || bytes.Contains(body, []byte("\uFFFE")) {
			t.Errorf("%s carries invalid UTF-8 or a non-character", p)
		}
	}
	for _, p := range []string{"/feeds/all.json", "/feeds/all.txt", "/"} {
		body := e.get(p).body
		if !utf8.Valid(body) || bytes.Contains(body, []byte("\uFFFF")) || bytes.Contains(body, []byte("\uFFFE")) {
			t.Errorf("%s carries invalid UTF-8 or a non-character", p)
		}
	}
	validateAtom(t, map[string][]byte{"all.atom": e.get("/feeds/all.atom").body})
}
