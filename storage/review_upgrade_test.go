package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestLastSuccessAfterUpgradeOfAFailingSource: a source that was fetched
// successfully for months and failed once just before the upgrade. Its
// fetch records (kept 30 days) say when it last succeeded; migration 0009
// sets last_success_at only where the last fetch succeeded, so `sources`
// then says "(last ok: never)" for it, which is false, and /healthz?fresh
// reports "no source fetched successfully yet" when every source happens to
// be failing at the upgrade.
func TestLastSuccessAfterUpgradeOfAFailingSource(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "stadt", URL: "https://stadt.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	ok := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	for _, f := range []storage.Fetch{{Status: 200, StartedAt: ok}, {Status: 500, Err: "HTTP 500", StartedAt: ok.Add(30 * time.Minute)}} {
		f.SourceID = ids[0]
		if _, err := st.SaveFetch(ctx, f, "", nil, f.StartedAt); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP INDEX items_by_split_entry; ALTER TABLE items DROP COLUMN split_entry;
		ALTER TABLE sources DROP COLUMN last_success_at; PRAGMA user_version = 8`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if st, err = storage.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || !srcs[0].LastSuccessAt.Equal(ok) {
		t.Errorf("last success after the upgrade: %v, want %v (its last 200, in its fetch records)", srcs[0].LastSuccessAt, ok)
	}
}
