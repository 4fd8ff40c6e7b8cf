package storage_test

// Entry ids and updated times as a feed reader sees them, through editorial
// actions, rebuilds and configuration changes (from a review of the
// consumers' side in session 6).

import (
	"context"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// shown returns, per entry key, the visible item's GUID and updated time.
func (e *clusterEnv) shown() map[string]storage.Item {
	e.t.Helper()
	items, err := e.st.Items(context.Background(), storage.Query{})
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]storage.Item{}
	for _, it := range items {
		out[it.EntryKey] = it
	}
	return out
}

// TestRebuildAfterSplitOfTheRoot: an editor splits off a story's
// first report (the cluster's root); the story keeps its entry id. A later
// dedup -rebuild must keep it too, or every reader gets the story again
// under a new id.
func TestRebuildAfterSplitOfTheRoot(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(1, "n1", "https://x.example/a") // news site first: the root, its key the entry's
	e.save(0, "o1", "https://x.example/a") // the official report joins and is shown
	story := storage.ItemKey(e.urls[1], "n1")
	if got := e.shown(); len(got) != 1 || got[story].GUID != "o1" {
		t.Fatalf("before: %v", got)
	}
	if err := e.st.Split(ctx, e.id(1, "n1"), e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.shown(); len(got) != 2 || got[story].GUID != "o1" {
		t.Fatalf("after split: %v, want the story (o1) under %s and n1 on its own", keys(got), story)
	}
	if _, _, err := e.st.RebuildClusters(ctx, noMatches{}, e.now); err != nil {
		t.Fatal(err)
	}
	e.check("after rebuild")
	got := e.shown()
	if it, ok := got[story]; !ok || it.GUID != "o1" {
		t.Errorf("after rebuild: entries %v; want the story (o1) still under its entry key %s, not a new id", keys(got), story)
	}
}

func keys(m map[string]storage.Item) map[string]string {
	out := map[string]string{}
	for k, it := range m {
		out[k] = it.GUID
	}
	return out
}

// TestRemovedSourcesStayOut: a report of a source taken out of the
// configuration (serve restarted without it) stays out of the feeds
// through an editor's dedup -rebuild, or a split of the report off a
// story shown by another source.
func TestRemovedSourcesStayOut(t *testing.T) {
	for _, tt := range []struct {
		name string
		link string // of News 2's report; o1's is /a
		edit func(e *clusterEnv) error
	}{
		{"rebuild", "https://x.example/b", func(e *clusterEnv) error {
			_, _, err := e.st.RebuildClusters(context.Background(), noMatches{}, e.now)
			return err
		}},
		{"split", "https://x.example/a", func(e *clusterEnv) error {
			return e.st.Split(context.Background(), e.id(2, "m1"), e.now)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newClusterEnv(t)
			e.save(0, "o1", "https://x.example/a")
			e.save(2, "m1", tt.link)
			if _, err := e.st.RemoveUnconfigured(context.Background(), []int64{e.ids[0], e.ids[1]}, e.now); err != nil {
				t.Fatal(err)
			}
			if got := e.shown(); len(got) != 1 {
				t.Fatalf("after removal: %v, want o1 only", keys(got))
			}
			if err := tt.edit(e); err != nil {
				t.Fatal(err)
			}
			e.check("after " + tt.name)
			if got := e.shown(); len(got) != 1 {
				t.Errorf("after %s: %v, want o1 only (News 2 is no longer configured)", tt.name, keys(got))
			}
		})
	}
}

// TestMergeUpdated: an editor merges an earlier official report into
// a news site's story. The entry (the news story's id) now shows the
// official report: its content changed, so its updated must move forward,
// never back.
func TestMergeUpdated(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(0, "o1", "https://x.example/o") // official, stored first
	e.save(1, "n1", "https://x.example/n") // news, an hour later: its own entry
	story := storage.ItemKey(e.urls[1], "n1")
	before := e.shown()[story]
	e.now = e.now.Add(time.Hour)
	if err := e.st.Merge(ctx, e.id(1, "n1"), e.id(0, "o1"), e.now); err != nil {
		t.Fatal(err)
	}
	e.showsLater("after merge", story, "o1", before)
}

// showsLater asserts that the entry story shows the report guid now, with
// an updated later than before's: readers must see the new content.
func (e *clusterEnv) showsLater(when, story, guid string, before storage.Item) {
	e.t.Helper()
	after, ok := e.shown()[story]
	if !ok || after.GUID != guid {
		e.t.Fatalf("%s: %v, want the story under %s showing %s", when, keys(e.shown()), story, guid)
	}
	if !after.Updated.After(before.Updated) {
		e.t.Errorf("%s: entry %s shows another report (title %q → %q), but updated went %s → %s: readers keep the old content",
			when, story, before.Title, after.Title, before.Updated.Format(time.RFC3339), after.Updated.Format(time.RFC3339))
	}
}

// TestUnhideKeepsUpdated: a story hidden and shown again is the same
// entry with the same content: updated must not change (README: "so a
// reader that had it does not get it again"). Likewise a source removed
// and configured again.
func TestUnhideKeepsUpdated(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(1, "n1", "https://x.example/a")
	e.save(2, "m1", "https://x.example/b")
	story := storage.ItemKey(e.urls[1], "n1")
	lone := storage.ItemKey(e.urls[2], "m1")
	before := e.shown()
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.Hide(ctx, e.id(1, "n1"), true, e.now); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.Hide(ctx, e.id(1, "n1"), false, e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.shown()[story]; !got.Updated.Equal(before[story].Updated) {
		t.Errorf("hide, unhide: updated %s → %s although nothing changed", before[story].Updated.Format(time.RFC3339), got.Updated.Format(time.RFC3339))
	}
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.RemoveUnconfigured(ctx, []int64{e.ids[0], e.ids[1]}, e.now); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.RestoreSources(ctx, e.ids, e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.shown()[lone]; !got.Updated.Equal(before[lone].Updated) {
		t.Errorf("source removed, configured again: updated %s → %s although nothing changed", before[lone].Updated.Format(time.RFC3339), got.Updated.Format(time.RFC3339))
	}
}

// TestSplitOfTheShownReportUpdates: splitting off the report a story
// shows changes the story's content: its updated moves forward (guards the
// fix of TestUnhideKeepsUpdated).
func TestSplitOfTheShownReportUpdates(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(1, "n1", "https://x.example/a")
	e.save(0, "o1", "https://x.example/a")
	story := storage.ItemKey(e.urls[1], "n1")
	before := e.shown()[story]
	e.now = e.now.Add(time.Hour)
	if err := e.st.Split(ctx, e.id(0, "o1"), e.now); err != nil {
		t.Fatal(err)
	}
	e.showsLater("after splitting off the shown report", story, "n1", before)
}

// TestNewSourceOnAMovedSourcesOldURL: a source's URL is corrected
// (same name, new URL: it keeps its items and their keys, which were made
// from the old URL). Later a new source is configured on the old URL, and
// its feed has an item with a GUID the first one had: the item's key is
// already taken, the batch fails, and none of the new source's items is
// ever stored.
func TestNewSourceOnAMovedSourcesOldURL(t *testing.T) {
	st, _ := openStore(t)
	ctx := context.Background()
	const u1, u2 = "https://stadt.example/rss.xml", "https://stadt.example/feed/"
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "Stadt", URL: u1}})
	if err != nil {
		t.Fatal(err)
	}
	item := storage.NewItem{GUID: "https://stadt.example/presse/1", Title: "Meldung", Teaser: "Text.", Link: "https://stadt.example/presse/1", Published: now}
	if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now, Status: 200}, u1, []storage.NewItem{item}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "Stadt", URL: u2}}); err != nil {
		t.Fatal(err)
	}
	ids, err = st.SyncSources(ctx, []storage.SourceConfig{{Name: "Stadt", URL: u2}, {Name: "Stadt Presse", URL: u1}})
	if err != nil {
		t.Fatal(err)
	}
	other := storage.NewItem{GUID: "https://stadt.example/presse/2", Title: "Andere", Teaser: "Text.", Link: "https://stadt.example/presse/2", Published: now}
	now = now.Add(time.Hour)
	stats, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[1], StartedAt: now, Status: 200}, u1, []storage.NewItem{item, other}, now)
	if err != nil || stats.New != 2 {
		t.Fatalf("the new source on the old URL: %+v, %v; want its 2 items stored", stats, err)
	}
	// Again: both are known now, under whichever key each got.
	if stats, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[1], StartedAt: now, Status: 200}, u1, []storage.NewItem{item, other}, now); err != nil || stats.New != 0 {
		t.Errorf("the same feed again: %+v, %v; want nothing new", stats, err)
	}
	if c, err := st.Count(ctx); err != nil || c.Items != 3 {
		t.Errorf("items: %+v, %v; want 3 (one of Stadt, two of Stadt Presse)", c, err)
	}
}

// TestRebuildUpdated: a rebuild (a new threshold) joins an official
// report to a news site's earlier story; the story's entry shows the
// official report from then on, so its updated must move forward.
func TestRebuildUpdated(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(1, "n1", "https://x.example/n")
	e.save(0, "o1", "https://x.example/o")
	story := storage.ItemKey(e.urls[1], "n1")
	// The news report is corrected later: its updated is the newest.
	e.now = e.now.Add(time.Hour)
	if _, err := e.st.SaveFetch(ctx, storage.Fetch{SourceID: e.ids[1], StartedAt: e.now, Status: 200}, e.urls[1],
		[]storage.NewItem{{GUID: "n1", Title: "Titel n1", Teaser: "Text, korrigiert", Link: "https://x.example/n",
			Published: e.now.Add(-3 * time.Hour), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "test"}}, Fingerprint: []byte{1}}}, e.now); err != nil {
		t.Fatal(err)
	}
	before := e.shown()[story]
	e.now = e.now.Add(time.Hour)
	if _, _, err := e.st.RebuildClusters(ctx, &matchOnce{to: e.id(1, "n1")}, e.now); err != nil {
		t.Fatal(err)
	}
	e.showsLater("after rebuild", story, "o1", before)
}
