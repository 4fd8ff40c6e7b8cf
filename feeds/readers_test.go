package feeds

// What feed readers and newsletter tools see over time: every entry once,
// paging and since pulls while items are stored, valid Atom in edge states
// (from a review of the consumers' side in session 6).

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// puller is a newsletter tool: each pull passes the time of the previous
// pull's first request as since, follows the next links, and remembers
// every entry id it got.
type puller struct {
	t    *testing.T
	e    *testEnv
	path string
	last time.Time
	got  map[string]int // entry id → times delivered
}

func newPuller(t *testing.T, e *testEnv, path string) *puller {
	return &puller{t: t, e: e, path: path, last: e.clock.Now().Add(-time.Hour), got: map[string]int{}}
}

// pull returns the titles new in this pull.
func (p *puller) pull() []string {
	p.t.Helper()
	now := p.e.clock.Now()
	var titles []string
	for path := p.path + "?limit=2&since=" + p.last.Format(time.RFC3339Nano); path != ""; {
		f := parseAtom(p.t, p.e.get(path).body)
		for _, en := range f.Entries {
			p.got[en.ID]++
			titles = append(titles, en.Title)
		}
		path = ""
		if next := f.link("next"); next != "" {
			path = localPath(p.t, next)
		}
	}
	p.last = now
	slices.Sort(titles)
	return titles
}

// ids returns the entry ids of the feed now (all pages).
func feedIDs(t *testing.T, e *testEnv, path string) []string {
	t.Helper()
	var out []string
	for _, en := range parseAtom(t, e.get(path+"?limit=1000").body).Entries {
		out = append(out, en.ID)
	}
	slices.Sort(out)
	return out
}

// TestSinceAfterSplit: a story is delivered; a better
// report joins it and the editor splits off the first report soon after.
// The story keeps its entry id (shown by the second report); the next pull
// must not deliver it again (README: not new is "the rest of a story whose
// first report an editor split off").
func TestSinceAfterSplit(t *testing.T) {
	e := newTestEnv(t, "")
	ctx := context.Background()
	p := newPuller(t, e, "/feeds/all.atom")
	e.save("eGovernment Computing", storage.NewItem{GUID: "n1", Title: "Kassel: Neues Bürgerportal", Teaser: "Bericht.",
		Link: "https://www.kassel.de/portal", Published: e.clock.Now()})
	e.clock.Add(10 * time.Minute)
	if got := p.pull(); len(got) != 1 {
		t.Fatalf("first pull: %q", got)
	}
	story := feedIDs(t, e, "/feeds/all.atom")[0]
	e.clock.Add(10 * time.Minute)
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "h1", Title: "Kassel: Bürgerportal freigeschaltet", Teaser: "Amtlich.",
		Link: "https://www.kassel.de/portal", Published: e.clock.Now(), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	e.clock.Add(time.Minute)
	n1, err := e.store.ItemByKey(ctx, storage.ItemKey(e.urls["eGovernment Computing"], "n1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Split(ctx, n1.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Invalidate()
	if ids := feedIDs(t, e, "/feeds/all.atom"); !slices.Contains(ids, story) {
		t.Fatalf("after the split: %v, want the story still under %s", ids, story)
	}
	e.clock.Add(10 * time.Minute)
	p.pull()
	if p.got[story] != 1 {
		t.Errorf("story %s delivered %d times, want once", story, p.got[story])
	}
}

// TestAtomValidatesEdgeStates runs jing over documents in states the
// existing validation does not cover: a story shown by another source after
// its first source was removed, a hidden story's feed, a since page with a
// next link.
func TestAtomValidatesEdgeStates(t *testing.T) {
	e := newTestEnv(t, "\noutputs:\n  - name: digital\n    include: [digital]\n")
	ctx := context.Background()
	seedGolden(e)
	seedMany(e, 5)
	e.save("eGovernment Computing", storage.NewItem{GUID: "x", Title: "", Teaser: "", Link: "", Published: e.clock.Now()})
	var keep []int64
	for name, id := range e.ids {
		if name != "Stadt München" {
			keep = append(keep, id)
		}
	}
	if _, err := e.store.RemoveUnconfigured(ctx, keep, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.srv.Invalidate()
	e.clock.Add(10 * time.Minute)
	docs := map[string][]byte{
		"all.atom":     e.get("/feeds/all.atom").body,
		"by.atom":      e.get("/feeds/land/by.atom").body,
		"digital.atom": e.get("/feeds/digital.atom").body,
		"since.atom":   e.get("/feeds/all.atom?limit=2&since=" + testNow.Add(-time.Hour).Format(time.RFC3339)).body,
	}
	validateAtom(t, docs)
}

// TestPagingWhileStoring walks all.atom and he.atom page by page
// while items are stored between the pages: new stories (newer and older
// than the walk's position), a better report joining a story not reached
// yet, an edit, a story hidden and shown again. Every entry present when the
// walk began is seen once, none twice. (Holds.)
func TestPagingWhileStoring(t *testing.T) {
	for _, feed := range []string{"/feeds/all.atom", "/feeds/land/he.atom"} {
		t.Run(feed, func(t *testing.T) {
			e := newTestEnv(t, "")
			seedMany(e, 20)
			start := feedIDs(t, e, feed)
			seen := map[string]int{}
			step := 0
			for path := feed + "?limit=3"; path != ""; step++ {
				f := parseAtom(t, e.get(path).body)
				for _, en := range f.Entries {
					seen[en.ID]++
				}
				e.clock.Add(time.Minute)
				switch step {
				case 0:
					e.save("eGovernment Computing", storage.NewItem{GUID: fmt.Sprint("n", step), Title: "Neu oben", Teaser: "Text.",
						Link: "https://www.hessen.de/oben", Published: e.clock.Now(), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "test"}}})
				case 1:
					e.save("eGovernment Computing", storage.NewItem{GUID: "alt", Title: "Alt", Teaser: "Text.",
						Link: "https://www.hessen.de/alt", Published: testNow.Add(-5 * time.Hour), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "test"}}})
				case 2:
					// The Bund reports a story further down (same link).
					e.save("Bundesministerium des Innern", storage.NewItem{GUID: "b", Title: "Bund berichtet", Teaser: "Text.",
						Link: "https://www.hessen.de/meldung/15", Published: e.clock.Now(), Lands: []storage.LandTag{{Land: "DE", Rule: "source"}}})
				case 3:
					it, err := e.store.ItemByKey(context.Background(), storage.ItemKey(e.urls["Hessen – Meldungen"], "many-017"))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := e.store.Hide(context.Background(), it.ID, true, e.clock.Now()); err != nil {
						t.Fatal(err)
					}
					if _, err := e.store.Hide(context.Background(), it.ID, false, e.clock.Now()); err != nil {
						t.Fatal(err)
					}
					e.srv.Invalidate()
				}
				path = ""
				if next := f.link("next"); next != "" {
					path = localPath(t, next)
				}
				if step > 20 {
					t.Fatal("paging does not end")
				}
			}
			for _, id := range start {
				if seen[id] != 1 {
					t.Errorf("entry %s seen %d times", id, seen[id])
				}
			}
			for id, n := range seen {
				if n > 1 {
					t.Errorf("entry %s seen %d times", id, n)
				}
			}
		})
	}
}

// TestSincePullSeries: stories stored by three sources (some the
// same story by link, some dated before the previous pull, some stamped
// while a pull runs), edits, and a newsletter pulling since its previous
// pull every few minutes, two entries a page, for all.atom and he.atom:
// every entry in the feed at the end was delivered exactly once. (Holds.)
func TestSincePullSeries(t *testing.T) {
	for _, feed := range []string{"/feeds/all.atom", "/feeds/land/he.atom"} {
		t.Run(feed, func(t *testing.T) {
			e := newTestEnv(t, "")
			p := newPuller(t, e, feed)
			sources := []string{"eGovernment Computing", "Hessen – Meldungen", "Bundesministerium des Innern"}
			lands := [][]storage.LandTag{nil, {{Land: "DE-HE", Rule: "source"}}, {{Land: "DE", Rule: "source"}}}
			seq := 7
			rnd := func(n int) int { seq = (seq*1103515245 + 12345) & 0x7fffffff; return seq % n }
			for step := range 60 {
				s := rnd(3)
				story := rnd(25)
				it := storage.NewItem{GUID: fmt.Sprint("g", story, "-", s), Title: fmt.Sprint("Meldung ", story, " von ", s),
					Teaser: fmt.Sprint("Text ", rnd(2)), Link: fmt.Sprint("https://www.hessen.de/m/", story),
					Published: e.clock.Now().Add(-time.Duration(rnd(180)) * time.Minute), Lands: lands[s]}
				if rnd(4) == 0 {
					// Stamped a little before it commits.
					e.clock.Add(-time.Duration(rnd(60)) * time.Second)
					e.save(sources[s], it)
					e.clock.Add(time.Minute)
				} else {
					e.save(sources[s], it)
				}
				e.clock.Add(time.Duration(rnd(5)) * time.Minute)
				if step%3 == 0 {
					p.pull()
				}
			}
			e.clock.Add(10 * time.Minute)
			p.pull()
			for _, id := range feedIDs(t, e, feed) {
				if p.got[id] != 1 {
					t.Errorf("entry %s delivered %d times", id, p.got[id])
				}
			}
		})
	}
}
