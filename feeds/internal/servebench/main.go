// Command servebench measures serving /feeds/all.atom over loopback:
// requests per second and p99 latency at a number of concurrent
// connections, for the feeds handler and for a plain net/http handler
// that writes the same bytes (the floor), in the same process and run,
// alternating between the two.
//
//	go run ./feeds/internal/servebench -runs 5 -duration 5s
//
// The load generator runs in the same process and shares the CPU with
// the servers, equally for both; compare the ratio, not the absolutes.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/feeds"
	"github.com/egovfeed/egovfeed/storage"
)

func main() {
	items := flag.Int("items", 500, "items in the store")
	conns := flag.Int("conns", 50, "concurrent connections")
	duration := flag.Duration("duration", 5*time.Second, "length of one measurement")
	runs := flag.Int("runs", 5, "measurements per handler and scenario (medians are reported)")
	only := flag.String("scenario", "", "run only this scenario (200, 200 gzip, 304)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured runs to this file")
	floorHeaders := flag.Bool("floor-headers", false, "let the floor send the same caching headers as the feeds handler (isolates the handler from the cost of the headers themselves)")
	flag.Parse()
	log.SetFlags(0)

	ctx := context.Background()
	dir, err := os.MkdirTemp("", "servebench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, closeAll := setup(ctx, dir, *items)
	defer closeAll()

	// The bytes the feeds handler serves, for the floor.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/feeds/all.atom", nil))
	body, etag := rec.Body.Bytes(), rec.Header().Get("ETag")
	grec := httptest.NewRecorder()
	greq := httptest.NewRequest("GET", "/feeds/all.atom", nil)
	greq.Header.Set("Accept-Encoding", "gzip")
	srv.ServeHTTP(grec, greq)
	gzBody := grec.Body.Bytes()
	var extra http.Header
	if *floorHeaders {
		extra = http.Header{}
		for _, k := range []string{"Cache-Control", "Vary", "Last-Modified", "X-Content-Type-Options", "Etag"} {
			extra[k] = rec.Header()[k]
		}
	}
	floor := plainHandler(body, gzBody, etag, extra)

	feedsURL, stopFeeds := listen(srv)
	defer stopFeeds()
	floorURL, stopFloor := listen(floor)
	defer stopFloor()

	fmt.Printf("GOMAXPROCS=%d, %s, %d connections, %d × %s per handler and scenario, body %d bytes (gzip %d), floor headers: %v\n\n",
		runtime.GOMAXPROCS(0), runtime.Version(), *conns, *runs, *duration, len(body), len(gzBody), *floorHeaders)
	scenarios := []struct {
		name string
		hdr  http.Header
		want int
	}{
		{"200", http.Header{}, 200},
		{"200 gzip", http.Header{"Accept-Encoding": {"gzip"}}, 200},
		{"304", http.Header{"If-None-Match": {etag}}, 304},
	}
	// Warm up both servers and connections once, unmeasured.
	load(floorURL+"/feeds/all.atom", http.Header{}, 200, *conns, time.Second)
	load(feedsURL+"/feeds/all.atom", http.Header{}, 200, *conns, time.Second)
	fmt.Println("| scenario | floor req/s | feeds req/s | feeds/floor (median of paired runs) | floor p99 | feeds p99 | floor CPU/req | feeds CPU/req |")
	fmt.Println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	for _, sc := range scenarios {
		if *only != "" && sc.name != *only {
			continue
		}
		var fl, fe []result
		for i := range *runs {
			// Alternate which goes first, so drift hits both alike.
			if i%2 == 0 {
				fl = append(fl, load(floorURL+"/feeds/all.atom", sc.hdr, sc.want, *conns, *duration))
				fe = append(fe, load(feedsURL+"/feeds/all.atom", sc.hdr, sc.want, *conns, *duration))
			} else {
				fe = append(fe, load(feedsURL+"/feeds/all.atom", sc.hdr, sc.want, *conns, *duration))
				fl = append(fl, load(floorURL+"/feeds/all.atom", sc.hdr, sc.want, *conns, *duration))
			}
		}
		// Each run measures both back to back: their ratio cancels most
		// of the drift in the machine's load.
		pairs := make([]float64, len(fl))
		for i := range fl {
			pairs[i] = fe[i].rps / fl[i].rps
		}
		rps := func(rs []result) (out []float64) {
			for _, r := range rs {
				out = append(out, r.rps)
			}
			return out
		}
		dur := func(rs []result, f func(result) time.Duration) (out []time.Duration) {
			for _, r := range rs {
				out = append(out, f(r))
			}
			return out
		}
		p99 := func(r result) time.Duration { return r.p99 }
		cpu := func(r result) time.Duration { return r.cpuReq }
		fmt.Printf("| %s | %.0f | %.0f | %.2f | %s | %s | %s | %s |\n", sc.name, median(rps(fl)), median(rps(fe)), median(pairs),
			medianDur(dur(fl, p99), 10*time.Microsecond), medianDur(dur(fe, p99), 10*time.Microsecond),
			medianDur(dur(fl, cpu), 100*time.Nanosecond), medianDur(dur(fe, cpu), 100*time.Nanosecond))
		fmt.Fprintf(os.Stderr, "%s: floor req/s %v\n%s: feeds req/s %v\n", sc.name, round(rps(fl)), sc.name, round(rps(fe)))
	}
}

// setup stores n items in a fresh database and returns the feeds handler.
func setup(ctx context.Context, dir string, n int) (*feeds.Server, func()) {
	yaml := "database: " + filepath.Join(dir, "bench.db") + `
sources:
  - name: Hessen – Meldungen
    url: https://www.hessen.de/feeds
    land: DE-HE
  - name: eGovernment Computing
    url: https://www.egovernment.de/rss/news.xml
`
	cfg, err := config.Parse("bench.yaml", []byte(yaml))
	if err != nil {
		log.Fatal(err)
	}
	store, err := storage.Open(ctx, cfg.Database)
	if err != nil {
		log.Fatal(err)
	}
	var scs []storage.SourceConfig
	for _, s := range cfg.Sources {
		scs = append(scs, storage.SourceConfig{Name: s.Name, URL: s.URL, Land: s.Land, Priority: s.EffectivePriority()})
	}
	ids, err := store.SyncSources(ctx, scs)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now().UTC()
	rng := rand.New(rand.NewPCG(1, 2))
	for s, id := range ids {
		var batch []storage.NewItem
		for i := range n / len(ids) {
			batch = append(batch, storage.NewItem{
				GUID:      strconv.Itoa(i),
				Title:     fmt.Sprintf("Meldung %d der Quelle %d: Onlinedienst gestartet", i, s),
				Teaser:    teaser(rng),
				Link:      fmt.Sprintf("https://example.org/%d/%d", s, i),
				Published: now.Add(-time.Duration(i*len(ids)+s) * time.Minute),
				Lands:     []storage.LandTag{{Land: "DE-HE", Rule: "source"}},
			})
		}
		f := storage.Fetch{SourceID: id, StartedAt: now, Status: 200, FeedTitle: cfg.Sources[s].Name}
		if _, err := store.SaveFetch(ctx, f, cfg.Sources[s].URL, batch, now); err != nil {
			log.Fatal(err)
		}
	}
	srv, err := feeds.NewServer(ctx, cfg, store, nil, feeds.WithoutPrerender())
	if err != nil {
		log.Fatal(err)
	}
	return srv, func() { srv.Close(); store.Close() }
}

var words = strings.Fields(`Land Bund Kommune Verwaltung digital Onlinedienst Antrag Bürgerinnen Bürger Portal
	Rechenzentrum Landesregierung Ministerium Stadtrat Beschluss Strategie Umsetzung Onlinezugangsgesetz Förderung Millionen
	Euro Projekt Pilot startet künftig erstmals gemeinsam Behörden Daten Cloud Sicherheit Kommunen Landkreis Gemeinde Schule
	Breitband Glasfaser Ausbau Verfahren Akte elektronisch Registermodernisierung Nutzerkonto Bescheid Wohngeld Elterngeld
	Führerschein Kfz-Zulassung Bauantrag Gewerbe Anmeldung Termin Service Bürgerbüro Innenministerin Staatssekretär
	Landtag Haushalt Mittel bereitgestellt vereinbart vorgestellt erweitert eingeführt abgeschlossen geplant`)

// teaser is a plausible teaser of about 300 characters, varied enough
// that gzip does not shrink the feed unrealistically.
func teaser(rng *rand.Rand) string {
	var b strings.Builder
	for b.Len() < 300 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(9) == 0 {
			b.WriteByte('.')
		}
	}
	return b.String() + "."
}

// plainHandler is the floor: it writes fixed bytes with the headers
// any handler needs, and answers a matching If-None-Match with 304.
func plainHandler(body, gz []byte, etag string, extra http.Header) http.Handler {
	n, gzn := strconv.Itoa(len(body)), strconv.Itoa(len(gz))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		for k, v := range extra {
			h[k] = v
		}
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			h.Set("Content-Length", gzn)
			w.Write(gz)
			return
		}
		h.Set("Content-Length", n)
		w.Write(body)
	})
}

func listen(h http.Handler) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := feeds.HTTPServer(ln.Addr().String(), h)
	go s.Serve(ln)
	return "http://" + ln.Addr().String(), func() { s.Close() }
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// result is one measurement.
type result struct {
	rps    float64
	p99    time.Duration
	cpuReq time.Duration // process CPU (client and server) per request
}

// load sends requests over conns keep-alive connections for d and
// returns requests per second, the 99th percentile latency and the CPU
// time per request.
func load(url string, hdr http.Header, want, conns int, d time.Duration) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var total, failed atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	stop := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<14)
			req, _ := http.NewRequest("GET", url, nil)
			req.Header = hdr
			buf := bytes.NewBuffer(make([]byte, 0, 256<<10))
			for time.Now().Before(stop) {
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					// A loaded machine drops the odd connection; count it.
					failed.Add(1)
					continue
				}
				buf.Reset()
				io.Copy(buf, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					log.Fatalf("%s: status %d, want %d", url, resp.StatusCode, want)
				}
				lat = append(lat, time.Since(t0))
			}
			total.Add(int64(len(lat)))
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	slices.Sort(all)
	var p99 time.Duration
	if len(all) > 0 {
		p99 = all[len(all)*99/100]
	}
	n := max(total.Load(), 1)
	if f := failed.Load(); f > 0 {
		fmt.Fprintf(os.Stderr, "%s: %d failed requests (not counted)\n", url, f)
	}
	return result{rps: float64(n) / elapsed.Seconds(), p99: p99, cpuReq: cpu / time.Duration(n)}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianDur(xs []time.Duration, unit time.Duration) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2].Round(unit).String()
}

func round(xs []float64) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = int(x)
	}
	return out
}
