// Package normalize turns what feeds send into clean, comparable values:
// plain-text titles and teasers, canonical links, UTC dates, UTF-8.
package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// TeaserMax is the longest teaser, in characters, "…" included.
const TeaserMax = 320

// teaserMargin is how many characters past the cut Teaser extracts: more
// than the 30 combining marks NFC handles as one run with their letter.
const teaserMargin = 40

// teaserFirstLimit is how many bytes of text Teaser extracts first; it
// takes more only when cleaning leaves too few characters.
func teaserFirstLimit(max int) int { return 4*max + 256 }

// Title returns s as one line of plain text: tags stripped, entities
// decoded, invisible and control characters removed, whitespace
// collapsed, NFC.
func Title(s string) string {
	text, _ := extractText(s, -1)
	return clean(text)
}

// Teaser returns the plain text of an HTML fragment, cut to at most max
// characters at a sentence boundary where there is one, else at a word
// boundary; "…" is added only when something was cut.
func Teaser(fragment string, max int) string {
	// Only the first max characters are kept, so only a little more than
	// that is extracted: an article body sent whole is otherwise
	// tokenized and cleaned to the end for nothing. The margin keeps the
	// kept text clear of what NFC may still change with what follows: it
	// composes and reorders a letter with the combining marks after it,
	// at most 30 of them (longer runs are split, the Stream-Safe Text
	// Format of UAX #15).
	for limit := teaserFirstLimit(max); ; limit *= 4 {
		text, more := extractText(fragment, limit)
		text = clean(text)
		if !more || utf8.RuneCountInString(text) > max+teaserMargin {
			return Cut(text, max)
		}
	}
}

// skipped elements carry no readable text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true,
	atom.Object: true, atom.Template: true, atom.Svg: true, atom.Math: true,
	atom.Head: true, atom.Title: true, atom.Select: true, atom.Textarea: true,
}

// inline elements do not separate words ("<b>Haus</b>tür" is one word).
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Cite: true,
	atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true, atom.Font: true, atom.I: true,
	atom.Kbd: true, atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true, atom.Small: true,
	atom.Span: true, atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true, atom.U: true,
	atom.Var: true, atom.Ins: true, atom.Del: true, atom.Wbr: true,
}

// extractText walks s with the HTML tokenizer and keeps the text.
// Block-level tags become spaces so words on both sides stay apart.
// It stops, reporting more, after the token that brings the text to limit
// bytes (no limit if negative), so the text is a prefix of the whole
// text, ending at a token boundary.
func extractText(s string, limit int) (text string, more bool) {
	if !strings.Contains(s, "<") {
		// Without markup the tokenizer would only decode entities
		// (the 4 KB buffer it allocates per call is most of its cost).
		return html.UnescapeString(s), false
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	depth := 0 // inside skipped elements
	for {
		if limit >= 0 && b.Len() >= limit {
			return b.String(), true
		}
		switch z.Next() {
		case html.ErrorToken:
			return b.String(), false
		case html.TextToken:
			if depth == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				depth++
			} else if !inline[a] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				if depth > 0 {
					depth--
				}
			} else if !inline[a] {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// invisible reports characters that have no place in a headline: controls,
// bidi overrides and isolates (they can reverse displayed text),
// zero-width characters and other format characters.
func invisible(r rune) bool {
	switch r {
	case '\u00AD': // soft hyphen
		return true
	case '\u200D': // zero-width joiner: part of some emoji, harmless
		return false
	}
	// Noncharacters (U+FDD0…U+FDEF, U+xFFFE, U+xFFFF) are not text, and
	// U+FFFE and U+FFFF are not even allowed in XML.
	noncharacter := r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
	return unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) || r == utf8.RuneError || noncharacter
}

// windows1252C1 maps U+0080…U+009F to the windows-1252 characters of
// those bytes; 0 where windows-1252 has none.
var windows1252C1 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}

// clean removes invisible characters, collapses whitespace, reads C1
// controls as windows-1252 and applies NFC.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	ascii := true
	for i := 0; i < len(s); {
		c := s[i]
		if c > ' ' && c < 0x7f { // fast path: a run of printable ASCII
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				space = b.Len() > 0
			case c < 0x20 || c == 0x7f:
			default:
				if space {
					b.WriteByte(' ')
					space = false
				}
				b.WriteByte(c)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r >= 0x80 && r <= 0x9F {
			// C1 controls in text are windows-1252 punctuation read as
			// Latin-1 („“–…’ from a word processor); read them as browsers
			// do numeric references (HTML, "numeric character reference end").
			if r = windows1252C1[r-0x80]; r == 0 {
				continue
			}
		}
		switch {
		case unicode.IsSpace(r) || r == '\u00A0':
			space = b.Len() > 0
		case invisible(r):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
			ascii = false
		}
	}
	if ascii {
		return b.String()
	}
	return norm.NFC.String(b.String())
}

// Text cleans a plain-text value (no HTML interpretation).
func Text(s string) string { return clean(s) }

// abbreviations end with a period but do not end a sentence.
var abbreviations = map[string]bool{
	"z.B.": true, "z.": true, "B.": true, "bzw.": true, "Dr.": true, "Nr.": true, "ca.": true, "u.a.": true,
	"etc.": true, "St.": true, "Prof.": true, "Abs.": true, "Art.": true, "vgl.": true, "ggf.": true,
	"inkl.": true, "usw.": true, "Str.": true, "Tel.": true, "d.h.": true, "u.": true, "a.": true,
	"Mio.": true, "Mrd.": true, "bzgl.": true, "evtl.": true, "Hr.": true, "Fr.": true, "i.": true,
}

// Cut shortens s to at most max characters (runes). Invalid UTF-8 in a
// text that is cut comes back as U+FFFD.
func Cut(s string, max int) string {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	if !utf8.ValidString(s) {
		// A run of invalid bytes becomes one U+FFFD: it may fit now.
		if s = strings.ToValidUTF8(s, "\uFFFD"); utf8.RuneCountInString(s) <= max {
			return s
		}
	}
	// Only the first max runes can be kept or looked at (sentenceEnd reads
	// two past its index, which stays below max-1): decoding just those
	// spares a rune copy of a whole article body, and their byte offsets
	// let the result be cut from s.
	var arr [TeaserMax]rune
	var offArr [TeaserMax + 1]int
	rs, offs := arr[:0], offArr[:0]
	if max > len(arr) {
		rs, offs = make([]rune, 0, max), make([]int, 0, max+1)
	}
	for i, r := range s {
		offs = append(offs, i)
		if len(rs) == max {
			break
		}
		rs = append(rs, r)
	}
	limit := max - 2 // room for " …"
	// Prefer the last sentence end that keeps at least half the room.
	for i := limit - 1; i >= limit/2; i-- {
		if sentenceEnd(s, rs, offs, i) {
			return s[:offs[i+1]] + " …"
		}
	}
	for i := limit; i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			head := strings.TrimRightFunc(s[:offs[i]], func(r rune) bool {
				return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '.' && r != '!' && r != '?' && r != ')' && r != '"' && r != '“'
			})
			if head != "" {
				return head + " …"
			}
			// Only dashes or quotes before the first word: cutting at a
			// word would leave " …" alone, so cut inside it instead.
			break
		}
	}
	return strings.TrimRightFunc(s[:offs[limit]], unicode.IsSpace) + "…"
}

// sentenceEnd reports whether rs[i] ends a sentence: . ! or ? followed by
// a space and an upper-case letter, not after a number or abbreviation.
// offs holds the byte offset in s of each rune of rs.
func sentenceEnd(s string, rs []rune, offs []int, i int) bool {
	r := rs[i]
	if r != '.' && r != '!' && r != '?' {
		return false
	}
	if i+2 >= len(rs) || !unicode.IsSpace(rs[i+1]) {
		return false
	}
	next := rs[i+2]
	if !unicode.IsUpper(next) && next != '„' && next != '"' {
		return false
	}
	if r != '.' {
		return true
	}
	start := i
	for start > 0 && !unicode.IsSpace(rs[start-1]) {
		start--
	}
	if abbreviations[s[offs[start]:offs[i+1]]] {
		return false
	}
	// "13. Januar", "3. Quartal": an ordinal, not a sentence end.
	if i-1 >= start && unicode.IsDigit(rs[i-1]) {
		return false
	}
	return true
}
