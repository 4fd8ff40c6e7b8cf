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

// TestLastSuccessAfterUpgrade: a database from before migration 0009 knows
// the last success of every source: from its last fetch when that
// succeeded, else from its fetch records (kept 30 days).
func TestLastSuccessAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	if err := storage.CreateAtVersion(path, 8); err != nil {
		t.Fatal(err)
	}
	ok := time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC).UnixMilli()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO sources (id, url, name, last_fetch_at, consecutive_failures) VALUES
			(1, 'https://ok.example/feed', 'ok', ?1, 0),
			(2, 'https://wieder.example/feed', 'failing since', ?1 + 1800000, 1),
			(3, 'https://kaputt.example/feed', 'never ok', ?1, 3)`,
		`INSERT INTO fetches (source_id, started_at, status, duration_ms, bytes, items_new, items_updated, error) VALUES
			(1, ?1, 200, 1, 1, 0, 0, ''),
			(2, ?1, 304, 1, 0, 0, 0, ''), (2, ?1 + 1800000, 500, 1, 0, 0, 0, 'HTTP 500'),
			(3, ?1, 500, 1, 0, 0, 0, 'HTTP 500')`,
	} {
		if _, err := db.Exec(q, ok); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"ok": ok, "failing since": ok, "never ok": 0}
	for _, s := range srcs {
		got := int64(0)
		if !s.LastSuccessAt.IsZero() {
			got = s.LastSuccessAt.UnixMilli()
		}
		if got != want[s.Name] {
			t.Errorf("%s: last success %v, want %v", s.Name, s.LastSuccessAt, time.UnixMilli(want[s.Name]).UTC())
		}
	}
	if got, err := st.LastSuccess(ctx); err != nil || got.UnixMilli() != ok {
		t.Errorf("LastSuccess = %v, %v; want %v", got, err, time.UnixMilli(ok).UTC())
	}
}
