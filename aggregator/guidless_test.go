package aggregator_test

// GUID-less items whose titles, links or neighbours change (from a review of
// session 6).

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestGUIDlessRetitledItemDoesNotSwallowANewOne: a GUID-less item alone
// on its link registers link+title as an alias (AltAlias, 819bfb0). The
// item's title is then corrected. Later a second item appears on the same
// link, with the item's old title (a recurring notice, or a title the
// site reuses): its key, link+title, is the stale alias, so it is taken
// for the first item. Expected: 1 new item, the first one unchanged.
// Before 819bfb0 it was stored as new.
func TestGUIDlessRetitledItemDoesNotSwallowANewOne(t *testing.T) {
	item := func(title, text string) string {
		return `<item><title>` + title + `</title><link>https://stadt.example/bauausschuss</link><description>` + text + `</description></item>`
	}
	first := item("Sitzung des Bauausschusses", "Am 3. März im Rathaus.")
	corrected := item("Sitzung des Bauausschusses verschoben", "Am 3. März im Rathaus.")
	next := item("Sitzung des Bauausschusses", "Am 10. April im Rathaus.")
	for _, tc := range []struct{ name, body string }{
		{"new one on top", next + corrected},
		{"new one below", corrected + next},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, u := serveBytes(t, rssItems(first), "")
			h := newHarness(t, nil, src("S", u, "DE-HE"))
			if r := h.fetch(t)["S"]; r.Err != nil || r.New != 1 {
				t.Fatalf("fetch 1: %+v", r)
			}
			fs.set(rssItems(corrected))
			h.now = h.now.Add(time.Hour)
			if r := h.fetch(t)["S"]; r.Err != nil || r.Updated != 1 {
				t.Fatalf("fetch 2 (title corrected): %+v", r)
			}
			fs.set(rssItems(tc.body))
			h.now = h.now.Add(time.Hour)
			if r := h.fetch(t)["S"]; r.Err != nil || r.New != 1 || r.Updated != 0 {
				t.Errorf("fetch 3: %+v, want 1 new (the April meeting), none updated", r)
			}
			got := map[string]string{}
			for _, it := range h.items(t) {
				got[it.Teaser] = it.Title
			}
			if len(got) != 2 || got["Am 3. März im Rathaus."] != "Sitzung des Bauausschusses verschoben" {
				t.Errorf("stored (teaser → title): %v, want the corrected first item and the April meeting", got)
			}
		})
	}
}

// TestPrunedMovedGUIDlessItemStaysPrunedWhenItsLinkBecomesShared: the
// case TestPrunedGUIDlessItemStaysPrunedWhenALinkBecomesShared guards, for
// an item whose link the site corrected before retention pruned it. The
// alias AltAlias registers (link+title) is made at insert only, for the
// first link: the moved item never gets one for its new link, so once a
// second item shares that link, the pruned item comes back as new (an
// old notice at the top of every feed).
func TestPrunedMovedGUIDlessItemStaysPrunedWhenItsLinkBecomesShared(t *testing.T) {
	item := func(title, link, text, date string) string {
		return `<item><title>` + title + `</title><link>` + link + `</link><pubDate>` + date + `</pubDate><description>` + text + `</description></item>`
	}
	const date = "Mon, 03 Feb 2025 09:00:00 +0100"
	old := item("Haushalt beschlossen", "http://stadt.example/aktuelles", "Eins.", date)
	moved := item("Haushalt beschlossen", "https://stadt.example/aktuelles", "Eins.", date)
	fs, u := serveBytes(t, rssItems(old), "")
	h := newHarness(t, nil, src("S", u, "DE-HE"))
	if r := h.fetch(t)["S"]; r.Err != nil || r.New != 1 {
		t.Fatalf("fetch 1: %+v", r)
	}
	fs.set(rssItems(moved)) // the site moved to https: the same item
	h.now = h.now.Add(time.Hour)
	if r := h.fetch(t)["S"]; r.Err != nil || r.New != 0 {
		t.Fatalf("fetch 2 (link corrected): %+v, want the item recognized", r)
	}
	h.now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if n, err := h.store.Prune(context.Background(), h.now.Add(-365*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	fs.set(rssItems(item("Brücke gesperrt", "https://stadt.example/aktuelles", "Zwei.", "Mon, 01 Jun 2026 09:00:00 +0200") + moved))
	h.now = h.now.Add(time.Hour)
	if r := h.fetch(t)["S"]; r.Err != nil || r.New != 1 {
		t.Errorf("fetch 3: %+v, want 1 new (the pruned item stays pruned)", r)
	}
}

// TestGUIDlessItemsCostOneRowEach: a new GUID-less item alone on its link
// (most GUID-less items: an article page each) is one row. Since 819bfb0
// each also writes an item_aliases row (AltAlias: its link+title key, in
// case retention prunes it and a second item later shares its link), an
// INSERT with two index updates per item on the ingest path: storing
// 100×200 such items took 0.62–0.67 s against 0.50–0.54 s without (+23 %),
// and every prune writes two tombstones per item. The case it covers
// (pruned after a year, still listed, link shared later) could be handled
// where it arises, at prune time, rather than paid by every item.
func TestGUIDlessItemsCostOneRowEach(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `<item><title>Meldung %d</title><link>https://stadt.example/a/%d</link><description>Text %d.</description></item>`, i, i, i)
	}
	_, u := serveBytes(t, rssItems(b.String()), "")
	h := newHarness(t, nil, src("S", u, "DE-HE"))
	if r := h.fetch(t)["S"]; r.Err != nil || r.New != 50 {
		t.Fatalf("fetch: %+v", r)
	}
	db, err := sql.Open("sqlite", "file:"+h.cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM item_aliases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("50 new GUID-less items wrote %d item_aliases rows besides their own", n)
	}
}
