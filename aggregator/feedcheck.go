package aggregator

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mmcdole/gofeed"
)

// maxXMLDepth bounds element nesting. Real feeds nest a dozen levels;
// gofeed's extension parser recurses once per level, and a deep enough
// body overflows the goroutine stack, which no recover can catch.
const maxXMLDepth = 256

// xmlDepth returns the deepest element nesting in an XML body, stopping
// early once limit is passed. It is a byte scan, not a parser, but it
// splits the body into markup the way encoding/xml (gofeed's tokenizer,
// non-strict) does: comments end at "-->", CDATA at "]]>", processing
// instructions at "?>", declarations at the ">" that balances their
// "<" outside quotes, tags at the first ">" outside a quoted attribute
// value. Up to the first point where the parser would fail it never
// counts less than the parser nests (FuzzXMLDepth holds it to that), so
// no body gets past it into gofeed's recursion.
func xmlDepth(b []byte, limit int) int {
	depth, deepest := 0, 0
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := b[i:]
		var n int // length of the markup at rest; 0: runs to the end
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			n = skipPast(rest, 4, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			n = skipPast(rest, 9, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			n = skipPast(rest, 2, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			n = declarationEnd(rest)
		case bytes.HasPrefix(rest, []byte("</")):
			if k := bytes.IndexByte(rest, '>'); k >= 0 {
				n = k + 1
			}
			depth--
		default:
			// A self-closing element is one level deeper while it is
			// read; afterwards the depth is what it was.
			var selfClosing bool
			n, selfClosing = tagEnd(rest)
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
			if selfClosing {
				depth--
			}
		}
		if n == 0 {
			break
		}
		i += n
	}
	return deepest
}

// skipPast returns the length of b up to and including the first end
// at or after from, or 0 if there is none.
func skipPast(b []byte, from int, end string) int {
	if k := bytes.Index(b[from:], []byte(end)); k >= 0 {
		return from + k + len(end)
	}
	return 0
}

// tagEnd returns the length of the start tag at b ("<" up to the first
// ">" outside quotes) and whether it closes itself ("/>"), or 0 if it
// does not end. encoding/xml reads quotes in a tag only as attribute
// values; anywhere else it fails there, so reading every quote as one
// is safe.
func tagEnd(b []byte) (int, bool) {
	var quote byte
	for k := 1; k < len(b); k++ {
		if c := b[k]; !quoted(&quote, c) && c == '>' {
			return k + 1, b[k-1] == '/'
		}
	}
	return 0, false
}

// quoted moves the quote state q (the open quote, or 0) past c and
// reports whether c belongs to a quoted string, its quotes included.
func quoted(q *byte, c byte) bool {
	switch {
	case *q != 0:
		if c == *q {
			*q = 0
		}
		return true
	case c == '"' || c == '\'':
		*q = c
		return true
	}
	return false
}

// declarationEnd returns the length of the declaration at b ("<!DOCTYPE
// …>", with its internal subset), or 0 if it does not end. It follows
// encoding/xml: the byte after "<!" is taken as it is, then quoted text
// is skipped, "<" and ">" nest, and comments inside end at "-->".
func declarationEnd(b []byte) int {
	var quote byte
	depth := 0
	for k := 3; k < len(b); k++ {
		c := b[k]
		if quoted(&quote, c) {
			continue
		}
		switch {
		case c == '>':
			if depth == 0 {
				return k + 1
			}
			depth--
		case c == '<':
			if bytes.HasPrefix(b[k:], []byte("<!--")) {
				m := bytes.Index(b[k+4:], []byte("-->"))
				if m < 0 {
					return 0
				}
				k += 4 + m + 2
				continue
			}
			depth++
		}
	}
	return 0
}

// checkFeed rejects what gofeed would accept but is no feed: an arbitrary
// JSON object (an API's error body, say) parses as an empty JSON Feed.
// JSON Feed requires "version"; its value is meant to be the spec's URL,
// but bare numbers ("1.1") are seen too and accepted.
func checkFeed(feed *gofeed.Feed) error {
	if feed.FeedType == "json" && strings.TrimSpace(feed.FeedVersion) == "" {
		return fmt.Errorf("%w: JSON without a JSON Feed \"version\"", ErrNotAFeed)
	}
	return nil
}
