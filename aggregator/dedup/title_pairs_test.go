package dedup

import (
	"fmt"
	"testing"
)

// titlePairsFiles hold pairs whose two items have the same title, each set
// written blind (by a session that did not see this code): the first
// after a review found generic notices of different bodies merged by the
// title layer, the second (session 6) to test, on data nobody tuned on,
// the similarity floor the first set suggested. The question is which
// equal titles are one story.
var titlePairsFiles = []string{"testdata/title_pairs.jsonl", "testdata/title_pairs_2.jsonl"}

// TestLabelledTitlePairs measures Same on each set of equal-title pairs.
// Run with -v for every mismatch.
func TestLabelledTitlePairs(t *testing.T) {
	for _, file := range titlePairsFiles {
		t.Run(file, func(t *testing.T) { measureTitlePairs(t, file) })
	}
}

func measureTitlePairs(t *testing.T, file string) {
	pairs := readPairsFile(t, file)
	o := DefaultOptions()
	var c confusion
	kinds := map[string][2]int{}
	for _, p := range pairs {
		v := Explain(p.A.doc(1), p.B.doc(2), o)
		c.add(p.Duplicate, v.Same)
		k := kinds[p.Kind]
		k[0]++
		if v.Same == p.Duplicate {
			k[1]++
		} else {
			what := "missed duplicate"
			if v.Same {
				what = "false merge"
			}
			t.Log(fmt.Sprintf("%s %s %s score %.3f layer %q reason %q: %q / %q ~ %q", p.ID, what, p.Kind, v.Score, v.Layer, v.Reason,
				p.A.Title, p.A.Teaser, p.B.Teaser))
		}
		kinds[p.Kind] = k
	}
	t.Logf("%d equal-title pairs from %s: %v", len(pairs), file, c)
	for k, n := range kinds {
		t.Logf("  %-28s %2d/%2d correct", k, n[1], n[0])
	}
	if c.precision() < minTitlePrecision || c.recall() < minTitleRecall {
		t.Errorf("precision %.3f, recall %.3f; want at least %.2f and %.2f", c.precision(), c.recall(), minTitlePrecision, minTitleRecall)
	}
}

// The floors are the first blind measurement (precision 0.882, recall
// 1.000) less a margin: a regression guard, not a target met by tuning.
const (
	minTitlePrecision = 0.85
	minTitleRecall    = 0.95
)
