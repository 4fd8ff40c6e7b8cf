package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestRebuildFreeSpace: the free space dedup -rebuild needs beside the
// database: the files of the copy (the copy and its WAL) at their largest
// while it replays. A guard against gross regressions: on a database this
// small the WAL's automatic checkpoint size (about 4 MB) dominates; the
// figure the README gives (about 1.2 times) is measured on 100,000 items
// (docs/performance.md).
func TestRebuildFreeSpace(t *testing.T) {
	if testing.Short() || raceBuild() {
		t.Skip("stores 9,000 items: a second, but a minute and a half under -race")
	}
	e := newClusterEnv(t)
	ctx := context.Background()
	for b := range 6 {
		for src := range 3 {
			var items []storage.NewItem
			for k := range 500 {
				e.now = e.now.Add(time.Minute)
				link := fmt.Sprintf("https://x.example/%d/%d", b, k)
				items = append(items, storage.NewItem{GUID: fmt.Sprintf("%d-%d-%d", src, b, k), Title: fmt.Sprintf("Titel %d %d %d eines Berichts", src, b, k),
					Teaser: "Ein Teaser von der Länge, die Meldungen in Verwaltungsfeeds üblicherweise haben, mit ein paar Sätzen dazu.",
					Link:   link, OrigLink: link, Published: e.now, Lands: []storage.LandTag{{Land: "DE-HE", Rule: "test", Evidence: "Hessen"}},
					Fingerprint: make([]byte, 64)})
			}
			if _, err := e.st.SaveFetch(ctx, storage.Fetch{SourceID: e.ids[src], StartedAt: e.now, Status: 200}, e.urls[src], items, e.now); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The database as it stands on disk, WAL checkpointed.
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fi, err := os.Stat(e.path)
	if err != nil {
		t.Fatal(err)
	}
	var peak int64
	o := &observing{during: func(n int) {
		// The copy's WAL grows in the replay's first transaction and
		// does not shrink before the copy is removed: a sample suffices.
		if n%50 != 1 {
			return
		}
		files, _ := filepath.Glob(filepath.Join(filepath.Dir(e.path), "*.rebuild-*"))
		var sum int64
		for _, f := range files {
			if fi, err := os.Stat(f); err == nil {
				sum += fi.Size()
			}
		}
		peak = max(peak, sum)
	}}
	if _, _, err := st.RebuildClusters(ctx, o, e.now); err != nil {
		t.Fatal(err)
	}
	t.Logf("database %d bytes, the copy's files at most %d bytes (%.2f×)", fi.Size(), peak, float64(peak)/float64(fi.Size()))
	if float64(peak) > 2.5*float64(fi.Size()) {
		t.Errorf("the rebuild's copy took %.2f× the database's size on disk (%d of %d bytes); want at most 2.5×",
			float64(peak)/float64(fi.Size()), peak, fi.Size())
	}
}
