package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

const (
	newsRSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><link>https://n.example/</link>
<item><title>Kassel: Neues Portal</title><link>https://t.example/1</link><guid>n1</guid><description>Erster Bericht.</description></item>
<item><title>Fulda: Neue Sprechstunde</title><link>https://t.example/2</link><guid>n2</guid><description>Anderes.</description></item>
</channel></rss>`
	officialRSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>A</title><link>https://a.example/</link>
<item><title>Kassel: Portal freigeschaltet</title><link>https://t.example/1</link><guid>a1</guid><description>Amtlich.</description></item>
</channel></rss>`
)

// TestItemIDs: explain, split and merge take a feed entry's full id, an
// item's key or its numeric id. A story reported first by a news site and
// then by an official source (shown from then on) keeps the news item's
// key as its entry key; its entry id names the official report it shows.
func TestItemIDs(t *testing.T) {
	news := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(newsRSS)) }))
	defer news.Close()
	official := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(officialRSS)) }))
	defer official.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("  - name: news\n    url: %s/feed\n", news.URL))
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "  - name: amt\n    url: %s/feed\n    land: DE-HE\n", official.URL)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}

	n1 := storage.ItemKey(news.URL+"/feed", "n1")
	n2 := storage.ItemKey(news.URL+"/feed", "n2")
	a1 := storage.ItemKey(official.URL+"/feed", "a1")
	ids := entryIDs(t, cfgPath)
	story, lone := ids[n1], ids[n2]
	if len(ids) != 2 || story == "" || lone == "" {
		t.Fatalf("entry ids %v, want the story under %s and the lone item under %s", ids, n1, n2)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
	}{
		{"explain an entry id: the item it shows", []string{"explain", story}, 0, []string{"key " + a1, "source: amt"}},
		{"explain an item key", []string{"explain", n1}, 0, []string{"key " + n1, "source: news"}},
		{"explain lists the story's reports", []string{"explain", n1}, 0, []string{"2 reports; its entry is in the feeds of DE-HE", "amt     DE-HE   shown"}},
		{"explain a numeric id", []string{"explain", "2"}, 0, []string{"key " + n2}},
		{"explain an unknown entry", []string{"explain", "tag:127.0.0.1,2026:item/0123"}, 1, []string{"not found"}},
		{"explain a feed's id", []string{"explain", "tag:127.0.0.1,2026:feed/all"}, 1, []string{"not a feed entry's id"}},
		{"merge an item with itself", []string{"merge", "2", "2"}, 1, []string{"both item 2", "two different items"}},
		{"merge an entry id with its own item's key", []string{"merge", story, a1}, 1, []string{"two different items"}},
		{"merge two items of one cluster", []string{"merge", story, n1}, 0, []string{"in one cluster already: nothing changed"}},
		{"split by key", []string{"split", n1}, 0, []string{"is now an entry of its own"}},
		{"split again", []string{"split", n1}, 0, []string{"is an entry of its own already: nothing changed"}},
		{"the split item's entry id", []string{"explain", "tag:127.0.0.1,2026:item/" + n1 + "-split"}, 0, []string{"key " + n1, "source: news"}},
		{"the split item's entry key alone", []string{"explain", n1 + "-split"}, 0, []string{"key " + n1}},
		{"the story keeps its entry id", []string{"explain", story}, 0, []string{"key " + a1}},
		{"merge by entry ids", []string{"merge", story, lone}, 0, []string{"joined the cluster"}},
		{"merged: the item's own entry is gone", []string{"explain", lone}, 1, []string{"not found"}},
		{"merged: nothing more to merge", []string{"merge", n2, "3"}, 0, []string{"nothing changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{tt.args[0], "-config", cfgPath}, tt.args[1:]...)
			code, out, errs := runCmd(t, args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errs)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out+errs, w) {
					t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", w, out, errs)
				}
			}
		})
	}
	if ids := entryIDs(t, cfgPath); len(ids) != 2 || ids[n1+"-split"] == "" || ids[n1] != story {
		t.Errorf("entries after split and merge: %v, want the story and the split item", ids)
	}
}

var atomEntryID = regexp.MustCompile(`<entry>\s*<id>(tag:[^<]*:item/([^<]*))</id>`)

// entryIDs returns the ids of the entries of all.atom by their key.
func entryIDs(t *testing.T, cfgPath string) map[string]string {
	t.Helper()
	code, out, errs := runCmd(t, "export", "-config", cfgPath, "-format", "atom")
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	ids := map[string]string{}
	for _, m := range atomEntryID.FindAllStringSubmatch(out, -1) {
		ids[m[2]] = m[1]
	}
	return ids
}

// TestHideAndUnhide: an editor takes a story out of every feed by its
// entry id and puts it back; it returns under the same id, so a reader
// that had it does not see it again as new.
func TestHideAndUnhide(t *testing.T) {
	news := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(newsRSS)) }))
	defer news.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("  - name: news\n    url: %s/feed\n", news.URL))
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	n1 := storage.ItemKey(news.URL+"/feed", "n1")
	story := entryIDs(t, cfgPath)[n1]
	if story == "" {
		t.Fatalf("no entry for %s", n1)
	}
	steps := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		entries  int // entries of all.atom afterwards
	}{
		{"hide by entry id", []string{"hide", story}, 0, "1 report) is out of every feed", 1},
		{"hide again", []string{"hide", n1}, 0, "hidden already: nothing changed", 1},
		{"explain names it hidden", []string{"explain", story}, 0, "hidden: its story is out of every feed", 1},
		{"a re-fetch does not bring it back", []string{"fetch", "-force"}, 0, "0 new", 1},
		{"unhide by entry id", []string{"unhide", story}, 0, "back in its feeds", 2},
		{"unhide again", []string{"unhide", n1}, 0, "not hidden: nothing changed", 2},
		{"hide without an item", []string{"hide"}, 2, "usage: egovfeed hide ITEM-ID", 2},
		{"hide an unknown item", []string{"hide", "999"}, 1, "not found", 2},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			args := append([]string{s.args[0], "-config", cfgPath}, s.args[1:]...)
			code, out, errs := runCmd(t, args...)
			if code != s.wantCode || !strings.Contains(out+errs, s.wantOut) {
				t.Errorf("exit %d (want %d), output lacks %q?\nstdout: %s\nstderr: %s", code, s.wantCode, s.wantOut, out, errs)
			}
			ids := entryIDs(t, cfgPath)
			if len(ids) != s.entries {
				t.Errorf("%d entries afterwards, want %d: %v", len(ids), s.entries, ids)
			}
			if s.entries == 2 && ids[n1] != story {
				t.Errorf("the story is back as %q, want its entry id %s", ids[n1], story)
			}
		})
	}
}

// TestRemovedSourceLeavesFeeds: a source taken out of the configuration
// leaves the feeds when serve starts without it (not when a fetch with
// another configuration runs on the database), and comes back under its
// entry ids when configured again.
func TestRemovedSourceLeavesFeeds(t *testing.T) {
	news := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(newsRSS)) }))
	defer news.Close()
	official := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(officialRSS)) }))
	defer official.Close()
	newsSrc := fmt.Sprintf("  - name: news\n    url: %s/feed\n", news.URL)
	amtSrc := fmt.Sprintf("  - name: amt\n    url: %s/feed\n    land: DE-HE\n", official.URL)
	both := writeConfig(t, newsSrc+amtSrc)
	if code, out, errs := runCmd(t, "fetch", "-config", both); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	n1 := storage.ItemKey(news.URL+"/feed", "n1")
	n2 := storage.ItemKey(news.URL+"/feed", "n2")
	before := entryIDs(t, both)
	// The story's entry key is its first stored report's: either source's.
	story := before[n1] + before[storage.ItemKey(official.URL+"/feed", "a1")]
	if len(before) != 2 || story == "" || before[n2] == "" {
		t.Fatalf("entries %v, want the shared story and the news site's own under %s", before, n2)
	}

	// The same database, the official source only.
	amtOnly := filepath.Join(t.TempDir(), "config.yaml")
	addr := freeAddr(t)
	if err := os.WriteFile(amtOnly, []byte(fmt.Sprintf("database: %s\nlisten: %s\nfetch:\n  allow_private_networks: true\nsources:\n%s",
		filepath.Join(filepath.Dir(both), "e.db"), addr, amtSrc)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, "fetch", "-config", amtOnly); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	if got := entryIDs(t, amtOnly); len(got) != 2 {
		t.Errorf("after a fetch without the news site: entries %v, want both still (only serve removes)", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	var stderr lockedBuffer
	go func() { served <- run(ctx, []string{"serve", "-config", amtOnly}, io.Discard, &stderr) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not listen\n%s", stderr.String())
		}
	}
	resp, err := http.Get("http://" + addr + "/feeds/all.atom")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cancel()
	if code := <-served; code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "sources no longer configured") {
		t.Errorf("serve did not log the removal:\n%s", stderr.String())
	}
	feed := string(body)
	if !strings.Contains(feed, story) || strings.Contains(feed, before[n2]) || strings.Contains(feed, "news") {
		t.Errorf("all.atom served without the news site: want the shared story (%s), not the news site's own (%s), no mention of it:\n%s",
			story, before[n2], feed)
	}
	if code, out, _ := runCmd(t, "sources", "-config", amtOnly); code != 0 || !strings.Contains(lineOf(out, "news"), "removed 20") {
		t.Errorf("sources: exit %d, want the news site marked removed:\n%s", code, out)
	}
	if code, out, _ := runCmd(t, "explain", "-config", amtOnly, n2); code != 0 || !strings.Contains(out, "not shown: its source is no longer") {
		t.Errorf("explain %s: exit %d, want it named not shown:\n%s", n2, code, out)
	}

	// An editor's rebuild keeps it out.
	if code, out, errs := runCmd(t, "dedup", "-rebuild", "-config", amtOnly); code != 0 {
		t.Fatalf("dedup -rebuild: %d\n%s%s", code, out, errs)
	}
	if ids := entryIDs(t, amtOnly); len(ids) != 1 || ids[n2] != "" {
		t.Errorf("after dedup -rebuild: entries %v, want the shared story only", ids)
	}

	// Configured again (a fetch with it is enough): back under the same ids.
	if code, out, errs := runCmd(t, "fetch", "-config", both); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	if got := entryIDs(t, both); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Errorf("configured again: entries %v, want %v", got, before)
	}
}

// TestExplainPair: explain with two items says whether they are one story
// now and why near-duplicate detection keeps them apart or together.
func TestExplainPair(t *testing.T) {
	item := func(guid, title, teaser string) string {
		return fmt.Sprintf(`<item><title>%s</title><link>https://%s.example/a</link><guid>%s</guid><pubDate>Mon, 19 May 2025 08:00:00 +0200</pubDate><description>%s</description></item>`,
			title, guid, guid, teaser)
	}
	const title = "Neues Serviceportal der Verwaltung ist online"
	feed := func(items ...string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example/</link>` + strings.Join(items, "") + `</channel></rss>`
	}
	serve := func(body string) string {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
		t.Cleanup(s.Close)
		return s.URL + "/feed"
	}
	a := serve(feed(item("a1", title, "Über 80 Leistungen der Gemeinde sind ab sofort online."),
		item("a2", "Wahlhelfer gesucht", "Für die Kommunalwahl werden Wahlhelfer gesucht.")))
	b := serve(feed(item("b1", title, "Die Gemeinde bündelt mehr als 80 Leistungen im neuen Portal.")))
	// The news site names Stockelsdorf: whatever the order of the
	// fetches, it is not Ratekau's story.
	c := serve(feed(item("c1", title, "In der Gemeinde Stockelsdorf sind über 80 Leistungen ab sofort online.")))
	cfgPath := writeConfig(t, fmt.Sprintf("  - {name: Stockelsdorf, url: %s, land: DE-SH, title_prefix: Stockelsdorf}\n"+
		"  - {name: Ratekau, url: %s, land: DE-SH, title_prefix: Ratekau}\n  - {name: Kommune21, url: %s}\n", a, b, c))
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 0 {
		t.Fatalf("fetch: %d\n%s%s", code, out, errs)
	}
	a1, a2 := storage.ItemKey(a, "a1"), storage.ItemKey(a, "a2")
	b1, c1 := storage.ItemKey(b, "b1"), storage.ItemKey(c, "c1")
	for _, tt := range []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"two towns", []string{a1, b1}, 0, []string{"now: two stories", "two stories: their sources speak for two places", `"Stockelsdorf" and "Ratekau"`}},
		{"a town and a news site", []string{c1, a1}, 0, []string{"now: one story", "near-duplicate detection: one story (title layer"}},
		{"a news site naming another town", []string{c1, b1}, 0, []string{"now: two stories", `title_prefix "Ratekau"`, "names a place elsewhere"}},
		{"one source", []string{a1, a2}, 0, []string{"never merges two items of one source"}},
		{"one item twice", []string{a1, a1}, 1, []string{"give two different items"}},
		{"one item: its source's place", []string{a1}, 0, []string{"source: Stockelsdorf (place Stockelsdorf)"}},
		{"an unknown item", []string{a1, "999"}, 1, []string{"not found"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, append([]string{"explain", "-config", cfgPath}, tt.args...)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.wantCode, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(out+errs, w) {
					t.Errorf("output lacks %q:\n%s%s", w, out, errs)
				}
			}
		})
	}
}
