package tagging

import (
	"unicode"
	"unicode/utf8"
)

// token is one word of the input: a maximal run of letters and digits.
// Hyphens, spaces and punctuation separate tokens; what lies between two
// tokens (the gap) is summarised in flags so that matching never has to
// look at the bytes again.
type token struct {
	start, end   int32 // byte range in the original text
	lstart, lend int32 // byte range of the folded form in tokenizer.low
	flags        uint16
}

const (
	fUpper       uint16 = 1 << iota // first letter is upper case
	fAllUpper                       // every letter is upper case and there are at least two
	fGapHyphen                      // the gap before is a single hyphen ("Sachsen-Anhalt")
	fGapSpace                       // the gap before is white space only
	fGapSoft                        // the gap before holds only space, ( ) / . and hyphens
	fSentStart                      // first token, or the gap before ends a sentence or clause
	fColonBefore                    // the gap before contains a colon
	fDigit                          // starts with a digit
	fParenBefore                    // the gap before contains "("
	fMultiUpper                     // at least two upper-case letters ("BSI", "BMVg", "ITZBund")
)

// tokenizer is reusable scratch space; one per goroutine (see Tagger.pool).
type tokenizer struct {
	toks []token
	low  []byte // folded (lower-cased, ß → ss) token text, back to back
	res  result // the Tag call's result, kept here to avoid an allocation
	// persons are the surnames seen so far in this item, as written in
	// the caller's strings; a later bare mention is the same person.
	persons []string
}

// tokenize splits text into tokens, replacing the previous content.
func (z *tokenizer) tokenize(text string) {
	// Folding can grow a word (ß → ss) but never beyond twice its size;
	// with the capacity reserved, appends below never reallocate. Local
	// slices keep the hot loop out of memory.
	if need := 2*len(text) + 8; cap(z.low) < need {
		z.low = make([]byte, 0, need)
	}
	low := z.low[:0]
	toks := z.toks[:0]
	gapStart := 0
	i := 0
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == 0 {
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				i += size
				continue
			}
		}
		// A token starts at i.
		t := token{start: int32(i), lstart: int32(len(low))}
		t.flags = gapFlags(text[gapStart:i], len(toks) == 0)
		upper, lower := 0, 0
		first := true
		for i < len(text) {
			c := text[i]
			if c < utf8.RuneSelf {
				switch asciiClass[c] {
				case 0:
					goto done
				case clsUpper:
					upper++
					if first {
						t.flags |= fUpper
					}
					c += 'a' - 'A'
				case clsLower:
					lower++
				case clsDigit:
					if first {
						t.flags |= fDigit
					}
				}
				low = append(low, c)
				i++
				first = false
				continue
			}
			// Fast path for the Latin-1 letters of German (ä ö ü ß, and
			// their capitals): two bytes starting 0xC3.
			if c == 0xC3 && i+1 < len(text) {
				if c2 := text[i+1]; c2 >= 0x80 && c2 <= 0xBF && c2 != 0x97 && c2 != 0xB7 {
					switch {
					case c2 == 0x9F: // ß
						lower++
						low = append(low, 's', 's')
					case c2 < 0x9F:
						upper++
						if first {
							t.flags |= fUpper
						}
						low = append(low, 0xC3, c2+0x20)
					default:
						lower++
						low = append(low, 0xC3, c2)
					}
					i += 2
					first = false
					continue
				}
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			if unicode.IsUpper(r) {
				upper++
				if first {
					t.flags |= fUpper
				}
			} else if unicode.IsLetter(r) {
				lower++
			} else if first && unicode.IsDigit(r) {
				t.flags |= fDigit
			}
			switch r {
			case 'ß', 'ẞ':
				low = append(low, 's', 's')
			default:
				low = utf8.AppendRune(low, unicode.ToLower(r))
			}
			i += size
			first = false
		}
	done:
		if upper+lower >= 2 && lower == 0 {
			t.flags |= fAllUpper
		}
		if upper >= 2 {
			t.flags |= fMultiUpper
		}
		t.end = int32(i)
		t.lend = int32(len(low))
		toks = append(toks, t)
		gapStart = i
	}
	z.low, z.toks = low, toks
}

// Character classes of ASCII bytes for the tokenizer's hot loop.
const (
	clsUpper = 1 + iota
	clsLower
	clsDigit
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = clsUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = clsLower
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	return t
}()

// key returns the folded form of token k. The string shares no memory
// with z.low only when the compiler copies it; callers use it for map
// look-ups, where it does not.
func (z *tokenizer) key(k int) []byte {
	t := &z.toks[k]
	return z.low[t.lstart:t.lend]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// gapFlags classifies the text between two tokens.
func gapFlags(gap string, first bool) uint16 {
	var f uint16
	if first {
		f |= fSentStart
	}
	if gap == " " {
		return f | fGapSpace | fGapSoft // the common case
	}
	if gap == "-" || gap == "\u2010" || gap == "\u2011" {
		return f | fGapHyphen | fGapSoft
	}
	space, soft := true, true
	for _, r := range gap {
		switch r {
		case ' ', '\t', '\u00a0', '\u202f', '\u2009':
		case '\n', '\r':
			f |= fSentStart
		case '(', ')', '/', '-', '\u2010', '\u2011':
			space = false
			if r == '(' {
				f |= fParenBefore
			}
		case '.':
			space = false
			f |= fSentStart
		case ':':
			space, soft = false, false
			f |= fColonBefore | fSentStart
		case '!', '?', ';', '|', '\u2013', '\u2014':
			space, soft = false, false
			f |= fSentStart
		case '"', '„', '“', '”', '»', '«', '\'', '‚', '‘', '’':
			// Quotes start a quotation, often a sentence of its own.
			space, soft = false, false
			f |= fSentStart
		default:
			space, soft = false, false
		}
	}
	if space && len(gap) > 0 {
		f |= fGapSpace
	}
	if soft {
		f |= fGapSoft
	}
	return f
}

// fold lower-cases s the way the tokenizer does; used when building the
// index so that gazetteer names and text agree.
func fold(s string) string {
	var z tokenizer
	z.tokenize(s)
	if len(z.toks) == 0 {
		return ""
	}
	return string(z.low)
}
