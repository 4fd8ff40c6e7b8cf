package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// TestAddedSincePlans: a query for what was added since an instant
// starts from the new items when there are few and reads entries in order
// when there are many; both must select the same entries.
func TestAddedSincePlans(t *testing.T) {
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srcs := []storage.SourceConfig{
		{Name: "A", URL: "https://a.example/feed", Land: "DE-HE", Priority: 10},
		{Name: "B", URL: "https://b.example/feed"},
		{Name: "C", URL: "https://c.example/feed", Land: "DE-BY", Priority: 10},
	}
	ids, err := st.SyncSources(ctx, srcs)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 2))
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	lands := [][]storage.LandTag{nil, {{Land: "DE-HE", Rule: "test"}}, {{Land: "DE-BY", Rule: "test"}}, {{Land: "DE", Rule: "test"}}}
	// 40 fetch rounds, an hour apart; links repeat across sources, so
	// stories gather reports over time.
	for round := range 40 {
		now := start.Add(time.Duration(round) * time.Hour)
		for s := range srcs {
			var items []storage.NewItem
			for range rng.IntN(4) {
				n := rng.IntN(60)
				items = append(items, storage.NewItem{
					GUID: fmt.Sprintf("%d-%d", round, rng.Int()), Title: fmt.Sprint("Meldung ", n), Teaser: "Text.",
					Link:      fmt.Sprintf("https://x.example/%d", n),
					Published: now.Add(-time.Duration(rng.IntN(72)) * time.Hour),
					Lands:     lands[rng.IntN(len(lands))],
				})
			}
			f := storage.Fetch{SourceID: ids[s], StartedAt: now, Status: 200}
			if _, err := st.SaveFetch(ctx, f, srcs[s].URL, items, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	keys := func(q storage.Query) []string {
		items, err := st.Items(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, it.EntryKey)
		}
		return out
	}
	for _, q := range []storage.Query{
		{}, {Lands: []string{"DE-HE"}}, {Sources: []string{"B"}}, {Lands: []string{"DE-BY", "DE"}, Sources: []string{"A", "B"}},
		{WithDuplicates: true}, {Lands: []string{"DE-HE"}, Limit: 5},
	} {
		for _, h := range []int{0, 5, 20, 39, -5, -20} {
			// A negative h: since 5 or 20 hours in, until 10 hours later.
			q.AddedUntil = time.Time{}
			if h < 0 {
				h = -h
				q.AddedUntil = start.Add(time.Duration(h+10) * time.Hour)
			}
			q.AddedSince = start.Add(time.Duration(h)*time.Hour - time.Minute)
			name := fmt.Sprintf("lands %v sources %v dup %v limit %d since +%dh until %v", q.Lands, q.Sources, q.WithDuplicates, q.Limit, h, q.AddedUntil)
			fresh := keys(q)
			old := storage.SetFreshPlanMax(0)
			scan := keys(q)
			storage.SetFreshPlanMax(old)
			if !slices.Equal(fresh, scan) {
				t.Errorf("%s: the two plans differ:\n%v\n%v", name, fresh, scan)
			}
			if h == 0 && q.Limit == 0 && q.AddedUntil.IsZero() {
				q2 := q
				q2.AddedSince = time.Time{}
				if all := keys(q2); !slices.Equal(all, fresh) {
					t.Errorf("%s: %d entries, want all %d (everything was added after it)", name, len(fresh), len(all))
				}
			}
			if h == 39 && q.AddedUntil.IsZero() && len(fresh) == len(keys(storage.Query{Lands: q.Lands, Sources: q.Sources, WithDuplicates: q.WithDuplicates})) {
				t.Errorf("%s: all %d entries are new in the last hour", name, len(fresh))
			}
		}
	}
}

// TestAddedUntil: an entry is in the window of the time its story
// entered the selection, and only in that one; consecutive windows
// (since = the previous until) together give every entry exactly once.
func TestAddedUntil(t *testing.T) {
	ctx := context.Background()
	st, err := storage.Open(ctx, filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids, err := st.SyncSources(ctx, []storage.SourceConfig{{Name: "A", URL: "https://a.example/feed"}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range 30 {
		now := start.Add(time.Duration(i) * time.Minute)
		it := storage.NewItem{GUID: fmt.Sprint(i), Title: fmt.Sprint("Meldung ", i), Teaser: "Text.", Link: fmt.Sprintf("https://a.example/%d", i), Published: start}
		if _, err := st.SaveFetch(ctx, storage.Fetch{SourceID: ids[0], StartedAt: now, Status: 200}, "https://a.example/feed", []storage.NewItem{it}, now); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for w := range 7 {
		q := storage.Query{AddedSince: start.Add(time.Duration(w*5)*time.Minute - time.Second), AddedUntil: start.Add(time.Duration(w*5+5)*time.Minute - time.Second)}
		items, err := st.Items(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			seen[it.Title]++
		}
		if w < 6 && len(items) != 5 {
			t.Errorf("window %d: %d entries, want 5", w, len(items))
		}
	}
	if len(seen) != 30 {
		t.Errorf("%d entries over the windows, want 30", len(seen))
	}
	for title, n := range seen {
		if n != 1 {
			t.Errorf("%s in %d windows", title, n)
		}
	}
	next, ok, err := st.NextAddedAfter(ctx, start.Add(90*time.Second))
	if err != nil || !ok || !next.Equal(start.Add(2*time.Minute)) {
		t.Errorf("NextAddedAfter: %v %v %v, want %v", next, ok, err, start.Add(2*time.Minute))
	}
	if _, ok, _ := st.NextAddedAfter(ctx, start.Add(time.Hour)); ok {
		t.Error("NextAddedAfter the last item: found one")
	}
}
