package aggregator_test

// Findings of the review of today's changes (branch review-diff).

import (
	"context"
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
