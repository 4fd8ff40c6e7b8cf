package normalize

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

var xmlEncodingDecl = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*)["']([A-Za-z0-9._:-]+)["']`)

// UTF8 returns a feed body as valid UTF-8, its XML declaration (if any)
// rewritten to say so. The parser only reads the charset from the XML
// prolog, so the HTTP Content-Type charset is applied here. Precedence:
// a UTF-16 byte order mark, then the XML declaration, then the HTTP
// charset, then UTF-8. A single-byte declaration on a body that is
// valid UTF-8 with multi-byte sequences is taken to be wrong. Invalid
// UTF-8 with no declaration is read as windows-1252 when it holds no
// valid multi-byte sequence at all (a Latin-1 feed that declares
// nothing), else the invalid bytes become U+FFFD.
func UTF8(body []byte, contentType string) []byte {
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	if bytes.HasPrefix(body, []byte("\xFF\xFE")) || bytes.HasPrefix(body, []byte("\xFE\xFF")) {
		label := "utf-16le"
		if body[0] == 0xFE {
			label = "utf-16be"
		}
		if enc, _ := charset.Lookup(label); enc != nil {
			if out, err := enc.NewDecoder().Bytes(body[2:]); err == nil {
				body = out
			}
		}
		return rewriteDecl(stripControls(body))
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
	valid := utf8.Valid(body)
	switch {
	case label == "" || label == "utf-8" || label == "utf8":
		if !valid {
			if hasMultibyte(body) {
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
	if bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }) < 0 {
		return b
	}
	out := b[:0:0]
	for _, c := range b {
		if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
			out = append(out, c)
		}
	}
	return out
}

func rewriteDecl(b []byte) []byte {
	head := b[:min(len(b), 512)]
	loc := xmlEncodingDecl.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[3]]...)
	out = append(out, `"UTF-8"`...)
	out = append(out, b[loc[5]+1:]...)
	return out
}
