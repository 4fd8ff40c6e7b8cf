package feeds

import (
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestStableIDs: ids never change, updated changes only with content,
// and an edited item keeps its place.
func TestStableIDs(t *testing.T) {
	e := newTestEnv(t, "")
	a := storage.NewItem{GUID: "a", Title: "Erste Meldung", Teaser: "Text A.", Link: "https://www.hessen.de/a", Published: at(-2 * time.Hour),
		Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}}
	b := storage.NewItem{GUID: "b", Title: "Zweite Meldung", Teaser: "Text B.", Link: "https://www.hessen.de/b", Published: at(-1 * time.Hour),
		Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}}
	e.save("Hessen – Meldungen", a, b)
	first := parseAtom(t, e.get("/feeds/all.atom").body)
	etag := e.get("/feeds/all.atom").Header.Get("ETag")

	// Same items fetched again an hour later: nothing changes.
	e.clock.Add(time.Hour)
	e.save("Hessen – Meldungen", a, b)
	again := parseAtom(t, e.get("/feeds/all.atom").body)
	if len(again.Entries) != 2 {
		t.Fatalf("%d entries", len(again.Entries))
	}
	for i := range again.Entries {
		if again.Entries[i].ID != first.Entries[i].ID || again.Entries[i].Updated != first.Entries[i].Updated {
			t.Errorf("entry %d: id %s → %s, updated %s → %s", i, first.Entries[i].ID, again.Entries[i].ID,
				first.Entries[i].Updated, again.Entries[i].Updated)
		}
	}
	if got := e.get("/feeds/all.atom").Header.Get("ETag"); got != etag {
		t.Errorf("ETag %s → %s after an unchanged re-fetch", etag, got)
	}

	// A server restart (a new Server over the same store) gives the same ids.
	restarted, err := NewServer(t.Context(), e.cfg, e.store, nil, WithClock(e.clock.Now), WithoutPrerender())
	if err != nil {
		t.Fatal(err)
	}
	defer restarted.Close()
	v, _ := restarted.feedView("all", FormatAtom)
	ent, err := restarted.lookup(t.Context(), v)
	if err != nil {
		t.Fatal(err)
	}
	if r := parseAtom(t, ent.body); r.Entries[0].ID != first.Entries[0].ID || r.ID != first.ID {
		t.Errorf("after a restart: feed id %s, first entry %s", r.ID, r.Entries[0].ID)
	}

	// An edit changes updated (not published, id or position).
	e.clock.Add(time.Hour)
	a.Teaser = "Text A, korrigiert."
	e.save("Hessen – Meldungen", a, b)
	edited := parseAtom(t, e.get("/feeds/all.atom").body)
	ea, fa := edited.Entries[1], first.Entries[1]
	if ea.ID != fa.ID || ea.Published != fa.Published || ea.Summary != "Text A, korrigiert." {
		t.Errorf("edited entry: id %s (was %s), published %s (was %s), summary %q", ea.ID, fa.ID, ea.Published, fa.Published, ea.Summary)
	}
	if want := e.clock.Now().Format(time.RFC3339); ea.Updated != want {
		t.Errorf("edited entry: updated %s, want %s", ea.Updated, want)
	}
	if edited.Updated != ea.Updated {
		t.Errorf("feed updated %s, want the newest entry update %s", edited.Updated, ea.Updated)
	}
	if edited.Entries[0].Updated != first.Entries[0].Updated {
		t.Errorf("the unedited entry's updated changed")
	}
}

// TestClusterEntry: a second report of a story (same canonical link,
// official source) becomes the entry shown, keeps the entry's id and
// place, and lists the first report as related.
func TestClusterEntry(t *testing.T) {
	e := newTestEnv(t, "")
	link := "https://www.hessen.de/presse/rechenzentrum"
	e.save("eGovernment Computing", storage.NewItem{GUID: "n1", Title: "Hessen baut Rechenzentrum", Teaser: "Bericht der Redaktion.",
		Link: link, Published: at(-3 * time.Hour), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "land", Evidence: "Hessen"}}})
	e.save("eGovernment Computing", storage.NewItem{GUID: "n2", Title: "Anderes Thema", Teaser: "Text.",
		Link: "https://www.egovernment.de/anderes", Published: at(-2 * time.Hour)})
	before := parseAtom(t, e.get("/feeds/all.atom").body)

	e.clock.Add(time.Hour)
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "h1", Title: "Land investiert in Rechenzentrum", Teaser: "Pressemitteilung.",
		Link: link, Published: at(-1 * time.Hour), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	after := parseAtom(t, e.get("/feeds/all.atom").body)
	if len(after.Entries) != 2 {
		t.Fatalf("%d entries, want 2 (the cluster shows once)", len(after.Entries))
	}
	en := after.Entries[1] // still second: the cluster keeps the first report's date
	if en.ID != before.Entries[1].ID || en.Published != before.Entries[1].Published {
		t.Errorf("cluster entry: id %s (was %s), published %s (was %s)", en.ID, before.Entries[1].ID, en.Published, before.Entries[1].Published)
	}
	if en.Title != "Hessen: Land investiert in Rechenzentrum" {
		t.Errorf("title %q: the official report should be shown", en.Title)
	}
	if en.Updated == before.Entries[1].Updated {
		t.Errorf("updated unchanged although the shown report changed")
	}
	var related []string
	for _, l := range en.Links {
		if l.Rel == "related" {
			related = append(related, l.Href)
		}
	}
	if len(related) != 1 || related[0] != link {
		t.Errorf("related links %v", related)
	}
	if !strings.Contains(en.Content, `Auch berichtet von: <a href="`+link+`">eGovernment Computing</a>`) {
		t.Errorf("content %q", en.Content)
	}
	validateAtom(t, map[string][]byte{"cluster.atom": e.get("/feeds/all.atom").body})
}
