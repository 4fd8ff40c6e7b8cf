package dedup

import "time"

// Scoring constants. Threshold (in Options) is the only knob meant for
// operators; these shape the score and are documented in docs/dedup.md.
const (
	// weakWeight is the weight of a domain-common or short word, and
	// numberWeight that of a number: a shared "310 Mio." or "9.400" is
	// stronger evidence of one story than a shared word. Other features
	// weigh 1.
	weakWeight   = 0.5
	numberWeight = 2
	// containmentSmoothing is added to the smaller side's weight in the
	// containment term so that a two-word text contained in a long one
	// does not count as a full match.
	containmentSmoothing = 0.5
	// A changed number does not veto a merge when the rest of the text is
	// this similar (Dice over all features but numbers) and the two were
	// published within correctionGap: that is a corrected figure in a
	// re-sent release ("1.200" → "1.250 Haushalte"), not a new story.
	// Recurring formats and follow-ups come days apart; a template reused
	// for another place differs in the place, which the place rule catches.
	correctionSimilarity = 0.9
	correctionGap        = 24 * time.Hour
	// gapPenaltyPerDay lowers the similarity score for each day between
	// the two publications beyond the first: syndication and rewrites
	// follow within hours, follow-up stories days later.
	gapPenaltyPerDay = 0.1
)

// Reasons a pair is not judged the same story (Verdict.Reason).
const (
	ReasonEmpty     = "empty"      // one text has no features
	ReasonWindow    = "window"     // published further apart than Options.Window
	ReasonLands     = "lands"      // disjoint non-empty Land sets
	ReasonNumbers   = "numbers"    // each text has a number the other lacks
	ReasonPlaces    = "places"     // each text names a place the other lacks
	ReasonHomes     = "homes"      // the sources speak for two places, neither text names the other's
	ReasonHomePlace = "home-place" // one source's place, and a place elsewhere the other (placeless) text names
	ReasonThreshold = "threshold"  // similarity below Options.Threshold
)

// Verdict is the full outcome of comparing two docs.
type Verdict struct {
	Same bool
	// Score is 1 for the title layer, otherwise the similarity after the
	// time-gap penalty. It is computed even when a rule vetoes the merge,
	// so that a log can show how close the texts were.
	Score float64
	// Text is the similarity after the time-gap penalty, also for the
	// title layer: among several reports with the same title, the one
	// whose text is closest is the better match.
	Text float64
	// Layer is LayerTitle or LayerSimilar when Same.
	Layer string
	// Reason says why not, when not Same.
	Reason string
}

// side is one doc of a pair as judge sees it.
type side struct {
	f *Fingerprint
	// t is the publication time in Unix nanoseconds, 0 when unknown (then
	// the window and the gap penalty do not apply).
	t     int64
	lands uint32 // landMask
	home  uint32 // homeOf the source's place, 0 for none
}

// judge compares two docs.
func judge(x, y side, o Options) Verdict {
	a, b, ta, tb := x.f, y.f, x.t, y.t
	if a.IsZero() || b.IsZero() {
		return Verdict{Reason: ReasonEmpty}
	}
	var gap time.Duration
	if ta != 0 && tb != 0 {
		gap = time.Duration(ta - tb)
		if gap < 0 {
			gap = -gap
		}
	}
	v := Verdict{Score: similarity(a, b) - gapPenalty(ta, tb)}
	v.Text = v.Score
	title := a.title != 0 && a.title == b.title
	if title {
		v.Score = 1
	}
	// The vetoes are reported only for pairs the text alone would merge.
	switch {
	case gap > o.Window:
		v.Reason = ReasonWindow
	case landsDisjoint(x.lands, y.lands):
		v.Reason = ReasonLands
	case !title && v.Score < o.Threshold:
		v.Reason = ReasonThreshold
	case numbersConflict(a.nums, b.nums) && !(gap <= correctionGap && textDice(a, b) >= correctionSimilarity):
		v.Reason = ReasonNumbers
	case placesConflict(a.keys, b.keys):
		v.Reason = ReasonPlaces
	case homesConflict(x.home, y.home, a, b):
		v.Reason = ReasonHomes
	case homeTextConflict(x.home, y.home, a, b):
		v.Reason = ReasonHomePlace
	case title:
		v.Same, v.Layer = true, LayerTitle
	default:
		v.Same, v.Layer = true, LayerSimilar
	}
	return v
}

// gapPenalty is what the score loses for the time between two
// publications (Unix nanoseconds, 0 when unknown).
func gapPenalty(ta, tb int64) float64 {
	if ta == 0 || tb == 0 {
		return 0
	}
	gap := time.Duration(ta - tb)
	if gap < 0 {
		gap = -gap
	}
	if days := gap.Hours()/24 - 1; days > 0 {
		return gapPenaltyPerDay * days
	}
	return 0
}

func keyWeight(k uint32) float64 {
	switch k & classMask {
	case classWeak:
		return weakWeight
	case classNumber:
		return numberWeight
	}
	return 1
}

// similarity is the larger of the weighted Dice coefficient and the mean of
// Dice and the (smoothed) weighted containment of the smaller text in the
// larger. Dice alone punishes a teaser-less item against a full one;
// containment alone lets a short text match anything that contains it.
func similarity(a, b *Fingerprint) float64 {
	var wa, wb, wi float64
	i, j := 0, 0
	for i < len(a.keys) && j < len(b.keys) {
		ka, kb := a.keys[i], b.keys[j]
		switch {
		case ka < kb:
			wa += keyWeight(ka)
			i++
		case ka > kb:
			wb += keyWeight(kb)
			j++
		default:
			w := keyWeight(ka)
			wa += w
			wb += w
			wi += w
			i++
			j++
		}
	}
	for _, k := range a.keys[i:] {
		wa += keyWeight(k)
	}
	for _, k := range b.keys[j:] {
		wb += keyWeight(k)
	}
	return combine(wi, wa, wb)
}

// textDice is the weighted Dice coefficient over the features other than
// numbers.
func textDice(a, b *Fingerprint) float64 {
	var wa, wb, wi float64
	i, j := 0, 0
	for i < len(a.keys) || j < len(b.keys) {
		var ka, kb uint32 = 1<<32 - 1, 1<<32 - 1
		if i < len(a.keys) {
			ka = a.keys[i]
		}
		if j < len(b.keys) {
			kb = b.keys[j]
		}
		switch {
		case ka < kb:
			if ka&classMask != classNumber {
				wa += keyWeight(ka)
			}
			i++
		case ka > kb:
			if kb&classMask != classNumber {
				wb += keyWeight(kb)
			}
			j++
		default:
			if ka&classMask != classNumber {
				w := keyWeight(ka)
				wa, wb, wi = wa+w, wb+w, wi+w
			}
			i++
			j++
		}
	}
	if wa+wb == 0 {
		return 0
	}
	return 2 * wi / (wa + wb)
}

// combine is the similarity of two texts of feature weights wa and wb
// sharing wi. It grows with wi, which lets the index bound it from above.
func combine(wi, wa, wb float64) float64 {
	if wa == 0 || wb == 0 {
		return 0
	}
	dice := 2 * wi / (wa + wb)
	contain := wi / (min(wa, wb) + containmentSmoothing)
	return max(dice, (dice+contain)/2)
}

// weight is the total feature weight of f.
func (f *Fingerprint) weight() float64 {
	var w float64
	for _, k := range f.keys {
		w += keyWeight(k)
	}
	return w
}

// numbersConflict reports whether each side has a number that matches none
// of the other's: "KW 12" vs "KW 13", "500 Haushalte" vs "800 Haushalte".
// A number only one side mentions is no conflict: rewrites add and drop
// details.
func numbersConflict(a, b []int64) bool {
	return hasUnmatched(a, b) && hasUnmatched(b, a)
}

func hasUnmatched(a, b []int64) bool {
	for _, x := range a {
		if x&softFlag != 0 {
			continue
		}
		found := false
		for _, y := range b {
			if numbersMatch(x, y) {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}

// numbersMatch compares two encoded numbers (see addNumber): they match
// when they differ by at most half the unit of the coarser one, so "85 %"
// matches "84,7 %" and "1,2 Mio." matches "1.234.000", while integers
// written in full ("KW 12", "2025") must be equal.
func numbersMatch(x, y int64) bool {
	vx, vy := x>>precBits, y>>precBits
	if vx == vy {
		return true
	}
	e := max(x&precMask, y&precMask)
	if e >= int64(len(pow10)) {
		return true
	}
	d := vx - vy
	if d < 0 {
		d = -d
	}
	return 2*d <= pow10[e]
}

var pow10 = [...]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17}

// placesConflict reports whether each side names a place the other does not
// and the two cannot be the same story's places (see placesCompatible):
// "Thüringen: Breitbandausbau im Plan" vs "Sachsen: Breitbandausbau im Plan".
func placesConflict(a, b []uint32) bool {
	pa := placesOnly(a)
	pb := placesOnly(b)
	if len(pa) == 0 || len(pb) == 0 {
		return false
	}
	for _, x := range pa {
		if containsKey(pb, x) {
			continue
		}
		for _, y := range pb {
			if !containsKey(pa, y) && !placesCompatible(x, y) {
				return true
			}
		}
	}
	return false
}

// placesOnly returns the place keys: they sort last (class bits 11).
func placesOnly(keys []uint32) []uint32 {
	i := len(keys)
	for i > 0 && keys[i-1]&classMask == classPlace {
		i--
	}
	return keys[i:]
}

func containsKey(keys []uint32, k uint32) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}
