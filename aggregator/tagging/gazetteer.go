package tagging

import (
	"bufio"
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

//go:generate go run ./internal/gengazetteer -data ../../../shared/data -out gazetteer.gen.txt

//go:embed gazetteer.gen.txt
var gazetteerText string

// senseKind says what a surface form refers to.
type senseKind uint8

const (
	kindLandName    senseKind = iota // "Hessen", "Freistaat Thüringen", "NRW"
	kindLandAdj                      // "bayerische", "hessischen": any case
	kindLandDemonym                  // "Saarländer", "Berliner": capitalised, person-like
	kindKreis                        // "Landkreis Leer", "Emsland"
	kindGemeinde                     // "Lüneburg", "Weil am Rhein"
	kindRegion                       // "Ruhrgebiet", "Nordhessen", "Spandau"
	kindCityAdj                      // "Kölner", "Münchner"
	kindLandmark                     // "Brandenburger Tor"
	kindFederal                      // "Auswärtiges Amt", "IT-Planungsrat"
	kindSuppress                     // "Frankfurter Allgemeine": consume, tag nothing
)

// sense is one thing a surface form can mean.
type sense struct {
	kind     senseKind
	land     uint8 // index into landCodes
	pop      int32
	bare     bool // a form without qualifier or prefix: may be a common word
	genitive bool // "Lüneburgs": not a surname after a title
}

// group gathers every sense of one surface form (by folded key) and the
// decision derived from them at load time.
type group struct {
	key    string
	senses []sense

	// Land senses win over places ("Sachsen" is the Land, not Sachsen
	// bei Ansbach).
	hasLand  bool
	landKind senseKind
	land     uint8
	exact    string // when set, the text must match this spelling ("NRW")

	// Place senses (Gemeinde, Kreis, region, city adjective, landmark).
	hasPlace    bool
	placeLand   uint8
	ambiguous   bool // several Länder and no tie-break
	tieBroken   bool // several Länder; the population decided
	placeRule   string
	bare        bool  // the resolved place is known here only by a bare form
	genitive    bool  // every resolved sense is a genitive form
	maxPop      int32 // largest population behind the resolved Land
	common      bool  // bare form that is also an ordinary word
	sentenceRsk bool  // bare form that is a lower-case word at sentence start
	singleToken bool

	federal  bool
	suppress bool
}

// seq is one multi-token surface form starting with a given first token.
type seq struct {
	rest []string // folded tokens after the first
	g    *group
}

// gazetteer is the immutable look-up structure shared by all Tag calls.
type gazetteer struct {
	byFirst map[string][]seq // seqs sorted longest first
	groups  map[string]*group
	// maxLen is the longest form in tokens, bounding look-ahead.
	maxLen int
	// scratch is the tokenizer used while loading.
	scratch tokenizer
	// Arenas: most forms have one sense and most first words one form,
	// so carving them from big blocks saves tens of thousands of small
	// allocations (and the collector's time) at start-up.
	groupArena []group
	senseArena []sense
	seqArena   []seq
}

const arenaBlock = 4096

func (gz *gazetteer) newGroup() *group {
	if len(gz.groupArena) == cap(gz.groupArena) {
		gz.groupArena = make([]group, 0, arenaBlock)
	}
	gz.groupArena = gz.groupArena[:len(gz.groupArena)+1]
	return &gz.groupArena[len(gz.groupArena)-1]
}

// oneSense returns a one-element slice with capacity one: a second
// append moves it out of the arena.
func (gz *gazetteer) oneSense(s sense) []sense {
	if len(gz.senseArena) == cap(gz.senseArena) {
		gz.senseArena = make([]sense, 0, arenaBlock)
	}
	n := len(gz.senseArena)
	gz.senseArena = append(gz.senseArena, s)
	return gz.senseArena[n : n+1 : n+1]
}

func (gz *gazetteer) oneSeq(q seq) []seq {
	if len(gz.seqArena) == cap(gz.seqArena) {
		gz.seqArena = make([]seq, 0, arenaBlock)
	}
	n := len(gz.seqArena)
	gz.seqArena = append(gz.seqArena, q)
	return gz.seqArena[n : n+1 : n+1]
}

func (gz *gazetteer) add(form string, s sense) *group {
	z := &gz.scratch
	z.tokenize(form)
	if len(z.toks) == 0 {
		return nil
	}
	// The folded tokens lie back to back in z.low; a space-joined key
	// is built only for multi-token forms.
	var k string
	if len(z.toks) == 1 {
		k = string(z.key(0))
	} else {
		buf := make([]byte, 0, len(z.low)+len(z.toks))
		for i := range z.toks {
			if i > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, z.key(i)...)
		}
		k = string(buf)
	}
	g := gz.groups[k]
	if g == nil {
		g = gz.newGroup()
		g.key, g.singleToken = k, len(z.toks) == 1
		gz.groups[k] = g
		first := k
		var rest []string
		if len(z.toks) > 1 {
			parts := strings.Split(k, " ")
			first, rest = parts[0], parts[1:]
		}
		if seqs := gz.byFirst[first]; seqs != nil {
			gz.byFirst[first] = append(seqs, seq{rest: rest, g: g})
		} else {
			gz.byFirst[first] = gz.oneSeq(seq{rest: rest, g: g})
		}
		if len(z.toks) > gz.maxLen {
			gz.maxLen = len(z.toks)
		}
	}
	if s.kind == kindLandName && z.toks[0].flags&fAllUpper != 0 && len(z.toks) == 1 || form == "M-V" ||
		s.kind == kindRegion && z.toks[0].flags&fAllUpper != 0 {
		g.exact = form
	}
	if g.senses == nil {
		g.senses = gz.oneSense(s)
	} else {
		g.senses = append(g.senses, s)
	}
	return g
}

// loadGazetteer parses the embedded generated file and the hand-written
// lists of lexicon.go into one index.
func loadGazetteer() (*gazetteer, error) {
	gz := &gazetteer{byFirst: make(map[string][]seq), groups: make(map[string]*group)}
	sc := bufio.NewScanner(strings.NewReader(gazetteerText))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	lineNo := 0
	type city struct {
		name string
		land uint8
		pop  int32
	}
	var cities []city
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("tagging: gazetteer line %d: want 6 fields, got %d", lineNo, len(f))
		}
		li, ok := landIndex("DE-" + f[1])
		if !ok {
			return nil, fmt.Errorf("tagging: gazetteer line %d: unknown Land %q", lineNo, f[1])
		}
		pop, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("tagging: gazetteer line %d: population: %w", lineNo, err)
		}
		bare := splitForms(f[4])
		specific := splitForms(f[5])
		switch f[0] {
		case "L":
			for _, form := range bare {
				gz.add(form, sense{kind: landAliasKind(form), land: li, pop: int32(pop)})
			}
		case "K", "G":
			kind := kindGemeinde
			if f[0] == "K" {
				kind = kindKreis
			}
			for i, form := range bare {
				gen := i > 0 && form == bare[0]+"s"
				gz.add(form, sense{kind: kind, land: li, pop: int32(pop), bare: true, genitive: gen})
			}
			for _, form := range specific {
				gz.add(form, sense{kind: kind, land: li, pop: int32(pop)})
			}
			if kind == kindGemeinde && pop >= cityAdjectiveMinPop && len(bare) > 0 {
				cities = append(cities, city{bare[0], li, int32(pop)})
			}
		default:
			return nil, fmt.Errorf("tagging: gazetteer line %d: unknown kind %q", lineNo, f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tagging: read gazetteer: %w", err)
	}
	const bigPop = 1 << 30 // hand-listed names are never "small towns"
	for _, c := range cities {
		forms, irregular := cityAdjectiveForms[c.name]
		if !irregular {
			forms = []string{regularAdjective(c.name)}
		}
		for _, form := range forms {
			gz.add(form, sense{kind: kindCityAdj, land: c.land, pop: c.pop})
		}
	}
	for code, names := range regions {
		li, _ := landIndex(code)
		for _, n := range names {
			gz.add(n, sense{kind: kindRegion, land: li, pop: bigPop})
		}
	}
	for _, code := range landCodes[1:] {
		li, _ := landIndex(code)
		name := landNames[li]
		if strings.ContainsAny(name, " -") {
			continue
		}
		for _, p := range directionPrefixes {
			gz.add(p+strings.ToLower(name), sense{kind: kindRegion, land: li, pop: bigPop})
		}
	}
	for _, l := range landmarks {
		li, _ := landIndex(l.land)
		gz.add(l.form, sense{kind: kindLandmark, land: li, pop: bigPop})
	}
	for _, s := range suppressed {
		gz.add(s, sense{kind: kindSuppress})
	}
	for _, f := range federalPhrases {
		gz.add(f, sense{kind: kindFederal})
	}
	for _, g := range gz.groups {
		g.resolve()
	}
	for _, s := range gz.byFirst {
		if len(s) > 1 {
			sort.SliceStable(s, func(i, j int) bool { return len(s[i].rest) > len(s[j].rest) })
		}
	}
	gz.groupArena, gz.senseArena, gz.seqArena = nil, nil, nil
	return gz, nil
}

func splitForms(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// landAliasKind classifies a Land name or alias from laender.csv.
func landAliasKind(form string) senseKind {
	switch {
	case strings.Contains(form, "isch"):
		return kindLandAdj
	case strings.HasSuffix(form, "er") || strings.HasSuffix(form, "e") && !strings.HasSuffix(form, "Pfalz"):
		// Demonyms: "Berliner", "Saarländer", "Sachse", "Niedersachse".
		return kindLandDemonym
	}
	return kindLandName
}

// regularAdjective forms the usual city adjective: "Köln" → "Kölner",
// "Karlsruhe" → "Karlsruher", "Göttingen" → "Göttinger", "Jena" → "Jenaer".
func regularAdjective(city string) string {
	switch {
	case strings.HasSuffix(city, "e"):
		return city + "r"
	case strings.HasSuffix(city, "ingen"), strings.HasSuffix(city, "angen"), strings.HasSuffix(city, "ungen"):
		return strings.TrimSuffix(city, "en") + "er"
	}
	return city + "er"
}

// trapDemonyms are Land demonyms that are also foods, landmarks or
// surnames; they count only before a noun that is not a food.
var trapDemonyms = setOf("hamburger", "berliner", "thüringer", "brandenburger", "bremer")

// resolve derives the group's decision from its senses.
func (g *group) resolve() {
	first := g.key
	if i := strings.IndexByte(first, ' '); i >= 0 {
		first = first[:i]
	}
	var perLand, maxPop [len(landCodes)]int32
	var seen [len(landCodes)]bool
	nLands := 0
	bestLandKind := senseKind(255)
	for _, s := range g.senses {
		switch s.kind {
		case kindLandName, kindLandAdj, kindLandDemonym:
			if !g.hasLand || s.kind < bestLandKind {
				g.hasLand, g.land, bestLandKind = true, s.land, s.kind
			}
		case kindFederal:
			g.federal = true
		case kindSuppress:
			g.suppress = true
		default:
			g.hasPlace = true
			if !seen[s.land] {
				seen[s.land] = true
				nLands++
			}
			// A Kreis does not take part in the tie-break: it is meant
			// for big cities ("Harburg" is Landkreis Harburg in NI, a
			// district of Hamburg and Harburg (Schwaben) in BY).
			if p := s.pop; s.kind != kindKreis && p > perLand[s.land] {
				perLand[s.land] = p
			}
			if s.pop > maxPop[s.land] {
				maxPop[s.land] = s.pop
			}
		}
	}
	g.landKind = bestLandKind
	if !g.hasPlace {
		return
	}
	// Pick the Land: the only one, or the clear winner by population.
	var best, second int32
	bestLand := -1
	for l := range perLand {
		if !seen[l] {
			continue
		}
		p := perLand[l]
		if bestLand < 0 || p > best {
			second = max(second, best)
			best, bestLand = p, l
		} else if p > second {
			second = p
		}
	}
	ratio := int64(tieBreakRatio)
	if commonWords[first] && g.singleToken {
		ratio = tieBreakRatioCommon
	}
	if nLands > 1 {
		g.tieBroken = true
		if best < tieBreakMinPop || int64(best) < int64(second)*ratio {
			g.ambiguous = true
		}
	}
	g.placeLand = uint8(bestLand)
	g.maxPop = maxPop[bestLand]
	g.bare, g.genitive = true, true
	rank := 99
	for _, s := range g.senses {
		if s.land != g.placeLand || s.kind < kindKreis || s.kind == kindFederal || s.kind == kindSuppress {
			continue
		}
		if !s.bare {
			g.bare = false
		}
		if !s.genitive {
			g.genitive = false
		}
		// Rule naming: a landmark names itself; a specific Kreis form
		// says "kreis"; otherwise the Gemeinde is the likelier reading.
		r := 4
		switch {
		case s.kind == kindLandmark:
			r = 0
		case s.kind == kindKreis && !s.bare:
			r = 1
		case s.kind == kindGemeinde, s.kind == kindKreis:
			r = 2
		case s.kind == kindRegion:
			r = 3
		}
		if r < rank || (r == rank && s.kind == kindGemeinde) {
			rank = r
			g.placeRule = ruleFor(s.kind)
		}
	}
	if g.bare {
		g.common = commonWords[first] && g.singleToken || neverBare[g.key]
		if neverBare[g.key] {
			g.ambiguous = true
		}
		g.sentenceRsk = sentenceStartWords[first] && g.singleToken
	}
	if g.bare && g.genitive && g.singleToken && commonWords[strings.TrimSuffix(g.key, "s")] {
		g.common = true // "Essens", "Hofs"
	}
}

func ruleFor(k senseKind) string {
	switch k {
	case kindKreis:
		return "kreis"
	case kindGemeinde:
		return "gemeinde"
	case kindRegion:
		return "region"
	case kindCityAdj:
		return "city-adjective"
	case kindLandmark:
		return "landmark"
	}
	return "place"
}
