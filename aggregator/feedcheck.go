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
// early once limit is passed. Comments, CDATA sections (which hold
// unbalanced HTML), declarations and processing instructions are skipped.
// It is a cheap byte scan, not a parser: it only has to be right for
// bodies the parser would accept.
func xmlDepth(b []byte, limit int) int {
	depth, deepest := 0, 0
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := b[i:]
		var end []byte
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end = []byte("-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end = []byte("]]>")
		case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("<?")):
			end = []byte(">")
		}
		if end != nil {
			k := bytes.Index(rest, end)
			if k < 0 {
				break
			}
			i += k + len(end)
			continue
		}
		k := bytes.IndexByte(rest, '>')
		if k < 0 {
			break
		}
		switch {
		case len(rest) > 1 && rest[1] == '/':
			depth--
		case rest[k-1] != '/':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		}
		i += k + 1
	}
	return deepest
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
