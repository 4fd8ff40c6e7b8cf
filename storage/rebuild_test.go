package storage_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// observing is a Clusterer that finds no near-duplicates (rebuilds
// recompute the link clusters) and calls during for every item the
// rebuild replays: what readers and writers of the live database meet
// while a rebuild runs.
type observing struct {
	noMatches
	n      int
	during func(n int)
}

func (o *observing) Add(int64, storage.ClusterDoc) {
	o.n++
	o.during(o.n)
}

// linkStories stores three stories reported by two news sites each (one
// article link per story): three entries.
func linkStories(t *testing.T) *clusterEnv {
	t.Helper()
	e := newClusterEnv(t)
	e.save(1, "a", "https://x.example/a", "b", "https://x.example/b", "c", "https://x.example/c")
	e.save(2, "a2", "https://x.example/a", "b2", "https://x.example/b", "c2", "https://x.example/c")
	if n := len(e.entries()); n != 3 {
		t.Fatalf("%d entries, want 3", n)
	}
	return e
}

// TestRebuildIsAtomic: while dedup -rebuild runs, readers see the stories
// as before (not a story's reports apart, under ids that vanish after);
// a rebuild that is stopped changes nothing and leaves no copy behind.
func TestRebuildIsAtomic(t *testing.T) {
	e := linkStories(t)
	before := e.entries()
	o := &observing{during: func(n int) {
		if got := e.entries(); !slices.Equal(got, before) {
			t.Errorf("while replaying item %d, readers saw %d entries %v, want %v", n, len(got), got, before)
		}
	}}
	if _, _, err := e.st.RebuildClusters(context.Background(), o, e.now); err != nil {
		t.Fatal(err)
	}
	if o.n != 6 {
		t.Errorf("%d items replayed, want 6", o.n)
	}
	e.check("after the rebuild")
	if got := e.entries(); !slices.Equal(got, before) {
		t.Errorf("after the rebuild: %v, want %v", got, before)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := &observing{during: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	if _, _, err := e.st.RebuildClusters(ctx, stop, e.now); err == nil {
		t.Fatal("a stopped rebuild reported success")
	}
	e.check("after a stopped rebuild")
	if got := e.entries(); !slices.Equal(got, before) {
		t.Errorf("after a stopped rebuild: %v, want %v", got, before)
	}
	left, err := filepath.Glob(filepath.Join(filepath.Dir(e.path), "*rebuild*"))
	if err != nil || len(left) > 0 {
		t.Errorf("files left behind: %v %v", left, err)
	}
}

// TestRebuildWithWritesMeanwhile: items stored while the rebuild runs
// keep the stories they joined; an editor's split, a hide or retention
// meanwhile makes the rebuild change nothing (ErrRebuildConflict), and the
// edit stays.
func TestRebuildWithWritesMeanwhile(t *testing.T) {
	t.Run("a report joins a story", func(t *testing.T) {
		e := linkStories(t)
		o := &observing{during: func(n int) {
			if n == 1 {
				e.save(0, "o1", "https://x.example/a") // the official report of story a
			}
		}}
		if _, _, err := e.st.RebuildClusters(context.Background(), o, e.now); err != nil {
			t.Fatal(err)
		}
		e.check("after the rebuild")
		items, err := e.st.Items(context.Background(), storage.Query{})
		if err != nil {
			t.Fatal(err)
		}
		var shown []string
		for _, it := range items {
			shown = append(shown, it.SourceName)
		}
		if len(items) != 3 || !slices.Contains(shown, "Land") {
			t.Errorf("entries shown by %v, want 3, one of them by the official source", shown)
		}
	})
	for _, tc := range []struct {
		name string
		edit func(e *clusterEnv) error
	}{
		{"a split", func(e *clusterEnv) error { return e.st.Split(context.Background(), e.id(2, "b2"), e.now) }},
		{"a hide", func(e *clusterEnv) error {
			_, err := e.st.Hide(context.Background(), e.id(1, "c"), true, e.now)
			return err
		}},
		{"retention", func(e *clusterEnv) error {
			_, err := e.st.Prune(context.Background(), e.now.AddDate(1, 0, 0))
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := linkStories(t)
			o := &observing{during: func(n int) {
				if n == 1 {
					if err := tc.edit(e); err != nil {
						t.Fatal(err)
					}
				}
			}}
			_, _, err := e.st.RebuildClusters(context.Background(), o, e.now)
			if !errors.Is(err, storage.ErrRebuildConflict) {
				t.Fatalf("rebuild: %v, want ErrRebuildConflict", err)
			}
			if !strings.Contains(err.Error(), "run it again") {
				t.Errorf("message %q does not say what to do", err)
			}
			edited := e.entries()
			e.check("after the refused rebuild")
			if _, _, err := e.st.RebuildClusters(context.Background(), noMatches{}, e.now); err != nil {
				t.Fatalf("second rebuild: %v", err)
			}
			e.check("after the second rebuild")
			if got := e.entries(); fmt.Sprint(got) != fmt.Sprint(edited) {
				t.Errorf("the second rebuild changed the edited entries: %v → %v", edited, got)
			}
		})
	}
}

// TestRebuildInMemory: an in-memory database (no file to copy) rebuilds
// in place.
func TestRebuildInMemory(t *testing.T) {
	st, err := storage.Open(context.Background(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, _, err := st.RebuildClusters(context.Background(), noMatches{}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(":memory:"); err == nil {
		t.Error(`a file named ":memory:" was created`)
	}
}
