package feeds

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// parsedAtom is what the tests read back from served Atom.
type parsedAtom struct {
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Summary   string `xml:"summary"`
		Content   string `xml:"content"`
		Links     []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Categories []struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, body []byte) parsedAtom {
	t.Helper()
	var f parsedAtom
	if err := xml.Unmarshal(body, &f); err != nil {
		t.Fatalf("served Atom does not parse: %v\n%s", err, body)
	}
	return f
}

func (f parsedAtom) link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// seedMany stores n items of the Hessen source, two per published
// instant (so the cursor's id tie-break matters), one hour apart.
func seedMany(e *testEnv, n int) {
	items := make([]storage.NewItem, n)
	for i := range items {
		items[i] = storage.NewItem{
			GUID:      fmt.Sprintf("many-%03d", i),
			Title:     fmt.Sprintf("Meldung %03d", i),
			Teaser:    fmt.Sprintf("Text der Meldung %d.", i),
			Link:      fmt.Sprintf("https://www.hessen.de/meldung/%d", i),
			Published: testNow.Add(-time.Duration(i/2) * time.Hour),
			Lands:     []storage.LandTag{{Land: "DE-HE", Rule: "source"}},
		}
	}
	e.save("Hessen – Meldungen", items...)
}

func TestPagingWalksEveryItemOnce(t *testing.T) {
	e := newTestEnv(t, "")
	seedMany(e, 237)
	for _, start := range []string{"/feeds/all.atom?limit=50", "/feeds/land/he.atom?limit=50"} {
		t.Run(start, func(t *testing.T) {
			seen := map[string]bool{}
			var last time.Time
			pages := 0
			for path := start; path != ""; pages++ {
				f := parseAtom(t, e.get(path).body)
				if pages < 4 && len(f.Entries) != 50 || pages == 4 && len(f.Entries) != 37 {
					t.Errorf("page %d has %d entries", pages, len(f.Entries))
				}
				for _, en := range f.Entries {
					if seen[en.ID] {
						t.Errorf("entry %s on two pages", en.ID)
					}
					seen[en.ID] = true
					p, err := time.Parse(time.RFC3339, en.Published)
					if err != nil {
						t.Fatal(err)
					}
					if !last.IsZero() && p.After(last) {
						t.Errorf("entry %s (%s) after an older one", en.ID, en.Published)
					}
					last = p
				}
				path = ""
				if next := f.link("next"); next != "" {
					path = localPath(t, next)
				}
				if pages > 10 {
					t.Fatal("too many pages")
				}
			}
			if len(seen) != 237 || pages != 5 {
				t.Errorf("walked %d items in %d pages, want 237 in 5", len(seen), pages)
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		seen := map[string]bool{}
		for path := "/feeds/all.json?limit=100"; path != ""; {
			var f struct {
				NextURL string `json:"next_url"`
				Items   []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			if err := json.Unmarshal(e.get(path).body, &f); err != nil {
				t.Fatal(err)
			}
			for _, it := range f.Items {
				if seen[it.ID] {
					t.Errorf("item %s twice", it.ID)
				}
				seen[it.ID] = true
			}
			path = ""
			if f.NextURL != "" {
				path = localPath(t, f.NextURL)
			}
		}
		if len(seen) != 237 {
			t.Errorf("walked %d items, want 237", len(seen))
		}
	})

	t.Run("rss", func(t *testing.T) {
		seen := map[string]bool{}
		for path := "/feeds/all.rss?limit=80"; path != ""; {
			var f struct {
				Links []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"channel>link"`
				GUIDs []string `xml:"channel>item>guid"`
			}
			if err := xml.Unmarshal(e.get(path).body, &f); err != nil {
				t.Fatal(err)
			}
			for _, g := range f.GUIDs {
				if seen[g] {
					t.Errorf("item %s twice", g)
				}
				seen[g] = true
			}
			path = ""
			for _, l := range f.Links {
				if l.Rel == "next" {
					path = localPath(t, l.Href)
				}
			}
		}
		if len(seen) != 237 {
			t.Errorf("walked %d items, want 237", len(seen))
		}
	})

	// The plain text has no place for a link: the next page comes in the
	// Link header (every format has it).
	t.Run("text", func(t *testing.T) {
		seen := map[string]bool{}
		pages := 0
		for path := "/feeds/all.txt?limit=60"; path != ""; pages++ {
			r := e.get(path)
			for _, block := range strings.Split(strings.TrimSpace(string(r.body)), "\n\n") {
				title := strings.SplitN(block, "\n", 2)[0]
				if seen[title] {
					t.Errorf("item %q twice", title)
				}
				seen[title] = true
			}
			path = ""
			if l := r.Header.Get("Link"); l != "" {
				next, ok := strings.CutSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
				if !ok || !strings.Contains(next, "/feeds/all.txt?") {
					t.Fatalf("Link %q", l)
				}
				path = localPath(t, next)
			}
			if pages > 10 {
				t.Fatal("too many pages")
			}
		}
		if len(seen) != 237 || pages != 4 {
			t.Errorf("walked %d items in %d pages, want 237 in 4", len(seen), pages)
		}
	})
}

func TestSinceAndLimit(t *testing.T) {
	e := newTestEnv(t, "")
	seedMany(e, 100) // published testNow, testNow, testNow-1h, testNow-1h, …

	count := func(path string) int { return len(parseAtom(t, e.get(path).body).Entries) }
	if n := count("/feeds/all.atom"); n != 50 {
		t.Errorf("default limit: %d entries, want 50", n)
	}
	if n := count("/feeds/all.atom?limit=7"); n != 7 {
		t.Errorf("limit=7: %d entries", n)
	}
	if n := count("/feeds/all.atom?limit=1000"); n != 100 {
		t.Errorf("limit=1000: %d entries, want all 100", n)
	}
	// since counts from when egovfeed stored an entry, not from its date
	// (TestSinceIsWhatIsNew): all 100 were stored at testNow, and a since
	// window lags two minutes behind.
	e.clock.Add(3 * time.Minute)
	before := testNow.Add(-time.Millisecond).Format(time.RFC3339Nano)
	if n := count("/feeds/all.atom?limit=1000&since=" + before); n != 100 {
		t.Errorf("since=%s: %d entries, want 100", before, n)
	}
	if n := count("/feeds/all.atom?limit=1000&since=" + testNow.Add(2*time.Minute).Format(time.RFC3339)); n != 0 {
		t.Errorf("since two minutes after they were stored: %d entries, want 0", n)
	}
	if n := count("/feeds/all.atom?limit=1000&since=2025-02-14"); n != 100 {
		t.Errorf("since=2025-02-14: %d entries, want 100", n)
	}
	f := parseAtom(t, e.get("/feeds/all.atom?since=2025-02-14&limit=10").body)
	next := f.link("next")
	if next == "" {
		t.Fatal("no next link")
	}
	// The next link keeps since and limit.
	f2 := parseAtom(t, e.get(localPath(t, next)).body)
	if len(f2.Entries) != 10 || f2.link("self") != next {
		t.Errorf("next page: %d entries, self %q (want %q)", len(f2.Entries), f2.link("self"), next)
	}
	// The self link of a page is its canonical URL.
	if got := parseAtom(t, e.get("/feeds/all.atom?limit=50&foo=bar").body).link("self"); got != "http://127.0.0.1:8080/feeds/all.atom" {
		t.Errorf("self link %q", got)
	}
}

// TestPagingWhileAStoryChangesItsPrimary follows a next link after a
// better source has joined a story on the next page: the story must
// still be on it, since its entry (id and date) did not change.
func TestPagingWhileAStoryChangesItsPrimary(t *testing.T) {
	e := newTestEnv(t, "")
	// Both at the same instant (date-only items all sit at midnight),
	// from a news site: B (stored second) comes first.
	e.saveFetch(storage.Fetch{}, "eGovernment Computing",
		storage.NewItem{GUID: "a", Title: "Bericht A", Teaser: "Text A", Link: "https://example.org/a", Published: at(-time.Hour)},
		storage.NewItem{GUID: "b", Title: "Bericht B", Teaser: "Text B", Link: "https://example.org/b", Published: at(-time.Hour)},
	)
	all := parseAtom(t, e.get("/feeds/all.atom").body)
	if len(all.Entries) != 2 {
		t.Fatalf("%d entries", len(all.Entries))
	}
	first := parseAtom(t, e.get("/feeds/all.atom?limit=1").body)
	if len(first.Entries) != 1 || first.Entries[0].ID != all.Entries[0].ID {
		t.Fatalf("first page: %+v", first.Entries)
	}
	next := first.link("next")
	if next == "" {
		t.Fatal("no next link")
	}
	// The Land's own report of A arrives; as the official source it
	// becomes the story's shown report.
	e.saveFetch(storage.Fetch{}, "Hessen – Meldungen",
		storage.NewItem{GUID: "h", Title: "Hessen berichtet A", Teaser: "Text", Link: "https://example.org/a", Published: at(-30 * time.Minute),
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	second := parseAtom(t, e.get(localPath(t, next)).body)
	if len(second.Entries) != 1 || second.Entries[0].ID != all.Entries[1].ID {
		t.Fatalf("second page has %+v, want the entry %s", second.Entries, all.Entries[1].ID)
	}
	if got := second.Entries[0].Title; got != "Hessen: Hessen berichtet A" {
		t.Errorf("second page shows %q, want the Land's report", got)
	}
}

// TestLandFeedKeepsAStoryWhenAnotherReportIsShown: a story in a Land's
// feed stays there when a report tagged only otherwise (the Bund's,
// earlier) becomes the one shown: subscribers of the Land had it.
func TestLandFeedKeepsAStoryWhenAnotherReportIsShown(t *testing.T) {
	e := newTestEnv(t, "")
	e.saveFetch(storage.Fetch{}, "Hessen – Meldungen",
		storage.NewItem{GUID: "h", Title: "Neues Portal", Teaser: "Text", Link: "https://example.org/x", Published: at(0),
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	he := parseAtom(t, e.get("/feeds/land/he.atom").body)
	if len(he.Entries) != 1 {
		t.Fatalf("he.atom: %d entries", len(he.Entries))
	}
	e.saveFetch(storage.Fetch{}, "Bundesministerium des Innern",
		storage.NewItem{GUID: "b", Title: "Neues Portal in Hessen", Teaser: "Text", Link: "https://example.org/x", Published: at(-time.Hour),
			Lands: []storage.LandTag{{Land: "DE", Rule: "source"}}})
	after := parseAtom(t, e.get("/feeds/land/he.atom").body)
	if len(after.Entries) != 1 || after.Entries[0].ID != he.Entries[0].ID {
		t.Fatalf("he.atom after the Bund's report: %+v, want the entry %s", after.Entries, he.Entries[0].ID)
	}
	// The Bund's feed has the story too (its report is tagged DE), once.
	if n := len(parseAtom(t, e.get("/feeds/land/bund.atom").body).Entries); n != 1 {
		t.Errorf("bund.atom: %d entries, want 1", n)
	}
	if n := len(parseAtom(t, e.get("/feeds/all.atom").body).Entries); n != 1 {
		t.Errorf("all.atom: %d entries, want 1", n)
	}
}

// TestSinceIsWhatIsNew: a newsletter pulling "what is new since my last
// pull" gets every entry egovfeed added after it, including one its source
// dated before the pull and one being stored while the pull ran, and
// nothing it already had.
func TestSinceIsWhatIsNew(t *testing.T) {
	e := newTestEnv(t, "\noutputs:\n  - name: bmi\n    sources: [Bundesministerium des Innern]\n")
	item := func(guid, title, link string, published time.Time, lands ...string) storage.NewItem {
		it := storage.NewItem{GUID: guid, Title: title, Teaser: "Text zu " + title + ".", Link: link, Published: published}
		for _, l := range lands {
			it.Lands = append(it.Lands, storage.LandTag{Land: l, Rule: "test"})
		}
		return it
	}
	titles := func(path string) []string {
		var out []string
		for _, en := range parseAtom(t, e.get(path).body).Entries {
			out = append(out, en.Title)
		}
		slices.Sort(out)
		return out
	}
	since := func(t time.Time) string { return "?limit=1000&since=" + t.Format(time.RFC3339Nano) }
	start := e.clock.Now()
	// Before the first pull: a news site's report (no Land) and a Hessen item.
	e.save("eGovernment Computing", item("n1", "Portal startet", "https://example.org/portal", at(-3*time.Hour)))
	e.save("Hessen – Meldungen", item("h1", "Alte Meldung", "https://www.hessen.de/alt", at(-2*time.Hour), "DE-HE"))
	e.clock.Add(10 * time.Minute)
	pull := e.clock.Now()
	if got := titles("/feeds/all.atom" + since(start.Add(-time.Hour))); len(got) != 2 {
		t.Fatalf("first pull: %q, want both stories", got)
	}
	// Stamped 20 s before that pull, committed after it (the writer was
	// busy): the next pull must still get it.
	e.clock.Add(-20 * time.Second)
	e.save("Hessen – Meldungen", item("h0", "Knapp", "https://www.hessen.de/knapp", pull.Add(-time.Hour), "DE-HE"))
	e.clock.Add(20*time.Second + time.Minute)
	e.save("Hessen – Meldungen",
		item("h2", "Spät geholt", "https://www.hessen.de/spaet", pull.Add(-time.Hour), "DE-HE"),
		item("h3", "Neu", "https://www.hessen.de/neu", e.clock.Now(), "DE-HE"),
		item("h4", "Portal startet in Hessen", "https://example.org/portal", at(-time.Hour), "DE-HE"))
	e.save("Bundesministerium des Innern", item("b1", "Alte Meldung", "https://www.hessen.de/alt", at(-time.Hour), "DE"))
	e.clock.Add(10 * time.Minute)

	if got, want := titles("/feeds/all.atom"+since(pull)), []string{"Hessen: Knapp", "Hessen: Neu", "Hessen: Spät geholt"}; !slices.Equal(got, want) {
		t.Errorf("all since the first pull: %q, want %q (stories known before it are not new)", got, want)
	}
	// The news site's story entered the Hessen feed with Hessen's report,
	// after the pull: new there. The old Hessen item is not.
	if got, want := titles("/feeds/land/he.atom"+since(pull)), []string{"Hessen: Knapp", "Hessen: Neu", "Hessen: Portal startet in Hessen", "Hessen: Spät geholt"}; !slices.Equal(got, want) {
		t.Errorf("Hessen since the first pull: %q, want %q", got, want)
	}
	// The BMI's report brought the old Hessen story into the BMI output.
	if got := titles("/feeds/bmi.atom" + since(pull)); len(got) != 1 {
		t.Errorf("bmi since the first pull: %q, want the one story the BMI's report brought in", got)
	}
	// A day: from its midnight on.
	if got := titles("/feeds/all.atom?limit=1000&since=" + testNow.Format("2006-01-02")); len(got) != 5 {
		t.Errorf("since today: %q, want all 5 stories", got)
	}
	// Paging keeps the selection: one entry per page, each once.
	seen := map[string]bool{}
	for path := "/feeds/land/he.atom?limit=1&since=" + pull.Format(time.RFC3339Nano); path != ""; {
		f := parseAtom(t, e.get(path).body)
		for _, en := range f.Entries {
			if seen[en.ID] {
				t.Errorf("entry %s twice", en.ID)
			}
			seen[en.ID] = true
		}
		path = ""
		if next := f.link("next"); next != "" {
			path = localPath(t, next)
		}
		if len(seen) > 10 {
			t.Fatal("paging does not end")
		}
	}
	if len(seen) != 4 {
		t.Errorf("paged through %d entries, want 4", len(seen))
	}

	// An entry stored just now waits for the window; the cached page
	// takes it in when the window reaches it, with no ingest in between.
	second := e.clock.Now()
	e.save("Hessen – Meldungen", item("h5", "Ganz neu", "https://www.hessen.de/ganz-neu", e.clock.Now(), "DE-HE"))
	if got := titles("/feeds/all.atom" + since(second.Add(-time.Second))); len(got) != 0 {
		t.Errorf("right after it was stored: %q, want nothing yet", got)
	}
	e.clock.Add(3 * time.Minute)
	if got := titles("/feeds/all.atom" + since(second.Add(-time.Second))); !slices.Equal(got, []string{"Hessen: Ganz neu"}) {
		t.Errorf("three minutes later: %q, want the new entry", got)
	}
}

// TestSincePullEdges: the pages of one pull share its window, max_age in
// a pull counts from the window's start, and a date starts at midnight.
func TestSincePullEdges(t *testing.T) {
	e := newTestEnv(t, "\noutputs:\n  - name: tag\n    max_age: 24h\n")
	item := func(guid string, published time.Time) storage.NewItem {
		return storage.NewItem{GUID: guid, Title: "Meldung " + guid, Teaser: "Text.", Link: "https://www.hessen.de/" + guid, Published: published,
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}}
	}
	titles := func(path string) (out []string, next string) {
		f := parseAtom(t, e.get(path).body)
		for _, en := range f.Entries {
			out = append(out, strings.TrimPrefix(en.Title, "Hessen: Meldung "))
		}
		return out, f.link("next")
	}
	since := func(t time.Time) string { return "since=" + t.Format(time.RFC3339Nano) }

	t.Run("pages of one pull", func(t *testing.T) {
		p0 := e.clock.Now()
		e.save("Hessen – Meldungen", item("a", e.clock.Now().Add(-time.Hour)), item("b", e.clock.Now().Add(-2*time.Hour)))
		e.clock.Add(10 * time.Minute)
		p1 := e.clock.Now()
		page1, next := titles("/feeds/all.atom?limit=1&" + since(p0.Add(-time.Minute)))
		// Stored between the pull's pages: one newer than everything, one
		// older than the cursor. They belong to the next pull, not this one.
		e.save("Hessen – Meldungen", item("c", p0.Add(-3*time.Hour)), item("d", e.clock.Now()))
		e.clock.Add(5 * time.Minute)
		page2, next2 := titles(localPath(t, next))
		if got := append(page1, page2...); !slices.Equal(got, []string{"a", "b"}) || next2 != "" {
			t.Errorf("pull over two pages: %q (next %q), want a, b and no more", got, next2)
		}
		e.clock.Add(5 * time.Minute)
		if got, _ := titles("/feeds/all.atom?limit=10&" + since(p1)); !slices.Equal(got, []string{"d", "c"}) {
			t.Errorf("next pull: %q, want d and c", got)
		}
	})

	t.Run("max_age counts from the window's start", func(t *testing.T) {
		p0 := e.clock.Now()
		e.clock.Add(time.Minute)
		// Stored a minute before the pull, dated nearly 24 hours back: the
		// lag keeps it from this pull; the next, an hour later, must not
		// find it too old.
		e.save("Hessen – Meldungen", item("e", e.clock.Now().Add(-23*time.Hour-29*time.Minute)))
		e.clock.Add(time.Minute)
		p1 := e.clock.Now()
		if got, _ := titles("/feeds/tag.atom?" + since(p0)); slices.Contains(got, "e") {
			t.Errorf("pull 1: %q, want e held back by the lag", got)
		}
		e.clock.Add(time.Hour)
		if got, _ := titles("/feeds/tag.atom?" + since(p1)); !slices.Contains(got, "e") {
			t.Errorf("pull 2: %q, want e", got)
		}
	})

	t.Run("a date starts at midnight", func(t *testing.T) {
		day := time.Date(2025, 2, 20, 0, 0, 0, 0, berlin)
		e.clock.Set(day.Add(-90 * time.Second))
		e.save("Hessen – Meldungen", item("f", e.clock.Now()))
		e.clock.Set(day.Add(time.Minute))
		e.save("Hessen – Meldungen", item("g", e.clock.Now()))
		e.clock.Add(time.Hour)
		if got, _ := titles("/feeds/all.atom?since=2025-02-20"); !slices.Equal(got, []string{"g"}) {
			t.Errorf("since=2025-02-20: %q, want only g (f was stored before midnight)", got)
		}
	})
}

// TestSincePullCaching: a since page of an output with max_age is not
// rendered anew on every request, and an until past the window's end does
// not get around the lag.
func TestSincePullCaching(t *testing.T) {
	// Without background renders, which would count as renderings.
	e := newTestEnv(t, "\noutputs:\n  - name: tag\n    max_age: 24h\n", WithoutPrerender())
	p0 := e.clock.Now()
	for i, age := range []time.Duration{time.Hour, 23*time.Hour + 29*time.Minute, 24 * time.Hour} {
		e.save("Hessen – Meldungen", storage.NewItem{GUID: fmt.Sprint("m", i), Title: fmt.Sprint("Meldung ", i), Teaser: "Text.",
			Link: fmt.Sprint("https://www.hessen.de/m", i), Published: e.clock.Now().Add(-age)})
	}
	e.clock.Add(time.Hour)
	path := "/feeds/tag.atom?limit=2&since=" + p0.Add(-time.Minute).Format(time.RFC3339Nano)
	first := e.get(path).Header.Get("ETag")
	renders := e.srv.renders.Load()
	for range 3 {
		e.clock.Add(time.Second)
		if etag := e.get(path).Header.Get("ETag"); etag != first {
			t.Errorf("ETag %s, then %s: the page was rendered anew", first, etag)
		}
	}
	if n := e.srv.renders.Load() - renders; n != 0 {
		t.Errorf("%d renderings for three requests of an unchanged page", n)
	}

	// Stored 30 s ago: not in a pull yet, whatever until says.
	stored := e.clock.Now()
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "neu", Title: "Neu", Teaser: "Text.", Link: "https://www.hessen.de/neu", Published: e.clock.Now()})
	e.clock.Add(30 * time.Second)
	for _, q := range []string{"", "&until=2030-01-01T00:00:00Z"} {
		f := parseAtom(t, e.get("/feeds/all.atom?since="+stored.Add(-time.Second).Format(time.RFC3339Nano)+q).body)
		if len(f.Entries) != 0 {
			t.Errorf("since just before it was stored%s: %d entries, want none within the lag", q, len(f.Entries))
		}
	}
}
