package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHealth: the store reports what would lose data without a word: its
// file deleted or replaced while in use, and a write the disk refused
// (here the database hits max_page_count, which SQLite reports as "disk
// full"); it recovers by itself once writes go through again.
func TestHealth(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		breakIt func(t *testing.T, s *Store, path string)
		want    string
	}{
		{"healthy", func(*testing.T, *Store, string) {}, ""},
		{"file deleted", func(t *testing.T, _ *Store, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "deleted or replaced"},
		{"file replaced", func(t *testing.T, _ *Store, path string) {
			if err := os.Rename(path, path+".old"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "deleted or replaced"},
		{"disk full", func(t *testing.T, s *Store, _ string) {
			var pages int
			if err := s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
				t.Fatal(err)
			}
			if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages)); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SaveFetch(ctx, Fetch{SourceID: 1, StartedAt: time.Now(), Status: 200}, "https://a.example/feed",
				bigItems(200), time.Now()); err == nil || !strings.Contains(err.Error(), "full") {
				t.Fatalf("store on a full disk: %v", err)
			}
		}, "last write failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "h.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.SyncSources(ctx, []SourceConfig{{Name: "a", URL: "https://a.example/feed"}}); err != nil {
				t.Fatal(err)
			}
			if err := s.Health(ctx); err != nil {
				t.Fatalf("fresh store: %v", err)
			}
			tc.breakIt(t, s, path)
			err = s.Health(ctx)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Health() = %v, want %q", err, tc.want)
			}
			if tc.name == "disk full" {
				if _, err := s.w.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
					t.Fatal(err)
				}
				if _, err := s.SaveFetch(ctx, Fetch{SourceID: 1, StartedAt: time.Now(), Status: 200}, "https://a.example/feed",
					bigItems(200), time.Now()); err != nil {
					t.Fatal(err)
				}
				if err := s.Health(ctx); err != nil {
					t.Errorf("after a write went through again: %v", err)
				}
			}
		})
	}
}

func bigItems(n int) []NewItem {
	items := make([]NewItem, n)
	for i := range items {
		items[i] = NewItem{GUID: fmt.Sprint("g", i), Title: fmt.Sprint("Titel ", i), Teaser: strings.Repeat("Text ", 60),
			Link: fmt.Sprint("https://a.example/", i)}
	}
	return items
}
