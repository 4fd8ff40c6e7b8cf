package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/internal/farm"
)

// pairedFeeds serves n RSS feeds; source i lists items 0..m(i)-1. Sources
// 2k and 2k+1 share their items' links: every story has two reports.
type pairedFeeds struct {
	n     int
	items atomic.Int64 // items per feed
	extra atomic.Int64 // items per feed added later (new GUIDs)
	delay atomic.Int64 // ns per request
	lag   atomic.Int64 // items odd sources do not list yet
	srv   *httptest.Server
}

func newPairedFeeds(t *testing.T, n, m int) *pairedFeeds {
	f := &pairedFeeds{n: n}
	f.items.Store(int64(m))
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(f.delay.Load()))
		var i int
		fmt.Sscanf(r.URL.Path, "/feed/%d", &i)
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>`)
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		total := int(f.items.Load() + f.extra.Load())
		if i%2 == 1 {
			total -= int(f.lag.Load()) // reports of stories the even source has
		}
		for j := range total {
			when := base.Add(time.Duration(j) * time.Hour).Add(time.Duration(i%2) * time.Minute)
			rng := rand.New(rand.NewPCG(uint64(i), uint64(j)))
			fmt.Fprintf(&b, "<item><title>%s</title><link>https://pair%d.example/m/%d</link><guid>g-%d-%d</guid><pubDate>%s</pubDate><description>%s</description></item>",
				farm.Sentence(rng, 8), i/2, j, i, j, when.Format(time.RFC1123Z), farm.Sentence(rng, 30))
		}
		b.WriteString("</channel></rss>")
		w.Write([]byte(b.String()))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *pairedFeeds) config(t *testing.T) (cfgPath, db string) {
	dir := t.TempDir()
	db = filepath.Join(dir, "e.db")
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\nretention: 0\nfetch:\n  allow_private_networks: true\n  timeout: 20s\n  concurrency: 4\n  max_body: 64MiB\nsources:\n", db)
	for i := range f.n {
		fmt.Fprintf(&b, "  - name: q%d\n    url: %s/feed/%d\n", i, f.srv.URL, i)
	}
	cfgPath = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, db
}

func leftovers(t *testing.T, db string) []string {
	files, err := filepath.Glob(db + ".rebuild-*")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRebuildKilled: a dedup -rebuild killed with SIGKILL (the OOM
// killer, a reboot) while it replays leaves its copy of the database
// beside it (with the copy's WAL, about twice the database). Nothing
// ever removes it: the next rebuild, which succeeds, leaves it there too,
// and each killed run adds another.
func TestRebuildKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	f := newPairedFeeds(t, 20, 600)
	cfgPath, db := f.config(t)
	if out, err := exec.Command(bin, "fetch", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("fetch: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "dedup", "-rebuild", "-config", cfgPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		files := leftovers(t, db)
		if slices.ContainsFunc(files, func(p string) bool { return strings.HasSuffix(p, "-wal") }) { // the copy's WAL: the replay runs
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the rebuild never started replaying")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	killed := leftovers(t, db)
	var size int64
	for _, p := range killed {
		if fi, err := os.Stat(p); err == nil {
			size += fi.Size()
		}
	}
	t.Logf("left by the killed rebuild: %v, %d bytes", killed, size)
	if out, err := exec.Command(bin, "dedup", "-rebuild", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("second rebuild: %v\n%s", err, out)
	}
	if left := leftovers(t, db); len(left) > 0 {
		t.Errorf("after a successful rebuild, the killed one's copy (%d bytes) is still there: %v", size, left)
	}
}

// TestRebuildBesideFetch: dedup -rebuild while another process stores
// new reports (of existing stories) and updated ones: the fetch never
// fails, nothing is lost, the clusters hold their invariants.
func TestRebuildBesideFetch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	f := newPairedFeeds(t, 20, 400)
	f.lag.Store(100)
	cfgPath, db := f.config(t)
	if out, err := exec.Command(bin, "fetch", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("fetch: %v\n%s", err, out)
	}
	f.extra.Store(100)
	f.lag.Store(0)
	f.delay.Store(int64(time.Second))
	var wg sync.WaitGroup
	var fetchOut []byte
	var fetchErr error
	var done atomic.Bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer done.Store(true)
		fetchOut, fetchErr = exec.Command(bin, "fetch", "-config", cfgPath).CombinedOutput()
	}()
	runs, conflicts := 0, 0
	for !done.Load() {
		out, err := exec.Command(bin, "dedup", "-rebuild", "-config", cfgPath).CombinedOutput()
		runs++
		if err != nil {
			if strings.Contains(string(out), "run it again") {
				conflicts++
				continue
			}
			t.Fatalf("rebuild: %v\n%s", err, out)
		}
	}
	wg.Wait()
	if fetchErr != nil {
		t.Fatalf("fetch beside the rebuild: %v\n%s", fetchErr, fetchOut)
	}
	t.Logf("%d rebuilds beside the fetch, %d conflicts", runs, conflicts)
	if out, err := exec.Command(bin, "dedup", "-rebuild", "-config", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("last rebuild: %v\n%s", err, out)
	}
	sdb, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	for _, c := range []struct {
		what, query string
		want        int
	}{
		{"items", `SELECT count(*) FROM items`, 20 * 500},
		{"entries", `SELECT count(*) FROM items WHERE visible = 1`, 10 * 500},
		{"clusters without exactly one visible item", `SELECT count(*) FROM (SELECT coalesce(cluster_id, id) r, sum(visible) v FROM items GROUP BY r HAVING v <> 1)`, 0},
		{"items whose cluster_id points at a member", `SELECT count(*) FROM items i JOIN items r ON r.id = i.cluster_id WHERE r.cluster_id IS NOT NULL`, 0},
		{"clusters with more than one entry key", `SELECT count(*) FROM (SELECT coalesce(cluster_id, id) r FROM items GROUP BY r HAVING count(DISTINCT entry_key) > 1)`, 0},
		{"entry keys of more than one cluster", `SELECT count(*) FROM (SELECT entry_key FROM items GROUP BY entry_key HAVING count(DISTINCT coalesce(cluster_id, id)) > 1)`, 0},
		{"failed fetches", `SELECT count(*) FROM fetches WHERE error <> ''`, 0},
	} {
		var n int
		if err := sdb.QueryRow(c.query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("%s: %d, want %d", c.what, n, c.want)
		}
	}
	if left := leftovers(t, db); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
