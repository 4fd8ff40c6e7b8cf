package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/feeds"
)

func TestExport(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(rss)) }))
	defer origin.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("  - name: good\n    url: %s/feed\n    land: DE-HE\n", origin.URL))
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}

	code, out, errs := runCmd(t, "export", "-config", cfgPath, "-format", "text")
	if code != 0 || !strings.HasPrefix(out, "Kassel: Neues Portal\n[") || !strings.Contains(out, "mehr... https://t.example/1") {
		t.Errorf("export text: %d\n%s%s", code, out, errs)
	}

	// The same bytes as the server sends.
	cfg, store := openConfigStore(t, cfgPath)
	srv, err := feeds.NewServer(context.Background(), cfg, store, nil, feeds.WithoutPrerender())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct{ args, path string }{
		{"-output land/he -format atom", "/feeds/land/he.atom"},
		{"-output all -format rss -limit 1", "/feeds/all.rss?limit=1"},
		{"-format json -since 2000-01-01", "/feeds/all.json?since=2000-01-01"},
		{"-output land/HE -format html", "/land/he"},
	} {
		code, out, errs := runCmd(t, append([]string{"export", "-config", cfgPath}, strings.Fields(tc.args)...)...)
		if code != 0 {
			t.Fatalf("export %s: %d %s", tc.args, code, errs)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != 200 || string(body) != out {
			t.Errorf("export %s differs from GET %s (%d)", tc.args, tc.path, rec.Code)
		}
	}

	for _, args := range [][]string{
		{"-output", "nope"}, {"-output", "land/xx"}, {"-format", "pdf"}, {"-limit", "5000"}, {"-since", "gestern"},
	} {
		if code, _, errs := runCmd(t, append([]string{"export", "-config", cfgPath}, args...)...); code != 2 {
			t.Errorf("export %v: exit %d, want 2 (%s)", args, code, errs)
		}
	}
}

// TestExportPaging: stdout carries only the document, so export says on
// stderr where the next page starts.
func TestExportPaging(t *testing.T) {
	const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>Eins</title><link>https://t.example/1</link><guid>1</guid><pubDate>Mon, 03 Feb 2025 10:00:00 +0100</pubDate></item>
<item><title>Zwei</title><link>https://t.example/2</link><guid>2</guid><pubDate>Sun, 02 Feb 2025 10:00:00 +0100</pubDate></item>
<item><title>Drei</title><link>https://t.example/3</link><guid>3</guid><pubDate>Sat, 01 Feb 2025 10:00:00 +0100</pubDate></item>
</channel></rss>`
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feed)) }))
	defer origin.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("  - name: good\n    url: %s/feed\n", origin.URL))
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	code, out, errs := runCmd(t, "export", "-config", cfgPath, "-format", "text", "-limit", "2")
	_, cursor, ok := strings.Cut(strings.TrimSpace(errs), "add -before ")
	if code != 0 || !ok || strings.Count(out, " mehr... ") != 2 {
		t.Fatalf("first page: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	code, out, errs = runCmd(t, "export", "-config", cfgPath, "-format", "text", "-limit", "2", "-before", cursor)
	if code != 0 || errs != "" || !strings.Contains(out, "Drei") || strings.Count(out, " mehr... ") != 1 {
		t.Errorf("last page: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}

	// A since pull: the next page needs the window's end too. Its window
	// lags two minutes behind; the items are made ten minutes old.
	cfg, _ := openConfigStore(t, cfgPath)
	db, err := sql.Open("sqlite", cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE items SET first_seen = first_seen - ?`, (10 * time.Minute).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// One entry per page: every page but the last names both.
	args := []string{"export", "-config", cfgPath, "-format", "text", "-limit", "1", "-since", "2000-01-01"}
	var got []string
	for page := 1; ; page++ {
		code, out, errs := runCmd(t, args...)
		if code != 0 || strings.Count(out, " mehr... ") != 1 {
			t.Fatalf("since pull, page %d: exit %d, stderr %q, stdout:\n%s", page, code, errs, out)
		}
		got = append(got, strings.SplitN(out, "\n", 2)[0])
		if errs == "" {
			break
		}
		_, add, ok := strings.Cut(strings.TrimSpace(errs), "more entries: add ")
		if !ok || !strings.Contains(add, "-until ") || !strings.Contains(add, "-before ") || page > 3 {
			t.Fatalf("since pull, page %d: stderr %q", page, errs)
		}
		args = append([]string{"export", "-config", cfgPath, "-format", "text", "-limit", "1", "-since", "2000-01-01"}, strings.Fields(add)...)
	}
	if len(got) != 3 {
		t.Errorf("since pull: pages %q, want 3", got)
	}
}
