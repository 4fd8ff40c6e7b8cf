package aggregator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// TestMaintainPrunesFetchRecords: every fetch, a 304 too, leaves a
// record; serve's hourly maintenance must bound them also when items are
// kept for a year or for ever (retention: 0).
func TestMaintainPrunesFetchRecords(t *testing.T) {
	tests := []struct {
		name      string
		retention time.Duration
		keep      time.Duration // records newer than this stay
	}{
		{"kept for ever", 0, fetchRecordRetention},
		{"default year", 8760 * time.Hour, fetchRecordRetention},
		{"shorter retention", 72 * time.Hour, 72 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNotModified) // a 304 still writes a record
			}))
			defer srv.Close()
			cfg := config.Default()
			cfg.Fetch.AllowPrivateNetworks = true
			cfg.Retention = config.Duration(tt.retention)
			cfg.Sources = []config.Source{{Name: "s", URL: srv.URL + "/feed"}}
			store := openTestStore(t, &cfg)
			ctx := context.Background()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			a, err := New(ctx, &cfg, store, Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			const days = 60
			for range days {
				a.FetchAll(ctx, false, nil)
				now = now.Add(24 * time.Hour)
			}
			a.maintain(ctx)
			c, err := store.Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := int(tt.keep / (24 * time.Hour))
			if c.Fetches > want {
				t.Errorf("%d fetch records after %d daily fetches and maintenance, want at most %d", c.Fetches, days, want)
			}
			if c.Fetches == 0 {
				t.Error("every fetch record pruned, want the recent ones kept")
			}
		})
	}
}

// openTestStore validates cfg with a database in a fresh folder and opens
// that database; it is closed when the test ends.
func openTestStore(t *testing.T, cfg *config.Config) *storage.Store {
	t.Helper()
	cfg.Database = filepath.Join(t.TempDir(), "t.db")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store
}
