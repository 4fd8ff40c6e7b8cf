package storage_test

// Sources removed from the configuration (from a review of session 6).

import (
	"context"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestRemovedSourceDoesNotKeepAStoryInALandFeed: the official Hessen
// source and a Bavarian news site report one story; only the news site's
// report is tagged DE-BY. serve starts without the news site (README: "A
// source taken out of sources leaves the feeds … one reported with other
// sources is shown by another report … and no longer names it"). The
// story must leave Bayern's feed: nothing configured says it concerns
// Bayern any more. It stays there, shown by the Hessen report, for as long
// as retention keeps the removed source's item (and explain lists DE-BY
// among the story's feeds).
func TestRemovedSourceDoesNotKeepAStoryInALandFeed(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(0, "o1", "https://x.example/a") // Land (DE-HE), shown
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.SaveFetch(ctx, storage.Fetch{SourceID: e.ids[2], StartedAt: e.now, Status: 200}, e.urls[2],
		[]storage.NewItem{{GUID: "m1", Title: "Titel m1", Teaser: "Text", Link: "https://x.example/a", Published: e.now,
			Lands: []storage.LandTag{{Land: "DE-BY", Rule: "test"}}}}, e.now); err != nil {
		t.Fatal(err)
	}
	bavaria := func() int {
		t.Helper()
		items, err := e.st.Items(ctx, storage.Query{Lands: []string{"DE-BY"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	if n := bavaria(); n != 1 {
		t.Fatalf("before: %d entries in DE-BY, want the shared story", n)
	}
	if _, err := e.st.RemoveUnconfigured(ctx, []int64{e.ids[0], e.ids[1]}, e.now); err != nil {
		t.Fatal(err)
	}
	if n := bavaria(); n != 0 {
		t.Errorf("after News 2 was removed: %d entries in DE-BY, want none (only the removed source tagged the story DE-BY)", n)
	}
	if items, err := e.st.Items(ctx, storage.Query{Lands: []string{"DE-HE"}}); err != nil || len(items) != 1 {
		t.Errorf("DE-HE after the removal: %d entries, %v; want the story", len(items), err)
	}
}
