package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

func TestHeadersAndContentTypes(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedGolden(e)
	for path, ctype := range map[string]string{
		"/feeds/all.atom":     "application/atom+xml; charset=utf-8",
		"/feeds/all.rss":      "application/rss+xml; charset=utf-8",
		"/feeds/all.json":     "application/feed+json; charset=utf-8",
		"/feeds/all.txt":      "text/plain; charset=utf-8",
		"/feeds/land/he.atom": "application/atom+xml; charset=utf-8",
		"/feeds/ozg.json":     "application/feed+json; charset=utf-8",
		"/":                   "text/html; charset=utf-8",
		"/land/bund":          "text/html; charset=utf-8",
		"/outputs/ozg":        "text/html; charset=utf-8",
		"/feeds.opml":         "text/x-opml; charset=utf-8",
		"/sources.opml":       "text/x-opml; charset=utf-8",
	} {
		r := e.get(path)
		if got := r.Header.Get("Content-Type"); got != ctype {
			t.Errorf("%s: Content-Type %q, want %q", path, got, ctype)
		}
		for _, h := range []string{"ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Length"} {
			if r.Header.Get(h) == "" {
				t.Errorf("%s: no %s header", path, h)
			}
		}
		if got := r.Header.Get("Cache-Control"); got != "public, max-age=300" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
		if got := r.Header.Get("Vary"); got != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", path, got)
		}
	}
}

func TestConditionalGET(t *testing.T) {
	// Without background renders: one rendering of another version in
	// the same (fake) second would make the date shared, as it should.
	e := newTestEnv(t, "", WithoutPrerender())
	seedGolden(e)
	first := e.get("/feeds/all.atom")
	etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
	}
	tests := []struct {
		name string
		hdr  []string
		want int
	}{
		{"If-None-Match", []string{"If-None-Match", etag}, 304},
		{"If-None-Match list", []string{"If-None-Match", `"x", ` + etag}, 304},
		{"If-None-Match weak", []string{"If-None-Match", "W/" + etag}, 304},
		{"If-None-Match star", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match other", []string{"If-None-Match", `"other"`}, 200},
		{"If-Modified-Since", []string{"If-Modified-Since", lm}, 304},
		{"If-Modified-Since later", []string{"If-Modified-Since", time.Now().UTC().Format(http.TimeFormat)}, 304},
		{"If-Modified-Since earlier", []string{"If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}, 200},
		{"If-None-Match wins over If-Modified-Since", []string{"If-None-Match", `"other"`, "If-Modified-Since", lm}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("GET", "/feeds/all.atom", tt.hdr...)
			if r.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", r.StatusCode, tt.want)
			}
			if tt.want == 304 {
				if len(r.body) != 0 {
					t.Errorf("304 with a body of %d bytes", len(r.body))
				}
				if r.Header.Get("ETag") != etag {
					t.Errorf("304 ETag %q, want %q", r.Header.Get("ETag"), etag)
				}
			}
		})
	}

	// A re-fetch that changes nothing keeps ETag and Last-Modified.
	e.clock.Add(time.Minute)
	seedGolden(e)
	if r := e.do("GET", "/feeds/all.atom", "If-None-Match", etag); r.StatusCode != 304 {
		t.Errorf("after an unchanged re-fetch: status %d, want 304", r.StatusCode)
	}
	if r := e.get("/feeds/all.atom"); r.Header.Get("Last-Modified") != lm {
		t.Errorf("after an unchanged re-fetch: Last-Modified %q, want %q", r.Header.Get("Last-Modified"), lm)
	}

	// A new item makes a new ETag and a later Last-Modified.
	e.clock.Add(time.Minute)
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "he-new", Title: "Neu", Teaser: "Neu.", Link: "https://www.hessen.de/neu", Published: e.clock.Now()})
	r := e.do("GET", "/feeds/all.atom", "If-None-Match", etag, "If-Modified-Since", lm)
	if r.StatusCode != 200 {
		t.Fatalf("after an ingest: status %d, want 200", r.StatusCode)
	}
	if r.Header.Get("ETag") == etag {
		t.Errorf("after an ingest: ETag unchanged")
	}
	newLM, _ := http.ParseTime(r.Header.Get("Last-Modified"))
	oldLM, _ := http.ParseTime(lm)
	if !newLM.After(oldLM) {
		t.Errorf("after an ingest: Last-Modified %v not after %v", newLM, oldLM)
	}
	if r := e.do("GET", "/feeds/all.atom", "If-Modified-Since", lm); r.StatusCode != 200 {
		t.Errorf("after an ingest, old If-Modified-Since: status %d, want 200", r.StatusCode)
	}
}

func TestHEAD(t *testing.T) {
	e := newTestEnv(t, "")
	seedGolden(e)
	for _, path := range []string{"/feeds/all.atom", "/feeds/land/he.rss", "/", "/feeds.opml"} {
		get := e.get(path)
		head := e.do("HEAD", path)
		if head.StatusCode != 200 || len(head.body) != 0 {
			t.Errorf("HEAD %s: status %d, %d body bytes", path, head.StatusCode, len(head.body))
		}
		if head.Header.Get("Content-Length") != fmt.Sprint(len(get.body)) || head.Header.Get("ETag") != get.Header.Get("ETag") {
			t.Errorf("HEAD %s: Content-Length %s, ETag %s; GET has %d bytes, ETag %s", path,
				head.Header.Get("Content-Length"), head.Header.Get("ETag"), len(get.body), get.Header.Get("ETag"))
		}
	}
	if r := e.do("POST", "/feeds/all.atom"); r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", r.StatusCode)
	}
}

func TestGzip(t *testing.T) {
	e := newTestEnv(t, "")
	seedGolden(e)
	plain := e.get("/feeds/all.atom")
	for _, ae := range []string{"gzip", "br, gzip;q=0.8", "*", "deflate, gzip, br", "GZIP", "Gzip;Q=1"} {
		r := e.get("/feeds/all.atom", "Accept-Encoding", ae)
		if r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", ae, r.Header.Get("Content-Encoding"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, plain.body) {
			t.Errorf("gzip body differs from the identity body")
		}
		if r.Header.Get("ETag") == plain.Header.Get("ETag") {
			t.Errorf("gzip and identity share the ETag %s", r.Header.Get("ETag"))
		}
		if r.Header.Get("Content-Length") != fmt.Sprint(len(r.body)) {
			t.Errorf("gzip Content-Length %s, body %d", r.Header.Get("Content-Length"), len(r.body))
		}
		// Either ETag validates either representation.
		if c := e.do("GET", "/feeds/all.atom", "Accept-Encoding", ae, "If-None-Match", plain.Header.Get("ETag")); c.StatusCode != 304 {
			t.Errorf("gzip request with identity ETag: %d", c.StatusCode)
		}
	}
	for _, ae := range []string{"", "identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0.0, *", "gzip;Q=0", "GZIP; q=0"} {
		r := e.get("/feeds/all.atom", "Accept-Encoding", ae)
		if r.Header.Get("Content-Encoding") != "" || !bytes.Equal(r.body, plain.body) {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, r.Header.Get("Content-Encoding"))
		}
	}
}

func TestNotFoundAndBadRequest(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	for _, path := range []string{
		"/feeds/land/xx.atom", "/feeds/land/de-he.atom", "/feeds/nope.atom", "/feeds/all.xml", "/feeds/all",
		"/feeds/land.atom", "/land/xx", "/outputs/nope", "/outputs/all", "/nothing", "/feeds/land/he.html",
	} {
		r := e.do("GET", path)
		if r.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", path, r.StatusCode)
		}
		if path != "/nothing" && (len(r.body) == 0 || len(r.body) > 100 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain")) {
			t.Errorf("%s: want a short text body, got %q (%s)", path, r.body, r.Header.Get("Content-Type"))
		}
	}
	for _, q := range []string{"limit=0", "limit=abc", "limit=1001", "limit=-5", "limit=1&limit=2", "since=gestern",
		"since=2025-13-01", "before=abc", "before=1-0", "before=-1-5", "before=12", "limit=%zz", "limit=5;since=x",
		"until=2025-02-14T12:00:00Z", "since=2025-02-14&until=morgen"} {
		r := e.do("GET", "/feeds/all.atom?"+q)
		if r.StatusCode != 400 || len(r.body) == 0 || len(r.body) > 200 {
			t.Errorf("?%s: status %d, body %q; want 400 with a short text", q, r.StatusCode, r.body)
		}
		if r := e.do("GET", "/land/he?"+q); r.StatusCode != 400 {
			t.Errorf("/land/he?%s: status %d, want 400", q, r.StatusCode)
		}
	}
	// Land codes are case-insensitive; unknown parameters are ignored.
	seedGolden(e)
	a, b := e.get("/feeds/land/he.atom"), e.get("/feeds/land/HE.Atom?utm_source=x")
	if !bytes.Equal(a.body, b.body) {
		t.Errorf("/feeds/land/HE.Atom differs from /feeds/land/he.atom")
	}
	if r := e.get("/land/BUND"); !bytes.Contains(r.body, []byte("Bund")) {
		t.Errorf("/land/BUND: %s", r.body)
	}
}

// TestRenderOnce checks that a document is rendered once per change of
// the data, however many requests come, and that the cache stays bounded.
func TestRenderOnce(t *testing.T) {
	e := newTestEnv(t, "", WithoutPrerender(), WithCacheLimits(8, 1<<20))
	seedGolden(e)
	renders := func() int64 { return e.srv.renders.Load() }

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.get("/feeds/all.atom")
		}()
	}
	wg.Wait()
	if n := renders(); n != 1 {
		t.Errorf("20 concurrent requests: %d renders, want 1", n)
	}
	for range 10 {
		e.get("/feeds/all.atom?utm_campaign=" + fmt.Sprint(time.Now().UnixNano()))
	}
	if n := renders(); n != 1 {
		t.Errorf("unknown parameters: %d renders, want 1", n)
	}
	e.srv.Invalidate()
	e.get("/feeds/all.atom")
	e.get("/feeds/all.atom")
	if n := renders(); n != 2 {
		t.Errorf("after Invalidate: %d renders, want 2", n)
	}
	for i := 1; i <= 30; i++ {
		e.get(fmt.Sprintf("/feeds/all.atom?limit=%d", i))
	}
	if n, _ := e.srv.cache.len(); n > 8 {
		t.Errorf("cache holds %d entries, bound is 8", n)
	}
	small := newTestEnv(t, "", WithoutPrerender(), WithCacheLimits(100, 4096))
	seedGolden(small)
	for i := 1; i <= 10; i++ {
		small.get(fmt.Sprintf("/feeds/all.json?limit=%d", i))
	}
	if n, b := small.srv.cache.len(); b > 4096 && n > 1 {
		t.Errorf("cache holds %d bytes in %d entries, bound is 4096", b, n)
	}
}

func TestPrerenderAfterInvalidate(t *testing.T) {
	e := newTestEnv(t, "")
	seedGolden(e)
	e.get("/feeds/land/he.atom") // a default view now in the cache
	before := e.srv.renders.Load()
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "he-2", Title: "Zweite", Teaser: "Text.", Link: "https://www.hessen.de/2", Published: at(-time.Hour),
		Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if ent := e.srv.cache.get("/feeds/land/he.atom"); ent != nil && ent.fresh(e.srv.gen.Load(), e.srv.now) {
			if !bytes.Contains(ent.body, []byte("Zweite")) {
				t.Fatalf("prerendered entry lacks the new item")
			}
			if e.srv.renders.Load() <= before {
				t.Fatalf("no render counted")
			}
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("/feeds/land/he.atom was not re-rendered in the background after Invalidate")
}

// Changes within one second: Last-Modified never lies ahead of the
// response's own time (RFC 9110, 8.8.2.1), and a client holding an earlier
// version of that second is not told it is current.
func TestLastModifiedWithinOneSecond(t *testing.T) {
	e := newTestEnv(t, "", WithoutPrerender())
	seedGolden(e)
	first := e.get("/feeds/all.atom")
	lm := first.Header.Get("Last-Modified")
	for i := range 3 {
		e.clock.Add(100 * time.Millisecond)
		e.save("Hessen – Meldungen", storage.NewItem{GUID: fmt.Sprint("he-sec-", i), Title: fmt.Sprint("Neu ", i), Teaser: "Neu.",
			Link: fmt.Sprint("https://www.hessen.de/sec/", i), Published: e.clock.Now()})
		r := e.get("/feeds/all.atom")
		got, _ := http.ParseTime(r.Header.Get("Last-Modified"))
		if got.After(e.clock.Now()) {
			t.Errorf("change %d: Last-Modified %v after the clock %v", i, got, e.clock.Now())
		}
		if r := e.do("GET", "/feeds/all.atom", "If-Modified-Since", lm); r.StatusCode != 200 {
			t.Errorf("change %d: If-Modified-Since of the first version: status %d, want 200", i, r.StatusCode)
		}
	}
	// The next rendering in a later second gives the version a date of its
	// own, for which 304s work again.
	e.clock.Add(2 * time.Second)
	seedGolden(e)
	cur := e.get("/feeds/all.atom")
	e.clock.Add(2 * time.Second)
	if r := e.do("GET", "/feeds/all.atom", "If-Modified-Since", cur.Header.Get("Last-Modified")); r.StatusCode != 304 {
		t.Errorf("If-Modified-Since of the current version, dated after a quiet second: status %d, want 304", r.StatusCode)
	}
}

// TestHealthz: /healthz is 200 "ok" while the database can serve and
// store, and 503 with the reason once its file is deleted under the
// running server (every later item would be lost at the next restart).
func TestHealthz(t *testing.T) {
	e := newTestEnv(t, "")
	r := e.get("/healthz")
	if string(r.body) != "ok\n" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("healthy: %q, Cache-Control %q", r.body, r.Header.Get("Cache-Control"))
	}
	if err := os.Remove(e.cfg.Database); err != nil {
		t.Fatal(err)
	}
	r = e.do("GET", "/healthz")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "deleted or replaced") {
		t.Errorf("after the database was deleted: %s %q, want 503 naming it", r.Status, r.body)
	}
}

// TestHealthzFresh: /healthz?fresh=D is 503 when no source has been
// fetched successfully (200 or 304) for longer than D: stale feeds behind
// a network that stopped working; plain /healthz stays 200 for the load
// balancer.
func TestHealthzFresh(t *testing.T) {
	e := newTestEnv(t, "")
	const src = "Stadt München"
	steps := []struct {
		name  string
		then  func()
		path  string
		code  int
		reply string
	}{
		{"never fetched", func() {}, "/healthz?fresh=2h", 503, "no source fetched successfully yet"},
		{"never fetched, no fresh", func() {}, "/healthz", 200, "ok"},
		{"fetched", func() { e.save(src) }, "/healthz?fresh=2h", 200, "ok"},
		{"three hours later", func() { e.clock.Add(3 * time.Hour) }, "/healthz?fresh=2h", 503, "for 3h0m0s (last at 2025-"},
		{"a longer limit", func() {}, "/healthz?fresh=4h", 200, "ok"},
		{"no fresh", func() {}, "/healthz", 200, "ok"},
		{"a failed fetch counts for nothing", func() {
			e.saveFetch(storage.Fetch{Err: "HTTP 503"}, src)
		}, "/healthz?fresh=2h", 503, "for 3h0m0s"},
		{"a 304 is a success", func() {
			e.saveFetch(storage.Fetch{NotModified: true}, src)
		}, "/healthz?fresh=2h", 200, "ok"},
		{"a removed source's success counts for nothing", func() {
			e.clock.Add(3 * time.Hour)
			e.save("eGovernment Computing")
			if _, err := e.store.RemoveUnconfigured(context.Background(), []int64{e.ids[src]}, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, "/healthz?fresh=2h", 503, "for 3h0m0s"},
		{"no unit", func() {}, "/healthz?fresh=2", 400, "at least 1m"},
		{"too short", func() {}, "/healthz?fresh=10s", 400, "at least 1m"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			s.then()
			r := e.do("GET", s.path)
			if r.StatusCode != s.code || !strings.Contains(string(r.body), s.reply) {
				t.Errorf("GET %s: %d %q, want %d with %q", s.path, r.StatusCode, r.body, s.code, s.reply)
			}
		})
	}
}
