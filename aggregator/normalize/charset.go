package normalize

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

var xmlEncodingDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*)["']([A-Za-z0-9._:-]+)["']`)

// UTF8 returns a feed body as valid UTF-8, its XML declaration (if any)
// rewritten to say so. The parser only reads the charset from the XML
// prolog, so the HTTP Content-Type charset is applied here. Precedence:
// a UTF-16 or UTF-32 body (known by its byte order mark or, as XML 1.0
// Appendix F does, by the zero bytes around its first characters), then
// the XML declaration, then the HTTP charset, then UTF-8. A single-byte
// declaration on a body that is valid UTF-8 with multi-byte sequences is
// taken to be wrong, and so is a UTF-16/32 declaration on a body that is
// not. Invalid UTF-8 with no declaration is read as windows-1252 unless
// its valid multi-byte sequences outnumber its runs of invalid bytes (a
// Latin-1 feed that declares nothing), else the invalid bytes become
// U+FFFD.
func UTF8(body []byte, contentType string) []byte {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if enc, bom := wideEncoding(body); enc != nil {
		out, err := enc.NewDecoder().Bytes(body[bom:])
		if err != nil {
			out = bytes.ToValidUTF8(body[bom:], []byte("\uFFFD"))
		}
		return rewriteDecl(stripControls(out))
	}
	label := ""
	head := body[:min(len(body), 512)]
	if m := xmlEncodingDecl.FindSubmatch(head); m != nil {
		label = strings.ToLower(string(m[2]))
	}
	if label == "" && contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			label = strings.ToLower(params["charset"])
		}
	}
	if isWide(label) {
		// Not UTF-16/32 by its bytes: the declaration is wrong.
		label = ""
	}
	valid := utf8.Valid(body)
	switch {
	case label == "" || label == "utf-8" || label == "utf8":
		if !valid {
			if multi, invalid := utf8Counts(body); multi > invalid {
				body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
			} else {
				body = decode("windows-1252", body)
			}
		}
	case valid && hasMultibyte(body):
		// Declared single-byte, but the bytes are UTF-8: the declaration lies.
	default:
		body = decode(label, body)
		if !utf8.Valid(body) {
			body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
	}
	return rewriteDecl(stripControls(body))
}

// wideEncoding recognizes UTF-32 and UTF-16 bodies by their byte order
// mark (the length of which it returns) or, without one, by the zero
// bytes of their first character: a feed starts with "<" or white space,
// and XML allows no NUL character, so no 8-bit body starts that way.
func wideEncoding(b []byte) (encoding.Encoding, int) {
	if len(b) < 4 {
		return nil, 0
	}
	switch {
	case b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF:
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 4
	case b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0:
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 4
	case b[0] == 0xFE && b[1] == 0xFF:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 2
	case b[0] == 0xFF && b[1] == 0xFE:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 0
	case b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 0
	case b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0
	case b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0
	}
	return nil, 0
}

// isWide reports a UTF-16 or UTF-32 charset label.
func isWide(label string) bool {
	return strings.HasPrefix(label, "utf-16") || strings.HasPrefix(label, "utf-32") ||
		strings.HasPrefix(label, "utf16") || strings.HasPrefix(label, "utf32") ||
		strings.HasPrefix(label, "ucs-2") || strings.HasPrefix(label, "ucs-4") || label == "unicode" ||
		label == "iso-10646-ucs-2" || label == "iso-10646-ucs-4" || label == "csunicode"
}

func decode(label string, b []byte) []byte {
	enc, _ := charset.Lookup(label)
	if enc == nil {
		if utf8.Valid(b) {
			return b
		}
		enc, _ = charset.Lookup("windows-1252")
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return out
}

// utf8Counts counts the valid UTF-8 sequences of two or more bytes and
// the runs of bytes that are not valid UTF-8. A Latin-1 text holds valid
// sequences by accident ("doué »" is E9 A0 BB, one CJK character), so
// a body is taken for UTF-8 with errors only when valid sequences
// outnumber invalid runs.
func utf8Counts(b []byte) (multi, invalid int) {
	inRun := false
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			inRun = false
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			if !inRun {
				invalid++
			}
			inRun = true
		} else {
			multi++
			inRun = false
		}
		i += n
	}
	return multi, invalid
}

// hasMultibyte reports a valid UTF-8 sequence of two or more bytes.
func hasMultibyte(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && n > 1 {
			return true
		}
		i += n
	}
	return false
}

// stripControls removes C0 control characters XML 1.0 forbids, which
// some servers leak into feeds and which make the XML parser give up.
func stripControls(b []byte) []byte {
	// Bytewise: no byte of a multi-byte UTF-8 sequence is below 0x80.
	first := -1
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			first = i
			break
		}
	}
	if first < 0 {
		return b
	}
	out := append(make([]byte, 0, len(b)), b[:first]...)
	for _, c := range b[first:] {
		if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
			out = append(out, c)
		}
	}
	return out
}

func rewriteDecl(b []byte) []byte {
	head := b[:min(len(b), 512)]
	loc := xmlEncodingDecl.FindSubmatchIndex(head)
	if loc == nil || strings.EqualFold(string(head[loc[4]:loc[5]]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[3]]...)
	out = append(out, `"UTF-8"`...)
	out = append(out, b[loc[5]+1:]...)
	return out
}
