package dedup

import "math/bits"

// A signature is a 384-bit Bloom filter of a doc's feature keys (one bit
// per key). The index keeps one per doc beside its time and weight, and
// uses it to bound, without touching the doc's fingerprint, how much weight
// the doc can share with the query: a key whose bit is not set is certainly
// not shared. With the 20–50 keys of an item 5–12 % of the bits are set, so
// the bound overestimates the shared weight by about that fraction of the
// query's weight. 384 bits make slotMeta exactly one cache line.
type signature [sigBits / 64]uint64

const sigBits = 384

// sigBit is the bit of a key: the key's hash bits (and class) mixed by a
// multiplicative hash, scaled to the signature's size.
func sigBit(k uint32) uint16 { return uint16(uint64(k*0x9E3779B1) * sigBits >> 32) }

func newSignature(keys []uint32) signature {
	var s signature
	for _, k := range keys {
		s.set(sigBit(k))
	}
	return s
}

func (s *signature) set(bit uint16) { s[bit>>6] |= 1 << (bit & 63) }

// sharedUnits returns the units (see keyUnits) of the query keys whose bits
// are in u (units holds their units summed by bit) and set in sig: an upper
// bound of the units of the query's keys the doc holds.
func (u *signature) sharedUnits(sig *signature, units *[sigBits]uint16) int {
	n := 0
	for i := range u {
		for w := u[i] & sig[i]; w != 0; w &= w - 1 {
			n += int(units[i<<6|bits.TrailingZeros64(w)])
		}
	}
	return n
}
