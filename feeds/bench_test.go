package feeds

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so the
// benchmarks measure the handler, not a recorder.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }

// BenchmarkServe measures a cached document's serving path in process
// (the loopback figures are in docs/performance.md, from
// feeds/internal/servebench).
func BenchmarkServe(b *testing.B) {
	e := newTestEnv(b, "", WithoutPrerender())
	seedMany(e, 200)
	etag := e.get("/feeds/all.atom").Header.Get("ETag")
	for _, bc := range []struct {
		name, path string
		hdr        http.Header
		want       int
	}{
		{"200", "/feeds/all.atom", http.Header{}, 200},
		{"200-gzip", "/feeds/all.atom", http.Header{"Accept-Encoding": {"gzip, deflate, br"}}, 200},
		{"304", "/feeds/all.atom", http.Header{"If-None-Match": {etag}}, 304},
		{"200-query", "/feeds/land/he.atom?limit=20", http.Header{}, 200},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", bc.path, nil)
			req.Header = bc.hdr
			w := &discardWriter{h: http.Header{}}
			e.srv.ServeHTTP(w, req)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				clear(w.h)
				e.srv.ServeHTTP(w, req)
				if w.code != bc.want {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

// BenchmarkRender measures one rendering of a 50-item page per format
// (what an invalidation costs per cached document).
func BenchmarkRender(b *testing.B) {
	e := newTestEnv(b, "", WithoutPrerender())
	seedMany(e, 200)
	for _, path := range []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				e.srv.Invalidate()
				clear(w.h)
				e.srv.ServeHTTP(w, req)
				if w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}
