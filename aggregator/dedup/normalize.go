package dedup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns text into words: case folding, German transliteration
// (ä→ae, ö→oe, ü→ue, ß→ss, also for decomposed umlauts), accent stripping,
// hyphen joining, gender-suffix removal and a light suffix stemmer. It is
// deliberately hand-written and allocation-free per rune: it runs inline in
// ingest for every item.

type wordKind uint8

const (
	wordLetters wordKind = iota + 1 // letters, possibly joined by '-' (kept in buf)
	wordNumber                      // digits, possibly with '.', ',' or ':' between digits
)

// word is one scanned word; its folded bytes are buf[start:end].
type word struct {
	start, end int32
	kind       wordKind
	capital    bool // the first letter was upper case in the original text
	adjacent   bool // only spaces separate it from the previous word (no punctuation)
}

// foldRune appends the lower-case ASCII transliteration of r to dst. Letters
// outside the Latin range are appended lower-cased as UTF-8.
func foldRune(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	r = unicode.ToLower(r)
	switch r {
	case 'ä':
		return append(dst, 'a', 'e')
	case 'ö':
		return append(dst, 'o', 'e')
	case 'ü':
		return append(dst, 'u', 'e')
	case 'ß', 'ẞ':
		return append(dst, 's', 's')
	case 'æ':
		return append(dst, 'a', 'e')
	case 'œ':
		return append(dst, 'o', 'e')
	case 'à', 'á', 'â', 'ã', 'å', 'ā', 'ă', 'ą':
		return append(dst, 'a')
	case 'ç', 'ć', 'č':
		return append(dst, 'c')
	case 'ď', 'đ':
		return append(dst, 'd')
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return append(dst, 'e')
	case 'ğ':
		return append(dst, 'g')
	case 'ì', 'í', 'î', 'ï', 'ī', 'ı':
		return append(dst, 'i')
	case 'ł', 'ľ':
		return append(dst, 'l')
	case 'ñ', 'ń', 'ň':
		return append(dst, 'n')
	case 'ò', 'ó', 'ô', 'õ', 'ø', 'ō', 'ő':
		return append(dst, 'o')
	case 'ř':
		return append(dst, 'r')
	case 'ś', 'š', 'ş':
		return append(dst, 's')
	case 'ť':
		return append(dst, 't')
	case 'ù', 'ú', 'û', 'ū', 'ů', 'ű':
		return append(dst, 'u')
	case 'ý', 'ÿ':
		return append(dst, 'y')
	case 'ź', 'ż', 'ž':
		return append(dst, 'z')
	}
	return utf8.AppendRune(dst, r)
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isHyphen(r rune) bool {
	return r == '-' || r == '\u2010' || r == '\u2011'
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u02BC'
}

func isCombining(r rune) bool {
	return r >= 0x300 && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r))
}

// genderSuffix reports the length in bytes of a gender-inclusive suffix
// ("*innen", ":in", "_innen", "/innen") starting at s[0] = the marker, or 0.
func genderSuffix(s string) int {
	for _, suf := range [...]string{"innen", "in"} {
		n := 1 + len(suf)
		if len(s) < n || !equalFoldASCII(s[1:n], suf) {
			continue
		}
		if len(s) > n {
			r, _ := utf8.DecodeRuneInString(s[n:])
			if isLetter(r) || isDigit(r) {
				continue
			}
		}
		return n
	}
	return 0
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		c := a[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[i] {
			return false
		}
	}
	return true
}

// ASCII character classes for scan's fast path.
const (
	asciiOther uint8 = iota
	asciiLower
	asciiUpper
	asciiDigit
	asciiSpace
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case 'a' <= c && c <= 'z':
			t[c] = asciiLower
		case 'A' <= c && c <= 'Z':
			t[c] = asciiUpper
		case '0' <= c && c <= '9':
			t[c] = asciiDigit
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = asciiSpace
		}
	}
	return t
}()

// scanner is the state of one scan call.
type scanner struct {
	buf    []byte
	words  []word
	cur    word // kind 0: between words
	sawGap bool // punctuation other than spaces since the last word
}

func (sc *scanner) start(k wordKind, capital bool) {
	sc.cur = word{start: int32(len(sc.buf)), kind: k, capital: capital, adjacent: !sc.sawGap}
	sc.sawGap = false
}

func (sc *scanner) flush() {
	if sc.cur.kind == 0 {
		return
	}
	end := int32(len(sc.buf))
	// A trailing joiner ("Bürger-" in "Bürger- und Unternehmensservice")
	// is not part of the word.
	for end > sc.cur.start && sc.buf[end-1] == '-' {
		end--
	}
	sc.buf = sc.buf[:end]
	if end > sc.cur.start {
		sc.cur.end = end
		sc.words = append(sc.words, sc.cur)
	}
	sc.cur.kind = 0
}

// scan appends the words of s to words and their folded bytes to buf.
func scan(s string, buf []byte, words []word) ([]byte, []word) {
	sc := scanner{buf: buf, words: words}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// Fast path for ASCII letters, digits and spaces.
			switch asciiClass[c] {
			case asciiLower:
				if sc.cur.kind != wordLetters {
					sc.flush()
					sc.start(wordLetters, false)
				}
				sc.buf = append(sc.buf, c)
				i++
				continue
			case asciiUpper:
				if sc.cur.kind != wordLetters {
					sc.flush()
					sc.start(wordLetters, true)
				}
				sc.buf = append(sc.buf, c+('a'-'A'))
				i++
				continue
			case asciiDigit:
				// Digits glued to a word of four or more letters are part of
				// a name ("Kommune21", "Web2Go"), not a number; after a
				// short prefix they are a number ("KW12" = KW 12).
				if sc.cur.kind == wordLetters && len(sc.buf)-int(sc.cur.start) >= 4 {
					sc.buf = append(sc.buf, c)
					i++
					continue
				}
				if sc.cur.kind != wordNumber {
					sc.flush()
					sc.start(wordNumber, false)
				}
				sc.buf = append(sc.buf, c)
				i++
				continue
			case asciiSpace:
				sc.flush()
				i++
				continue
			}
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isLetter(r):
			if sc.cur.kind != wordLetters {
				sc.flush()
				sc.start(wordLetters, unicode.IsUpper(r))
			}
			sc.buf = foldRune(sc.buf, r)
		case isCombining(r):
			// Decomposed text: a combining diaeresis after a, o or u is the
			// German umlaut; every other mark is dropped (accent stripping).
			if r == 0x308 && sc.cur.kind == wordLetters && len(sc.buf) > int(sc.cur.start) {
				switch sc.buf[len(sc.buf)-1] {
				case 'a', 'o', 'u':
					sc.buf = append(sc.buf, 'e')
				}
			}
		case r == '\u00AD': // soft hyphen: invisible, joins
		default:
			next, _ := utf8.DecodeRuneInString(s[i+n:])
			switch k := sc.cur.kind; {
			case k == wordNumber && (r == '.' || r == ',' || r == ':') && isDigit(next):
				sc.buf = append(sc.buf, byte(r))
			case k == wordLetters && (r == '*' || r == '_' || r == ':' || r == '/') && genderSuffix(s[i:]) > 0:
				n = genderSuffix(s[i:])
			case k == wordLetters && isHyphen(r) && isLetter(next):
				sc.buf = append(sc.buf, '-')
			case k == wordLetters && isApostrophe(r) && isLetter(next):
				// "Thüringen's", "geht's": the apostrophe joins.
			default:
				sc.flush()
				if !unicode.IsSpace(r) {
					sc.sawGap = true
				}
			}
		}
		i += n
	}
	sc.flush()
	return sc.buf, sc.words
}

// stem strips one common German inflection suffix, keeping at least four
// bytes: Haushalte/Haushalten/Haushalts → haushalt, Thüringer/Thüringen →
// thuering, Kindern/Kinder → kind. It is not a linguistic stemmer: it only
// has to map the inflected forms a rewrite uses onto one key.
func stem(b []byte) []byte {
	n := len(b)
	if n < 5 {
		return b
	}
	last2 := string(b[n-2:])
	switch {
	case n >= 7 && string(b[n-3:]) == "ern":
		return b[:n-3]
	case n >= 6 && (last2 == "en" || last2 == "er" || last2 == "es" || last2 == "em"):
		return b[:n-2]
	case b[n-1] == 'e':
		return b[:n-1]
	case b[n-1] == 's' && !strings.ContainsRune("iusxz", rune(b[n-2])):
		// Genitive -s (Haushalts, Thüringens), but not Kreis, Status, Prozess.
		return b[:n-1]
	}
	return b
}

// stripGender removes the inclusive plural "-innen" from long words
// (Bürgerinnen → buerger), so "Bürgerinnen und Bürger" and "Bürger*innen"
// share a key with "Bürger".
func stripGender(b []byte) []byte {
	if n := len(b); n > 9 && string(b[n-5:]) == "innen" {
		return b[:n-5]
	}
	return b
}
