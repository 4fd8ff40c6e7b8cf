package aggregator

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/egovfeed/egovfeed/aggregator/dedup"
	"github.com/egovfeed/egovfeed/aggregator/fetch"
	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/config"
	"golang.org/x/text/unicode/norm"
)

// FuzzFeedItems runs a hostile body through everything between the HTTP
// response and storage (charset, nesting guard, gofeed, normalizing,
// tagging, fingerprint) and checks what storage would get: no panic, and
// every item within the limits the rest of the system relies on.
func FuzzFeedItems(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://a.example/</link><item><title>Kassel: Neues Portal</title><link>/n/1?utm_source=x#top</link><guid>1</guid><pubDate>Mon, 13 Jan 2025 10:30:00 +0100</pubDate><description>&lt;p&gt;Text &amp;amp; mehr&lt;/p&gt;</description></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title type="html">&lt;b&gt;Hessen&lt;/b&gt;</title><id>urn:x</id><updated>2025-01-13T10:30:00</updated><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Wiesbaden</p></div></summary><link href="http://A.example:80/x"/></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","content_html":"<script>x</script>Bonn","date_published":"Montag, 13. Januar 2025 - 10:30"}]}`,
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><title>Gr\xfc\xdfe aus F\xfc\xdfen</title></item></channel></rss>",
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://a.example/1"><title>` + strings.Repeat("Wort ", 200) + `</title></item></rdf:RDF>`,
	} {
		f.Add([]byte(s), "")
	}
	f.Add([]byte("<rss><channel><item><title>Gr\xfc\xdfe</title></item></channel></rss>"), "text/xml; charset=windows-1252")
	// Some files of the shared corpus, when it is there (it is in CI).
	if dir := filepath.Join("..", "..", "shared", "corpus"); dirExists(dir) {
		n := 0
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || n >= 150 {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Size() <= 16<<10 {
				if b, err := os.ReadFile(path); err == nil {
					f.Add(b, "")
					n++
				}
			}
			return nil
		})
	}
	tag, err := NewTagFunc(nil)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2025, 2, 11, 12, 0, 0, 0, time.UTC)
	a := &Aggregator{tag: tag, now: func() time.Time { return now }}
	src := &source{cfg: config.Source{Name: "Quelle", URL: "https://quelle.example/feed.xml"}}

	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		resp := &fetch.Response{StatusCode: 200, Body: body, ContentType: contentType, URL: src.cfg.URL}
		items, title, link, err := a.parse(src, resp, now)
		if err != nil {
			return
		}
		text(t, "feed title", title, 0)
		if link != "" {
			absolute(t, "feed link", link)
		}
		guids := map[string]bool{}
		for _, it := range items {
			if it.GUID == "" || guids[it.GUID] || len(it.GUID) > guidMax || !utf8.ValidString(it.GUID) {
				t.Fatalf("GUID %q: empty, repeated, too long or not UTF-8", it.GUID)
			}
			guids[it.GUID] = true
			text(t, "title", it.Title, titleMax)
			text(t, "teaser", it.Teaser, normalize.TeaserMax)
			if it.Link != "" {
				absolute(t, "link", it.Link)
				if strings.Contains(it.Link, "#") || strings.Contains(it.Link, "utm_") {
					t.Fatalf("link %q keeps a fragment or tracking parameter", it.Link)
				}
			}
			if it.OrigLink != "" {
				absolute(t, "original link", it.OrigLink)
			}
			if len(it.Link) > linkMax || len(it.OrigLink) > linkMax {
				t.Fatalf("link of %d/%d bytes", len(it.Link), len(it.OrigLink))
			}
			if it.Published.IsZero() == it.DateFromSource {
				t.Fatalf("date %v, from source %v", it.Published, it.DateFromSource)
			}
			if !it.Published.IsZero() && (!normalize.PlausibleDate(it.Published, now) || it.Published.Location() != time.UTC) {
				t.Fatalf("date %v kept", it.Published)
			}
			var fp dedup.Fingerprint
			if err := fp.UnmarshalBinary(it.Fingerprint); err != nil {
				t.Fatalf("fingerprint does not decode: %v", err)
			}
		}
	})
}

func dirExists(dir string) bool {
	info, err := os.Stat(dir)
	return err == nil && info.IsDir()
}

// text checks a stored plain-text value: valid UTF-8, NFC, one line
// without control, bidi or zero-width characters, at most max runes (0:
// no limit).
func text(t *testing.T, what, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || !norm.NFC.IsNormalString(s) {
		t.Fatalf("%s %q: not valid UTF-8 in NFC", what, s)
	}
	if max > 0 && utf8.RuneCountInString(s) > max {
		t.Fatalf("%s of %d characters", what, utf8.RuneCountInString(s))
	}
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		t.Fatalf("%s %q: whitespace not collapsed", what, s)
	}
	for _, r := range s {
		if r != ' ' && (unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) && r != '\u200D') {
			t.Fatalf("%s %q: has %U", what, s, r)
		}
	}
}

// absolute checks that s is an absolute http(s) URL.
func absolute(t *testing.T, what, s string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Fatalf("%s %q: not an absolute http(s) URL", what, s)
	}
}
