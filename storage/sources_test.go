package storage_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// TestSyncSourcesAcrossURLSpellings: a config edit that only changes the
// spelling of a source's URL (host case, default port) keeps the source's
// row, and with it its items, instead of adding a new source.
func TestSyncSourcesAcrossURLSpellings(t *testing.T) {
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "sources.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const yaml = "sources:\n  - name: Hessen\n    url: %s\n"
	var ids []int64
	for _, url := range []string{"http://Example.org/feed", "http://example.org/feed", "HTTP://EXAMPLE.ORG:80/feed#neu"} {
		cfg, err := config.Parse("config.yaml", []byte(strings.Replace(yaml, "%s", url, 1)))
		if err != nil {
			t.Fatal(err)
		}
		s := cfg.Sources[0]
		got, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: s.Name, URL: s.URL, Land: s.Land, Priority: s.EffectivePriority()}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got[0])
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("source ids = %v, want one source", ids)
	}
}

// TestLastSuccessAfterUpgrade: a database from before migration 0009
// knows the last success of every source whose last fetch succeeded.
func TestLastSuccessAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "ok", URL: "https://ok.example/feed"}, {Name: "kaputt", URL: "https://kaputt.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)
	for i, f := range []storage.Fetch{{Status: 200}, {Status: 500, Err: "HTTP 500"}} {
		f.SourceID, f.StartedAt = ids[i], at
		if _, err := st.SaveFetch(ctx, f, "", nil, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// Back to schema 8, as an older egovfeed left it (undoing the later
	// migrations too).
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP INDEX items_by_split_entry; ALTER TABLE items DROP COLUMN split_entry;
		ALTER TABLE sources DROP COLUMN last_success_at; PRAGMA user_version = 8`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err = storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got, err := st.LastSuccess(ctx); err != nil || !got.Equal(at) {
		t.Errorf("LastSuccess after the upgrade = %v, %v; want %v", got, err, at)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if want := s.Name == "ok"; s.LastSuccessAt.Equal(at) != want {
			t.Errorf("%s: last success %v, want it set: %v", s.Name, s.LastSuccessAt, want)
		}
	}
}
