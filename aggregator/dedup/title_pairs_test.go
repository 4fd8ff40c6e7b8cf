package dedup

import (
	"fmt"
	"testing"
)

// titlePairsFiles hold pairs written blind (by a session that did not see
// this code), most with equal titles: the first after a review found
// generic notices of different bodies merged by the title layer, the
// second (session 6) to test, on data nobody tuned on, the similarity
// floor the first set suggested, the third (session 7) on sources that
// speak for a place (Doc.Place: two towns, a town and its Landkreis, joint
// announcements). The question is which alike reports are one story. The
// floors are regression guards below the measured figures, not targets
// met by tuning (docs/dedup.md has the figures, and how the third set was
// used).
var titlePairsFiles = []struct {
	file                    string
	minPrecision, minRecall float64
}{
	{"testdata/title_pairs.jsonl", 0.85, 0.95},
	{"testdata/title_pairs_2.jsonl", 0.85, 0.95},
	{"testdata/place_pairs.jsonl", 0.90, 0.85},
}

// TestLabelledTitlePairs measures Same on each set of equal-title pairs.
// Run with -v for every mismatch.
func TestLabelledTitlePairs(t *testing.T) {
	for _, set := range titlePairsFiles {
		t.Run(set.file, func(t *testing.T) {
			c := measureTitlePairs(t, set.file)
			if c.precision() < set.minPrecision || c.recall() < set.minRecall {
				t.Errorf("precision %.3f, recall %.3f; want at least %.2f and %.2f", c.precision(), c.recall(), set.minPrecision, set.minRecall)
			}
		})
	}
}

func measureTitlePairs(t *testing.T, file string) confusion {
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
			if p.Unsure {
				what += " (label unsure)"
			}
			t.Log(fmt.Sprintf("%s %s %s score %.3f layer %q reason %q: %q / %q ~ %q", p.ID, what, p.Kind, v.Score, v.Layer, v.Reason,
				p.A.Title, p.A.Teaser, p.B.Teaser))
		}
		kinds[p.Kind] = k
	}
	t.Logf("%d pairs from %s: %v", len(pairs), file, c)
	for k, n := range kinds {
		t.Logf("  %-28s %2d/%2d correct", k, n[1], n[0])
	}
	return c
}
