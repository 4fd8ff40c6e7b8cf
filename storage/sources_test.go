package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

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
