package dedup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// synthCorpus generates German-like items for benchmarks and index tests:
// words built from German syllables, drawn with a Zipf distribution (a few
// very common words, a long tail of rare ones) and mixed with real stop
// words, numbers and Land tags. Items are unrelated to each other; item i is
// published i×step after start, so the corpus is in publication order.
type synthCorpus struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
	start time.Time
	step  time.Duration
}

var (
	synthOnsets  = strings.Fields("b br d dr f fl fr g gr h k kl kr l m n p pl pr r s sch schl schw sp st str t tr v w z zw")
	synthNuclei  = strings.Fields("a e i o u ei au ie eu ä ö ü")
	synthCodas   = strings.Fields("n r l s t ng nd nt rt ft st ch ck lt rk m")
	synthSuffix  = strings.Fields("ung en er keit heit schaft ismus tion ierung lich isch e")
	synthStops   = strings.Fields("der die das und für mit von im in auf zu den des ein eine ist wird werden sich auch")
	synthLands   = []string{"DE", "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV", "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH"}
	synthVocabSz = 60000
)

func newSynthCorpus(seed uint64, start time.Time, step time.Duration) *synthCorpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &synthCorpus{rng: rng, start: start, step: step}
	// The most frequent words are the real domain-common words (as in
	// real text); made-up words follow, skipping any that the lexicon
	// knows (a made-up "drei" would be a number).
	seen := make(map[string]bool)
	for _, w := range strings.Fields(synthCommon) {
		seen[w] = true
		c.vocab = append(c.vocab, w)
	}
	for len(c.vocab) < synthVocabSz {
		var b strings.Builder
		for range 1 + rng.IntN(3) {
			b.WriteString(synthOnsets[rng.IntN(len(synthOnsets))])
			b.WriteString(synthNuclei[rng.IntN(len(synthNuclei))])
			if rng.IntN(2) == 0 {
				b.WriteString(synthCodas[rng.IntN(len(synthCodas))])
			}
		}
		if rng.IntN(3) == 0 {
			b.WriteString(synthSuffix[rng.IntN(len(synthSuffix))])
		}
		w := b.String()
		if len(w) < 4 || seen[w] || knownWord(w) {
			continue
		}
		seen[w] = true
		c.vocab = append(c.vocab, w)
	}
	c.zipf = rand.NewZipf(rng, 1.05, 30, uint64(len(c.vocab)-1))
	return c
}

// reseed draws the following texts from another random stream over the
// same vocabulary.
func (c *synthCorpus) reseed(seed uint64) {
	c.rng = rand.New(rand.NewPCG(seed, ^seed))
	c.zipf = rand.NewZipf(c.rng, 1.05, 30, uint64(len(c.vocab)-1))
}

// synthCommon are real words, most frequent first, that head the synthetic
// vocabulary.
const synthCommon = `Verwaltung digital Digitalisierung online Kommunen Land Bund Landesregierung
Ministerium Projekt Stadt Bürger Service Portal Informationen neue Jahr aktuell Förderung
Landkreis Gemeinde Minister Themen Angebot Prozent Euro Deutschland Bundesland`

// knownWord reports whether the lexicon gives w a meaning (stop word,
// number, place, ...).
func knownWord(w string) bool {
	f := normWord(w, false)
	if _, ok := surfaceLex[hash64(f)]; ok {
		return true
	}
	_, ok := stemLex[hash64(normWord(w, true))]
	return ok
}

func (c *synthCorpus) word() string {
	w := c.vocab[c.zipf.Uint64()]
	if c.rng.IntN(3) == 0 {
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return w
}

func (c *synthCorpus) text(words int, maxLen int) string {
	var b strings.Builder
	for i := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch r := c.rng.IntN(20); {
		case r < 5:
			b.WriteString(synthStops[c.rng.IntN(len(synthStops))])
		case r == 5:
			fmt.Fprintf(&b, "%d", 1+c.rng.IntN(5000))
		default:
			b.WriteString(c.word())
		}
		if b.Len() > maxLen {
			break
		}
	}
	return b.String()
}

// doc returns item i.
func (c *synthCorpus) doc(i int) Doc {
	d := Doc{
		ID:        int64(i + 1),
		Title:     c.text(5+c.rng.IntN(6), 120),
		Teaser:    c.text(20+c.rng.IntN(25), 300) + ".",
		Published: c.start.Add(time.Duration(i) * c.step),
	}
	if c.rng.IntN(10) < 7 {
		d.Lands = []string{synthLands[c.rng.IntN(len(synthLands))]}
	}
	return d
}

func (c *synthCorpus) docs(n int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = c.doc(i)
	}
	return out
}

// rewrite returns a near-duplicate of d: a few words dropped, one replaced,
// the teaser's end cut, published an hour later.
func (c *synthCorpus) rewrite(d Doc) Doc {
	w := strings.Fields(d.Teaser)
	if len(w) > 12 {
		w = w[:len(w)-3]
	}
	// A lower-case word: a capitalised one after "Landkreis" would be a
	// changed place name, which rightly keeps the texts apart.
	w[c.rng.IntN(len(w))] = strings.ToLower(c.word())
	d.Teaser = strings.Join(w, " ")
	d.Published = d.Published.Add(time.Hour)
	d.ID += 1 << 40
	return d
}
