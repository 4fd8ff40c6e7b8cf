package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

func openStore(t *testing.T) (*storage.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// stadtSource syncs the one source the tombstone and moved-item tests
// fetch for, and returns its URL and id.
func stadtSource(t *testing.T, st *storage.Store) (string, int64) {
	t.Helper()
	const url = "https://stadt.example/feed"
	ids, err := st.SyncSources(context.Background(), []storage.SourceConfig{{Name: "Stadt", URL: url}})
	if err != nil {
		t.Fatal(err)
	}
	return url, ids[0]
}

// seed stores n items of one source.
func seed(t *testing.T, st *storage.Store, url string, n int, published time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: url, URL: url}})
	if err != nil {
		t.Fatal(err)
	}
	items := make([]storage.NewItem, n)
	for i := range items {
		items[i] = storage.NewItem{GUID: url + "/" + string(rune('a'+i)), Title: "T", Link: url + "/" + string(rune('a'+i)),
			Published: published.Add(time.Duration(i) * time.Minute), DateFromSource: true}
	}
	if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: published, Status: 200}, url, items, published); err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

func TestBackup(t *testing.T) {
	st, _ := openStore(t)
	seed(t, st, "https://a.example/feed", 5, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600", fi.Mode().Perm())
	}
	b, err := storage.Open(context.Background(), dst)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if ok, err := b.IntegrityCheck(context.Background()); err != nil || ok != "ok" {
		t.Errorf("integrity of backup: %q, %v", ok, err)
	}
	if c, _ := b.Count(context.Background()); c.Items != 5 {
		t.Errorf("backup has %d items, want 5", c.Items)
	}
	if err := st.Backup(context.Background(), dst); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	// An empty file the operator made is refused too, and left in place.
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(context.Background(), empty); err == nil {
		t.Error("backup over an existing empty file succeeded")
	}
	if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o644 {
		t.Errorf("the operator's empty file was changed: %v, %v", fi, err)
	}
}

func TestDatabaseFileMode(t *testing.T) {
	st, path := openStore(t)
	seed(t, st, "https://a.example/feed", 1, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestPruneKeepsClustersWhole(t *testing.T) {
	st, _ := openStore(t)
	ctx := context.Background()
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	seed(t, st, "https://old.example/feed", 3, old)
	// A cluster: an old report and, via the same link, a recent one.
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "a", URL: "https://a.example/"}, {Name: "b", URL: "https://b.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	story := func(src int, published time.Time) {
		item := storage.NewItem{GUID: "g", Title: "Story", Link: "https://land.example/story", Published: published, DateFromSource: true}
		if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[src], StartedAt: published}, []string{"https://a.example/", "https://b.example/"}[src],
			[]storage.NewItem{item}, published); err != nil {
			t.Fatal(err)
		}
	}
	story(0, old)
	story(1, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))

	n, err := st.Prune(ctx, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("pruned %d items, want the 3 old singletons", n)
	}
	c, _ := st.Count(ctx)
	if c.Items != 2 || c.Duplicates != 1 {
		t.Errorf("after prune: %+v, want the whole 2-item cluster kept", c)
	}
	if ok, _ := st.IntegrityCheck(ctx); ok != "ok" {
		t.Errorf("integrity: %s", ok)
	}
	if _, err := st.Prune(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if c, _ := st.Count(ctx); c.Items != 0 {
		t.Errorf("%d items left after pruning everything", c.Items)
	}
}

// TestPrunedItemsStayPruned: an item pruned while its feed still lists it
// (an undated evergreen item, say) must not come back as new on the next
// fetch, at the top of every feed, nor when the feed leaves it out for a
// while; once the feed has not listed it for 30 days, it may come back as
// new when it returns.
func TestPrunedItemsStayPruned(t *testing.T) {
	st, _ := openStore(t)
	ctx := context.Background()
	url, id := stadtSource(t, st)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fetch := func(guids ...string) storage.SaveStats {
		t.Helper()
		now = now.Add(24 * time.Hour)
		var items []storage.NewItem
		for _, g := range guids {
			// Undated: published is the first-seen time.
			items = append(items, storage.NewItem{GUID: g, Title: "Über uns " + g, Link: "https://stadt.example/" + g})
		}
		s, err := st.SaveFetch(ctx, storage.Fetch{SourceID: id, StartedAt: now, Status: 200}, url, items, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	prune := func() {
		t.Helper()
		if _, err := st.Prune(ctx, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	fetch("impressum")
	prune()
	if c, _ := st.Count(ctx); c.Items != 0 {
		t.Fatalf("%d items after pruning", c.Items)
	}
	if s := fetch("impressum", "neu"); s.New != 1 {
		t.Errorf("the fetch after pruning stored %d new items, want only the new one", s.New)
	}
	prune()
	if s := fetch("impressum", "neu"); s.New != 0 {
		t.Errorf("pruned items came back: %d new", s.New)
	}
	// The feed stops listing "impressum" for a day: it stays pruned.
	fetch("neu")
	if s := fetch("impressum", "neu"); s.New != 0 {
		t.Errorf("an item that left the feed for a day came back: %d new", s.New)
	}
	// The feed stops listing it for more than 30 days: new when it returns.
	fetch("neu")
	now = now.Add(30 * 24 * time.Hour)
	fetch("neu")
	if s := fetch("impressum", "neu"); s.New != 1 {
		t.Errorf("an item that left the feed for a month and came back after its prune: %d new, want 1", s.New)
	}
	if c, _ := st.Count(ctx); c.Items != 1 {
		t.Errorf("%d items stored, want the returned one", c.Items)
	}
}

// TestTombstonesAcrossProcesses: a fetch process that opened the database
// before serve pruned still sees the tombstones.
func TestTombstonesAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "two.db")
	fetcher, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer fetcher.Close()
	server, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	url, id := stadtSource(t, fetcher)
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	save := func() storage.SaveStats {
		t.Helper()
		now = now.Add(time.Hour)
		s, err := fetcher.SaveFetch(ctx, storage.Fetch{SourceID: id, StartedAt: now, Status: 200}, url,
			[]storage.NewItem{{GUID: "impressum", Title: "Impressum", Link: "https://stadt.example/impressum"}}, now)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	save()
	if n, err := server.Prune(ctx, now.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("prune: %d, %v", n, err)
	}
	if s := save(); s.New != 0 {
		t.Errorf("the other process stored the pruned item again (%d new)", s.New)
	}
}

// TestOpenInMemory: ":memory:" (which check-config accepts) is one
// database for the writer and every reader; each connection had its own,
// so fetch failed with "no such table: sources". Two stores in one
// process do not share theirs.
func TestOpenInMemory(t *testing.T) {
	ctx := context.Background()
	var stores [2]*storage.Store
	for i := range stores {
		st, err := storage.Open(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		stores[i] = st
	}
	if _, err := stores[0].SyncSources(ctx, []storage.SourceConfig{{Name: "a", URL: "https://a.example/feed"}}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0} {
		srcs, err := stores[i].Sources(ctx)
		if err != nil {
			t.Fatalf("store %d: read after write: %v", i, err)
		}
		if len(srcs) != want {
			t.Errorf("store %d sees %d sources, want %d", i, len(srcs), want)
		}
	}
}

// TestPruneTombstonesOfRemovedSources: tombstones are forgotten only by
// fetches of their source, so a source removed from the configuration
// would keep them for ever (review: 50,000 after one prune of the bench
// database); sources fetched within the cutoff keep theirs, and so do
// configured sources however long they were not fetched (review: a
// monthly schedule lost them, and items pruned while its feed still
// listed them came back as new).
func TestPruneTombstonesOfRemovedSources(t *testing.T) {
	st, _ := openStore(t)
	ctx := context.Background()
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	seed(t, st, "https://removed.example/feed", 3, old)               // fetched long ago
	seed(t, st, "https://kept.example/feed", 2, old.AddDate(0, 0, 1)) // fetched recently, below
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "https://kept.example/feed", URL: "https://kept.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Prune(ctx, old.AddDate(0, 1, 0)); err != nil { // every item: 5 tombstones
		t.Fatal(err)
	}
	now := old.AddDate(0, 6, 0)
	if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now, Status: 304, NotModified: true}, "https://kept.example/feed", nil, now); err != nil {
		t.Fatal(err)
	}
	// Not fetched for months, but configured: its feed may still list the
	// pruned items (a monthly schedule, a server stopped for weeks).
	if n, err := st.PruneTombstones(ctx, now.AddDate(0, 0, -30)); err != nil || n != 0 {
		t.Errorf("PruneTombstones = %d, %v; want none while both sources are configured", n, err)
	}
	if _, err := st.RemoveUnconfigured(ctx, ids, now); err != nil {
		t.Fatal(err)
	}
	if n, err := st.PruneTombstones(ctx, now.AddDate(0, 0, -30)); err != nil || n != 0 {
		t.Errorf("PruneTombstones = %d, %v; want none on the day the source was removed", n, err)
	}
	n, err := st.PruneTombstones(ctx, now.AddDate(0, 0, 1))
	if err != nil || n != 3 {
		t.Errorf("PruneTombstones = %d, %v; want the removed source's 3", n, err)
	}
}
