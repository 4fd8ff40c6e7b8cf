package main

// Crash safety and load (issue 6): the real binary is killed in the
// middle of a fetch cycle and restarted; serve is stopped with SIGTERM;
// and the server is polled by many clients while a fetch cycle ingests.
// Figures are in docs/reliability.md.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/internal/farm"
	"github.com/egovfeed/egovfeed/storage"
)

// buildBinary builds egovfeed (without -race, as it ships) once for the
// package's tests and returns its path.
func buildBinary(t *testing.T) string {
	t.Helper()
	built.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		dir, err := os.MkdirTemp("", "egovfeed-test-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		built.bin = filepath.Join(dir, "egovfeed")
		if out, err := exec.Command(goTool, "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// built is the binary the tests of this package share: one go build for
// all of them, removed by TestMain.
var built struct {
	sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// slowFarm serves a farm.Farm on `hosts` loopback addresses, each request
// delayed, so that a fetch cycle lasts long enough to be interrupted.
type slowFarm struct {
	*farm.Farm
	delay time.Duration
	addrs []string
}

func startSlowFarm(t *testing.T, n, m, hosts int, delay time.Duration) *slowFarm {
	t.Helper()
	f := &slowFarm{Farm: farm.New(n, m, 6), delay: delay}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(f.delay):
		case <-r.Context().Done():
			return
		}
		f.Farm.ServeHTTP(w, r)
	})
	for i := range hosts {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+1))
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		f.addrs = append(f.addrs, ln.Addr().String())
	}
	return f
}

func (f *slowFarm) url(i int) string {
	return fmt.Sprintf("http://%s/feed/%d", f.addrs[i%len(f.addrs)], i)
}

// farmConfig writes a configuration over every feed of f.
func farmConfig(t *testing.T, f *slowFarm, listen, extra string) (cfgPath, dbPath string) {
	t.Helper()
	dir := t.TempDir()
	dbPath = filepath.Join(dir, "egovfeed.db")
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\nlisten: %s\nbase_url: http://%s\nschedule: \"@every 1h\"\n", dbPath, listen, listen)
	fmt.Fprintf(&b, "fetch:\n  allow_private_networks: true\n  concurrency: 8\n  per_host: 4\n  timeout: 10s\n%s", extra)
	b.WriteString("sources:\n")
	for i := range f.N {
		fmt.Fprintf(&b, "  - name: quelle-%04d\n    url: %s\n", i, f.url(i))
	}
	cfgPath = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dbPath
}

// itemRow is an item as it must survive a crash.
type itemRow struct {
	id       int64
	sourceID int64
	guid     string
	key      string
	link     string
}

// dbReader reads the database while another process writes it.
type dbReader struct{ db *sql.DB }

func openReader(t *testing.T, path string) *dbReader {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return &dbReader{db: db}
}

func (r *dbReader) count() (int, error) {
	var n int
	err := r.db.QueryRow("SELECT count(*) FROM items").Scan(&n)
	return n, err
}

func (r *dbReader) items() (map[string]itemRow, error) {
	rows, err := r.db.Query("SELECT id, source_id, guid, key, link FROM items")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]itemRow{}
	for rows.Next() {
		var it itemRow
		if err := rows.Scan(&it.id, &it.sourceID, &it.guid, &it.key, &it.link); err != nil {
			return nil, err
		}
		out[fmt.Sprintf("%d\x00%s", it.sourceID, it.guid)] = it
	}
	return out, rows.Err()
}

// checkDatabase opens the database as egovfeed does (recovering the WAL)
// and checks it: integrity_check ok, no item twice, every item in
// committed still there unchanged. It returns the items.
func checkDatabase(t *testing.T, path string, committed map[string]itemRow) map[string]itemRow {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	verdict, err := st.IntegrityCheck(ctx)
	st.Close()
	if err != nil || verdict != "ok" {
		t.Fatalf("integrity_check = %q, %v", verdict, err)
	}
	r := openReader(t, path)
	defer r.db.Close()
	var rows, pairs, keys, links int
	if err := r.db.QueryRow(`SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT source_id, guid FROM items)),
		count(DISTINCT key), count(DISTINCT link) FROM items`).Scan(&rows, &pairs, &keys, &links); err != nil {
		t.Fatal(err)
	}
	if pairs != rows || keys != rows || links != rows {
		t.Errorf("%d items but %d distinct (source, guid), %d distinct keys, %d distinct links: an item is stored twice", rows, pairs, keys, links)
	}
	now, err := r.items()
	if err != nil {
		t.Fatal(err)
	}
	lost := 0
	for k, it := range committed {
		if got, ok := now[k]; !ok || got != it {
			lost++
			if lost <= 3 {
				t.Errorf("committed item %+v is now %+v", it, got)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d committed items lost or changed", lost, len(committed))
	}
	return now
}

// TestCrashKillDuringFetch SIGKILLs `egovfeed fetch` twice in the middle
// of its cycle over 500 sources, then lets a third run finish.
func TestCrashKillDuringFetch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	const n, m = 500, 20
	bin := buildBinary(t)
	f := startSlowFarm(t, n, m, 4, 15*time.Millisecond)
	cfg, dbPath := farmConfig(t, f, "127.0.0.1:0", "")

	committed := map[string]itemRow{}
	for round, killAt := range []int{n * m / 5, n * m / 2} {
		cmd := exec.Command(bin, "fetch", "-config", cfg)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()

		// Poll until the database holds killAt items, read what is
		// committed, then kill at once.
		var seen map[string]itemRow
		deadline := time.Now().Add(2 * time.Minute)
		for seen == nil {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("round %d: the database never reached %d items", round, killAt)
			}
			select {
			case err := <-exited:
				t.Fatalf("round %d: fetch ended (%v) before the kill; make the cycle slower\n%s", round, err, stderr.String())
			case <-time.After(5 * time.Millisecond):
			}
			if _, err := os.Stat(dbPath); err != nil {
				continue
			}
			r := openReader(t, dbPath)
			if c, err := r.count(); err == nil && c >= killAt {
				seen, err = r.items()
				if err != nil {
					seen = nil
				}
			}
			r.db.Close()
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := <-exited
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: fetch was not killed: %v", round, err)
		}
		for k, v := range seen {
			committed[k] = v
		}
		after := checkDatabase(t, dbPath, committed)
		t.Logf("round %d: killed with %d items read committed; %d items after reopening", round, len(seen), len(after))
		for k, v := range after {
			committed[k] = v
		}
	}

	cmd := exec.Command(bin, "fetch", "-config", cfg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fetch after the kills: %v\n%s", err, lastLines(string(out), 5))
	}
	final := checkDatabase(t, dbPath, committed)
	if len(final) != n*m {
		t.Errorf("%d items after the completing run, want %d×%d = %d", len(final), n, m, n*m)
	}
	t.Logf("completing run: %d items; %s", len(final), lastLines(string(out), 1))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// freeAddr picks a free loopback port: listen on :0, note it, close.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestCrashServeSIGTERM: SIGTERM while serve is in its start-up fetch
// cycle ends the process cleanly within 10 s, exit code 0.
func TestCrashServeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	f := startSlowFarm(t, 500, 20, 4, 20*time.Millisecond)
	addr := freeAddr(t)
	cfg, dbPath := farmConfig(t, f, addr, "")

	cmd := exec.Command(bin, "serve", "-config", cfg)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })

	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no /healthz within 30 s: %v\n%s", err, stderr.String())
		}
		select {
		case err := <-exited:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	// Let the start-up cycle get going: fetches in flight, items stored.
	for r := openReader(t, dbPath); ; time.Sleep(20 * time.Millisecond) {
		if c, err := r.count(); err == nil && c > 0 {
			r.db.Close()
			break
		}
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		took := time.Since(start)
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM, want code 0\n%s", err, lastLines(stderr.String(), 10))
		}
		t.Logf("serve stopped %s after SIGTERM, exit code 0", took.Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatalf("serve still running 10 s after SIGTERM\n%s", lastLines(stderr.String(), 10))
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Errorf("no clean-stop log line:\n%s", lastLines(stderr.String(), 10))
	}
	checkDatabase(t, dbPath, nil)
}

// TestLoadWhileFetching runs serve in-process over 1000 farm sources and
// polls it with 200 concurrent clients (half conditional; 50 under the
// race detector) while the start-up fetch cycle ingests. EGOVFEED_LOAD_DURATION sets how long the
// clients poll (default 5s; docs/reliability.md has a 30 s run).
func TestLoadWhileFetching(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	duration := 5 * time.Second
	if v := os.Getenv("EGOVFEED_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("EGOVFEED_LOAD_DURATION: %v", err)
		}
		duration = d
	}
	const sources, perSource = 1000, 20
	clients := 200
	if raceBuild() {
		clients = 50 // the race detector slows the server tenfold
	}
	// Spread the cycle (8 fetches at a time) over the polling time.
	f := startSlowFarm(t, sources, perSource, 8, duration*8/sources)
	addr := freeAddr(t)
	cfg, dbPath := farmConfig(t, f, addr, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuffer
	served := make(chan int, 1)
	go func() {
		served <- run(ctx, []string{"serve", "-config", cfg, "-log-level", "warn"}, io.Discard, &stderr)
	}()

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients},
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not up: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Start polling once the cycle has stored something.
	for r := openReader(t, dbPath); ; time.Sleep(10 * time.Millisecond) {
		if c, err := r.count(); err == nil && c > 0 {
			r.db.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing ingested within 30 s\n%s", stderr.String())
		}
	}
	before := ingestedCount(t, dbPath)

	paths := []string{"/feeds/all.atom", "/feeds/all.rss", "/feeds/all.json", "/feeds/land/he.atom",
		"/feeds/all.atom?limit=200", "/", "/land/by", "/sources.opml"}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		status    = map[int]int{}
		errs      []string
	)
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conditional := c%2 == 1
			etags := map[string]string{}
			var lat []time.Duration
			codes := map[int]int{}
			var cerrs []string
			for i := 0; time.Now().Before(stop); i++ {
				p := paths[(c+i)%len(paths)]
				req, _ := http.NewRequest(http.MethodGet, "http://"+addr+p, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				if conditional && etags[p] != "" {
					req.Header.Set("If-None-Match", etags[p])
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					cerrs = append(cerrs, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(start))
				codes[resp.StatusCode]++
				if e := resp.Header.Get("ETag"); e != "" {
					etags[p] = e
				}
			}
			mu.Lock()
			latencies = append(latencies, lat...)
			for k, v := range codes {
				status[k] += v
			}
			errs = append(errs, cerrs...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	ingested := ingestedCount(t, dbPath)
	cancel()
	select {
	case code := <-served:
		if code != 0 {
			t.Errorf("serve exited with %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of cancellation")
	}

	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))].Round(time.Microsecond)
	}
	fivexx := 0
	for code, n := range status {
		if code >= 500 {
			fivexx += n
		}
	}
	t.Logf("%d clients for %s (race: %v): %d requests (%.0f/s), status %v, %d client errors; latency p50 %s, p99 %s, max %s; items stored %d → %d of %d meanwhile",
		clients, duration, raceBuild(), len(latencies), float64(len(latencies))/duration.Seconds(), status, len(errs),
		pct(0.50), pct(0.99), pct(1), before, ingested, sources*perSource)
	if fivexx > 0 {
		t.Errorf("%d responses with status 5xx", fivexx)
	}
	if len(errs) > 0 {
		t.Errorf("%d requests failed, e.g. %s", len(errs), errs[0])
	}
	logs := stderr.String()
	for _, bad := range []string{"database is locked", "SQLITE_BUSY", "render failed"} {
		if strings.Contains(logs, bad) {
			t.Errorf("server log has %q:\n%s", bad, lastLines(logs, 10))
		}
	}
	checkDatabase(t, dbPath, nil)
}

func ingestedCount(t *testing.T, dbPath string) int {
	t.Helper()
	r := openReader(t, dbPath)
	defer r.db.Close()
	n, err := r.count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// lockedBuffer is a bytes.Buffer safe for the server's concurrent logs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func raceBuild() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}
