package dedup

import "strings"

// Word lists. Every list is written in ordinary spelling and run through the
// same folding as item text at start-up, so "für" here matches "FÜR", "fuer"
// and a decomposed "für" in a feed.

// stopWords carry no topic: German function words plus the English ones that
// appear in English versions of press releases. Compared before stemming.
var stopWords = foldSet(false, `
aber alle allem allen aller alles als also am an andere anderen anderer auch auf aus
bei beim bereits bin bis bist bzw ca da dabei dadurch daher damit dann darauf darin darüber
das dass daß dazu dem den denen denn der deren des dessen deshalb die dies diese diesem
diesen dieser dieses doch dort du durch eben ein eine einem einen einer eines einige
er es etwa etwas euer für gab gegen gewesen gibt hab habe haben hat hatte hatten hier
hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist ja je
jede jedem jeden jeder jedes jedoch jetzt kann kein keine können könnte laut man mehr
mit muss nach nachdem nicht noch nun nur ob oder ohne rund sehr sei seien sein seine
seinem seinen seiner seit seitdem sich sie sind so sodass soll sollen sollte sowie
statt über um und uns unser unsere unter vom von vor wann war waren was weil wenn wer
werden wie wieder will wir wird wo wurde wurden worden zu zudem zum zur zwischen
z b bzw etc dr u a s o
the a an and or of to in on for with by at from is are was were be been has have had
will its it this that as new
`)

// weakWords are topic words so common in German e-government news that
// sharing them says little; they count half in the similarity and are not
// used to look up candidates. Compared after stemming.
var weakWords = foldSet(true, `
land länder landes bund bundes bundesland bundesländer bundesweit deutschland freistaat
digital digitale digitalisierung verwaltung verwaltungen online ministerium minister
ministerin staatssekretär staatssekretärin landesregierung regierung projekt projekte
stadt städte gemeinde gemeinden kommune kommunen kommunal landkreis landkreise kreis
bürger bürgerinnen service services portal information informationen thema themen jahr
jahre jahres heute aktuell aktuelle neu neue neuen neues pressemitteilung mitteilung
presse meldung nachrichten news newsletter prozent euro weiterlesen artikel beitrag
mehr erfahren sowie seite angebot angebote
`)

// placeIndicators are words after which a capitalised word names a place
// ("Landkreis Gotha", "Stadt Jena"). Compared after stemming.
var placeIndicators = foldSet(true, `
landkreis kreis stadt gemeinde hansestadt landeshauptstadt kreisstadt bezirk stadtbezirk
ortsteil samtgemeinde verbandsgemeinde regierungsbezirk region stadtverwaltung
kreisverwaltung gemeindeverwaltung stadtrat kreistag landrat landrätin oberbürgermeister
oberbürgermeisterin bürgermeister bürgermeisterin
`)

// numberWords are spelled-out numbers that rewrites use for digits.
var numberWords = map[string]int64{
	"zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8,
	"neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12, "zwanzig": 20, "dreissig": 30,
	"hundert": 100, "tausend": 1000,
}

// months map month names to their number so "4. März" and "04.03." share
// the number 3, and "Newsletter März" differs from "Newsletter April".
var months = map[string]int64{
	"januar": 1, "jan": 1, "jaenner": 1, "februar": 2, "feb": 2, "maerz": 3, "mrz": 3,
	"april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
	"november": 11, "nov": 11, "dezember": 12, "dez": 12,
	"january": 1, "february": 2, "march": 3, "june": 6, "july": 7, "october": 10,
	"december": 12,
}

// scaleWords multiply the number right before them: "1,2 Mio." = 1.200.000,
// written to a tenth of a million.
var scaleWords = map[string]struct {
	factor int64
	exp    uint8
}{
	"tsd": {1e3, 3}, "tausend": {1e3, 3}, "mio": {1e6, 6}, "million": {1e6, 6},
	"millionen": {1e6, 6}, "mrd": {1e9, 9}, "milliarde": {1e9, 9}, "milliarden": {1e9, 9},
	"billion": {1e9, 9}, "bn": {1e9, 9},
}

// surfaceInfo is what the lexicon knows of a folded, unstemmed word.
type surfaceInfo struct {
	stop     bool
	number   int64 // month or spelled-out number: its value; 0 if none
	soft     bool  // number is spelled out (see addNumber)
	scale    int64 // scale word: its factor; 0 if none
	scaleExp uint8 // log10 of scale
}

// stemInfo is what the lexicon knows of a stemmed word.
type stemInfo struct {
	weak      bool
	indicator bool
	place     uint32 // place key if the word names a gazetteer place
}

// surfaceLex and stemLex hold all word lists keyed by hash64 of the word,
// which NewFingerprint computes anyway: two map lookups per word instead
// of one per list. A 64-bit collision between a list word and another
// word is not a practical concern.
var (
	surfaceLex = map[uint64]surfaceInfo{}
	stemLex    = map[uint64]stemInfo{}
	// surfaceBits and stemBits have a bit set for every word in the maps
	// (by 16 bits of its hash): most words are in no list, and one bit
	// test saves them the map lookup.
	surfaceBits, stemBits lexBits
	// maxSurface is the longest word in surfaceLex: longer words skip
	// the lookup.
	maxSurface int
)

type lexBits [1 << 16 / 64]uint64

func (b *lexBits) set(h uint64)      { i := h >> 48; b[i/64] |= 1 << (i % 64) }
func (b *lexBits) has(h uint64) bool { i := h >> 48; return b[i/64]&(1<<(i%64)) != 0 }

// lookupSurface and lookupStem return what the lexicon knows of the word
// with hash h (zero value: nothing).
func lookupSurface(h uint64) surfaceInfo {
	if !surfaceBits.has(h) {
		return surfaceInfo{}
	}
	return surfaceLex[h]
}

func lookupStem(h uint64) stemInfo {
	if !stemBits.has(h) {
		return stemInfo{}
	}
	return stemLex[h]
}

func init() {
	buildGazetteer()
	surface := func(w string, f func(*surfaceInfo)) {
		maxSurface = max(maxSurface, len(w))
		h := hash64(w)
		si := surfaceLex[h]
		f(&si)
		surfaceLex[h] = si
		surfaceBits.set(h)
	}
	for w := range stopWords {
		surface(w, func(si *surfaceInfo) { si.stop = true })
	}
	for w, v := range months {
		surface(w, func(si *surfaceInfo) { si.number = v })
	}
	for w, v := range numberWords {
		surface(w, func(si *surfaceInfo) { si.number, si.soft = v, true })
	}
	for w, v := range scaleWords {
		surface(w, func(si *surfaceInfo) { si.scale, si.scaleExp = v.factor, v.exp })
	}
	stemmed := func(w string, f func(*stemInfo)) {
		h := hash64(w)
		si := stemLex[h]
		f(&si)
		stemLex[h] = si
		stemBits.set(h)
	}
	for w := range weakWords {
		stemmed(w, func(si *stemInfo) { si.weak = true })
	}
	for w := range placeIndicators {
		stemmed(w, func(si *stemInfo) { si.indicator = true })
	}
	for w, key := range gazetteer {
		stemmed(w, func(si *stemInfo) { si.place = key })
	}
}

// foldSet folds (and, if stemmed, stems) every whitespace-separated word.
func foldSet(stemmed bool, list string) map[string]struct{} {
	m := make(map[string]struct{})
	for _, w := range strings.Fields(list) {
		m[normWord(w, stemmed)] = struct{}{}
	}
	return m
}

// normWord is the key of a single listed word: folded, hyphens removed and,
// if stemmed, gender-stripped and stemmed exactly as item text is.
func normWord(w string, stemmed bool) string {
	buf, _ := scan(w, nil, nil)
	b := make([]byte, 0, len(buf))
	for _, c := range buf {
		if c != '-' {
			b = append(b, c)
		}
	}
	if stemmed {
		b = stem(stripGender(b))
	}
	return string(b)
}
