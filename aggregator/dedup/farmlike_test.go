package dedup

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/internal/farm"
)

// farmCorpus generates items with internal/farm's text: about a third of
// the words from a pool of ~150 domain-common words, the rest from a
// lexicon of 6000 made-up words, and one number per sentence. Titles have
// 5–9 words, teasers two sentences (20–44 and 10–24 words) cut to 320
// characters as ingest cuts them.
type farmCorpus struct {
	rng   *rand.Rand
	start time.Time
	step  time.Duration
}

func newFarmCorpus(seed uint64, start time.Time, step time.Duration) *farmCorpus {
	return &farmCorpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), start: start, step: step}
}

func (c *farmCorpus) sentence(n int) string { return farm.Sentence(c.rng, n) }

// doc returns item i.
func (c *farmCorpus) doc(i int) Doc {
	title := c.sentence(5 + c.rng.IntN(5))
	teaser := c.sentence(20+c.rng.IntN(25)) + " " + c.sentence(10+c.rng.IntN(15))
	return Doc{
		ID:        int64(i + 1),
		Title:     title,
		Teaser:    normalize.Cut(teaser, normalize.TeaserMax),
		Published: c.start.Add(time.Duration(i) * c.step),
	}
}

// rewrite returns a near-duplicate of d as farm text: the teaser's last
// three words dropped, one word replaced, published an hour later.
func (c *farmCorpus) rewrite(d Doc) Doc {
	w := strings.Fields(d.Teaser)
	if len(w) > 12 {
		w = w[:len(w)-3]
	}
	w[c.rng.IntN(len(w))] = strings.ToLower(farm.Word(c.rng))
	d.Teaser = strings.Join(w, " ")
	d.Published = d.Published.Add(time.Hour)
	d.ID += 1 << 40
	return d
}

func (c *farmCorpus) docs(n int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = c.doc(i)
	}
	return out
}
