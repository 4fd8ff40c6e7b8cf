package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestItemsManyResults: a query without a limit over a source of 40,000
// items must return them all. (Issue 6: storage.Items binds every result
// id in one IN list to load Land tags and related items, which SQLite
// caps at 32,766 variables.)
func TestItemsManyResults(t *testing.T) {
	if testing.Short() || raceBuild() {
		t.Skip("stores 40,000 items: 3 s, but a minute under -race")
	}
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "many.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const url = "https://viel.example/feed"
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "viel", URL: url, Land: "DE-HE"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 2, 11, 12, 0, 0, 0, time.UTC)
	const n = 40000
	items := make([]storage.NewItem, n)
	for i := range items {
		items[i] = storage.NewItem{
			GUID:  fmt.Sprintf("v-%d", i),
			Title: fmt.Sprintf("Meldung %d", i),
			Link:  fmt.Sprintf("https://viel.example/m/%d", i),
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source", Evidence: "viel"}},
		}
	}
	if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now, Status: 200}, url, items, now); err != nil {
		t.Fatal(err)
	}
	for _, q := range []storage.Query{{WithDuplicates: true}, {}, {Lands: []string{"DE-HE"}}} {
		got, err := st.Items(ctx, q)
		if err != nil {
			t.Fatalf("Items(%+v) with %d results: %v", q, n, err)
		}
		if len(got) != n {
			t.Errorf("Items(%+v) returned %d items, want %d", q, len(got), n)
		}
	}
}

func raceBuild() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return true
			}
		}
	}
	return false
}

// TestWatchOtherWriters: a commit by another process (here a second
// Store on the same file) is reported, the Store's own commits are not.
func TestWatchOtherWriters(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "w.db")
	a, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	changes := make(chan struct{}, 10)
	done := make(chan error, 1)
	go func() {
		done <- a.WatchOtherWriters(ctx, 10*time.Millisecond, func() { changes <- struct{}{} })
	}()
	// Our own write: not reported.
	if _, err := a.SyncSources(ctx, []storage.SourceConfig{{Name: "A", URL: "https://a.example/feed"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
		t.Fatal("the Store's own commit was reported")
	case <-time.After(200 * time.Millisecond):
	}
	b, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.SyncSources(ctx, []storage.SourceConfig{{Name: "B", URL: "https://b.example/feed"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(5 * time.Second):
		t.Fatal("another writer's commit was not reported")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("WatchOtherWriters: %v", err)
	}
}
