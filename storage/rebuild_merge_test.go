package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/egovfeed/egovfeed/storage"
)

// TestRebuildKeepsAMergeOfMergedStories: an editor merges two stories
// that editors had merged before (every report already cluster_lock 2)
// while dedup -rebuild runs. The README promises that a merge meanwhile
// makes the rebuild change nothing (ErrRebuildConflict); the merge must
// never be undone silently, with the merged-away entry coming back.
func TestRebuildKeepsAMergeOfMergedStories(t *testing.T) {
	e := linkStories(t) // a, b, c: two reports each
	e.save(1, "d", "https://x.example/d")
	ctx := context.Background()
	if err := e.st.Merge(ctx, e.id(1, "a"), e.id(1, "b"), e.now); err != nil {
		t.Fatal(err)
	}
	if err := e.st.Merge(ctx, e.id(1, "c"), e.id(1, "d"), e.now); err != nil {
		t.Fatal(err)
	}
	if n := len(e.entries()); n != 2 {
		t.Fatalf("%d entries before, want 2", n)
	}
	var want []string // the entries after the merge
	o := &observing{during: func(n int) {
		if n == 1 {
			if err := e.st.Merge(ctx, e.id(1, "a"), e.id(1, "c"), e.now); err != nil {
				t.Fatal(err)
			}
			want = e.entries()
		}
	}}
	_, _, err := e.st.RebuildClusters(ctx, o, e.now)
	if err != nil && !errors.Is(err, storage.ErrRebuildConflict) {
		t.Fatal(err)
	}
	e.check("after the rebuild")
	if got := e.entries(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rebuild (err %v) undid the editor's merge: entries %v, want %v", err, got, want)
	}
}
