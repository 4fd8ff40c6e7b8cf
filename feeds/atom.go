package feeds

import (
	"bytes"
	"encoding/xml"
	"time"
)

// The Atom document is written with these types rather than with
// gorilla/feeds, whose Atom output lacks published, self/next links,
// category attributes and a structured source element.

const atomNS = "http://www.w3.org/2005/Atom"

// landScheme identifies ISO 3166-2 subdivision codes as category terms.
const landScheme = "urn:iso:std:iso:3166:-2"

type atomFeed struct {
	XMLName   xml.Name      `xml:"feed"`
	NS        string        `xml:"xmlns,attr"`
	Lang      string        `xml:"xml:lang,attr"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  atomText      `xml:"subtitle"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomGenerator struct {
	URI     string `xml:"uri,attr"`
	Version string `xml:"version,attr"`
	Name    string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr"`
	Label  string `xml:"label,attr"`
}

// atomSource attributes an entry to its origin feed. It has no id: the
// origin's own atom:id is not stored, and its URL is not its id.
type atomSource struct {
	Title atomText   `xml:"title"`
	Links []atomLink `xml:"link"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Author     atomPerson     `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
	Source     *atomSource    `xml:"source"`
}

// generatorVersion is written into every feed's generator element.
const generatorVersion = "0.1"

const projectURI = "https://github.com/egovfeed/egovfeed"

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// renderAtom writes d as an Atom 1.0 document (RFC 4287).
func renderAtom(d *doc) ([]byte, error) {
	f := atomFeed{
		NS:        atomNS,
		Lang:      "de",
		ID:        d.feedID,
		Title:     atomText{Type: "text", Body: d.title},
		Subtitle:  atomText{Type: "text", Body: d.description},
		Updated:   atomTime(d.updated),
		Generator: atomGenerator{URI: projectURI, Version: generatorVersion, Name: "egovfeed"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: d.self},
			{Rel: "alternate", Type: "text/html", Href: d.htmlURL},
		},
	}
	if d.next != "" {
		f.Links = append(f.Links, atomLink{Rel: "next", Type: "application/atom+xml", Href: d.next})
	}
	f.Entries = make([]atomEntry, len(d.items))
	for i := range d.items {
		it := &d.items[i]
		e := atomEntry{
			ID:        it.ID,
			Title:     atomText{Type: "text", Body: it.Title},
			Updated:   atomTime(it.Updated),
			Published: atomTime(it.Published),
			Author:    atomPerson{Name: it.Source},
			Summary:   atomText{Type: "text", Body: it.Teaser},
			Content:   atomText{Type: "html", Body: it.ContentHTML},
		}
		if it.Link != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Type: "text/html", Href: it.Link})
		}
		for _, r := range it.Related {
			if r.Link != "" {
				e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: r.Link, Title: r.Source})
			}
		}
		for _, l := range it.Lands {
			e.Categories = append(e.Categories, atomCategory{Term: l.Code, Scheme: landScheme, Label: l.Name})
		}
		src := &atomSource{Title: atomText{Type: "text", Body: it.FeedTitle}}
		if it.FeedLink != "" {
			src.Links = append(src.Links, atomLink{Rel: "alternate", Type: "text/html", Href: it.FeedLink})
		}
		if it.SourceURL != "" {
			src.Links = append(src.Links, atomLink{Rel: "self", Href: it.SourceURL})
		}
		e.Source = src
		f.Entries[i] = e
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
