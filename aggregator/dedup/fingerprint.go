package dedup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// A feature key is a 32-bit value: the top two bits are its class, the low
// 30 bits a hash of the normalized word, number or place. Keys are stable
// across processes (FNV-1a with a fixed finalizer), so stored fingerprints
// stay valid; a change to normalization or hashing must bump
// fingerprintVersion.
const (
	classNormal uint32 = 0 << 30
	classWeak   uint32 = 1 << 30 // domain-common or short word: half weight, not looked up
	classNumber uint32 = 2 << 30 // a number value (see Fingerprint.nums)
	classPlace  uint32 = 3 << 30 // a place: gazetteer entry or word after an indicator
	classMask   uint32 = 3 << 30
	hashMask    uint32 = 1<<30 - 1
)

// Input limits. Longer text is cut at a rune boundary; the feed item
// teaser is at most 320 characters anyway.
const (
	maxTitleBytes  = 1024
	maxTeaserBytes = 2048
	// minTitleKeys is how many features a title needs for the title layer:
	// short generic titles ("Pressemitteilung", "Newsletter") are left to the
	// similarity layer, which also looks at the teaser.
	minTitleKeys = 3
)

// Version 3 added the flags byte (flagJoint). Version 2 fingerprints,
// stored by builds before the homes rule, read as flagJoint: their text
// was never asked whether it speaks of working together, and taking it
// for "no" would split, in a rebuild or against a new report, joint
// announcements that the previous build merged (the homes rule applies
// from the items signed by this version on).
const fingerprintVersion = 3

// ErrFingerprint is wrapped by UnmarshalBinary for malformed input.
var ErrFingerprint = errors.New("malformed fingerprint")

// Fingerprint is the compact, storable form of a Doc's text features:
// the hash of its normalized title and the sorted set of feature keys of
// title and teaser, plus the number values they mention. It holds no Lands,
// no time and no place of the source: the Index and Same take those
// separately (they are the source's, and may be corrected). The zero value is
// the fingerprint of an empty text. A Fingerprint is immutable.
type Fingerprint struct {
	title uint64   // hash of the normalized title; 0 when too short for the title layer
	keys  []uint32 // sorted, unique feature keys
	nums  []int64  // sorted, unique numbers (see addNumber)
	flags uint8    // flagJoint
}

// flagJoint marks a text that speaks of towns working together ("mit
// der Nachbargemeinde", "interkommunal", see jointPrefixes): two towns'
// sources may report it as one story without naming each other (see
// homesConflict).
const flagJoint uint8 = 1

// IsZero reports whether the text had no features at all; such a
// fingerprint matches nothing.
func (f Fingerprint) IsZero() bool { return len(f.keys) == 0 }

// Len is the number of distinct features.
func (f Fingerprint) Len() int { return len(f.keys) }

// String shows the counts for logs and test failures.
func (f Fingerprint) String() string {
	return fmt.Sprintf("Fingerprint{title:%t features:%d numbers:%d}", f.title != 0, len(f.keys), len(f.nums))
}

// builder holds the scratch space of one NewFingerprint call.
type builder struct {
	buf   []byte
	words []word
	keys  []uint32
	nums  []int64
	tmp   []byte
	// lastNum is the index in keys and nums of the number written by the
	// previous word, or -1, so that a following "Mio." can scale it.
	lastNumKey, lastNum int
	joint               bool // a word of jointPrefixes was seen
}

var builders = sync.Pool{New: func() any { return new(builder) }}

// NewFingerprint extracts the features of d's title and teaser. It costs a
// few microseconds and allocates only the result.
func NewFingerprint(d Doc) Fingerprint {
	b := builders.Get().(*builder)
	defer builders.Put(b)
	b.keys, b.nums, b.joint = b.keys[:0], b.nums[:0], false

	title, _ := clip(unescape(d.Title), maxTitleBytes)
	teaser, clipped := clip(unescape(d.Teaser), maxTeaserBytes)
	b.buf, b.words = scan(title, b.buf[:0], b.words[:0])
	nTitle := len(b.words)
	b.buf, b.words = scan(teaser, b.buf, b.words)
	if len(b.words) > nTitle && (clipped || looksTruncated(teaser)) {
		// The last word of a cut teaser may be a fragment ("Mio" of
		// "Millionen", "20" of "2027"): a false number would veto a merge.
		b.words = b.words[:len(b.words)-1]
	}

	b.emit(b.words[:nTitle])
	var f Fingerprint
	if n := len(b.keys); n >= minTitleKeys {
		h := uint64(14695981039346656037)
		for _, k := range b.keys[:n] {
			h = (h ^ uint64(k)) * 1099511628211
		}
		f.title = mix64(h) | 1
	}
	b.emit(b.words[nTitle:])

	slices.Sort(b.keys)
	b.keys = slices.Compact(b.keys)
	if len(b.keys) > 0 {
		f.keys = slices.Clone(b.keys)
	}
	if len(b.nums) > 0 {
		slices.Sort(b.nums)
		b.nums = slices.Compact(b.nums)
		f.nums = slices.Clone(b.nums)
	}
	if b.joint {
		f.flags |= flagJoint
	}
	return f
}

// emit turns one segment's words (title or teaser) into feature keys.
func (b *builder) emit(words []word) {
	b.lastNum = -1
	prevIndicator := false
	for _, w := range words {
		text := b.buf[w.start:w.end]
		if w.kind == wordNumber {
			prevIndicator = false
			b.lastNum = -1
			if !b.addNumbers(text) {
				b.lastNum = -1
				b.keys = append(b.keys, classNormal|uint32(hash64(text))&hashMask)
			}
			continue
		}
		lastNum := b.lastNum
		b.lastNum = -1
		hyphenated := false
		joined := text
		if slices.Contains(text, '-') {
			hyphenated = true
			b.tmp = b.tmp[:0]
			for _, c := range text {
				if c != '-' {
					b.tmp = append(b.tmp, c)
				}
			}
			joined = b.tmp
		}
		if !b.joint && hasJointPrefix(joined) {
			b.joint = true
		}
		var si surfaceInfo
		if len(joined) <= maxSurface {
			si = lookupSurface(hash64(joined))
		}
		if si.scale != 0 && lastNum >= 0 && w.adjacent {
			b.lastNum = lastNum
			b.scaleNumber(si.scale, si.scaleExp)
			continue
		}
		if si.stop {
			prevIndicator = false
			continue
		}
		if si.number != 0 {
			b.addNumber(si.number*100, precInteger, si.soft)
			prevIndicator = false
			continue
		}
		s := stem(stripGender(joined))
		if len(s) < 2 {
			prevIndicator = false
			continue
		}
		h := hash64(s)
		st := lookupStem(h)
		switch {
		case st.place != 0:
			b.keys = append(b.keys, st.place)
		case prevIndicator && w.capital && w.adjacent:
			b.keys = append(b.keys, classPlace|uint32(h)&hashMask)
		default:
			class := classNormal
			if st.weak || len(s) <= 3 {
				class = classWeak
			}
			b.keys = append(b.keys, class|uint32(h)&hashMask)
			if hyphenated {
				// "Thüringen-Plan": the place inside a compound still counts.
				for rest := text; len(rest) > 0; {
					part := rest
					if i := bytes.IndexByte(rest, '-'); i >= 0 {
						part, rest = rest[:i], rest[i+1:]
					} else {
						rest = nil
					}
					if p := lookupStem(hash64(stem(stripGender(part)))).place; p != 0 {
						b.keys = append(b.keys, p)
					}
				}
			}
		}
		prevIndicator = st.indicator
	}
}

// addNumbers parses a numeric word and adds its numbers. It reports false
// when the word is no usable number (too many digits: a phone number or an
// ID), which is then kept as an ordinary word.
func (b *builder) addNumbers(text []byte) bool {
	var vals [8]int64
	var prec [8]uint8
	n := 0
	ok := parseNumeric(text, func(v int64, p uint8) {
		if n < len(vals) {
			vals[n], prec[n] = v, p
			n++
		}
	})
	if !ok {
		return false
	}
	for i := range n {
		b.addNumber(vals[i], prec[i], false)
	}
	return true
}

// Numbers are stored as value×100 << 6 | soft << 5 | e, where 10^e (in
// units of 0.01) is the unit of the last digit written: 2 for an integer
// ("85"), 1 for "84,7", 8 for "1 Mio.". Two numbers match when they differ
// by at most half the coarser unit (numbersMatch). A soft number was spelled
// out ("fünf", "zwei Jahre"): it confirms a match but vetoes none, since
// rewrites write small numbers and durations in words.
const (
	precBits    = 6
	precMask    = 1<<5 - 1
	softFlag    = 1 << 5
	precInteger = 2
)

// addNumber adds the number v (value×100) written with precision e.
func (b *builder) addNumber(v int64, e uint8, soft bool) {
	if v == 0 {
		return // "9:00 Uhr" vs "9 Uhr": zero minutes say nothing
	}
	b.lastNumKey, b.lastNum = len(b.keys), len(b.nums)
	b.keys = append(b.keys, numberKey(v))
	n := v<<precBits | int64(e)
	if soft {
		n |= softFlag
	}
	b.nums = append(b.nums, n)
}

// scaleNumber multiplies the previous word's number ("1,2 Mio.").
func (b *builder) scaleNumber(scale int64, exp uint8) {
	n := b.nums[b.lastNum]
	v, e := n>>precBits, uint8(n&precMask)
	if v > (1<<56)/scale {
		return
	}
	v *= scale
	b.nums[b.lastNum] = v<<precBits | n&softFlag | int64(e+exp)
	b.keys[b.lastNumKey] = numberKey(v)
	b.lastNum = -1
}

// parseNumeric reads "85", "1.234.567", "84,7", "04.03.2025", "9:30" and
// calls emit with each value×100 and its precision (see addNumber). German
// conventions: ',' is the decimal separator; '.' groups thousands when every
// later group has three digits and otherwise separates date parts; ':'
// separates hours and minutes.
func parseNumeric(text []byte, emit func(v int64, e uint8)) bool {
	s := string(text)
	if strings.ContainsRune(s, ':') {
		for part := range strings.SplitSeq(s, ":") {
			if !parseNumeric([]byte(part), emit) {
				return false
			}
		}
		return true
	}
	if strings.Count(s, ",") > 1 {
		for part := range strings.SplitSeq(s, ",") {
			if !parseNumeric([]byte(part), emit) {
				return false
			}
		}
		return true
	}
	intPart, frac, hasFrac := strings.Cut(s, ",")
	groups := strings.Split(intPart, ".")
	thousands := len(groups) > 1 && len(groups[0]) <= 3
	for _, g := range groups[1:] {
		thousands = thousands && len(g) == 3
	}
	if len(groups) > 1 && !thousands {
		if hasFrac {
			return false
		}
		for _, g := range groups {
			v, ok := atoi(g)
			if !ok {
				return false
			}
			emit(v*100, precInteger)
		}
		return true
	}
	v, ok := atoi(strings.ReplaceAll(intPart, ".", ""))
	if !ok {
		return false
	}
	v *= 100
	e := uint8(precInteger)
	if hasFrac {
		f, ok := atoi((frac + "000")[:3])
		if !ok {
			return false
		}
		v += (f + 5) / 10
		e = uint8(max(0, 2-len(frac)))
	}
	emit(v, e)
	return true
}

// atoi parses up to 15 decimal digits.
func atoi(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var v int64
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// unescape decodes HTML character references ("F&uuml;rth"), which some
// feeds leave in their plain-text fields.
func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}

// clip cuts s to at most max bytes at a rune boundary.
func clip(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

// looksTruncated reports whether a teaser was cut by its source: it ends in
// an ellipsis, or it is near the 320-character limit and does not end a
// sentence.
func looksTruncated(s string) bool {
	s = strings.TrimRight(s, " \t\n\r\u00A0")
	s = strings.TrimSuffix(s, "]")
	if strings.HasSuffix(s, "…") || strings.HasSuffix(s, "...") {
		return true
	}
	if len(s) < 300 || utf8.RuneCountInString(s) < 300 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".!?\"“”»«)", r)
}

func hash64[T ~string | ~[]byte](s T) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return mix64(h)
}

// mix64 is a 64-bit finalizer (from MurmurHash3) spreading FNV's low bits.
func mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func placeKey[T ~string | ~[]byte](name T) uint32 {
	return classPlace | uint32(hash64(name))&hashMask
}

func numberKey(v int64) uint32 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(v))
	return classNumber | uint32(hash64(b[:]))&hashMask
}

// MarshalBinary encodes f as: version byte, title hash (8 bytes, little
// endian), key count and delta-encoded keys (uvarints), number count and
// numbers (varints), flags byte. A typical item takes about 130 bytes.
func (f Fingerprint) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 1+8+2+2*len(f.keys)+binary.MaxVarintLen64*len(f.nums))
	out = append(out, fingerprintVersion)
	out = binary.LittleEndian.AppendUint64(out, f.title)
	out = binary.AppendUvarint(out, uint64(len(f.keys)))
	prev := uint32(0)
	for i, k := range f.keys {
		d := k - prev
		if i == 0 {
			d = k
		}
		out = binary.AppendUvarint(out, uint64(d))
		prev = k
	}
	out = binary.AppendUvarint(out, uint64(len(f.nums)))
	for _, n := range f.nums {
		out = binary.AppendVarint(out, n)
	}
	return append(out, f.flags), nil
}

// maxStoredKeys bounds what UnmarshalBinary accepts; NewFingerprint stays
// far below it because of the input limits.
const maxStoredKeys = 4096

// UnmarshalBinary decodes the output of MarshalBinary, and of version 2
// (without the flags byte; read as flagJoint, see fingerprintVersion). It
// rejects input from other fingerprint versions (re-sign the items from
// their text then), and anything malformed, with an error wrapping
// ErrFingerprint.
func (f *Fingerprint) UnmarshalBinary(data []byte) error {
	bad := func(what string) error {
		return fmt.Errorf("dedup: %w: %s", ErrFingerprint, what)
	}
	if len(data) < 9 {
		return bad("too short")
	}
	version := data[0]
	if version != fingerprintVersion && version != 2 {
		return bad(fmt.Sprintf("version %d, want %d", version, fingerprintVersion))
	}
	g := Fingerprint{title: binary.LittleEndian.Uint64(data[1:9])}
	p := data[9:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(p)
		if n <= 0 {
			return 0, false
		}
		p = p[n:]
		return v, true
	}
	nk, ok := next()
	if !ok || nk > maxStoredKeys {
		return bad("key count")
	}
	if nk > 0 {
		g.keys = make([]uint32, nk)
	}
	var prev uint64
	for i := range g.keys {
		d, ok := next()
		if !ok || (i > 0 && d == 0) || prev+d > 1<<32-1 {
			return bad("keys")
		}
		prev += d
		g.keys[i] = uint32(prev)
	}
	nn, ok := next()
	if !ok || nn > maxStoredKeys {
		return bad("number count")
	}
	if nn > 0 {
		g.nums = make([]int64, nn)
	}
	for i := range g.nums {
		v, n := binary.Varint(p)
		if n <= 0 || (i > 0 && v <= g.nums[i-1]) {
			return bad("numbers")
		}
		p = p[n:]
		g.nums[i] = v
	}
	if version >= 3 {
		if len(p) == 0 || p[0]&^flagJoint != 0 {
			return bad("flags")
		}
		g.flags, p = p[0], p[1:]
	} else {
		g.flags = flagJoint // unknown: see fingerprintVersion
	}
	if len(p) != 0 {
		return bad("trailing bytes")
	}
	*f = g
	return nil
}
