package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/egovfeed/egovfeed/storage"
)

// TestUpgradeRepairsClusterWithTwoVisibleReports: a database that a build before 115f445 (e.g. 1bd3d66, schema
// version 1) left with a merged cluster showing both of its reports, both
// visible under one entry key. Opening it with the current binary migrates
// it; the feeds should then show the story once.
//
// Observed with the real 1bd3d66 binary (merge A B, then upgrade): all.atom
// keeps two <entry> elements with the same <id> until `dedup -rebuild` is run.
func TestUpgradeRepairsClusterWithTwoVisibleReports(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v1.db")
	init1, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(init1),
		`PRAGMA user_version = 1`,
		`INSERT INTO sources (id, url, name, land, priority) VALUES (1, 'http://a.example/feed', 'A', 'DE-NW', 10), (2, 'http://b.example/feed', 'B', '', 0)`,
		// root (A's report) and the report merged into it (B's), both
		// visible, as 1bd3d66's Merge left them (electPrimary assumed at
		// most one visible member).
		`INSERT INTO items (id, source_id, guid, key, title, teaser, link, orig_link, published, date_from_source,
			first_seen, updated, content_hash, cluster_id, cluster_layer, cluster_lock, visible, entry_key, entry_published)
		 VALUES (1, 1, 'a1', 'kA', 'Köln', 't', 'http://a.example/1', 'http://a.example/1', 1000, 1, 1000, 1000, x'00', NULL, '', 0, 1, 'kA', 1000),
		        (2, 2, 'b1', 'kB', 'Dresden', 't', 'http://b.example/1', 'http://b.example/1', 2000, 1, 2000, 2000, x'01', 1, 'merge', 2, 1, 'kA', 1000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db.Close()

	st, err := storage.Open(ctx, path) // migrates 1 -> current
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, err := st.Items(ctx, storage.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, it := range items {
		seen[it.EntryKey]++
	}
	if seen["kA"] != 1 {
		t.Errorf("entry kA is listed %d times after the upgrade, want once (items %+v)", seen["kA"], items)
	}
}
