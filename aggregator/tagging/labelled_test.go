package tagging

import (
	"bufio"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// labelledItem is one line of testdata/labelled.jsonl.
type labelledItem struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Teaser     string   `json:"teaser"`
	SourceLand string   `json:"source_land"`
	Want       []string `json:"want"`
	Kind       string   `json:"kind"`
	Note       string   `json:"note"`
}

// Quality floors from the issue: a wrong tag is worse than a missing one.
const (
	minAccuracy  = 0.95
	minPrecision = 0.98
	minRecall    = 0.93
)

func loadLabelled(t *testing.T, path string) []labelledItem {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s not found", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []labelledItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var it labelledItem
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return items
}

type counts struct{ tp, fp, fn, items, exact int }

func (c counts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c counts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c counts) accuracy() float64  { return ratio(c.exact, c.items) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// TestLabelledSet evaluates the tagger on the hand-labelled items. The
// caller merges the source's configured Land, so the test does too.
func TestLabelledSet(t *testing.T) {
	items := loadLabelled(t, "testdata/labelled.jsonl")
	tg := newTagger(t, nil)
	var all counts
	perLand := map[string]*counts{}
	perKind := map[string]*counts{}
	var mismatches []string
	for _, it := range items {
		tags := tg.Tag(it.Title, it.Teaser)
		got := map[string]bool{}
		if it.SourceLand != "" {
			got[it.SourceLand] = true
		}
		for _, tag := range tags {
			got[tag.Land] = true
		}
		want := map[string]bool{}
		for _, w := range it.Want {
			want[w] = true
		}
		k := perKind[it.Kind]
		if k == nil {
			k = &counts{}
			perKind[it.Kind] = k
		}
		k.items++
		all.items++
		for l := range union(got, want) {
			c := perLand[l]
			if c == nil {
				c = &counts{}
				perLand[l] = c
			}
			switch {
			case got[l] && want[l]:
				all.tp, c.tp, k.tp = all.tp+1, c.tp+1, k.tp+1
			case got[l]:
				all.fp, c.fp, k.fp = all.fp+1, c.fp+1, k.fp+1
			default:
				all.fn, c.fn, k.fn = all.fn+1, c.fn+1, k.fn+1
			}
		}
		if sameSet(got, want) {
			all.exact++
			k.exact++
			continue
		}
		var ev []string
		for _, tag := range tags {
			ev = append(ev, tag.Land+"="+tag.Rule+":"+tag.Evidence)
		}
		mismatches = append(mismatches, it.ID+" ["+it.Kind+"] want "+strings.Join(sortedKeys(want), ",")+
			" got "+strings.Join(sortedKeys(got), ",")+" evidence {"+strings.Join(ev, "; ")+"} title="+it.Title)
	}
	t.Logf("items %d  exact-set accuracy %.3f  precision %.3f  recall %.3f  (tp %d fp %d fn %d)",
		all.items, all.accuracy(), all.precision(), all.recall(), all.tp, all.fp, all.fn)
	t.Logf("%-6s %5s %5s %5s %9s %7s", "land", "tp", "fp", "fn", "precision", "recall")
	for _, l := range sortedKeysOf(perLand) {
		c := perLand[l]
		t.Logf("%-6s %5d %5d %5d %9.3f %7.3f", l, c.tp, c.fp, c.fn, c.precision(), c.recall())
	}
	t.Logf("%-12s %5s %8s", "kind", "items", "accuracy")
	for _, k := range sortedKeysOf(perKind) {
		c := perKind[k]
		t.Logf("%-12s %5d %8.3f", k, c.items, c.accuracy())
	}
	for _, m := range mismatches {
		t.Log("mismatch: " + m)
	}
	if all.accuracy() < minAccuracy || all.precision() < minPrecision || all.recall() < minRecall {
		t.Errorf("below the floor: accuracy %.3f (min %.2f), precision %.3f (min %.2f), recall %.3f (min %.2f)",
			all.accuracy(), minAccuracy, all.precision(), minPrecision, all.recall(), minRecall)
	}
}

func union(a, b map[string]bool) map[string]bool {
	u := make(map[string]bool, len(a)+len(b))
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
