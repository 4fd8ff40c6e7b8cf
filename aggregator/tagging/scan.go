package tagging

import (
	"bytes"
	"strings"
)

// scanner is the state of one pass over one text.
type scanner struct {
	t    *Tagger
	z    *tokenizer
	text string
	res  *result
	// titleFrom is the first token of a title place's evidence.
	titleFrom int
}

// scan tags one text (title or teaser) into res.
func (t *Tagger) scan(z *tokenizer, res *result, text string, isTitle bool) {
	if text == "" {
		return
	}
	z.tokenize(text)
	s := scanner{t: t, z: z, text: text, res: res}
	start := 0
	if isTitle {
		start = s.titlePlace()
	}
	toks := z.toks
	for i := start; i < len(toks); {
		if toks[i].flags&fDigit != 0 {
			i++
			continue
		}
		// Federal words first: "des Bundes" is not the genitive of Bunde (NI).
		if s.federal(i) {
			i++
			continue
		}
		// Lower-case words can only start a Land or region adjective
		// ("bayerische", "nordrhein-westfälische"); skip the look-up
		// for all others, which are most of the text.
		if toks[i].flags&fUpper == 0 && !s.maybeAdjective(i) {
			i++
			continue
		}
		if n, g := s.longest(i); g != nil {
			s.consider(i, n, g, false)
			i += n
			// An adjective that needs a noun takes the noun with it:
			// "Ulmer Münster" says nothing about Münster (NW).
			if g.needsNoun() && i < len(toks) && toks[i].flags&fGapSpace != 0 && toks[i].flags&fUpper != 0 {
				i++
			}
			continue
		}
		i++
	}
}

// maybeAdjective reports whether lower-case token i can start an
// adjective form: it contains "sch" or is joined to the next by a hyphen.
func (s *scanner) maybeAdjective(i int) bool {
	if i+1 < len(s.z.toks) && s.z.toks[i+1].flags&fGapHyphen != 0 {
		return true
	}
	k := s.z.key(i)
	return len(k) >= 6 && bytes.Contains(k, []byte("sch")) // "badisch" is the shortest
}

func (s *scanner) key(i int) string {
	// The conversion does not allocate when used as a map key or in a
	// comparison; callers that keep the string must copy it.
	return unsafeString(s.z.key(i))
}

// longest finds the longest gazetteer form starting at token i.
func (s *scanner) longest(i int) (int, *group) {
	seqs := s.t.gz.byFirst[string(s.z.key(i))]
	toks := s.z.toks
next:
	for _, q := range seqs {
		n := 1 + len(q.rest)
		if i+n > len(toks) {
			continue
		}
		for m, w := range q.rest {
			k := i + 1 + m
			if toks[k].flags&fGapSoft == 0 || string(s.z.key(k)) != w {
				continue next
			}
		}
		return n, q.g
	}
	return 0, nil
}

// evidence returns the text of tokens [from, to], closing a parenthesis
// or an abbreviation dot that the last token leaves open
// ("Halle (Westf.)", "Frankfurt a.M.").
func (s *scanner) evidence(from, to int) string {
	toks := s.z.toks
	a, b := int(toks[from].start), int(toks[to].end)
	ev := s.text[a:b]
	if strings.Count(ev, "(") > strings.Count(ev, ")") {
		if j := strings.IndexByte(s.text[b:], ')'); j >= 0 && j <= 2 && strings.Trim(s.text[b:b+j], ".") == "" {
			return s.text[a : b+j+1]
		}
	}
	return ev
}

// titlePlace handles a title of the form "Place: …". The place before the
// colon is a place even when its name is an ordinary word ("Leer: …",
// "Essen: …"). It returns the first token after the handled part.
func (s *scanner) titlePlace() int {
	toks := s.z.toks
	colon := -1
	for k := 1; k < len(toks); k++ {
		if toks[k].flags&fColonBefore != 0 {
			colon = k
			break
		}
	}
	if colon < 0 || colon > 6 {
		return 0
	}
	j := 0
	for j < colon-1 && placeCues[s.key(j)] {
		j++
	}
	n, g := s.longest(j)
	if g == nil || j+n != colon || g.hasLand || g.federal || !g.hasPlace {
		return 0
	}
	s.titleFrom = 0 // the evidence includes a leading cue: "Stadt Halle"
	if s.consider(j, n, g, true) {
		return colon
	}
	return 0
}

// consider applies the precision rules to a gazetteer match of n tokens at
// i and records a tag when they pass. It reports whether it tagged.
func (s *scanner) consider(i, n int, g *group, titlePlace bool) bool {
	toks := s.z.toks
	t0 := toks[i]
	hasNext := i+n < len(toks)
	var next token
	if hasNext {
		next = toks[i+n]
	}
	headHyphen := hasNext && next.flags&fGapHyphen != 0
	tailHyphen := t0.flags&fGapHyphen != 0
	upper := t0.flags&fUpper != 0

	if g.suppress {
		return false
	}
	if g.exact != "" && s.text[t0.start:toks[i+n-1].end] != g.exact {
		return false
	}
	if g.federal {
		if !upper {
			return false
		}
		s.res.add(0, "federal-body", s.evidence(i, i+n-1))
		return true
	}
	if g.hasLand {
		rule := "land-name"
		switch g.landKind {
		case kindLandAdj:
			rule = "land-adjective"
		case kindLandName:
			if !upper {
				return false
			}
		case kindLandDemonym:
			rule = "land-adjective"
			if !upper || tailHyphen || s.isPerson(i, n) {
				return false
			}
			if trapDemonyms[g.key] && !s.nounFollows(i+n) {
				return false
			}
		}
		s.res.add(g.land, rule, s.evidence(i, i+n-1))
		return true
	}
	if !g.hasPlace || !upper || g.ambiguous || tailHyphen {
		return false
	}
	if g.exact == "" && t0.flags&fAllUpper != 0 && t0.end-t0.start <= 4 {
		return false // an acronym, not a place
	}
	cue := titlePlace
	from := i
	if titlePlace {
		from = s.titleFrom
	}
	if !cue && i > 0 && t0.flags&fGapSpace != 0 && toks[i-1].flags&fUpper != 0 && placeCues[s.key(i-1)] {
		cue, from = true, i-1
	}
	if headHyphen && g.common {
		return false
	}
	if !cue {
		if g.common {
			return false
		}
		if g.sentenceRsk && t0.flags&fSentStart != 0 {
			return false
		}
		if g.bare && g.singleToken && g.maxPop < smallTownPop {
			return false
		}
	}
	// A qualifier the gazetteer does not know ("Fürth im Odenwald") says
	// the writer means a lesser namesake: the big-city default is off.
	if g.tieBroken && g.bare && s.unknownQualifier(i+n, g.placeLand) {
		return false
	}
	if !cue && g.bare && g.placeRule == "gemeinde" && i > 0 && t0.flags&fGapSpace != 0 && articles[s.key(i-1)] {
		return false
	}
	if !titlePlace && g.singleToken && !g.genitive {
		if s.isPerson(i, n) {
			s.z.persons = append(s.z.persons, s.text[t0.start:t0.end])
			return false
		}
		for _, p := range s.z.persons {
			if p == s.text[t0.start:t0.end] {
				return false // "Karin Prien … Prien betonte"
			}
		}
	}
	rule := g.placeRule
	if rule == "city-adjective" && (!s.nounFollows(i+n) || tailHyphen) {
		return false
	}
	if titlePlace {
		rule = "title-place"
	}
	s.res.add(g.placeLand, rule, s.evidence(from, i+n-1))
	return true
}

// qualifierPreps introduce a place qualifier ("Fürth im Odenwald",
// "Neustadt an der Aisch").
var qualifierPreps = setOf("im", "in", "am", "an", "bei", "ob", "auf", "vor", "unter")

// unknownQualifier reports whether token k starts a qualifier that does
// not confirm land: a parenthesis, or a qualifier preposition followed by
// a capitalised word that is not a known place of that Land ("Fürth im
// Odenwald" is not Fürth in BY; "Hof in Oberfranken" is).
func (s *scanner) unknownQualifier(k int, land uint8) bool {
	toks := s.z.toks
	if k >= len(toks) {
		return false
	}
	j := k
	switch {
	case toks[k].flags&fParenBefore != 0 && toks[k].flags&fUpper != 0:
	case toks[k].flags&fGapSpace != 0 && qualifierPreps[s.key(k)]:
		j = k + 1
		if j < len(toks) && (s.key(j) == "der" || s.key(j) == "den") {
			j++
		}
		if j >= len(toks) || toks[j].flags&fUpper == 0 || toks[j].flags&fGapSpace == 0 {
			return false
		}
	default:
		return false
	}
	if _, g := s.longest(j); g != nil {
		if g.hasLand && g.land == land || g.hasPlace && !g.ambiguous && g.placeLand == land {
			return false
		}
	}
	return true
}

// needsNoun reports whether the group is an adjective that counts only
// before a noun (city adjectives and the Land demonyms that are foods).
func (g *group) needsNoun() bool {
	if g.hasLand {
		return g.landKind == kindLandDemonym && trapDemonyms[g.key]
	}
	return g.hasPlace && g.placeRule == "city-adjective"
}

// nounFollows reports whether token k exists, directly follows with a
// space, is capitalised and is not a food: "Thüringer Landtag" but not
// "Thüringer Bratwurst" or "ein Hamburger.".
func (s *scanner) nounFollows(k int) bool {
	toks := s.z.toks
	if k >= len(toks) {
		return false
	}
	t := toks[k]
	return t.flags&fGapSpace != 0 && t.flags&fUpper != 0 && t.flags&fDigit == 0 &&
		!foodWords[s.key(k)] && !streetWords[s.key(k)]
}

// isPerson reports whether the name at [i, i+n) is a person's surname: it
// follows a first name or a title ("Bürgermeister Klaus Plauen", "Frau
// Hesse"), or a party follows in parentheses ("Plauen (SPD)").
func (s *scanner) isPerson(i, n int) bool {
	toks := s.z.toks
	if i > 0 && toks[i].flags&fGapSoft != 0 && toks[i].flags&fParenBefore == 0 && toks[i-1].flags&fUpper != 0 {
		prev := s.key(i - 1)
		if firstNames[prev] || isTitle(prev) {
			return true
		}
	}
	if i > 0 && toks[i].flags&fGapSpace != 0 && sayingVerbs[s.key(i-1)] {
		return true
	}
	if i > 0 && toks[i].flags&fGapSoft != 0 && toks[i].flags&fParenBefore == 0 && toks[i-1].flags&fUpper != 0 {
		if i > 1 && toks[i-1].flags&fGapSoft != 0 && isTitle(s.key(i-2)) {
			return true // title + unknown first name
		}
	}
	if k := i + n; k < len(toks) && toks[k].flags&fParenBefore != 0 && parties[s.key(k)] {
		return true
	}
	return false
}

func isTitle(w string) bool {
	if personTitles[w] {
		return true
	}
	for _, suf := range personTitleSuffixes {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// nationalNKR reports whether "Normenkontrollrat" at token i is the
// national one: Länder have their own (BW, SN), and then a Land name or
// adjective stands right before or after it.
func (s *scanner) nationalNKR(i int) bool {
	toks := s.z.toks
	if i > 0 && toks[i].flags&fGapSoft != 0 {
		if g := s.t.gz.groups[s.key(i-1)]; g != nil && g.hasLand {
			return false // "Sächsischer Normenkontrollrat"
		}
	}
	if i+1 < len(toks) && toks[i+1].flags&fGapSoft != 0 {
		if n, g := s.longest(i + 1); n > 0 && g.hasLand {
			return false // "Normenkontrollrat Baden-Württemberg"
		}
	}
	return true
}

// bundPartners follow "Bund und" when the Bund acts with the Länder, one
// Land or the municipalities ("Bund und Land Hessen", "Bund und Freistaat").
func bundPartners(w string) bool {
	return strings.HasPrefix(w, "länder") || w == "land" || w == "landes" || w == "freistaat" ||
		strings.HasPrefix(w, "kommunen")
}

// federal checks token i for a federal body or the Bund as an actor and
// reports whether it tagged.
func (s *scanner) federal(i int) bool {
	toks := s.z.toks
	t := toks[i]
	if t.flags&fUpper == 0 {
		return false
	}
	if t.flags&fMultiUpper != 0 && federalAcronyms[s.text[t.start:t.end]] {
		s.res.add(0, "federal-body", s.text[t.start:t.end])
		return true
	}
	if t.flags&fAllUpper != 0 {
		return false
	}
	w := s.key(i)
	if strings.HasPrefix(w, "normenkontrollrat") && s.nationalNKR(i) {
		s.res.add(0, "federal-body", s.text[t.start:t.end])
		return true
	}
	if !strings.HasPrefix(w, "bund") {
		return false
	}
	if isFederalToken(w) {
		s.res.add(0, "federal-body", s.text[t.start:t.end])
		return true
	}
	if w != "bund" && w != "bundes" {
		return false
	}
	nextKey := ""
	nextHyphen := false
	if i+1 < len(toks) {
		nextKey = s.key(i + 1)
		nextHyphen = toks[i+1].flags&fGapHyphen != 0
	}
	if bundNotFederal[nextKey] && !nextHyphen {
		return false // "Bund der Steuerzahler", "Bund für Umwelt"
	}
	// "Bund und Länder", "Bund, Länder und Kommunen", "Bund-Länder-…"
	if w == "bund" && i+1 < len(toks) {
		if nextHyphen && strings.HasPrefix(nextKey, "länder") {
			s.res.add(0, "federal-body", s.evidence(i, i+1))
			return true
		}
		if strings.HasPrefix(nextKey, "länder") && !nextHyphen && toks[i+1].flags&fColonBefore == 0 {
			s.res.add(0, "federal-body", s.evidence(i, i+1)) // "Bund, Länder und Kommunen"
			return true
		}
		if nextKey == "und" && i+2 < len(toks) && bundPartners(s.key(i+2)) {
			s.res.add(0, "federal-body", s.evidence(i, i+2))
			return true
		}
	}
	// "der Bund", "vom Bund", "des Bundes"
	if i > 0 && t.flags&fGapSpace != 0 && bundArticles[s.key(i-1)] {
		if w == "bundes" && s.key(i-1) != "des" {
			return false
		}
		s.res.add(0, "federal-body", s.evidence(i-1, i))
		return true
	}
	return false
}
