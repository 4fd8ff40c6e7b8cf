package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/egovfeed/egovfeed/storage"
)

// matchByDate is a Clusterer for a rebuild with a new threshold: the
// item published at a key's time matches the item of the value's id.
type matchByDate struct {
	noMatches
	to     map[int64]int64 // published (unix ms) → id
	during func()
}

func (m *matchByDate) Matches(d storage.ClusterDoc) []storage.ClusterMatch {
	if id, ok := m.to[d.Published.UnixMilli()]; ok {
		return []storage.ClusterMatch{{ID: id, Score: 0.9, Layer: "similar"}}
	}
	return nil
}

func (m *matchByDate) Add(int64, storage.ClusterDoc) {
	if m.during != nil {
		m.during()
		m.during = nil
	}
}

// TestRebuildItemsStoredMeanwhile: items stored while the rebuild runs,
// in several shapes, keep the cluster invariants and their stories.
func TestRebuildItemsStoredMeanwhile(t *testing.T) {
	e := newClusterEnv(t)
	ctx := context.Background()
	e.save(1, "a", "https://x.example/a")
	e.save(0, "b", "https://x.example/b")
	bItem, err := e.st.ItemByKey(ctx, storage.ItemKey(e.urls[0], "b"))
	if err != nil {
		t.Fatal(err)
	}
	m := &matchByDate{to: map[int64]int64{bItem.Published.UnixMilli(): e.id(1, "a")}}
	m.during = func() {
		e.save(2, "b2", "https://x.example/b") // joins b, which the rebuild puts into a's story
		e.save(0, "n", "https://x.example/n")  // a new story
		e.save(2, "n2", "https://x.example/n") // joins the new story
	}
	if _, _, err := e.st.RebuildClusters(ctx, m, e.now); err != nil {
		t.Fatal(err)
	}
	e.check("after the rebuild")
	items, err := e.st.Items(ctx, storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprintf("%s+%d", it.GUID, len(it.Related)))
	}
	if fmt.Sprint(got) != "[n+1 b+2]" {
		t.Errorf("entries %v, want [n+1 b+2] (a's story shown by b, with a and b2)", got)
	}
}
