package aggregator_test

// The corpus test serves every file of the shared feed corpus
// (../../shared/corpus, see its README.md) from one loopback server and
// runs the whole pipeline over it: fetch → parse → normalize → SQLite,
// then republishing as Atom, validated against the RFC 4287 schema. Its
// figures are in docs/reliability.md.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/aggregator/fetch"
	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/feeds"
	"github.com/egovfeed/egovfeed/storage"
	"github.com/mmcdole/gofeed"
)

// sharedDir finds a folder of ../shared (beside the clone in CI). It
// fails the test when CI is set and skips it otherwise.
func sharedDir(t *testing.T, env, rel string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", rel)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing (%v): CI must have ../shared beside the clone, or set %s", dir, err, env)
		}
		t.Skipf("%s missing (%v); set %s", dir, err, env)
	}
	return dir
}

// corpusFile is one file of the corpus and the headers to serve it with.
type corpusFile struct {
	rel    string // relative to the corpus folder, as in the baseline
	body   []byte
	header http.Header
}

// notData are the corpus's own files, not inputs.
var notData = map[string]bool{"README.md": true, "SHA256SUMS": true, "LICENSE": true, "MANIFEST.tsv": true}

// feedparserHeader reads the "Header: Name: value" lines in the comment
// that heads feedparser's test files (the HTTP headers they expect).
var feedparserHeader = regexp.MustCompile(`(?m)^Header:\s+([A-Za-z-]+):[ \t]*(.*?)[ \t]*\r?$`)

func loadCorpus(t *testing.T, dir string) []corpusFile {
	t.Helper()
	var files []corpusFile
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || notData[d.Name()] {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		f := corpusFile{rel: "./" + filepath.ToSlash(rel), body: body, header: http.Header{}}
		switch {
		case strings.HasSuffix(path, ".json"):
			f.header.Set("Content-Type", "application/json")
		case strings.HasSuffix(path, ".atom"):
			f.header.Set("Content-Type", "application/atom+xml")
		default:
			f.header.Set("Content-Type", "application/xml")
		}
		if strings.HasPrefix(f.rel, "./feedparser/") {
			head := body[:min(len(body), 1024)]
			for _, m := range feedparserHeader.FindAllSubmatch(head, -1) {
				f.header.Set(string(m[1]), string(m[2]))
			}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// outcome names what became of one corpus file.
func outcome(r aggregator.Result, stored int) string {
	switch {
	case r.Err == nil && stored > 0:
		return "ingested"
	case r.Err == nil:
		return "ingested, no items"
	}
	var he *fetch.HTTPError
	msg := r.Err.Error()
	switch {
	case errors.Is(r.Err, fetch.ErrBodyTooLarge):
		return "rejected: body too large"
	case errors.As(r.Err, &he):
		return "rejected: HTTP " + strconv.Itoa(he.StatusCode)
	case !errors.Is(r.Err, aggregator.ErrNotAFeed):
		return "failed: " + msg
	case strings.Contains(msg, "parser panic"):
		return "rejected: parser panic"
	case strings.Contains(strings.ToLower(msg), "failed to detect feed type"):
		return "rejected: not a feed (type not detected)"
	case strings.Contains(msg, "XML syntax error"):
		return "rejected: XML syntax error"
	case strings.Contains(msg, "EOF"):
		return "rejected: truncated (unexpected EOF)"
	case strings.Contains(msg, "json") || strings.Contains(msg, "JSON") || strings.Contains(msg, "invalid character"):
		return "rejected: JSON error"
	}
	return "rejected: " + msg
}

// baselineRow is one line of feedparser-6.0.10-baseline.tsv.
type baselineRow struct {
	version   string
	bozo      bool
	entries   int
	exception string
}

func loadBaseline(t *testing.T, path string) map[string]baselineRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]baselineRow{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			continue
		}
		n, _ := strconv.Atoi(cols[3])
		out[cols[0]] = baselineRow{version: cols[1], bozo: cols[2] != "0", entries: n, exception: cols[4]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusRejects are the files python feedparser reads without error
// (bozo 0, entries > 0) that egovfeed rejects, each with the reason it
// is right to (docs/reliability.md has the table). A file rejected that
// is not here fails the test, and so does a listed file now ingested.
var corpusRejects = map[string]string{
	"./feedparser/tests/wellformed/base/cdf_item_abstract_xml_base.xml":   cdf,
	"./feedparser/tests/wellformed/cdf/item_abstract_map_description.xml": cdf,
	"./feedparser/tests/wellformed/cdf/item_abstract_map_summary.xml":     cdf,
	"./feedparser/tests/wellformed/cdf/item_href_map_link.xml":            cdf,
	"./feedparser/tests/wellformed/cdf/item_href_map_links.xml":           cdf,
	"./feedparser/tests/wellformed/cdf/item_lastmod.xml":                  cdf,
	"./feedparser/tests/wellformed/cdf/item_lastmod_parsed.xml":           cdf,
	"./feedparser/tests/wellformed/cdf/item_title.xml":                    cdf,
}

const cdf = "Microsoft CDF (Channel Definition Format, 1997) is not RSS, Atom or JSON Feed; gofeed does not read it and no public-sector site publishes it"

// whyNoItems explains a feed stored without items when feedparser found
// entries: "" when some entry has a title, link, id or text (then
// storing nothing is a bug), else why none is usable. It re-parses the
// body as the aggregator does.
func whyNoItems(f corpusFile, base string) string {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(normalize.UTF8(f.body, f.header.Get("Content-Type"))))
	if err != nil {
		return ""
	}
	if len(feed.Items) == 0 {
		return "the parser finds no entries (elements it does not read)"
	}
	bu, _ := url.Parse(base)
	for _, fi := range feed.Items {
		body := fi.Description
		if strings.TrimSpace(body) == "" {
			body = fi.Content
		}
		link := fi.Link
		if link == "" && len(fi.Links) > 0 {
			link = fi.Links[0]
		}
		_, lerr := normalize.CanonicalLink(link, bu)
		if normalize.Text(fi.GUID) != "" || normalize.Title(fi.Title) != "" || normalize.Teaser(body, normalize.TeaserMax) != "" || lerr == nil {
			return ""
		}
	}
	return "entries without title, link, id or text"
}

func cleanWithEntries(base map[string]baselineRow) int {
	n := 0
	for _, b := range base {
		if !b.bozo && b.entries > 0 {
			n++
		}
	}
	return n
}

const (
	corpusEnc   = "./miniflux/internal/reader/encoding/testdata/"
	corpusFPEnc = "./feedparser/tests/encoding/"
)

// corpusFeedTitles are the feed titles of files whose charset is the point.
var corpusFeedTitles = map[string]string{
	corpusEnc + "iso-8859-1.xml":                        "Café",
	corpusEnc + "windows-1252.xml":                      "Euro €",
	corpusEnc + "windows-1252-incorrect-prolog.xml":     "Euro €", // declares windows-1252, is UTF-8
	corpusEnc + "utf8-incorrect-prolog.xml":             "테스트 피드", // declares ISO-8859-1, is UTF-8
	corpusEnc + "invalid-prolog.xml":                    "테스트 피드", // declares "invalid"
	corpusEnc + "utf8.xml":                              "테스트 피드",
	corpusEnc + "koi8r.xml":                             "Пример RSS ленты",
	corpusFPEnc + "euc-kr.xml":                          "년",
	corpusFPEnc + "utf-32be-bom.xml":                    "",
	"./rss-parser/test/input/heise.atom":                "heise developer neueste Meldungen",
	"./stadt-karlsruhe-news-syndication/docs/feed.atom": "Stadt Karlsruhe - Aktuelle Meldungen",
}

// corpusTexts are texts that must appear in the titles or teasers of a
// file's items.
var corpusTexts = map[string]string{
	corpusFPEnc + "euc-kr-item.xml":                                         "년",
	corpusFPEnc + "demoronize-1.xml":                                        "don’t",
	corpusFPEnc + "demoronize-2.xml":                                        "don’t",
	corpusFPEnc + "demoronize-3.xml":                                        "don’t",
	corpusFPEnc + "http_text_xml_charset_overrides_encoding_2.xml":          "This is a £“test.”",
	"./miniflux/internal/reader/parser/testdata/no_encoding_ISO-8859-1.xml": "Psychologue à domicile : de la clinique à l'état brut",
	corpusEnc + "koi8r.xml":                                                 "Это тестовое описание с русскими символами: Привет мир! Ёжик, чай, Москва, Санкт-Петербург.",
}

// checkCorpusEncodings checks texts of files whose charset handling is
// the point: declared, undeclared and wrongly declared charsets, and that
// no real-world German feed was decoded twice (mojibake such as "Ã¼").
func checkCorpusEncodings(t *testing.T, store *storage.Store, items []storage.Item) {
	t.Helper()
	srcs, err := store.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	feedTitle := map[string]string{}
	for _, s := range srcs {
		feedTitle[s.Name] = s.FeedTitle
	}
	for file, want := range corpusFeedTitles {
		if got, ok := feedTitle[file]; !ok {
			continue // not served (race-detector sample)
		} else if got != want {
			t.Errorf("%s: feed title %q, want %q", file, got, want)
		}
	}
	teasers := map[string]string{}
	for _, it := range items {
		teasers[it.SourceName] += it.Title + "\n" + it.Teaser + "\n"
	}
	for file, want := range corpusTexts {
		if _, ok := feedTitle[file]; !ok {
			continue
		}
		if got := teasers[file]; !strings.Contains(got, want) {
			t.Errorf("%s: texts %q, want %q", file, clip(got), want)
		}
	}
	mojibake := regexp.MustCompile(`Ã[\x{80}-\x{BF}]|â€`)
	german, umlauts := 0, 0
	for _, it := range items {
		if !strings.HasPrefix(it.SourceName, "./podsearch-de/") && !strings.Contains(it.SourceName, "karlsruhe") &&
			!strings.Contains(it.SourceName, "heise") && !strings.Contains(it.SourceName, "ISO-8859-1") {
			continue
		}
		german++
		if strings.ContainsAny(it.Title+it.Teaser, "äöüÄÖÜß") {
			umlauts++
		}
		if m := mojibake.FindString(it.Title + " " + it.Teaser); m != "" {
			t.Errorf("%s: mojibake %q in %q", it.SourceName, m, clip(it.Title+" | "+it.Teaser))
		}
	}
	t.Logf("German real-world feeds: %d items stored, %d with umlauts", german, umlauts)
}

func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run skipped in -short mode")
	}
	dir := sharedDir(t, "EGOVFEED_CORPUS", "corpus")
	files := loadCorpus(t, dir)
	if len(files) < 3000 {
		t.Fatalf("found %d corpus files in %s, want the ~3,485 of its README", len(files), dir)
	}
	if raceEnabled() && os.Getenv("EGOVFEED_CORPUS_FULL") == "" {
		// The race detector makes the pure-Go SQLite some 30 times slower
		// (checkptr in its transpiled C): serve every fifth file and those
		// with text checks (EGOVFEED_CORPUS_FULL=1 serves all; without
		// -race all are always served).
		var sample []corpusFile
		for i, f := range files {
			_, t1 := corpusFeedTitles[f.rel]
			_, t2 := corpusTexts[f.rel]
			if i%5 == 0 || t1 || t2 {
				sample = append(sample, f)
			}
		}
		t.Logf("race detector: %d of %d files served", len(sample), len(files))
		files = sample
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/corpus/"))
		if err != nil || i < 0 || i >= len(files) {
			http.NotFound(w, r)
			return
		}
		for k, v := range files[i].header {
			w.Header()[k] = v
		}
		w.Write(files[i].body)
	}))
	t.Cleanup(srv.Close)

	var sources []config.Source
	for i, f := range files {
		sources = append(sources, config.Source{Name: f.rel, URL: fmt.Sprintf("%s/corpus/%d", srv.URL, i)})
	}
	h := newHarness(t, func(c *config.Config) {
		c.Fetch.Concurrency = 8
		c.Fetch.PerHost = 8
		c.Fetch.Timeout = config.Duration(20 * time.Second)
	}, sources...)
	h.now = time.Now().UTC()

	// A hang fails the test here rather than at the package timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	results := h.agg.FetchAll(ctx, false, nil)
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("corpus fetch did not finish within 3 minutes")
	}

	stored := map[string]int{}
	state := map[string]storage.Source{}
	srcs, err := h.store.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		stored[s.Name], state[s.Name] = s.Items, s
	}
	counts := map[string]int{}
	examples := map[string][]string{}
	outcomes := map[string]string{}
	items := 0
	for _, r := range results {
		o := outcome(r, stored[r.Source])
		outcomes[r.Source] = o
		counts[o]++
		items += stored[r.Source]
		if len(examples[o]) < 3 {
			examples[o] = append(examples[o], r.Source)
		}
		if r.New != stored[r.Source] {
			t.Errorf("%s: result says %d new, database holds %d", r.Source, r.New, stored[r.Source])
		}
		st := state[r.Source]
		switch {
		case r.Err == nil && (st.LastError != "" || st.ConsecutiveFailures != 0):
			t.Errorf("%s: succeeded but its state is %+v", r.Source, st)
		case r.Err != nil && (st.LastError == "" || st.ConsecutiveFailures != 1):
			t.Errorf("%s: failed (%v) but its state does not say so: %+v", r.Source, r.Err, st)
		case r.Err != nil && strings.Contains(outcomes[r.Source], "failed: "):
			t.Errorf("%s: failed without a classified reason: %v", r.Source, r.Err)
		}
	}
	t.Logf("%d files, %d items stored in %s", len(files), items, took.Round(time.Millisecond))
	reasons := make([]string, 0, len(counts))
	for o := range counts {
		reasons = append(reasons, o)
	}
	slices.Sort(reasons)
	for _, o := range reasons {
		t.Logf("%6d  %-45s e.g. %s", counts[o], o, strings.Join(examples[o], ", "))
	}
	// By top-level directory, for the table in docs/reliability.md.
	type dirCount struct{ files, items, noItems, rejected int }
	byDir := map[string]*dirCount{}
	for src, o := range outcomes {
		dir, _, _ := strings.Cut(strings.TrimPrefix(src, "./"), "/")
		c := byDir[dir]
		if c == nil {
			c = &dirCount{}
			byDir[dir] = c
		}
		c.files++
		switch o {
		case "ingested":
			c.items++
		case "ingested, no items":
			c.noItems++
		default:
			c.rejected++
		}
	}
	for _, dir := range slices.Sorted(maps.Keys(byDir)) {
		c := byDir[dir]
		t.Logf("%-40s %5d files: %5d ingested, %5d no items, %4d rejected", dir, c.files, c.items, c.noItems, c.rejected)
	}

	phase := time.Now()
	all, err := h.store.Items(context.Background(), storage.Query{WithDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		checkStoredItem(t, &all[i])
	}
	checkCorpusEncodings(t, h.store, all)
	if v, err := h.store.IntegrityCheck(context.Background()); err != nil || v != "ok" {
		t.Errorf("integrity_check = %q, %v", v, err)
	}

	// Against feedparser: what it reads cleanly we must ingest, or say why not.
	tookChecks := time.Since(phase)
	base := loadBaseline(t, filepath.Join(sharedDir(t, "EGOVFEED_VALIDATE", "validate"), "feedparser-6.0.10-baseline.tsv"))
	var unexplained []string
	emptyEntries := 0 // feedparser counts entries egovfeed finds nothing in
	for _, f := range files {
		b, ok := base[f.rel]
		if !ok || b.bozo || b.entries == 0 {
			continue
		}
		o := outcomes[f.rel]
		if o == "ingested, no items" {
			if why := whyNoItems(f, srv.URL); why != "" {
				emptyEntries++
				continue
			}
		}
		_, listed := corpusRejects[f.rel]
		switch {
		case o != "ingested" && !listed:
			unexplained = append(unexplained, fmt.Sprintf("%s (feedparser: %s, %d entries): %s", f.rel, b.version, b.entries, o))
		case o == "ingested" && listed:
			t.Errorf("%s is ingested now: remove it from corpusRejects and docs/reliability.md", f.rel)
		}
	}
	t.Logf("feedparser reads %d of these files cleanly with entries; %d of them hold only entries without title, link, id or text (stored: none)",
		cleanWithEntries(base), emptyEntries)
	if len(unexplained) > 0 {
		t.Errorf("%d files feedparser reads without error are not ingested, with no reason in corpusRejects:\n  %s",
			len(unexplained), strings.Join(unexplained, "\n  "))
	}
	if path := os.Getenv("EGOVFEED_CORPUS_REPORT"); path != "" {
		writeCorpusReport(t, path, files, results, stored, base)
	}

	// A second pass must change nothing: item identity is stable. (Not
	// under the race detector, where SQLite's pure-Go build is slow.)
	phase = time.Now()
	if !raceEnabled() {
		for _, r := range h.agg.FetchAll(context.Background(), false, nil) {
			if r.Err == nil && (r.New != 0 || r.Updated != 0) {
				t.Errorf("%s: re-fetch of the same body stored %d new, %d updated", r.Source, r.New, r.Updated)
			}
		}
	}
	tookSecond := time.Since(phase)
	phase = time.Now()
	maxPages := 100
	if raceEnabled() {
		maxPages = 1
	}
	validateServedAtom(t, h.cfg, h.store, maxPages)
	t.Logf("phases: first fetch %s, item checks %s, second fetch %s, all.atom %s",
		took.Round(time.Millisecond), tookChecks.Round(time.Millisecond), tookSecond.Round(time.Millisecond), time.Since(phase).Round(time.Millisecond))
}

// writeCorpusReport writes one line per file: path, outcome, items
// stored, feedparser's verdict and the error (for docs/reliability.md).
func writeCorpusReport(t *testing.T, path string, files []corpusFile, results []aggregator.Result, stored map[string]int, base map[string]baselineRow) {
	var b strings.Builder
	b.WriteString("path\toutcome\titems\tfp_version\tfp_bozo\tfp_entries\terror\n")
	for i, r := range results {
		fb := base[files[i].rel]
		errText := ""
		if r.Err != nil {
			errText = strings.ReplaceAll(r.Err.Error(), "\t", " ")
		}
		fmt.Fprintf(&b, "%s\t%s\t%d\t%s\t%t\t%d\t%s\n", r.Source, outcome(r, stored[r.Source]), stored[r.Source],
			fb.version, fb.bozo, fb.entries, strings.ReplaceAll(errText, "\n", " "))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Error(err)
	}
}

// checkStoredItem asserts what must hold of every stored item, whatever
// the feed sent: valid UTF-8, no invisible or control characters, a
// bounded plain-text teaser, and links that are http(s) or nothing.
func checkStoredItem(t *testing.T, it *storage.Item) {
	t.Helper()
	for field, v := range map[string]string{"title": it.Title, "teaser": it.Teaser, "guid": it.GUID, "link": it.Link, "orig_link": it.OrigLink} {
		if !utf8.ValidString(v) {
			t.Errorf("%s: %s is not valid UTF-8: %q", it.SourceName, field, clip(v))
		}
	}
	for field, v := range map[string]string{"title": it.Title, "teaser": it.Teaser} {
		if i := strings.IndexFunc(v, invisibleRune); i >= 0 {
			r, _ := utf8.DecodeRuneInString(v[i:])
			t.Errorf("%s: %s holds %U: %q", it.SourceName, field, r, clip(v))
		}
	}
	if n := utf8.RuneCountInString(it.Teaser); n > 320 {
		t.Errorf("%s: teaser of %d characters, want ≤ 320", it.SourceName, n)
	}
	for field, v := range map[string]string{"link": it.Link, "orig_link": it.OrigLink} {
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Errorf("%s: %s %q is not an absolute http(s) URL", it.SourceName, field, clip(v))
		}
	}
}

// invisibleRune matches what titles and teasers must not hold: controls,
// format characters (bidi overrides, zero-width) other than the
// zero-width joiner of emoji sequences, and U+FFFD.
func invisibleRune(r rune) bool {
	if r == '\u200D' {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) || r == utf8.RuneError
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// validateServedAtom renders /feeds/all.atom page by page (1000 items a
// page, following the next links, at most maxPages) and validates every
// page with jing against the RFC 4287 schema in ../shared/validate.
func validateServedAtom(t *testing.T, cfg *config.Config, store *storage.Store, maxPages int) {
	t.Helper()
	jing, err := exec.LookPath("jing")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("jing is not installed (.ci/run installs it)")
		}
		t.Log("jing not installed: served Atom not validated")
		return
	}
	schema := filepath.Join(sharedDir(t, "EGOVFEED_VALIDATE", "validate"), "atom.rnc")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pub, err := feeds.NewServer(ctx, cfg, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()

	dir := t.TempDir()
	var pages []string
	entries := 0
	next := "/feeds/all.atom?limit=1000"
	for next != "" && len(pages) < maxPages {
		rec := httptest.NewRecorder()
		pub.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, next, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, rec.Code, rec.Body)
		}
		var doc struct {
			Entries []struct{} `xml:"entry"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("GET %s: not well-formed: %v", next, err)
		}
		entries += len(doc.Entries)
		p := filepath.Join(dir, fmt.Sprintf("all-%03d.atom", len(pages)))
		if err := os.WriteFile(p, rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		next = ""
		for _, l := range doc.Links {
			if l.Rel == "next" {
				u, err := url.Parse(l.Href)
				if err != nil {
					t.Fatalf("next link %q: %v", l.Href, err)
				}
				next = u.RequestURI()
			}
		}
	}
	visible, err := store.Items(context.Background(), storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(visible); entries != want && next == "" {
		t.Errorf("all.atom pages hold %d entries, want the %d stored non-duplicate items", entries, want)
	}
	// One jing call for all pages: a JVM start costs half a second.
	out, err := exec.Command(jing, append([]string{"-c", schema}, pages...)...).CombinedOutput()
	if err != nil {
		t.Errorf("served Atom does not validate (%v):\n%s", err, firstLines(string(out), 40))
	}
	t.Logf("all.atom: %d pages, %d entries validated with jing", len(pages), entries)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines[n] = "…"
	}
	return strings.Join(lines, "\n")
}
