package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// stripMarks removes combining marks after decomposition: é → e.
var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// fold makes text comparable for the include/exclude words of curated
// outputs: lower case, German umlauts and ß spelled out (ä → ae,
// ö → oe, ü → ue, ß → ss, so "Bürgerportal" and "BUERGERPORTAL" fold
// alike) and other diacritics dropped (é → e).
func fold(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	ascii := true
	for _, r := range s {
		switch r = unicode.ToLower(r); r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß', 'ẞ':
			b.WriteString("ss")
		default:
			if r >= utf8.RuneSelf {
				ascii = false
			}
			b.WriteRune(r)
		}
	}
	if ascii {
		return b.String()
	}
	out, _, err := transform.String(stripMarks, b.String())
	if err != nil {
		return b.String()
	}
	return out
}

// matcher matches folded words as word prefixes: a term matches where it
// starts a word (at the start of the text or after a character that is
// not a letter or digit), whatever follows. "digital" thus matches
// "Digitalisierung" and "digitale", but not "Verwaltungsdigitalisierung".
// An abbreviation (a term of 2 to 5 capitals or digits, "KI", "OZG")
// matches a whole word only: "KI" matches "KI-Strategie" and "KI", not
// "Kita" or "Kiel". Terms may contain spaces or hyphens ("Online-Dienst");
// they are folded like the text.
type matcher []term

type term struct {
	folded string
	whole  bool // an abbreviation: the word must end where the term does
}

func newMatcher(terms []string) matcher {
	var m matcher
	for _, t := range terms {
		// Whitespace inside a phrase is collapsed as it is in the text
		// (plainText): "digitale  Verwaltung" matches "digitale Verwaltung".
		t = strings.Join(strings.Fields(t), " ")
		if f := fold(t); f != "" {
			m = append(m, term{folded: f, whole: abbreviation(t)})
		}
	}
	return m
}

// abbreviation reports whether t is written as one: 2 to 5 upper-case
// letters or digits, at least one letter.
func abbreviation(t string) bool {
	n, letters := 0, 0
	for _, r := range t {
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsDigit(r):
		default:
			return false
		}
		n++
	}
	return n >= 2 && n <= 5 && letters > 0
}

// match reports whether any term starts a word of the folded text (is a
// whole word, for an abbreviation).
func (m matcher) match(folded string) bool {
	for _, t := range m {
		for off := 0; ; {
			i := strings.Index(folded[off:], t.folded)
			if i < 0 {
				break
			}
			i += off
			end := i + len(t.folded)
			if (i == 0 || !isWordRune(prevRune(folded[:i]))) && (!t.whole || end == len(folded) || !isWordRune(nextRune(folded[end:]))) {
				return true
			}
			off = i + 1
		}
	}
	return false
}

func nextRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func prevRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
