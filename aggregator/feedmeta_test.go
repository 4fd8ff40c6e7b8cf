package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/feeds"
)

// TestFeedTitleAndLinkBounded: a source's channel title and link are
// repeated in every republished entry of it (atom:source, RSS <source>),
// so a source sending a huge one must not make each page carry it 50
// times over (a 600 KB title made all.atom 35 MB for 50 short items).
func TestFeedTitleAndLinkBounded(t *testing.T) {
	hugeTitle := strings.Repeat("Titel ", 100000)
	hugeLink := "https://x.example/" + strings.Repeat("a", 100000)
	tests := []struct {
		name, title, link string
		wantTitle         string // "" : only checked for its length
		wantLink          string
	}{
		{"ordinary", "Stadt Kassel", "https://www.kassel.example/", "Stadt Kassel", "https://www.kassel.example/"},
		{"600 KB title", hugeTitle, "https://www.kassel.example/", "", "https://www.kassel.example/"},
		{"100 KB link", "Stadt Kassel", hugeLink, "Stadt Kassel", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var items strings.Builder
			for i := range 50 {
				fmt.Fprintf(&items, `<item><guid>g%d</guid><title>Meldung %d</title><link>https://x.example/%d</link></item>`, i, i, i)
			}
			body := `<?xml version="1.0"?><rss version="2.0"><channel><title>` + tc.title + `</title><link>` + tc.link +
				`</link>` + items.String() + `</channel></rss>`
			_, u := serveBytes(t, []byte(body), "")
			h := newHarness(t, func(c *config.Config) { c.Fetch.MaxBody = 4 << 20 }, src("S", u, "DE-HE"))
			if r := h.fetch(t)["S"]; r.Err != nil || r.New != 50 {
				t.Fatalf("fetch: %+v", r)
			}
			it := h.items(t)[0]
			if n := utf8.RuneCountInString(it.FeedTitle); n > 300 || tc.wantTitle != "" && it.FeedTitle != tc.wantTitle {
				t.Errorf("feed title of %d characters: %q", n, clip(it.FeedTitle))
			}
			if it.FeedLink != tc.wantLink {
				t.Errorf("feed link %q, want %q", clip(it.FeedLink), clip(tc.wantLink))
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pub, err := feeds.NewServer(ctx, h.cfg, h.store, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer pub.Close()
			for _, f := range []string{"atom", "rss", "json", "txt"} {
				rec := httptest.NewRecorder()
				pub.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feeds/all."+f, nil))
				if rec.Code != http.StatusOK || rec.Body.Len() > 100<<10 {
					t.Errorf("all.%s: status %d, %d bytes for 50 short entries", f, rec.Code, rec.Body.Len())
				}
			}
		})
	}
}
