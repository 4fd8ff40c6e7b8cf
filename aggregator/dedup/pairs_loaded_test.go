package dedup

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// loadedBackground is the number of background items of
// TestLabelledPairsLoaded: about 50,000 per window.
const loadedBackground = 100_000

// TestLabelledPairsLoaded is the index part of TestLabelledPairs under
// load: the a sides of the labelled pairs sit in an index among 100,000
// background items spread over their dates (about 50,000 in any window),
// and each b side is looked up. Posting budgets and candidate limits then
// decide whether the a side is still found. Two backgrounds:
//
//   - mixed: the synthetic corpus (Zipf vocabulary) with one word in ten
//     drawn from the labelled items' own words by their frequency in the
//     set, so that the set's common words ("Digitalisierung", "Kommunen")
//     have long posting lists and its rare ones a few dozen entries, as in
//     a full window of real news. Must meet the targets.
//   - harsh: all words drawn from the labelled items. The set's vocabulary
//     is small, so even its rarest words ("Hildburghausen") occur in
//     hundreds of background items and no feature of an item is rare: far
//     harsher than production. Logged only.
func TestLabelledPairsLoaded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an index of 100,000 items")
	}
	pairs := readPairs(t)
	for _, bg := range []struct {
		name     string
		fromSet  int // words in ten drawn from the set
		mustMeet bool
	}{{"mixed", 1, true}, {"harsh", 10, false}} {
		c, background := loadedPairs(pairs, bg.fromSet)
		t.Logf("%s background: Index.Matches among %d items: %v; %d lookups also matched a background item",
			bg.name, loadedBackground, c, background)
		if !bg.mustMeet {
			continue
		}
		if c.precision() < minPrecision {
			t.Errorf("%s: precision %.3f < %.2f", bg.name, c.precision(), minPrecision)
		}
		if c.recall() < minRecall {
			t.Errorf("%s: recall %.3f < %.2f", bg.name, c.recall(), minRecall)
		}
	}
}

// loadedPairs builds the index of TestLabelledPairsLoaded, with fromSet
// words in ten from the labelled set, and looks up every b side.
func loadedPairs(pairs []labelledPair, fromSet int) (c confusion, background int) {
	ix := loadedIndex(pairs, fromSet)
	for i, p := range pairs {
		b := p.B.doc(0)
		ms := ix.Matches(b.Published, b.Lands, b.Place, NewFingerprint(b))
		c.add(p.Duplicate, slices.ContainsFunc(ms, func(m Match) bool { return m.ID == int64(i+1) }))
		if slices.ContainsFunc(ms, func(m Match) bool { return m.ID >= 1000 }) {
			background++
		}
	}
	return c, background
}

// loadedIndex returns an index of loadedBackground background items with
// fromSet words in ten from the labelled set, spread over the pairs'
// dates, and the pairs' a sides (ID i+1 for pair i), added in publication
// order.
func loadedIndex(pairs []labelledPair, fromSet int) *Index {
	var tokens []string
	first, last := pairs[0].A.Published, pairs[0].A.Published
	for _, p := range pairs {
		for _, it := range []labelledItem{p.A, p.B} {
			tokens = append(tokens, strings.Fields(it.Title+" "+it.Teaser)...)
			if it.Published.Before(first) {
				first = it.Published
			}
			if it.Published.After(last) {
				last = it.Published
			}
		}
	}
	// The background spans the pairs' dates and a day either side.
	first, last = first.Add(-24*time.Hour), last.Add(24*time.Hour)
	step := last.Sub(first) / loadedBackground
	synth := newSynthCorpus(9, first, step)
	rng := rand.New(rand.NewPCG(9, 10))
	text := func(words int) string {
		w := make([]string, words)
		for i := range w {
			if rng.IntN(10) < fromSet {
				w[i] = tokens[rng.IntN(len(tokens))]
			} else {
				w[i] = synth.word()
			}
		}
		return strings.Join(w, " ")
	}
	// All items are added in publication order, as a rebuild does.
	docs := make([]Doc, 0, loadedBackground+len(pairs))
	for i := range loadedBackground {
		d := Doc{ID: int64(1000 + i), Title: text(5 + rng.IntN(6)), Teaser: text(20 + rng.IntN(25)),
			Published: first.Add(time.Duration(i) * step)}
		if rng.IntN(10) < 7 {
			d.Lands = []string{synthLands[rng.IntN(len(synthLands))]}
		}
		docs = append(docs, d)
	}
	for i, p := range pairs {
		docs = append(docs, p.A.doc(int64(i+1)))
	}
	slices.SortStableFunc(docs, func(a, b Doc) int { return a.Published.Compare(b.Published) })
	ix := NewIndex(DefaultOptions())
	for _, d := range docs {
		addDoc(ix, d)
	}
	return ix
}
