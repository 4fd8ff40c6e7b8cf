// Package tagging assigns German Länder (and "DE" for the Bund) to news
// items from their title and teaser.
//
// The tagger tokenizes each text once and looks token sequences up in a
// hash map built from the official municipality register (see
// gazetteer.gen.txt) and the hand-written lists in lexicon.go and
// federal.go. A wrong tag is worse than a missing one, so every signal
// that could also be an ordinary word, a surname, a food or a place in
// another Land needs evidence before it counts; docs/tagging.md describes
// the rules and their order.
package tagging

import (
	"fmt"
	"regexp"
	"sync"

	"github.com/egovfeed/egovfeed/config"
)

// Tag is one Land assignment with its explanation.
type Tag struct {
	Land     string // "DE-HE", … or "DE" for Bund
	Rule     string // short rule id: "land-name", "land-adjective", "title-place", "gemeinde", "kreis", "region", "landmark", "city-adjective", "federal-body" or "custom:<pattern>"
	Evidence string // the words in the text that produced it, e.g. "Lüneburg"
}

// Rule is an operator-supplied rule from config (tag_rules): when Pattern
// matches the title or the teaser, the item gets every Land in Lands.
type Rule struct {
	Pattern *regexp.Regexp
	Lands   []string
}

// Tagger assigns Länder to items. It is safe for concurrent use.
type Tagger struct {
	gz    *gazetteer
	rules []Rule
	pool  sync.Pool // *tokenizer
}

// landCodes is the stable order of Lands(): "DE" first, then the ISO codes
// alphabetically, which is also the order of Tag's result.
var landCodes = [...]string{"DE", "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH",
	"DE-MV", "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH"}

// landNames holds config.LandName of each landCodes entry, by index.
var landNames = func() (n [len(landCodes)]string) {
	for i, c := range landCodes {
		n[i] = config.LandName(c)
	}
	return n
}()

func landIndex(code string) (uint8, bool) {
	for i, c := range landCodes {
		if c == code {
			return uint8(i), true
		}
	}
	return 0, false
}

// ValidLand reports whether code is "DE" or one of the 16 "DE-XX" codes.
func ValidLand(code string) bool { return config.ValidLand(code) }

// LandName returns the German name for a code ("DE-HE" → "Hessen",
// "DE" → "Bund"), or "" for an unknown code.
func LandName(code string) string { return config.LandName(code) }

// Lands returns all 17 codes in a stable order: "DE", then the Länder by code.
func Lands() []string {
	return append([]string(nil), landCodes[:]...)
}

var (
	sharedOnce sync.Once
	sharedGz   *gazetteer
	sharedErr  error
)

// New returns a Tagger with the embedded gazetteer and the operator's
// rules. The gazetteer is parsed once per process and shared.
func New(rules []Rule) (*Tagger, error) {
	for i, r := range rules {
		if r.Pattern == nil {
			return nil, fmt.Errorf("tagging: rule %d: no pattern", i)
		}
		if len(r.Lands) == 0 {
			return nil, fmt.Errorf("tagging: rule %d (%s): no lands", i, r.Pattern)
		}
		for _, l := range r.Lands {
			if !ValidLand(l) {
				return nil, fmt.Errorf("tagging: rule %d (%s): unknown land %q", i, r.Pattern, l)
			}
		}
	}
	sharedOnce.Do(func() { sharedGz, sharedErr = loadGazetteer() })
	if sharedErr != nil {
		return nil, sharedErr
	}
	t := &Tagger{gz: sharedGz, rules: append([]Rule(nil), rules...)}
	t.pool.New = func() any { return &tokenizer{toks: make([]token, 0, 128), low: make([]byte, 0, 1024)} }
	return t, nil
}

// Rule strengths: when several signals give the same Land, the strongest
// (lowest) explains the tag; ties keep the first in the text.
var ruleRank = map[string]int{
	"land-name": 1, "federal-body": 1, "title-place": 2, "land-adjective": 3,
	"kreis": 4, "gemeinde": 4, "landmark": 4, "region": 5, "city-adjective": 6,
}

// result collects at most one tag per Land.
type result struct {
	tags [len(landCodes)]Tag
	rank [len(landCodes)]int8 // 0 = none yet; else rank+1
}

func (r *result) add(land uint8, rule, evidence string) {
	rk := int8(0)
	if n, ok := ruleRank[rule]; ok {
		rk = int8(n)
	}
	if r.rank[land] != 0 && r.rank[land] <= rk+1 {
		return
	}
	r.rank[land] = rk + 1
	r.tags[land] = Tag{Land: landCodes[land], Rule: rule, Evidence: evidence}
}

// Tag returns the Länder the item concerns, sorted by Land code (the
// order of Lands), with at most one Tag per Land: the one from the
// strongest signal, first in the text on ties. The result is
// deterministic for a given input.
func (t *Tagger) Tag(title, teaser string) []Tag {
	z := t.pool.Get().(*tokenizer)
	res := &z.res
	*res = result{}
	z.persons = z.persons[:0]
	for _, r := range t.rules {
		for _, text := range [2]string{title, teaser} {
			loc := r.Pattern.FindStringIndex(text)
			if loc == nil || loc[0] == loc[1] {
				continue
			}
			for _, l := range r.Lands {
				li, _ := landIndex(l)
				res.add(li, "custom:"+r.Pattern.String(), text[loc[0]:loc[1]])
			}
			break
		}
	}
	t.scan(z, res, title, true)
	t.scan(z, res, teaser, false)
	n := 0
	for i := range res.rank {
		if res.rank[i] != 0 {
			n++
		}
	}
	var out []Tag
	if n > 0 {
		out = make([]Tag, 0, n)
		for i := range res.tags {
			if res.rank[i] != 0 {
				out = append(out, res.tags[i])
			}
		}
	}
	t.pool.Put(z)
	return out
}
