package dedup

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// farmCorpus generates items like those of internal/farm, the loopback feed
// farm of the ingest benchmarks: about a third of the words from a pool of
// ~150 domain-common words, the rest drawn uniformly from a lexicon of 6000
// made-up words built from German-like syllables, and one number (0–99,999)
// per sentence. Titles have 5–9 words, teasers two sentences (20–44 and
// 10–24 words) cut to 320 characters as ingest cuts them. The generator
// mirrors internal/farm (same word pool, same construction) without
// importing it, so that this package's tests depend on nothing else.
type farmCorpus struct {
	rng   *rand.Rand
	start time.Time
	step  time.Duration
}

// farmWords is internal/farm's pool of domain-common words.
var farmWords = strings.Fields(`Verwaltung Digitalisierung Bürgerportal Onlinedienst Bauantrag Breitband Glasfaser Förderung
Landkreis Gemeinde Stadtrat Kreistag Ministerium Staatskanzlei Rechenzentrum Cloud Sicherheit Datenschutz Register
Modernisierung Antrag Bescheid Schule Tablet Netz Ausbau Strategie Projekt Pilot Plattform Schnittstelle Standard Akte
Wohngeld Elterngeld Kfz Zulassung Meldewesen Personalausweis Signatur Postfach Konto Service Bürgeramt Termin Karte
Geodaten Klima Energie Mobilität Verkehr Radweg Haushalt Investition Personal Ausbildung Fachkräfte Wettbewerb Preis
Umfrage Studie Bericht Konferenz Kongress Messe Workshop Leitfaden Gesetz Verordnung Beschluss Kabinett Landtag
Open Data Smart City Sensor Plattform Künstliche Intelligenz Chatbot Assistent Formular Prozess Workflow Archiv
neue digitale schnelle sichere offene gemeinsame regionale kommunale landesweite erste weitere moderne einfache
startet beschließt fördert erweitert testet veröffentlicht eröffnet plant stellt vor berichtet bündelt verbessert`)

// farmLexicon is internal/farm's lexicon of 6000 made-up content words.
var farmLexicon = func() []string {
	syl := strings.Fields(`ver wal tung dig ital isie rung bür ger por tal on line dien st bau an trag breit band glas fa ser för de land kreis ge mein rat mi nis ter sch ule netz aus kar te klima ener gie mo bil ität ver kehr haus halt pro jekt pi lot platt form stand ard ak te wohn geld el tern zu las sung mel de we sen per so nal sig na tur post fach kon to ser vice amt ter min geo da ten`)
	seen := map[string]bool{}
	var out []string
	rng := rand.New(rand.NewPCG(7, 11))
	for len(out) < 6000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		w := strings.ToUpper(b.String()[:1]) + b.String()[1:]
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}()

func newFarmCorpus(seed uint64, start time.Time, step time.Duration) *farmCorpus {
	return &farmCorpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), start: start, step: step}
}

func (c *farmCorpus) sentence(n int) string {
	parts := make([]string, n)
	for i := range parts {
		if c.rng.IntN(3) == 0 {
			parts[i] = farmWords[c.rng.IntN(len(farmWords))]
		} else {
			parts[i] = farmLexicon[c.rng.IntN(len(farmLexicon))]
		}
	}
	parts[c.rng.IntN(n)] += " " + strconv.Itoa(c.rng.IntN(100000))
	return strings.Join(parts, " ") + "."
}

// doc returns item i.
func (c *farmCorpus) doc(i int) Doc {
	title := c.sentence(5 + c.rng.IntN(5))
	teaser := c.sentence(20+c.rng.IntN(25)) + " " + c.sentence(10+c.rng.IntN(15))
	return Doc{
		ID:        int64(i + 1),
		Title:     title,
		Teaser:    cutTeaser(teaser, 320),
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
	w[c.rng.IntN(len(w))] = strings.ToLower(farmLexicon[c.rng.IntN(len(farmLexicon))])
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

// cutTeaser cuts s to at most max characters as ingest does
// (aggregator/normalize.Cut, simplified): at the last sentence end in the
// second half of the room, else at a word boundary, adding " …".
func cutTeaser(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	rs := []rune(s)
	limit := max - 2
	for i := limit - 1; i >= limit/2; i-- {
		if rs[i] == '.' && i+1 < len(rs) && rs[i+1] == ' ' {
			return string(rs[:i+1]) + " …"
		}
	}
	for i := limit; i > 0; i-- {
		if rs[i] == ' ' {
			return string(rs[:i]) + " …"
		}
	}
	return string(rs[:limit]) + "…"
}
