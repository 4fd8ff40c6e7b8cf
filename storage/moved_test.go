package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestMovedItems: a source that gives a stored item a new GUID (a CMS
// migration, GUIDs built per request) or corrects the link of a GUID-less
// item (whose key is its link) must not bring it back as a second entry,
// "unread" again; distinct items that only share a title or a link stay
// distinct.
func TestMovedItems(t *testing.T) {
	day := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	item := func(guid, title, teaser, link string, published time.Time) storage.NewItem {
		return storage.NewItem{GUID: guid, Title: title, Teaser: teaser, Link: link,
			Published: published, DateFromSource: !published.IsZero()}
	}
	bau := item("https://stadt.example/?p=17", "Digitale Bauanträge ab März", "Bauherren können ihre Anträge online einreichen.",
		"https://stadt.example/aktuelles/bauantraege", day)
	other := item("https://stadt.example/?p=18", "Neue Öffnungszeiten im Bürgerbüro", "Ab Montag länger geöffnet.",
		"https://stadt.example/aktuelles/buergerbuero", day.Add(time.Hour))
	with := func(it storage.NewItem, edit func(*storage.NewItem)) storage.NewItem {
		edit(&it)
		return it
	}
	for _, tc := range []struct {
		name    string
		fetches [][]storage.NewItem
		entries int // visible entries after the last fetch
		last    storage.SaveStats
	}{
		{"new GUIDs, same links (CMS migration)", [][]storage.NewItem{
			{bau, other},
			{with(bau, func(it *storage.NewItem) { it.GUID = "urn:uuid:1" }), with(other, func(it *storage.NewItem) { it.GUID = "urn:uuid:2" })},
		}, 2, storage.SaveStats{Rekeyed: 2}},
		{"new GUID, same link, new date (migration re-stamped the dates)", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) { it.GUID = "urn:uuid:1"; it.Published = day.AddDate(0, 1, 0) })},
		}, 1, storage.SaveStats{Rekeyed: 1}},
		{"new GUID, same link and date, no teaser", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.Teaser = "" })},
			{with(bau, func(it *storage.NewItem) { it.GUID, it.Teaser = "urn:uuid:1", "" })},
		}, 1, storage.SaveStats{Rekeyed: 1}},
		{"GUID-less item, link corrected", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.GUID = it.Link })},
			{with(bau, func(it *storage.NewItem) {
				it.Link = "https://stadt.example/aktuelles/bauantraege-2025"
				it.GUID = it.Link
			})},
		}, 1, storage.SaveStats{Rekeyed: 1, Updated: 1}},
		{"new GUID and new domain, same date and teaser", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) {
				it.GUID = "https://www.stadt.example/?p=17"
				it.Link = "https://www.stadt.example/bauantraege"
			})},
		}, 1, storage.SaveStats{Rekeyed: 1, Updated: 1}},
		{"GUIDs that change on every request", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-1" })},
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-2" })},
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-3" })},
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-4" })},
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-5" })},
			{with(bau, func(it *storage.NewItem) { it.GUID = "sess-6" })},
		}, 1, storage.SaveStats{Rekeyed: 1}},
		{"back to the old GUID", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) { it.GUID = "urn:uuid:1" })},
			{bau},
			{with(bau, func(it *storage.NewItem) { it.GUID = "urn:uuid:1" })},
		}, 1, storage.SaveStats{}},
		{"listed under its GUID and an alias, with two texts", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) { it.GUID = "urn:uuid:1" })},
			{with(bau, func(it *storage.NewItem) { it.Teaser = "Erste Fassung." }),
				with(bau, func(it *storage.NewItem) { it.GUID, it.Teaser = "urn:uuid:1", "Zweite Fassung." })},
			{with(bau, func(it *storage.NewItem) { it.Teaser = "Erste Fassung." }),
				with(bau, func(it *storage.NewItem) { it.GUID, it.Teaser = "urn:uuid:1", "Zweite Fassung." })},
		}, 1, storage.SaveStats{}}, // the first listing wins, once: not updated on every fetch

		// Distinct items.
		{"same link (the homepage), other title", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.Link = "https://stadt.example/" })},
			{with(other, func(it *storage.NewItem) { it.Link = "https://stadt.example/" })},
		}, 2, storage.SaveStats{New: 1}},
		{"same title and link, the first still listed", [][]storage.NewItem{
			{bau},
			{bau, with(bau, func(it *storage.NewItem) {
				it.GUID = "https://stadt.example/?p=99"
				it.Published = day.AddDate(0, 0, 7)
			})},
		}, 2, storage.SaveStats{New: 1}},
		{"same title and link, other date and teaser (a recurring notice, the last one left the feed)", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) {
				it.GUID, it.Published, it.Teaser = "https://stadt.example/?p=99", day.AddDate(0, 0, 14), "Die nächste Sitzung."
			})},
		}, 2, storage.SaveStats{New: 1}},
		{"same title and link, other date, no teaser (a recurring notice without text)", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.Teaser = "" })},
			{with(bau, func(it *storage.NewItem) {
				it.GUID, it.Published, it.Teaser = "https://stadt.example/?p=99", day.AddDate(0, 0, 14), ""
			})},
		}, 2, storage.SaveStats{New: 1}},
		{"same title, other link and date (a weekly notice)", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) {
				it.GUID, it.Link, it.Published = "https://stadt.example/?p=99", "https://stadt.example/aktuelles/bauantraege-2", day.AddDate(0, 0, 7)
			})},
		}, 2, storage.SaveStats{New: 1}},
		{"same title and date, other link and teaser", [][]storage.NewItem{
			{bau},
			{with(bau, func(it *storage.NewItem) {
				it.GUID, it.Link, it.Teaser = "https://stadt.example/?p=99", "https://stadt.example/aktuelles/bauantraege-2", "Ein anderer Text."
			})},
		}, 2, storage.SaveStats{New: 1}},
		{"same link, title and teaser, both undated, the first still listed", [][]storage.NewItem{
			{with(bau, func(it *storage.NewItem) { it.Published, it.DateFromSource = time.Time{}, false })},
			{with(bau, func(it *storage.NewItem) { it.Published, it.DateFromSource = time.Time{}, false }),
				with(bau, func(it *storage.NewItem) { it.GUID, it.Published, it.DateFromSource = "x", time.Time{}, false })},
		}, 2, storage.SaveStats{New: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := openStore(t)
			ctx := context.Background()
			url, id := stadtSource(t, st)
			now := day
			var first []storage.Item
			var got storage.SaveStats
			var err error
			for i, items := range tc.fetches {
				now = now.Add(time.Hour)
				if got, err = st.SaveFetch(ctx, storage.Fetch{SourceID: id, StartedAt: now, Status: 200}, url, items, now); err != nil {
					t.Fatalf("fetch %d: %v", i+1, err)
				}
				if i == 0 {
					if first, err = st.Items(ctx, storage.Query{}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got != tc.last {
				t.Errorf("last fetch: %+v, want %+v", got, tc.last)
			}
			entries, err := st.Items(ctx, storage.Query{})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != tc.entries {
				t.Fatalf("%d entries, want %d: %+v", len(entries), tc.entries, entries)
			}
			// The first fetch's entries keep their ids, dates and first-seen times.
			byKey := map[string]storage.Item{}
			for _, e := range entries {
				byKey[e.EntryKey] = e
			}
			for _, f := range first {
				e, ok := byKey[f.EntryKey]
				if !ok {
					t.Errorf("entry %s (%q) is gone", f.EntryKey, f.Title)
					continue
				}
				if !e.EntryPublished.Equal(f.EntryPublished) || !e.FirstSeen.Equal(f.FirstSeen) {
					t.Errorf("entry %q moved: published %v → %v, first seen %v → %v", f.Title, f.EntryPublished, e.EntryPublished, f.FirstSeen, e.FirstSeen)
				}
			}
		})
	}
}

// TestMovedItemAliases: the GUIDs a source has used for one item are
// remembered, a few per item (a source with per-request GUIDs must not grow
// the database with every fetch), and retention's tombstones cover them.
func TestMovedItemAliases(t *testing.T) {
	st, path := openStore(t)
	ctx := context.Background()
	url, id := stadtSource(t, st)
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	fetch := func(guid string) storage.SaveStats {
		t.Helper()
		now = now.Add(time.Hour)
		it := storage.NewItem{GUID: guid, Title: "Digitale Bauanträge", Link: "https://stadt.example/bau",
			Published: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), DateFromSource: true}
		s, err := st.SaveFetch(ctx, storage.Fetch{SourceID: id, StartedAt: now, Status: 200}, url, []storage.NewItem{it}, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	fetch("g0")
	for i := 1; i <= 20; i++ {
		if s := fetch(fmt.Sprintf("g%d", i)); s != (storage.SaveStats{Rekeyed: 1}) {
			t.Fatalf("fetch %d: %+v, want the item re-keyed", i, s)
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM item_aliases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < 1 || n > 4 {
		t.Errorf("%d aliases stored for one item after 20 GUID changes, want 1–4", n)
	}

	// Pruned while the feed lists it under its newest GUID: stays pruned.
	if _, err := st.Prune(ctx, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if s := fetch("g20"); s != (storage.SaveStats{}) {
		t.Errorf("fetch after prune: %+v, want nothing stored", s)
	}
	if c, _ := st.Count(ctx); c.Items != 0 {
		t.Errorf("%d items after prune and re-fetch, want 0", c.Items)
	}
}
