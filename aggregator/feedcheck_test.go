package aggregator

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

func TestXMLDepth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"flat", `<?xml version="1.0"?><rss><channel><item><title>a</title></item></channel></rss>`, 4},
		{"self-closing", `<feed><link href="x"/><entry><link href="y"/></entry></feed>`, 3},
		{"cdata with unbalanced html", `<rss><item><description><![CDATA[<p><br><div><span>]]></description></item></rss>`, 3},
		{"comment", `<rss><!-- <a><b><c> --><item/></rss>`, 2},
		{"doctype", `<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel/></rss>`, 2},
		{"deep", strings.Repeat("<a>", 300), 257}, // stops just past the limit
		// A processing instruction ends at "?>", not at ">": read as
		// ending earlier, its "<!--" hid the rest of the body.
		{"processing instruction with >", `<?xml version="1.0"?><?x > <!-- ?>` + strings.Repeat("<x:a>", 300), 257},
		// Quoted attribute values may hold ">" and "/>".
		{"quoted />", strings.Repeat(`<x:a b="/>">`, 300), 257},
		{"quoted > in a flat feed", `<rss><channel>` + strings.Repeat(`<item><enclosure url="u" title="A -> B"/></item>`, 300) + `</channel></rss>`, 4},
		{"single quotes", `<rss a='>' b='/>'><item/></rss>`, 2},
		{"declaration with quoted >", `<!DOCTYPE rss [<!ENTITY x "a>b"> <!-- > -->]><rss><item/></rss>`, 2},
		{"declaration starting with a quote", `<!"><a><b/></a>`, 2},
		{"end tags", `<a><b></b><c></c></a>`, 2},
		{"unterminated tag", `<a><b c="`, 2}, // more than the parser reaches: safe
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := xmlDepth([]byte(tt.in), 256); got != tt.want {
				t.Errorf("xmlDepth = %d, want %d", got, tt.want)
			}
		})
	}
}

// FuzzXMLDepth holds xmlDepth to what gofeed's tokenizer (encoding/xml,
// not strict, as gofeed configures it) nests: never less up to the
// first error, and exactly as deep for a well-formed document.
func FuzzXMLDepth(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><rss><channel><item><title>a</title></item></channel></rss>`,
		`<?x > <!-- ?><a><b>`, `<a b="/>"><c>`, `<!DOCTYPE r [<!ENTITY x "a>b"> <!-- > -->]><r><i/></r>`,
		`<!"><a><b/></a>`, `<r><![CDATA[<a><b>]]><c/></r>`, `<a b=x/><c d='>'>`, `<!-- a -- b --><r/>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := xmlDepth(b, 1<<30)
		lax, laxErr := decoderDepth(b, false)
		if got < lax {
			t.Fatalf("xmlDepth = %d, but encoding/xml nests %d deep before %v", got, lax, laxErr)
		}
		if strict, err := decoderDepth(b, true); err == nil && got != strict {
			t.Fatalf("xmlDepth = %d for a well-formed document %d deep", got, strict)
		}
	})
}

// decoderDepth is the deepest nesting encoding/xml reaches in b before
// its first error (nil at the end of the document).
func decoderDepth(b []byte, strict bool) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = strict
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth, deepest := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return deepest, nil
		}
		if err != nil {
			return deepest, err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			deepest = max(deepest, depth)
		case xml.EndElement:
			depth--
		}
	}
}
