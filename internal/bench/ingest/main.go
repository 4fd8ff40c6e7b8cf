// Command ingest benchmarks "egovfeed fetch" against a loopback feed farm
// and, in the same run, the floor: plain fetch + gofeed parse of the same
// feeds with 2 workers.
//
//	go run ./internal/bench/ingest -n 1000 -m 50 -runs 3
//	go run ./internal/bench/ingest -n 1000 -m 50 -hold   # serve the farm for profiling
//
// egovfeed runs as a child process, so its peak RSS is its own.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/egovfeed/egovfeed/internal/farm"
	"github.com/egovfeed/egovfeed/storage"
	"github.com/mmcdole/gofeed"
)

// childEnv is added to the environment of the egovfeed processes.
var childEnv []string

type run struct {
	floor, first, second time.Duration
	bare                 time.Duration // the floor plus a bare SQLite insert of every item
	firstCPU             time.Duration // user+system time of the first cycle
	floorCPU             time.Duration // user+system time of this process during the floor, farm included
	farmCPU              time.Duration // user+system time of this process (the farm) during the first cycle
	rssKB                int64
	stored, served       int
	all304               bool
}

func main() {
	n := flag.Int("n", 1000, "sources")
	m := flag.Int("m", 50, "items per source")
	runs := flag.Int("runs", 3, "repetitions (medians are reported)")
	hosts := flag.Int("hosts", 8, "loopback addresses the farm listens on")
	keep := flag.Bool("keep", false, "keep the databases and configs (their folder is printed), e.g. to time dedup -rebuild on them")
	hold := flag.Bool("hold", false, "measure nothing: serve the farm and write a config for it (its path is printed) until interrupted, e.g. to profile egovfeed fetch against it")
	flag.Func("child-env", "KEY=VALUE added to egovfeed's environment (repeatable), e.g. GOMEMLIMIT=64MiB", func(v string) error {
		childEnv = append(childEnv, v)
		return nil
	})
	flag.Parse()
	log.SetFlags(0)
	if *hold {
		holdFarm(*n, *m, *hosts)
		return
	}

	tmp, err := os.MkdirTemp("", "egovfeed-bench-")
	if err != nil {
		log.Fatal(err)
	}
	if *keep {
		log.Printf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := filepath.Join(tmp, "egovfeed")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/egovfeed").CombinedOutput(); err != nil {
		log.Fatalf("build: %v\n%s", err, out)
	}

	var results []run
	for r := range *runs {
		f := farm.New(*n, *m, uint64(r+1))
		if err := f.Start(*hosts); err != nil {
			log.Fatal(err)
		}
		res := once(f, bin, filepath.Join(tmp, fmt.Sprint(r)))
		f.Close()
		results = append(results, res)
		log.Printf("run %d: floor %v (CPU %v with the farm), bare store %v (%.2fx), first %v (%.2fx, CPU %v + farm %v), second %v, peak RSS %d MB, stored %d of %d, all 304: %v",
			r+1, res.floor.Round(time.Millisecond), res.floorCPU.Round(time.Millisecond), res.bare.Round(time.Millisecond), ratio(res.bare, res.floor),
			res.first.Round(time.Millisecond), ratio(res.first, res.floor), res.firstCPU.Round(time.Millisecond), res.farmCPU.Round(time.Millisecond),
			res.second.Round(time.Millisecond), res.rssKB/1024, res.stored, res.served, res.all304)
	}
	med := func(get func(run) time.Duration) time.Duration {
		v := make([]time.Duration, len(results))
		for i, r := range results {
			v[i] = get(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	floor, first, second := med(func(r run) time.Duration { return r.floor }), med(func(r run) time.Duration { return r.first }), med(func(r run) time.Duration { return r.second })
	ratios := make([]float64, len(results))
	bareRatios := make([]float64, len(results))
	var maxRSS int64
	lost := 0
	for i, r := range results {
		ratios[i] = ratio(r.first, r.floor)
		bareRatios[i] = ratio(r.bare, r.floor)
		maxRSS = max(maxRSS, r.rssKB)
		lost += r.served - r.stored
	}
	slices.Sort(ratios)
	slices.Sort(bareRatios)
	items := *n * *m
	cpu := med(func(r run) time.Duration { return r.firstCPU })
	bare := med(func(r run) time.Duration { return r.bare })
	fmt.Printf("| farm | floor | bare store / floor | first cycle | first / floor | first-cycle CPU | items/s | second cycle | peak RSS | stored / served | lost |\n")
	fmt.Printf("| %d×%d | %v | %v (%.2f×) | %v | %.2f× | %v | %.0f | %v | %d MB | %d / %d | %d |\n",
		*n, *m, floor.Round(time.Millisecond), bare.Round(time.Millisecond), bareRatios[len(bareRatios)/2],
		first.Round(time.Millisecond), ratios[len(ratios)/2], cpu.Round(time.Millisecond),
		float64(items)/first.Seconds(), second.Round(time.Millisecond), maxRSS/1024, results[0].stored, items, lost)
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

// writeConfig writes dir/config.yaml: every farm feed as a source, the
// database dir/bench.db, fetch settings at their defaults.
func writeConfig(f *farm.Farm, dir string) string {
	var cfg bytes.Buffer
	fmt.Fprintf(&cfg, "database: %s\nfetch:\n  allow_private_networks: true\n  concurrency: 8\n  per_host: 2\nsources:\n", filepath.Join(dir, "bench.db"))
	for i := range f.N {
		fmt.Fprintf(&cfg, "  - name: Quelle %d\n    url: %s\n", i, f.URL(i))
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, cfg.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	return path
}

// holdFarm serves an n×m farm (seed 1, as the first benchmark run) until
// SIGINT or SIGTERM, with a config for it in a temporary folder.
func holdFarm(n, m, hosts int) {
	f := farm.New(n, m, 1)
	if err := f.Start(hosts); err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "egovfeed-farm-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	log.Printf("serving %d×%d items; config: %s (delete its bench.db* for another first cycle); Ctrl-C stops", n, m, writeConfig(f, dir))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
}

func once(f *farm.Farm, bin, dir string) run {
	var res run
	res.served = f.N * f.M
	cpu0 := selfCPU()
	res.floor = floor(f)
	res.floorCPU = selfCPU() - cpu0
	res.bare = bareStore(f, filepath.Join(dir, "bare"))

	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	db := filepath.Join(dir, "bench.db")
	cfgPath := writeConfig(f, dir)
	var rss int64
	cpu0 = selfCPU()
	res.first, res.firstCPU, rss = child(bin, cfgPath)
	res.farmCPU = selfCPU() - cpu0
	res.rssKB = rss
	before := f.NotModified.Load()
	res.second, _, rss = child(bin, cfgPath)
	res.rssKB = max(res.rssKB, rss)
	res.all304 = f.NotModified.Load()-before == int64(f.N)

	st, err := storage.Open(context.Background(), db)
	if err != nil {
		log.Fatal(err)
	}
	c, err := st.Count(context.Background())
	st.Close()
	if err != nil {
		log.Fatal(err)
	}
	res.stored = c.Items
	return res
}

// child runs "egovfeed fetch" and returns its wall time, CPU time (user
// and system) and peak RSS (KB).
//
// The peak is the child's VmHWM, polled from /proc: rusage's ru_maxrss
// is no use here, because Go starts children with vfork semantics and
// Linux carries the parent's RSS (this process holds the whole farm)
// over into the child's maximum at exec.
func child(bin, cfg string) (wall, cpu time.Duration, rssKB int64) {
	cmd := exec.Command(bin, "fetch", "-config", cfg, "-log-level", "warn")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), childEnv...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	var hwm atomic.Int64
	done := make(chan struct{})
	go func() {
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			if kb := vmHWM(status); kb > hwm.Load() {
				hwm.Store(kb)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	took := time.Since(start)
	close(done)
	if err != nil {
		tail := out.Bytes()[max(0, out.Len()-2000):]
		log.Fatalf("egovfeed fetch: %v\n%s", err, tail)
	}
	return took, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), hwm.Load()
}

// selfCPU returns this process's user+system time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM reads the peak resident set size (KB) from a /proc status file;
// 0 once the process is gone.
func vmHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// floor fetches and parses every feed with 2 workers and nothing else.
func floor(f *farm.Farm) time.Duration {
	start := time.Now()
	fetchParse(f, nil)
	return time.Since(start)
}

// fetchParse fetches and parses every feed of f with 2 workers, handing
// each parsed feed's items to each (if not nil) in the worker.
func fetchParse(f *farm.Farm, each func(feed int, items []*gofeed.Item)) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for i := range jobs {
				resp, err := client.Get(f.URL(i))
				if err != nil {
					log.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					log.Fatal(err)
				}
				feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil || len(feed.Items) != f.M {
					log.Fatalf("parse of feed %d: %v", i, err)
				}
				if each != nil {
					each(i, feed.Items)
				}
			}
		})
	}
	for i := range f.N {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}
