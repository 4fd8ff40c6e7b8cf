package dedup

import (
	"slices"
	"strings"
)

// A source's home is the place it speaks for: a town's or a Landkreis's
// own press feed (Doc.Place, the source's title_prefix). Towns publish
// from one template ("Neues Serviceportal ist online", "Bürgerbüro am
// Freitag geschlossen"), often without naming themselves in the text, so
// two towns' reports can read alike word for word; only their sources
// tell them apart. Two reports whose sources have different homes are
// different stories unless one of the texts names the other's home (a
// joint announcement, a Landkreis reporting for one of its towns).

// homeOf returns the key of place: the gazetteer's key when one of its
// words names a gazetteer place, else a place key of its longest word
// that is no indicator ("Stadt", "Landkreis") or stop word; 0 for none.
// Qualifiers after "(", "/" or "," are dropped: "Frankfurt (Oder)",
// "Frankfurt/Oder" and "Frankfurt" are one home (the same name for two
// towns only lets a merge through, as without homes).
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
	var best uint32
	bestLen := 0
	for _, w := range b.words {
		if w.kind == wordNumber {
			continue
		}
		joined := slices.DeleteFunc(slices.Clone(b.buf[w.start:w.end]), func(c byte) bool { return c == '-' })
		if len(joined) <= maxSurface {
			if si := lookupSurface(hash64(joined)); si.stop || si.number != 0 || si.scale != 0 {
				continue
			}
		}
		s := stem(stripGender(joined))
		if len(s) < 2 {
			continue
		}
		h := hash64(s)
		st := lookupStem(h)
		switch {
		case st.place != 0:
			return st.place
		case st.indicator:
			continue
		case len(s) > bestLen:
			best, bestLen = placeKey(s), len(s)
		}
	}
	return best
}

// homesConflict reports whether two reports come from sources with
// different homes (ha, hb; 0 for none) that cannot be one story's: the
// homes are no town and its Land, and neither text names the other's home.
// A text names a home with any word of the home's hash, whether it was
// read as a place ("Stadt Rheine") or as a word ("in Rheine").
func homesConflict(ha, hb uint32, a, b *Fingerprint) bool {
	if ha == 0 || hb == 0 || ha&hashMask == hb&hashMask || placesCompatible(ha, hb) {
		return false
	}
	return !namesHome(a.keys, hb) && !namesHome(b.keys, ha)
}

func namesHome(keys []uint32, home uint32) bool {
	for _, k := range keys {
		if k&hashMask == home&hashMask {
			return true
		}
	}
	return false
}
