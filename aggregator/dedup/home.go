package dedup

import (
	"bytes"
	"slices"
	"strings"
)

// A source's home is the place it speaks for: a town's or a Landkreis's
// own press feed (Doc.Place, the source's title_prefix). Towns publish
// from one template ("Neues Serviceportal ist online", "Bürgerbüro am
// Freitag geschlossen"), often without naming themselves in the text, so
// two towns' reports can read alike word for word; only their sources
// tell them apart. Two reports whose sources have different homes are
// different stories unless the texts tie them together: one names the
// other's home, or one speaks of working together (a joint announcement
// of two neighbours, flagJoint).

// homeOf returns the key of place: the gazetteer's key when one of its
// words before a qualifier ("bei", "an der") names a Land, else a key of
// its first word of at least four letters that is no indicator ("Stadt",
// "Landkreis"), generic prefix ("Markt", "Landratsamt") or stop word; 0
// for none. The first word, as places are told apart and written short
// by it ("Weil a. Rh.", "Bad Homburg v. d. Höhe"); qualifiers after "(",
// "/" or "," are dropped: "Frankfurt (Oder)", "Frankfurt/Oder" and
// "Frankfurt" are one home. Two towns of one name are one home: that
// only lets a merge through, as without homes.
func homeOf(place string) uint32 {
	if i := strings.IndexAny(place, "(/,"); i >= 0 {
		place = place[:i]
	}
	if strings.TrimSpace(place) == "" {
		return 0
	}
	b := builders.Get().(*builder)
	defer builders.Put(b)
	b.buf, b.words = scan(place, b.buf[:0], b.words[:0])
	var first uint32
	for _, w := range b.words {
		if w.kind == wordNumber {
			continue
		}
		joined := slices.DeleteFunc(slices.Clone(b.buf[w.start:w.end]), func(c byte) bool { return c == '-' })
		if first != 0 && slices.Contains(homeQualifiers, string(joined)) {
			// "Bernau bei Berlin", "Neufahrn b. Freising": the rest
			// says where the place is, not which.
			break
		}
		if len(joined) <= maxSurface {
			if si := lookupSurface(hash64(joined)); si.stop || si.number != 0 || si.scale != 0 {
				continue
			}
		}
		s := stem(stripGender(joined))
		st := lookupStem(hash64(s))
		switch {
		case st.place != 0 && placeInfos[st.place].kind == placeLand:
			return st.place // a Land's source: compatible with its cities
		case first != 0 || st.indicator || len(s) < 4:
		case slices.Contains(homePrefixes, string(s)):
		case st.place != 0:
			// A city of the gazetteer: its name's key, but of no known
			// Land, as the gazetteer's may be a namesake elsewhere (Bad
			// Homburg is not Homburg (Saar), Wittenberge not Wittenberg).
			first = st.place&hashMask | classNormal
		default:
			first = placeKey(s)
		}
	}
	return first
}

// homePrefixes are words that begin many place names ("Markt Schwaben",
// "Sankt Augustin") or the names of many places' authorities
// ("Landratsamt Dachau", "Bezirksamt Pankow"), as stemmed; shorter ones
// ("Bad", "Neu", "Amt") are below homeOf's four letters anyway.
var homePrefixes = func() []string {
	var out []string
	for w := range foldSet(true, "Markt Sankt Klein Gross Ober Unter Nieder Hansestadt "+
		"Landratsamt Bezirksamt Ortsgemeinde Stadtgemeinde Kreisfreie Universitätsstadt") {
		out = append(out, w)
	}
	return out
}()

// homeQualifiers, after a place's first word, begin what says where it
// is ("bei Berlin", "an der Havel"): a gazetteer place after them is
// another place, folded as scan folds them.
var homeQualifiers = []string{"bei", "b", "an", "am", "a", "im", "i", "in", "ob", "vor", "v", "auf"}

// jointPrefixes begin the words of texts that speak of towns working
// together, folded as scan folds them: "Nachbargemeinde",
// "Nachbarstadt", "mit ihren Nachbarn", "interkommunal", "Zweckverband".
// Words of any cooperation ("gemeinsam mit dem Land", "in Zusammenarbeit
// mit dem IT-Dienstleister") are not: templates use them, and would lift
// the rule for every two towns that publish one.
var jointPrefixes = [][]byte{[]byte("nachbar"), []byte("interkommunal"), []byte("zweckverband")}

// notJoint are words with a joint prefix that speak of no town:
// "Nachbarschaft", "Nachbarschaftshilfe".
var notJoint = [][]byte{[]byte("nachbarschaft")}

func hasJointPrefix(word []byte) bool {
	for _, p := range notJoint {
		if bytes.HasPrefix(word, p) {
			return false
		}
	}
	for _, p := range jointPrefixes {
		if bytes.HasPrefix(word, p) {
			return true
		}
	}
	return false
}

// homesConflict reports whether two reports come from sources with
// different homes (ha, hb; 0 for none) that cannot be one story's: the
// homes are no town and its Land, neither text names the other's home,
// and neither speaks of working together. A text names a home with any
// word of the home's hash, whether it was read as a place ("Stadt
// Rheine") or as a word ("in Rheine").
func homesConflict(ha, hb uint32, a, b *Fingerprint) bool {
	if ha == 0 || hb == 0 || ha&hashMask == hb&hashMask || placesCompatible(ha, hb) {
		return false
	}
	if (a.flags|b.flags)&flagJoint != 0 {
		return false
	}
	return !namesHome(a.keys, hb) && !namesHome(b.keys, ha)
}

// homeTextConflict is homesConflict for a report with a home (ha, 0 for
// none) and one of a source without (a news site's, hb 0): the latter is
// another story when its text names a place that is not the home, not in
// the home's Land and not named by the home's report, while it does not
// name the home. A news site's "Serviceportal in Stockelsdorf online" is
// not the Ratekau report of that template.
func homeTextConflict(ha, hb uint32, a, b *Fingerprint) bool {
	switch {
	case ha != 0 && hb == 0:
		return placeElsewhere(ha, a, b)
	case hb != 0 && ha == 0:
		return placeElsewhere(hb, b, a)
	}
	return false
}

// placeElsewhere reports whether other names a place away from home that
// own (the report of home's source) does not name, and not home itself.
func placeElsewhere(home uint32, own, other *Fingerprint) bool {
	if (own.flags|other.flags)&flagJoint != 0 || namesHome(other.keys, home) {
		return false
	}
	for _, p := range placesOnly(other.keys) {
		if p&hashMask != home&hashMask && !placesCompatible(home, p) && !namesHome(own.keys, p) {
			return true
		}
	}
	return false
}

func namesHome(keys []uint32, home uint32) bool {
	for _, k := range keys {
		if k&hashMask == home&hashMask {
			return true
		}
	}
	return false
}
