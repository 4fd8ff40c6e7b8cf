package aggregator_test

// Hostile servers and hostile feeds (issue 6): each case runs a loopback
// server that misbehaves next to one that serves a good feed, through the
// whole pipeline into SQLite. What must hold: time and memory stay
// bounded, the hostile source is marked failed or its items are cleaned,
// the good source is unaffected, and nothing harmful is stored. The
// outcomes and bounds are in docs/reliability.md.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/aggregator/fetch"
	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// goodFeed is served beside every hostile source; its two items must be
// stored whatever the other server does.
const goodFeed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Gute Quelle</title><link>https://gut.example/</link>
<item><title>Kassel: Neues Bürgerportal</title><link>https://gut.example/1</link><guid>gut-1</guid>
<pubDate>Mon, 10 Feb 2025 09:00:00 +0100</pubDate><description>Das Portal ist online.</description></item>
<item><title>Fulda: Digitale Akte</title><link>https://gut.example/2</link><guid>gut-2</guid>
<pubDate>Mon, 10 Feb 2025 10:00:00 +0100</pubDate><description>Die Akte ist digital.</description></item>
</channel></rss>`

// rssItems wraps item elements in an RSS 2.0 document.
func rssItems(items string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feindlich</title>` +
		`<link>https://feind.example/</link>` + items + `</channel></rss>`)
}

// usage is what one case cost: wall time, bytes allocated, and the
// largest live heap seen while it ran (sampled every 2 ms).
type usage struct {
	took      time.Duration
	allocated uint64
	peakHeap  uint64
}

func (u usage) String() string {
	return fmt.Sprintf("%s, %.1f MiB allocated, peak heap %.1f MiB", u.took.Round(time.Millisecond),
		float64(u.allocated)/(1<<20), float64(u.peakHeap)/(1<<20))
}

func measure(fn func()) usage {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	fn()
	took := time.Since(start)
	close(stop)
	<-done
	runtime.ReadMemStats(&after)
	return usage{took: took, allocated: after.TotalAlloc - before.TotalAlloc, peakHeap: peak.Load()}
}

// raceFactor widens time bounds under the race detector, which slows
// parsing several times.
func raceFactor() time.Duration {
	if raceEnabled() {
		return 5
	}
	return 1
}

// raceEnabled reports a test binary built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}

// hostileCase is one misbehaving server or feed.
type hostileCase struct {
	name    string
	serve   http.HandlerFunc
	edit    func(*config.Config) // limits beyond the defaults below
	minTook time.Duration        // cases cut by fetch.timeout
	maxTook time.Duration        // before raceFactor
	maxHeap uint64               // peak live heap
	// check judges the hostile source's result and what it stored.
	check func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item)
}

// Limits of the hostile harness unless a case changes them.
const (
	hostileTimeout = 2 * time.Second
	hostileMaxBody = 1 << 20
)

func wantErr(target error) func(*testing.T, *harness, aggregator.Result, []storage.Item) {
	return func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
		t.Helper()
		if !errors.Is(r.Err, target) {
			t.Errorf("error = %v, want %v", r.Err, target)
		}
		if len(items) > 0 {
			t.Errorf("stored %d items from a failed fetch", len(items))
		}
	}
}

func wantTimeout(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
	t.Helper()
	if r.Err == nil || !strings.Contains(r.Err.Error(), "Timeout") && !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want a timeout", r.Err)
	}
	if len(items) > 0 {
		t.Errorf("stored %d items from a timed-out fetch", len(items))
	}
}

func retryAfter(v string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", v)
		w.WriteHeader(http.StatusTooManyRequests)
	}
}

// wantLongestBackoff: a server asking to wait longer than anything the
// aggregator waits gets fetch.max_backoff.
func wantLongestBackoff(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
	t.Helper()
	st, err := h.store.SourceByID(context.Background(), r.SourceID)
	if err != nil {
		t.Fatal(err)
	}
	if want := h.now.Add(time.Duration(h.cfg.Fetch.MaxBackoff)); !st.RetryAfter.Equal(want) {
		t.Errorf("retry after %v, want the longest backoff (%v): %v", st.RetryAfter, want, r.Err)
	}
}

// gzipBomb is a gzip stream of n MiB of zeros made of n concatenated
// members of 1 MiB each (gzip readers read multi-member streams on), so
// it costs about 1 KiB per MiB on the wire.
func gzipBomb(n int) []byte {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), n)
}

func TestHostileServers(t *testing.T) {
	bomb := gzipBomb(64)
	secret := "egovfeed-xxe-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	secretFile := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	var entityFetches atomic.Int64
	entitySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entityFetches.Add(1)
		w.Write([]byte(secret))
	}))
	t.Cleanup(entitySrv.Close)

	// 50,000 items; 5,000 under the race detector, which makes parsing
	// and SQLite ten times slower (the 50,000 figure is measured without).
	many := 50000
	if raceEnabled() {
		many = 5000
	}
	var big strings.Builder
	big.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Viel</title><link>https://viel.example/</link>`)
	for i := range many {
		fmt.Fprintf(&big, "<item><guid>v-%d</guid><title>Meldung %d</title><link>https://viel.example/m/%d</link></item>\n", i, i, i)
	}
	big.WriteString(`</channel></rss>`)
	bigFeed := []byte(big.String())

	var dupes strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&dupes, "<item><guid>immer-dieselbe</guid><title>Kopie %d</title></item>", i)
	}
	dupFeed := rssItems(dupes.String())

	mib := strings.Repeat("Ä", 1<<19) // 1 MiB of UTF-8
	hugeFeed := rssItems(`<item><guid>riesig</guid><title>` + mib + `</title><description>` + mib + `</description></item>`)

	const depth = 50000
	deepFeed := rssItems(`<item xmlns:x="urn:x"><guid>tief</guid><title>Tief</title>` +
		strings.Repeat("<x:a>", depth) + strings.Repeat("</x:a>", depth) + `</item>`)

	tests := []hostileCase{
		{
			name: "gzip bomb",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb) // 64 MiB of zeros in 64 KiB
			},
			maxTook: 2 * time.Second, maxHeap: 64 << 20,
			check: wantErr(fetch.ErrBodyTooLarge),
		},
		{
			name: "endless body",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Endlos</title>`))
				chunk := bytes.Repeat([]byte("<item><title>immer weiter</title></item>\n"), 1000)
				for {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			maxTook: 2 * time.Second, maxHeap: 64 << 20,
			check: wantErr(fetch.ErrBodyTooLarge),
		},
		{
			name: "slowloris body (1 byte/s)",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				w.WriteHeader(http.StatusOK)
				body := rssItems("<item><title>langsam</title></item>")
				for _, c := range body {
					w.Write([]byte{c})
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(time.Second):
					}
				}
			},
			minTook: hostileTimeout - 100*time.Millisecond, maxTook: hostileTimeout + time.Second, maxHeap: 32 << 20,
			check: wantTimeout,
		},
		{
			name: "slow headers",
			serve: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
			},
			minTook: hostileTimeout - 100*time.Millisecond, maxTook: hostileTimeout + time.Second, maxHeap: 32 << 20,
			check: wantTimeout,
		},
		{
			name: "redirect loop",
			serve: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path+"?r="+strconv.Itoa(len(r.URL.RawQuery)), http.StatusFound)
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: wantErr(fetch.ErrTooManyRedirects),
		},
		{
			name: "oversized response headers",
			serve: func(w http.ResponseWriter, r *http.Request) {
				for i := range 200 {
					w.Header().Set(fmt.Sprintf("X-Fuell-%d", i), strings.Repeat("x", 1000))
				}
				w.Write([]byte(goodFeed))
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err == nil || !strings.Contains(r.Err.Error(), "header") {
					t.Errorf("error = %v, want the response header limit", r.Err)
				}
			},
		},
		{
			name: "truncated body",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100000")
				w.Write([]byte(goodFeed[:200]))
				// The handler returns with the body short of its length:
				// the server closes the connection.
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err == nil || !strings.Contains(r.Err.Error(), "EOF") {
					t.Errorf("error = %v, want an unexpected EOF", r.Err)
				}
			},
		},
		{
			name: "corrupt gzip",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write([]byte(goodFeed))
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err == nil || !strings.Contains(r.Err.Error(), "gzip") {
					t.Errorf("error = %v, want a gzip error", r.Err)
				}
			},
		},
		{
			name: "500 with an endless body",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusInternalServerError)
				chunk := bytes.Repeat([]byte("Fehler "), 10000)
				for {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				var he *fetch.HTTPError
				if !errors.As(r.Err, &he) || he.StatusCode != 500 {
					t.Errorf("error = %v, want HTTP 500", r.Err)
				}
			},
		},
		{
			name: "redirect to file://",
			serve: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err == nil || !strings.Contains(r.Err.Error(), "unsupported protocol scheme") {
					t.Errorf("error = %v, want the file: redirect refused", r.Err)
				}
			},
		},
		{
			name:    "429 with Retry-After past int64 nanoseconds",
			serve:   retryAfter("18446744074"), // 584 billion years
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: wantLongestBackoff,
		},
		{
			name:    "429 with Retry-After past int64",
			serve:   retryAfter("99999999999999999999"),
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: wantLongestBackoff,
		},
		{
			name: "HTML page instead of a feed",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Write([]byte(`<!DOCTYPE html><html><head><title>404</title></head><body><h1>Seite nicht gefunden</h1></body></html>`))
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: wantErr(aggregator.ErrNotAFeed),
		},
		{
			name: "empty body",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: wantErr(aggregator.ErrNotAFeed),
		},
		{
			name: "JSON that is not a JSON Feed",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"error": "Not Found", "status": 404}`))
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if !errors.Is(r.Err, aggregator.ErrNotAFeed) {
					t.Errorf("a JSON body that is not a JSON Feed was accepted: err = %v", r.Err)
				}
			},
		},
		{
			name:    "50,000 items (5,000 with -race)",
			serve:   func(w http.ResponseWriter, r *http.Request) { w.Write(bigFeed) },
			edit:    func(c *config.Config) { c.Fetch.MaxBody = 16 << 20 },
			maxTook: 20 * time.Second, maxHeap: 512 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if n := storedCount(t, h.store, "hostile"); r.Err != nil || r.New != many || n != many {
					t.Errorf("result %+v, %d stored; want all %d items", r, n, many)
				}
			},
		},
		{
			name:    "10,000 items with one GUID",
			serve:   func(w http.ResponseWriter, r *http.Request) { w.Write(dupFeed) },
			maxTook: 5 * time.Second, maxHeap: 128 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err != nil || len(items) != 1 || items[0].Title != "Kopie 0" {
					t.Errorf("result %+v, %d stored; want one item, the first", r, len(items))
				}
				again := h.fetch(t)["hostile"]
				if again.New != 0 || again.Updated != 0 {
					t.Errorf("re-fetch stored %d new, %d updated; want nothing", again.New, again.Updated)
				}
			},
		},
		{
			name:    "1 MiB title and description",
			serve:   func(w http.ResponseWriter, r *http.Request) { w.Write(hugeFeed) },
			edit:    func(c *config.Config) { c.Fetch.MaxBody = 4 << 20 },
			maxTook: 5 * time.Second, maxHeap: 128 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err != nil || len(items) != 1 {
					t.Fatalf("result %+v, %d stored; want the item", r, len(items))
				}
				if n := utf8.RuneCountInString(items[0].Teaser); n > normalize.TeaserMax {
					t.Errorf("teaser of %d characters", n)
				}
				if n := utf8.RuneCountInString(items[0].Title); n > 1000 {
					t.Errorf("title stored with %d characters (%d bytes), want a bounded title", n, len(items[0].Title))
				}
			},
		},
		{
			name:    "deeply nested elements",
			serve:   func(w http.ResponseWriter, r *http.Request) { w.Write(deepFeed) },
			maxTook: 10 * time.Second, maxHeap: 512 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				// Checked by the bound below: see boundedDepth.
			},
		},
		{
			name: "HTML nested 300,000 deep in a description",
			serve: func(w http.ResponseWriter, r *http.Request) {
				w.Write(rssItems(`<item><guid>h</guid><title>Verschachtelt</title><description>` +
					strings.Repeat("&lt;p&gt;&lt;b&gt;&lt;i&gt;", 100000) + `Text</description></item>`))
			},
			edit:    func(c *config.Config) { c.Fetch.MaxBody = 4 << 20 },
			maxTook: 5 * time.Second, maxHeap: 256 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				if r.Err != nil || len(items) != 1 || items[0].Teaser != "Text" {
					t.Errorf("result %+v, %d stored; want the item with its text", r, len(items))
				}
			},
		},
		{
			name: "billion laughs",
			serve: func(w http.ResponseWriter, r *http.Request) {
				var b strings.Builder
				b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">`)
				prev := "lol"
				for i := 1; i <= 9; i++ {
					name := fmt.Sprintf("lol%d", i)
					fmt.Fprintf(&b, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
					prev = name
				}
				b.WriteString(`]><rss version="2.0"><channel><title>Lacher</title><item><guid>l</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`)
				w.Write([]byte(b.String()))
			},
			maxTook: 2 * time.Second, maxHeap: 64 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				for _, it := range items {
					if len(it.Title)+len(it.Teaser) > 1000 || strings.Contains(it.Title+it.Teaser, "lollol") {
						t.Errorf("entities were expanded: %d+%d bytes stored", len(it.Title), len(it.Teaser))
					}
				}
			},
		},
		{
			name: "external entities (XXE)",
			serve: func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY datei SYSTEM "file://%s"><!ENTITY passwd SYSTEM "file:///etc/passwd"><!ENTITY netz SYSTEM "%s/x">]>`+
					`<rss version="2.0"><channel><title>&datei;</title><item><guid>x</guid><title>A &datei; B &passwd; C &netz;</title>`+
					`<description>&datei; &passwd; &netz;</description><link>https://xxe.example/&datei;</link></item></channel></rss>`,
					secretFile, entitySrv.URL)
			},
			maxTook: 2 * time.Second, maxHeap: 32 << 20,
			check: func(t *testing.T, h *harness, r aggregator.Result, items []storage.Item) {
				for _, it := range items {
					all := it.Title + it.Teaser + it.Link + it.OrigLink + it.GUID + it.FeedTitle
					if strings.Contains(all, secret) || strings.Contains(all, "root:") {
						t.Errorf("an external entity was read into the item: %+v", it)
					}
				}
				if n := entityFetches.Load(); n > 0 {
					t.Errorf("the entity URL was fetched %d times", n)
				}
			},
		},
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(goodFeed)) })
			mux.HandleFunc("/hostile", tc.serve)
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			h := newHarness(t, func(c *config.Config) {
				c.Fetch.Timeout = config.Duration(hostileTimeout)
				c.Fetch.MaxBody = hostileMaxBody
				if tc.edit != nil {
					tc.edit(c)
				}
			}, src("good", srv.URL+"/good", "DE-HE"), src("hostile", srv.URL+"/hostile", ""))

			var res map[string]aggregator.Result
			u := measure(func() { res = h.fetch(t) })
			t.Logf("%s: %v; error: %v", tc.name, u, res["hostile"].Err)

			if g := res["good"]; g.Err != nil || g.New != 2 {
				t.Errorf("good source beside it: %+v", g)
			}
			if limit := tc.maxTook * raceFactor(); u.took > limit || u.took < tc.minTook {
				t.Errorf("took %s, want %s to %s", u.took, tc.minTook, limit)
			}
			if u.peakHeap > tc.maxHeap {
				t.Errorf("peak heap %d MiB, want at most %d MiB", u.peakHeap>>20, tc.maxHeap>>20)
			}
			var mine []storage.Item
			for _, it := range storedItems(t, h.store) {
				checkStoredItem(t, &it)
				if it.SourceName == "hostile" {
					mine = append(mine, it)
				}
			}
			r := res["hostile"]
			if r.Err != nil {
				st, err := h.store.SourceByID(context.Background(), r.SourceID)
				if err != nil {
					t.Fatal(err)
				}
				if st.ConsecutiveFailures != 1 || st.LastError == "" {
					t.Errorf("failed source not marked failed: %+v", st)
				}
			}
			if tc.name == "deeply nested elements" {
				boundedDepth(t, u, len(deepFeed))
			}
			if len(mine) > 0 && len(mine) < 5 {
				t.Logf("stored: title %q, teaser %q, link %q", clip(mine[0].Title), clip(mine[0].Teaser), mine[0].Link)
			}
			tc.check(t, h, r, mine)
		})
	}
}

// boundedDepth: a feed nested 50,000 elements deep (550 KB) must not cost
// more than 64 times its size in allocations. gofeed parses unknown
// extension elements recursively, so the cost grows with the depth (and
// the goroutine stack with it: ~1M levels fit in the default 10 MiB
// max_body and take 1.3 GB allocated, a 512 MB stack and ~17 s).
func boundedDepth(t *testing.T, u usage, size int) {
	t.Helper()
	if u.allocated > 64*uint64(size) {
		t.Errorf("a %d KB body nested %d deep cost %v (%.0f× its size): nesting must be bounded before parsing",
			size>>10, 50000, u, float64(u.allocated)/float64(size))
	}
}

// TestHostilePrivateAddresses: with allow_private_networks false, every
// loopback, private, link-local or unspecified target is refused when it
// is dialed, whether named directly, by a host name or via a redirect,
// and no request reaches it. (A public → private redirect is refused by
// the same dial-time check, which sees every IP actually dialed; a test
// cannot show it without a public address, and every server here is on
// loopback, so there is no good source beside these.)
func TestHostilePrivateAddresses(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(goodFeed))
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	redirect := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data/", http.StatusFound))
	t.Cleanup(redirect.Close)

	targets := map[string]string{
		"loopback":             srv.URL + "/",
		"localhost":            "http://localhost:" + port + "/",
		"IPv6 loopback":        "http://[::1]:" + port + "/",
		"IPv4-mapped loopback": "http://[::ffff:127.0.0.1]:" + port + "/",
		"unspecified":          "http://0.0.0.0:" + port + "/",
		"private 10/8":         "http://10.0.0.1/",
		"private 192.168/16":   "http://192.168.1.1/",
		"link-local metadata":  "http://169.254.169.254/latest/meta-data/",
		"carrier-grade NAT":    "http://100.64.0.1/",
		"redirect to metadata": redirect.URL + "/",
	}
	var sources []config.Source
	for name, u := range targets {
		sources = append(sources, src(name, u, ""))
	}
	h := newHarness(t, func(c *config.Config) {
		c.Fetch.AllowPrivateNetworks = false
		c.Fetch.Timeout = config.Duration(hostileTimeout)
	}, sources...)
	var res map[string]aggregator.Result
	u := measure(func() { res = h.fetch(t) })
	t.Logf("%d private targets refused in %v", len(targets), u)
	for name := range targets {
		if r := res[name]; !errors.Is(r.Err, fetch.ErrPrivateAddress) {
			t.Errorf("%s (%s): error = %v, want ErrPrivateAddress", name, targets[name], r.Err)
		}
	}
	if n := hits.Load(); n > 0 {
		t.Errorf("the loopback server got %d requests", n)
	}
	if n := len(h.items(t)); n > 0 {
		t.Errorf("stored %d items from refused addresses", n)
	}
}

// TestHostileTexts: feeds whose texts are hostile or broken; every case
// is a source of its own beside the good one, all fetched in one cycle.
func TestHostileTexts(t *testing.T) {
	const want = "Grüße aus Köln"
	const wide = "Grüße aus Köln – 5 € für Łódź 🙂" // beyond Latin-1, and beyond the BMP
	latin1 := func(s string) string {
		b, _ := charmap.ISO8859_1.NewEncoder().String(s)
		return b
	}
	utf16le := func(s string, bom bool) string {
		enc := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		if bom {
			enc = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		}
		b, _ := enc.NewEncoder().String(s)
		return b
	}
	utf32be := func(s string, bom bool) string {
		enc := utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)
		if bom {
			enc = utf32.UTF32(utf32.BigEndian, utf32.UseBOM)
		}
		b, _ := enc.NewEncoder().String(s)
		return b
	}
	doc := func(decl, title string) string {
		return decl + `<rss version="2.0"><channel><title>Text</title><item><guid>t</guid><title>` + title +
			`</title><description>Beschreibung</description></item></channel></rss>`
	}
	titleIs := func(want string) func(*testing.T, storage.Item) {
		return func(t *testing.T, it storage.Item) {
			t.Helper()
			if it.Title != want {
				t.Errorf("title = %q, want %q", it.Title, want)
			}
		}
	}

	tests := []struct {
		name        string
		body        string
		contentType string
		check       func(*testing.T, storage.Item)
	}{
		// Charsets.
		{"invalid UTF-8", doc(`<?xml version="1.0" encoding="utf-8"?>`, "Grüße \xff\xfe\xc3\x28aus\xed\xa0\x80 Köln"), "",
			func(t *testing.T, it storage.Item) {
				if !strings.Contains(it.Title, "Grüße") || !strings.Contains(it.Title, "Köln") {
					t.Errorf("title = %q, want the valid text kept", it.Title)
				}
			}},
		{"declares ISO-8859-1, is UTF-8", doc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, want), "", titleIs(want)},
		{"declares UTF-8, is Latin-1", latin1(doc(`<?xml version="1.0" encoding="UTF-8"?>`, want)), "", titleIs(want)},
		{"Latin-1, undeclared, with an accidental UTF-8 sequence", latin1(doc("", "Kinder «\u00a0doué\u00a0» à l'école")), "", titleIs("Kinder « doué » à l'école")},
		{"HTTP says ISO-8859-1, is UTF-8", doc(`<?xml version="1.0"?>`, want), "application/rss+xml; charset=ISO-8859-1", titleIs(want)},
		{"HTTP says UTF-8, is Latin-1", latin1(doc(`<?xml version="1.0"?>`, want)), "application/rss+xml; charset=utf-8", titleIs(want)},
		{"unknown charset label", doc(`<?xml version="1.0" encoding="x-klingonisch"?>`, want), "", titleIs(want)},
		{"declares UTF-16, is ASCII", doc(`<?xml version="1.0" encoding="UTF-16"?>`, "Gruesse aus Koeln"), "", titleIs("Gruesse aus Koeln")},
		{"declares UTF-16, is Latin-1", latin1(doc(`<?xml version="1.0" encoding="UTF-16"?>`, want)), "", titleIs(want)},
		{"UTF-16LE with BOM", utf16le(doc(`<?xml version="1.0" encoding="UTF-16"?>`, wide), true), "", titleIs(wide)},
		{"UTF-16LE without BOM", utf16le(doc(`<?xml version="1.0" encoding="UTF-16LE"?>`, wide), false), "", titleIs(wide)},
		{"UTF-32BE with BOM", utf32be(doc(`<?xml version="1.0" encoding="UTF-32"?>`, wide), true), "", titleIs(wide)},
		{"UTF-32BE without BOM", utf32be(doc(`<?xml version="1.0" encoding="UTF-32BE"?>`, wide), false), "", titleIs(wide)},
		{"UTF-16 without declaration", utf16le(doc("", wide), false), "", titleIs(wide)},
		{"HTTP says UTF-16, is UTF-8", doc(`<?xml version="1.0"?>`, wide), "application/rss+xml; charset=utf-16", titleIs(wide)},
		{"C1 controls (windows-1252 read as Latin-1)", doc(`<?xml version="1.0"?>`, "\u0084Grüße\u0093 aus K&#148;öln\u0085 Ende"), "", titleIs("„Grüße“ aus K”öln… Ende")},
		{"NUL and control bytes", doc(`<?xml version="1.0"?>`, "Grüße\x00 aus\x01\x1b[31m Köln\x7f"), "", titleIs("Grüße aus[31m Köln")},

		// Invisible characters.
		{"bidi overrides and zero-width", doc(`<?xml version="1.0"?>`,
			"\u202EGrüße\u202C \u2066aus\u2069 \u200BK\u200Cö\u200Eln\u200F\uFEFF\u061C\u00AD"), "", titleIs(want)},
		{"bidi in the teaser", `<rss version="2.0"><channel><title>T</title><item><guid>b</guid><title>B</title><description>` +
			"Ein \u202Etxt.exe\u202C Anhang\u200B.</description></item></channel></rss>", "",
			func(t *testing.T, it storage.Item) {
				if it.Teaser != "Ein txt.exe Anhang." {
					t.Errorf("teaser = %q", it.Teaser)
				}
			}},

		// Dates: implausible ones fall back to the first-seen time.
		{"dated 1970", `<rss version="2.0"><channel><title>T</title><item><guid>d</guid><title>Alt</title><pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate></item></channel></rss>`, "", firstSeen},
		{"dated 2999", `<rss version="2.0"><channel><title>T</title><item><guid>d</guid><title>Zukunft</title><pubDate>Tue, 01 Jan 2999 00:00:00 +0000</pubDate></item></channel></rss>`, "", firstSeen},
		{"dated year 1", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:d</id><title>Null</title><updated>0001-01-01T00:00:00Z</updated></entry></feed>`, "", firstSeen},
		{"31 February", `<rss version="2.0"><channel><title>T</title><item><guid>d</guid><title>Unmöglich</title><pubDate>Montag, 31. Februar 2025 - 10:30</pubDate></item></channel></rss>`, "", firstSeen},
		{"date garbage", `<rss version="2.0"><channel><title>T</title><item><guid>d</guid><title>Müll</title><pubDate>` + strings.Repeat("9", 5000) + `</pubDate></item></channel></rss>`, "", firstSeen},

		// Active content: teasers are plain text, links http(s) only.
		{"script, iframe, onerror", `<rss version="2.0"><channel><title>T</title><item><guid>s</guid>` +
			`<title>&lt;script&gt;alert(1)&lt;/script&gt;Sicher &lt;img src=x onerror=alert(2)&gt;</title><description><![CDATA[` +
			`<script>alert(3)</script><iframe src="javascript:alert(4)">Rahmen</iframe><p onmouseover="alert(5)">Text ` +
			`<img src="x" onerror="alert(6)"><a href="javascript:alert(7)">klick</a> <style>body{}</style>` +
			`<svg onload="alert(8)"><script>alert(9)</script></svg><object data="data:text/html,x"></object>Ende.</p>]]></description>` +
			`<link>javascript:alert(10)</link></item></channel></rss>`, "",
			func(t *testing.T, it storage.Item) {
				if it.Title != "Sicher" || it.Teaser != "Text klick Ende." {
					t.Errorf("title %q, teaser %q; want only the text", it.Title, it.Teaser)
				}
				if it.Link != "" || it.OrigLink != "" {
					t.Errorf("javascript: link kept: %q / %q", it.Link, it.OrigLink)
				}
			}},
		{"javascript: and data: links", `<rss version="2.0"><channel><title>T</title><link>javascript:alert(0)</link>` +
			`<item><guid>1</guid><title>A</title><link>JaVaScRiPt:alert(1)</link></item>` +
			`<item><guid>2</guid><title>B</title><link> javascript:alert(2)</link></item>` +
			`<item><guid>3</guid><title>C</title><link>java&#x09;script:alert(3)</link></item>` +
			`<item><guid>4</guid><title>D</title><link>data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==</link></item>` +
			`<item><guid>5</guid><title>E</title><link>vbscript:msgbox(5)</link></item>` +
			`<item><guid>6</guid><title>F</title><link>file:///etc/passwd</link></item>` +
			`<item><guid>7</guid><title>G</title><link>&#106;avascript:alert(7)</link></item>` +
			`</channel></rss>`, "",
			func(t *testing.T, it storage.Item) {
				if it.Link != "" || it.OrigLink != "" {
					t.Errorf("item %s: link kept: %q / %q", it.GUID, it.Link, it.OrigLink)
				}
				if it.FeedLink != "" {
					t.Errorf("feed link kept: %q", it.FeedLink)
				}
			}},
		{"xml:base javascript:", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//"><title>T</title>` +
			`<link href="x"/><entry xml:base="data:text/html,"><id>urn:b</id><title>Basis</title><link href="y"/></entry></feed>`, "",
			func(t *testing.T, it storage.Item) {
				if it.Link != "" || it.OrigLink != "" {
					t.Errorf("item %s: link kept: %q / %q", it.GUID, it.Link, it.OrigLink)
				}
				if it.FeedLink != "" {
					t.Errorf("feed link kept: %q", it.FeedLink)
				}
			}},
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/good", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(goodFeed)) })
	sources := []config.Source{src("good", "", "")}
	for i, tc := range tests {
		mux.HandleFunc("/"+strconv.Itoa(i), func(w http.ResponseWriter, r *http.Request) {
			if tc.contentType != "" {
				w.Header().Set("Content-Type", tc.contentType)
			}
			w.Write([]byte(tc.body))
		})
		sources = append(sources, src(tc.name, "/"+strconv.Itoa(i), ""))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	sources[0].URL = srv.URL + "/good"
	for i := 1; i < len(sources); i++ {
		sources[i].URL = srv.URL + sources[i].URL
	}
	h := newHarness(t, nil, sources...)
	res := h.fetch(t)
	if g := res["good"]; g.Err != nil || g.New != 2 {
		t.Errorf("good source beside them: %+v", g)
	}
	bySource := map[string][]storage.Item{}
	for _, it := range h.items(t) {
		bySource[it.SourceName] = append(bySource[it.SourceName], it)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := res[tc.name]; r.Err != nil {
				t.Fatalf("fetch failed: %v", r.Err)
			}
			items := bySource[tc.name]
			if len(items) == 0 {
				t.Fatal("nothing stored")
			}
			for _, it := range items {
				checkStoredItem(t, &it)
				tc.check(t, it)
			}
		})
	}
	h.now = h.now.Add(time.Hour)
	for name, r := range h.fetch(t) {
		if r.New != 0 || r.Updated != 0 {
			t.Errorf("%s: re-fetch stored %d new, %d updated; want nothing", name, r.New, r.Updated)
		}
	}
	// What was stored republishes as valid Atom.
	validateServedAtom(t, h.cfg, h.store, 1)
}

// storedItems returns up to 20,000 stored items, duplicates included
// (storage.Items puts every result's id in one IN list: see
// storage/storage_test.go).
func storedItems(t *testing.T, store *storage.Store) []storage.Item {
	t.Helper()
	items, err := store.Items(context.Background(), storage.Query{WithDuplicates: true, Limit: 20000})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// storedCount is the number of items a source has stored.
func storedCount(t *testing.T, store *storage.Store, name string) int {
	t.Helper()
	srcs, err := store.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.Name == name {
			return s.Items
		}
	}
	t.Fatalf("no source %q", name)
	return 0
}

// firstSeen checks an item whose feed date was not plausible.
func firstSeen(t *testing.T, it storage.Item) {
	t.Helper()
	if it.DateFromSource || !it.Published.Equal(it.FirstSeen) {
		t.Errorf("published %v (from source: %v), want the first-seen time %v", it.Published, it.DateFromSource, it.FirstSeen)
	}
}

// TestHostileDeepNestingCrash serves a 10 MiB feed (within the default
// fetch.max_body) of unclosed nested extension elements through the
// whole pipeline in a child process, and checks the child survives.
// gofeed parses extension elements recursively: 2 million levels take
// the goroutine stack past Go's 1 GB limit, a fatal error no recover()
// catches, so one hostile source would kill egovfeed. The child needs
// 2 GB of memory (6 s), so it runs only with EGOVFEED_HEAVY=1.
func TestHostileDeepNestingCrash(t *testing.T) {
	if os.Getenv("EGOVFEED_DEEP_CHILD") == "1" {
		deepNestingChild(t)
		return
	}
	if os.Getenv("EGOVFEED_HEAVY") == "" {
		t.Skip("set EGOVFEED_HEAVY=1 (the child takes 2 GB of memory)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHostileDeepNestingCrash$", "-test.v")
	cmd.Env = append(os.Environ(), "EGOVFEED_DEEP_CHILD=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("child ran %s: %v", time.Since(start).Round(time.Millisecond), err)
	switch {
	case bytes.Contains(out, []byte("fatal error: stack overflow")):
		t.Errorf("a 10 MiB feed of 2,097,131 nested elements kills the process (%s)",
			firstLines(string(out[bytes.Index(out, []byte("runtime: goroutine stack")):]), 1))
	case err != nil:
		t.Fatalf("child failed: %v\n%s", err, lastLine(string(out)))
	}
}

func deepNestingChild(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x"><channel><title>Tief</title><item><guid>t</guid><title>Tief</title>`)
	b.WriteString(strings.Repeat("<x:a>", (10<<20-b.Len())/5))
	_, u := serveBytes(t, b.Bytes(), "application/rss+xml")
	h := newHarness(t, nil, src("tief", u, ""))
	r := h.fetch(t)["tief"]
	t.Logf("child survived: %v", r.Err)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
