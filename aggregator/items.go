package aggregator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/storage"
	"github.com/mmcdole/gofeed"
)

// Length limits: a source must not be able to store or republish
// megabytes per item. Headlines longer than titleMax are cut like teasers.
const (
	titleFallbackMax = 100  // a title made from the teaser of an untitled item
	titleMax         = 300  // characters
	guidMax          = 512  // bytes; longer GUIDs are replaced by their hash
	linkMax          = 2048 // bytes; longer links are dropped
)

// normalizeFeed turns a parsed feed into items ready to store. feedURL is
// the URL the body came from, after redirects.
func (a *Aggregator) normalizeFeed(src *source, feed *gofeed.Feed, feedURL string, now time.Time) []storage.NewItem {
	base, _ := url.Parse(feedURL)
	if l, err := normalize.CanonicalLink(feed.Link, base); err == nil {
		base, _ = url.Parse(l)
	}
	items := make([]storage.NewItem, 0, len(feed.Items))
	var byLink map[string]int // GUID-less items keyed by their link, per link
	var keyedByLink []int     // their positions in items
	for _, fi := range feed.Items {
		if fi == nil {
			continue
		}
		it := a.normalizeItem(src, fi, base, now)
		if it.GUID == "" {
			continue
		}
		if it.Link != "" && it.GUID == boundGUID(it.Link) && normalize.Text(fi.GUID) == "" {
			if byLink == nil {
				byLink = map[string]int{}
			}
			byLink[it.Link]++
			keyedByLink = append(keyedByLink, len(items))
		}
		items = append(items, it)
	}
	// GUID-less items that share a link (every item of a feed without
	// article pages links to one overview) are told apart by their title:
	// keyed by the link alone they would be one item, and a new story
	// would overwrite the last. A feed going from one such item to two
	// re-keys the stored one (storage finds it moved). Items that share
	// the title too ("Bekanntmachung") are told apart by their teaser as
	// well: keyed alike, all but one would be dropped below as variants of
	// one item.
	type linkTitle struct{ link, title string }
	perTitle := make(map[linkTitle]int, len(keyedByLink))
	for _, i := range keyedByLink {
		perTitle[linkTitle{items[i].Link, items[i].Title}]++
	}
	// Each also names its key of the other state as AltGUID, so that
	// storage finds it when the feed goes from two such items back to one:
	// the one left must not be taken for the item stored under the bare
	// link.
	sharedKey := func(it *storage.NewItem, withTeaser bool) string {
		text := it.Title
		if withTeaser {
			text += "\x00" + it.Teaser
		}
		h := sha256.Sum256([]byte(text))
		return boundGUID(it.Link + " " + hex.EncodeToString(h[:8]))
	}
	for _, i := range keyedByLink {
		it := &items[i]
		if byLink[it.Link] > 1 {
			it.GUID, it.AltGUID = sharedKey(it, perTitle[linkTitle{it.Link, it.Title}] > 1), it.GUID
		} else {
			it.AltGUID, it.AltAlias = sharedKey(it, false), true
		}
	}
	// A feed repeating a GUID means one item. Which of its variants is
	// kept must not depend on their order, or a feed that shuffles them
	// would have the item updated back and forth on every fetch: the one
	// whose text sorts first wins.
	at := make(map[string]int, len(items))
	out := items[:0]
	for _, it := range items {
		k, dup := at[it.GUID]
		switch {
		case !dup:
			at[it.GUID] = len(out)
			out = append(out, it)
		case variantLess(&it, &out[k]):
			out[k] = it
		}
	}
	return out
}

// boundGUID keeps a key within guidMax bytes: a longer one (a GUID, or a
// link standing in for one) is replaced by its hash.
func boundGUID(g string) string {
	if len(g) <= guidMax {
		return g
	}
	h := sha256.Sum256([]byte(g))
	return "sha256:" + hex.EncodeToString(h[:16])
}

// variantLess orders variants of one item by their text.
func variantLess(a, b *storage.NewItem) bool {
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Teaser != b.Teaser {
		return a.Teaser < b.Teaser
	}
	return a.Link < b.Link
}

func (a *Aggregator) normalizeItem(src *source, fi *gofeed.Item, base *url.URL, now time.Time) storage.NewItem {
	var it storage.NewItem
	it.OrigLink = strings.TrimSpace(fi.Link)
	if it.OrigLink == "" && len(fi.Links) > 0 {
		it.OrigLink = strings.TrimSpace(fi.Links[0])
	}
	if len(it.OrigLink) > linkMax {
		it.OrigLink = ""
	}
	if l, err := normalize.CanonicalLink(it.OrigLink, base); err == nil && len(l) <= linkMax {
		it.Link = l
		if abs, err := base.Parse(it.OrigLink); err == nil {
			it.OrigLink = abs.String()
		}
	} else {
		it.OrigLink = ""
	}

	body := fi.Description
	if strings.TrimSpace(body) == "" {
		body = fi.Content
	}
	it.Teaser = normalize.Teaser(body, normalize.TeaserMax)
	it.Title = normalize.Cut(normalize.Title(fi.Title), titleMax)
	if it.Title == "" {
		it.Title = normalize.Cut(it.Teaser, titleFallbackMax)
	}

	switch guid := normalize.Text(fi.GUID); {
	case guid != "":
		it.GUID = boundGUID(guid)
	case it.Link != "":
		it.GUID = boundGUID(it.Link)
	case it.Title != "" || it.Teaser != "":
		h := sha256.Sum256([]byte(it.Title + "\x00" + it.Teaser))
		it.GUID = "sha256:" + hex.EncodeToString(h[:16])
	}

	it.Published, it.DateFromSource = itemDate(fi, now)
	it.Lands = a.tags(src, it.Title, it.Teaser)
	it.Fingerprint = fingerprint(&it)
	return it
}

// itemDate picks the item's date: published, else updated; implausible
// dates count as missing (first-seen is used). A date that names no zone
// is Berlin time (normalize.LocalDate), not the UTC gofeed takes it for.
func itemDate(fi *gofeed.Item, now time.Time) (time.Time, bool) {
	for _, f := range []struct {
		raw    string
		parsed *time.Time
	}{{fi.Published, fi.PublishedParsed}, {fi.Updated, fi.UpdatedParsed}} {
		if t, ok := normalize.LocalDate(f.raw); ok {
			if normalize.PlausibleDate(t, now) {
				return t, true
			}
			continue
		}
		if f.parsed != nil && normalize.PlausibleDate(*f.parsed, now) {
			return f.parsed.UTC(), true
		}
		// German forms with a zone name gofeed does not know ("MEZ").
		if t, ok := normalize.GermanDate(f.raw); ok && normalize.PlausibleDate(t, now) {
			return t, true
		}
	}
	return time.Time{}, false
}

// tags merges the source's configured Land with the tags found in text.
func (a *Aggregator) tags(src *source, title, teaser string) []storage.LandTag {
	var out []storage.LandTag
	if src.cfg.Land != "" {
		out = append(out, storage.LandTag{Land: src.cfg.Land, Rule: "source", Evidence: src.cfg.Name})
	}
	if a.tag == nil || !src.cfg.TagsFromContent() {
		return out
	}
	for _, t := range a.tag(title, teaser) {
		if t.Land == src.cfg.Land {
			continue
		}
		out = append(out, t)
	}
	return out
}
