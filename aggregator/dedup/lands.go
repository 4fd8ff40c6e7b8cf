package dedup

import (
	"strings"

	"github.com/egovfeed/egovfeed/config"
)

// Land sets are kept as bit masks: bit 0 is "DE" (the Bund), bits 1–16 the
// Länder in ISO 3166-2 order, bits 17–31 other codes by hash. The Bund is
// no Land: it is neutral in the Land rule (see landsDisjoint). Two
// different unknown codes can share a hash bit and then count as
// overlapping: the Land rule only ever keeps items apart, so a collision
// can cost a split, never cause a wrong merge.

// landCodes fixes the bit of each known code: config.LandCodes' order.
// Masks live in memory only (the index's), never in stored fingerprints.
var landCodes = config.LandCodes

// landBit returns the bit number of an ISO 3166-2 code.
func landBit(code string) uint8 {
	code = strings.ToUpper(strings.TrimSpace(code))
	for i, c := range landCodes {
		if c == code {
			return uint8(i)
		}
	}
	h := uint32(2166136261)
	for i := range len(code) {
		h ^= uint32(code[i])
		h *= 16777619
	}
	return uint8(len(landCodes)) + uint8(h%uint32(32-len(landCodes)))
}

// landMask returns the bit mask of a Land set; blank codes are ignored.
func landMask(lands []string) uint32 {
	var m uint32
	for _, l := range lands {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m |= 1 << landBit(l)
	}
	return m
}

// bundBit is the mask bit of "DE".
const bundBit = 1 << 0

// landsDisjoint reports whether two Land sets name Länder (or other
// regions) but none in common, which keeps the items apart whatever their
// text. "DE" (the Bund) is no Land and counts for neither side: a federal
// release and a Land's copy of it ({DE} / {DE-HE}) are compatible, as is
// any set with an empty one, while {DE, DE-HE} / {DE-TH} are disjoint (HE
// vs TH).
func landsDisjoint(a, b uint32) bool {
	a, b = a&^bundBit, b&^bundBit
	return a != 0 && b != 0 && a&b == 0
}
