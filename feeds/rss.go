package feeds

import (
	"bytes"
	"encoding/xml"
	"html"
	"time"

	gfeeds "github.com/gorilla/feeds"
)

// RSS 2.0 is built with gorilla/feeds and extended where its types fall
// short: atom:link self/next in the channel, one category per Land and
// a source element with its url attribute (gorilla writes source as
// bare text, which RSS 2.0 does not allow).

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	*gfeeds.RssFeed
	AtomLinks []rssAtomLink `xml:"atom:link"`
	Items     []rssItem     `xml:"item"` // replaces RssFeed.Items
}

type rssAtomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type rssItem struct {
	*gfeeds.RssItem
	Link       string        `xml:"link,omitempty"` // replaces RssItem.Link: no empty <link> without a safe link
	Categories []rssCategory `xml:"category"`       // replaces RssItem.Category
	Source     *rssSource    `xml:"source"`         // replaces RssItem.Source
}

type rssCategory struct {
	Domain string `xml:"domain,attr"`
	Name   string `xml:",chardata"`
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

// gorillaFeed maps d onto gorilla/feeds' neutral feed, from which its
// RSS and JSON Feed types are derived.
func gorillaFeed(d *doc, selfURL string) *gfeeds.Feed {
	f := &gfeeds.Feed{
		Title:       d.title,
		Link:        &gfeeds.Link{Href: d.htmlURL},
		Description: d.description,
		Updated:     d.updated.UTC(),
		Id:          d.feedID,
	}
	f.Items = make([]*gfeeds.Item, len(d.items))
	for i := range d.items {
		it := &d.items[i]
		gi := &gfeeds.Item{
			Title:       it.Title,
			Author:      &gfeeds.Author{Name: it.Source},
			Id:          it.ID,
			IsPermaLink: "false",
			Created:     it.Published.UTC(),
			Updated:     it.Updated.UTC(),
			Content:     it.ContentHTML,
		}
		if it.Link != "" {
			gi.Link = &gfeeds.Link{Href: it.Link}
		}
		f.Items[i] = gi
	}
	return f
}

// renderRSS writes d as RSS 2.0.
func renderRSS(d *doc) ([]byte, error) {
	gf := gorillaFeed(d, d.self)
	// RSS descriptions are HTML: the teaser goes in escaped, so text
	// that looks like markup stays text in every reader.
	for i := range gf.Items {
		gf.Items[i].Description = html.EscapeString(d.items[i].Teaser)
	}
	ch := (&gfeeds.Rss{Feed: gf}).RssFeed()
	ch.Language = "de"
	ch.Generator = "egovfeed " + generatorVersion
	ch.PubDate = ""
	ch.LastBuildDate = d.updated.UTC().Format(time.RFC1123Z)
	c := rssChannel{RssFeed: ch, Items: make([]rssItem, len(ch.Items))}
	c.AtomLinks = append(c.AtomLinks, rssAtomLink{Rel: "self", Type: "application/rss+xml", Href: d.self})
	if d.next != "" {
		c.AtomLinks = append(c.AtomLinks, rssAtomLink{Rel: "next", Type: "application/rss+xml", Href: d.next})
	}
	for i, ri := range ch.Items {
		it := &d.items[i]
		// pubDate is the published time only, never the update time.
		ri.PubDate = it.Published.UTC().Format(time.RFC1123Z)
		ri.Author = "" // RSS wants an e-mail address; the source follows in <source>
		ri.Source = ""
		ri.Category = ""
		item := rssItem{RssItem: ri, Link: ri.Link}
		for _, l := range it.Lands {
			item.Categories = append(item.Categories, rssCategory{Domain: landScheme, Name: l.Code})
		}
		if it.SourceURL != "" {
			item.Source = &rssSource{URL: it.SourceURL, Name: it.FeedTitle}
		}
		c.Items[i] = item
	}
	ch.Items = nil
	out := rssDoc{
		Version:   "2.0",
		ContentNS: "http://purl.org/rss/1.0/modules/content/",
		AtomNS:    atomNS,
		Channel:   c,
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
