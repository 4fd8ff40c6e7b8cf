package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
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

// TestOpenReadOnly: a read-only store reads, refuses writes, backs up,
// and never changes the file, not even to upgrade its schema.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "A", URL: "https://a.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	it := storage.NewItem{GUID: "1", Title: "Meldung", Teaser: "Text.", Link: "https://a.example/1", Published: now}
	if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now, Status: 200}, "https://a.example/feed", []storage.NewItem{it}, now); err != nil {
		t.Fatal(err)
	}
	st.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	ro, err := storage.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if items, err := ro.Items(ctx, storage.Query{}); err != nil || len(items) != 1 {
		t.Errorf("Items: %d, %v", len(items), err)
	}
	if _, err := ro.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now}, "https://a.example/feed", nil, now); !errors.Is(err, storage.ErrReadOnly) {
		t.Errorf("SaveFetch: %v, want ErrReadOnly", err)
	}
	if _, err := ro.Prune(ctx, now.Add(time.Hour)); err == nil {
		t.Error("Prune on a read-only store: no error")
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := ro.Backup(ctx, backup); err != nil {
		t.Errorf("Backup: %v", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the read-only store changed the database file")
	}

	// An older schema is not upgraded: the read-only open fails and says
	// what to do.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := storage.OpenReadOnly(ctx, path); err == nil || !strings.Contains(err.Error(), "run fetch or serve") {
		t.Errorf("older schema: %v, want an error saying to run fetch or serve", err)
	}
	db, _ = sql.Open("sqlite", path)
	var v int
	db.QueryRow("PRAGMA user_version").Scan(&v)
	db.Close()
	if v != 2 {
		t.Errorf("schema version %d after the read-only open, want 2 (unchanged)", v)
	}
	// A newer one (an older binary on an upgraded database) is not one to
	// upgrade by running fetch.
	db, _ = sql.Open("sqlite", path)
	db.Exec("PRAGMA user_version = 999")
	db.Close()
	if _, err := storage.OpenReadOnly(ctx, path); err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Errorf("newer schema: %v, want an error saying it is newer", err)
	}
	if _, err := storage.OpenReadOnly(ctx, filepath.Join(t.TempDir(), "missing.db")); err == nil {
		t.Error("a missing database opened")
	}
}
