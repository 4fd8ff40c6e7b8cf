package feeds

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// fakeClock is a settable clock shared by the store writes and the server.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// testNow is the fixed time of every test.
var testNow = time.Date(2025, 2, 14, 12, 0, 0, 0, time.UTC)

// testEnv is a real SQLite store in a temp dir, the real handler and an
// httptest server in front of it.
type testEnv struct {
	t     testing.TB
	cfg   *config.Config
	store *storage.Store
	srv   *Server
	http  *httptest.Server
	clock *fakeClock
	ids   map[string]int64 // source name → id
	urls  map[string]string
}

const testSources = `
  - name: Hessen – Meldungen
    url: https://www.hessen.de/feeds
    land: DE-HE
  - name: Stadt München
    url: https://stadt.muenchen.de/rathaus/rss.xml
    land: DE-BY
    title_prefix: München
  - name: Bundesministerium des Innern
    url: https://www.bmi.bund.de/rss.xml
    land: DE
  - name: eGovernment Computing
    url: https://www.egovernment.de/rss/news.xml
`

func newTestEnv(t testing.TB, extraConfig string, opts ...Option) *testEnv {
	t.Helper()
	dir := t.TempDir()
	yaml := "database: " + filepath.Join(dir, "feeds.db") + "\nbase_url: http://127.0.0.1:8080\nsources:" + testSources + extraConfig
	cfg, err := config.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := storage.Open(ctx, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, cfg: cfg, store: store, clock: &fakeClock{now: testNow}, ids: map[string]int64{}, urls: map[string]string{}}
	scs := make([]storage.SourceConfig, len(cfg.Sources))
	for i, s := range cfg.Sources {
		scs[i] = storage.SourceConfig{Name: s.Name, URL: s.URL, Land: s.Land, Priority: s.EffectivePriority()}
	}
	ids, err := store.SyncSources(ctx, scs)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range cfg.Sources {
		e.ids[s.Name] = ids[i]
		e.urls[s.Name] = s.URL
	}
	opts = append([]Option{WithClock(e.clock.Now), WithDebounce(0)}, opts...)
	e.srv, err = NewServer(ctx, cfg, store, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.http = httptest.NewServer(e.srv)
	t.Cleanup(func() {
		e.http.Close()
		e.srv.Close()
		store.Close()
	})
	return e
}

// save stores items as one successful fetch of the named source at the
// clock's time and invalidates the server, as the aggregator does.
func (e *testEnv) save(source string, items ...storage.NewItem) {
	e.t.Helper()
	e.saveFetch(storage.Fetch{FeedTitle: source + " (Feed)", FeedLink: "https://" + strings.ToLower(strings.Fields(source)[0]) + ".example/"}, source, items...)
}

func (e *testEnv) saveFetch(f storage.Fetch, source string, items ...storage.NewItem) {
	e.t.Helper()
	id, ok := e.ids[source]
	if !ok {
		e.t.Fatalf("no source %q", source)
	}
	f.SourceID, f.StartedAt, f.Status = id, e.clock.Now(), 200
	if _, err := e.store.SaveFetch(context.Background(), f, e.urls[source], items, e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	e.srv.Invalidate()
}

type response struct {
	*http.Response
	body []byte
}

// do sends a request to the test server; hdr is name, value pairs. The
// transport neither compresses nor decompresses.
func (e *testEnv) do(method, path string, hdr ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{resp, body}
}

// get requests path and fails the test unless the status is 200.
func (e *testEnv) get(path string, hdr ...string) response {
	e.t.Helper()
	r := e.do("GET", path, hdr...)
	if r.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %s: %s", path, r.Status, r.body)
	}
	return r
}

// localPath turns an absolute URL under base_url into a path for the
// test server.
func localPath(t testing.TB, u string) string {
	t.Helper()
	p, ok := strings.CutPrefix(u, "http://127.0.0.1:8080")
	if !ok {
		t.Fatalf("link %q is not under base_url", u)
	}
	return p
}

// at returns a time on the test day offset by d (negative: earlier).
func at(d time.Duration) time.Time { return testNow.Add(d) }

// validateAtom runs jing with the RFC 4287 schema over the documents in
// one call (jing continues past invalid files; all are well-formed).
// Without jing the test fails under CI and is skipped otherwise.
func validateAtom(t *testing.T, docs map[string][]byte) {
	t.Helper()
	if out, err := runJing(t, docs); err != nil {
		t.Errorf("jing: %v\n%s", err, out)
	}
}

func runJing(t *testing.T, docs map[string][]byte) ([]byte, error) {
	t.Helper()
	schema, err := filepath.Abs(filepath.Join("..", "..", "shared", "validate", "atom.rnc"))
	if err != nil {
		t.Fatal(err)
	}
	jing, lookErr := exec.LookPath("jing")
	if _, err := os.Stat(schema); err != nil {
		lookErr = err
	}
	if lookErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Atom validation needs jing and %s: %v", schema, lookErr)
		}
		t.Skipf("jing or the schema is missing (%v): Atom output not validated; install jing (apt-get install jing) — under CI this fails", lookErr)
	}
	dir := t.TempDir()
	args := []string{"-c", schema}
	for name, body := range docs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	return exec.Command(jing, args...).CombinedOutput()
}
