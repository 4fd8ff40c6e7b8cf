package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/normalize"
)

// berlinStamp is a time as sources and fetch print it.
var berlinStamp = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d (CET|CEST)`)

// shownNear reports whether s shows a Berlin time within [from, to] (to
// the minute shown).
func shownNear(t *testing.T, s string, from, to time.Time) bool {
	t.Helper()
	m := berlinStamp.FindString(s)
	if m == "" {
		return false
	}
	got, err := time.ParseInLocation("2006-01-02 15:04", m[:16], normalize.Berlin)
	if err != nil {
		t.Fatal(err)
	}
	return !got.Before(from.Truncate(time.Minute)) && !got.After(to)
}

// TestSourcesAndFetchTimes: times are shown in Europe/Berlin, the zone of
// the schedules, with its abbreviation, whatever the host's zone; a source
// added to the configuration and never fetched is listed, and listing
// writes nothing.
func TestSourcesAndFetchTimes(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rss)) }))
	defer good.Close()
	bad := httptest.NewServer(http.NotFoundHandler())
	defer bad.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("  - name: good\n    url: %s/feed\n    land: DE-HE\n    schedule: \"0 6 * * *\"\n  - name: bad\n    url: %s/feed\n",
		good.URL, bad.URL))

	start := time.Now()
	// The first fetch records bad's failure; the second skips it while it
	// backs off and says until when.
	runCmd(t, "fetch", "-config", cfgPath)
	code, fetchOut, errs := runCmd(t, "fetch", "-config", cfgPath)
	fetched := time.Now()
	if code != 1 {
		t.Fatalf("fetch: exit %d, want 1\n%s%s", code, fetchOut, errs)
	}

	// A source added since: never fetched, no row in the database.
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "  - name: neu\n    url: https://neu.example/feed\n    land: DE-BY\n")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runCmd(t, "sources", "-config", cfgPath)
	if code != 0 {
		t.Fatalf("sources: exit %d\n%s%s", code, out, errs)
	}
	b := time.Now().In(normalize.Berlin)
	six := time.Date(b.Year(), b.Month(), b.Day(), 6, 0, 0, 0, normalize.Berlin)
	if !six.After(b) {
		six = time.Date(b.Year(), b.Month(), b.Day()+1, 6, 0, 0, 0, normalize.Berlin)
	}
	tests := []struct {
		name, source string
		check        func(line string) bool
	}{
		{"last fetch in Berlin time", "good", func(l string) bool { return shownNear(t, l, start, fetched) }},
		{"next run at 06:00 Berlin", "good", func(l string) bool { return strings.Contains(l, six.Format("2006-01-02 15:04 MST")) }},
		{"a failing source's last success", "bad", func(l string) bool { return strings.HasSuffix(l, "HTTP 404 Not Found (last ok: never)") }},
		{"never fetched is listed", "neu", func(l string) bool {
			return strings.Contains(l, "DE-BY") && strings.Contains(l, "never") && strings.Contains(l, notYetRun)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if line := lineOf(out, tt.source); !tt.check(line) {
				t.Errorf("line of %s: %q\n%s", tt.source, line, out)
			}
		})
	}

	// A command that edits (retag) registers the new source without
	// fetching it, and a URL corrected under the same name is the stored
	// source: neither changes what the listing says.
	if code, out, errs := runCmd(t, "retag", "-config", cfgPath); code != 0 {
		t.Fatalf("retag: exit %d\n%s%s", code, out, errs)
	}
	text, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(text), good.URL+"/feed", good.URL+"/feed?moved=1", 1)
	if err := os.WriteFile(cfgPath, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs = runCmd(t, "sources", "-config", cfgPath); code != 0 {
		t.Fatalf("sources: exit %d\n%s%s", code, out, errs)
	}
	if l := lineOf(out, "neu"); !strings.Contains(l, notYetRun) {
		t.Errorf("registered, never fetched: %q, want its next run %q\n%s", l, notYetRun, out)
	}
	if f := strings.Fields(lineOf(out, "good")); len(f) < 7 || f[6] != "1" || strings.Contains(out, "not configured") {
		t.Errorf("moved URL: want good with its 1 item and no unconfigured row\n%s", out)
	}
	// Undo the move: the check below reads the stored sources.
	if err := os.WriteFile(cfgPath, text, 0o600); err != nil {
		t.Fatal(err)
	}

	// Listing registered nothing.
	_, store := openConfigStore(t, cfgPath)
	srcs, err := store.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 3 {
		t.Errorf("%d sources in the database after listing, want the 2 fetched and the one retag registered", len(srcs))
	}
	for _, s := range srcs {
		if s.Name != "bad" {
			continue
		}
		want := "backoff until " + s.RetryAfter.In(normalize.Berlin).Format("2006-01-02 15:04 MST")
		if line := lineOf(fetchOut, "bad"); s.RetryAfter.IsZero() || !strings.Contains(line, want) {
			t.Errorf("fetch shows %q, want %q\n%s", line, want, fetchOut)
		}
	}
}

// lineOf returns the first line of out that starts with name and a space.
func lineOf(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}
