package feeds

import (
	"bytes"
	"context"
	"embed"
	"encoding/xml"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// doc is one page of a feed, presented and ready for any format.
type doc struct {
	v           *view
	feedID      string
	title       string
	description string
	self        string // absolute URL of this document
	htmlURL     string // the HTML page of the selection
	next        string // absolute URL of the next page in the same format, or ""
	updated     time.Time
	items       []presented
}

// rendered is a document as render produces it.
type rendered struct {
	body    []byte
	expires time.Time // zero: until the next change of the data
	next    string    // absolute URL of the next page, or ""
}

// render produces the bytes of v. It is called once per change of the
// content (see cache.go), never per request.
func (s *Server) render(ctx context.Context, v *view) (rendered, error) {
	switch v.kind {
	case kindSourcesOPML:
		b, err := s.renderSourcesOPML(ctx)
		return rendered{body: b}, err
	case kindFeedsOPML:
		b, err := s.renderFeedsOPML()
		return rendered{body: b}, err
	}
	pg, err := s.selectPage(ctx, v, s.now())
	if err != nil {
		return rendered{}, err
	}
	d := &doc{
		v:           v,
		feedID:      s.pres.tagURI("feed/" + v.name()),
		title:       v.title(),
		description: v.description(),
		self:        v.urlWith(s.base, v.format, v.params),
		htmlURL:     v.urlWith(s.base, FormatHTML, params{}),
		updated:     epoch, // of an empty feed; else the newest item update
		items:       make([]presented, len(pg.items)),
	}
	for i := range pg.items {
		d.items[i] = s.pres.present(&pg.items[i])
		if i == 0 || d.items[i].Updated.After(d.updated) {
			d.updated = d.items[i].Updated
		}
	}
	if pg.next != nil {
		np := v.params
		np.before = pg.next
		np.until = pg.until
		d.next = v.urlWith(s.base, v.format, np)
	}
	r := rendered{expires: pg.expires, next: d.next}
	switch v.format {
	case FormatAtom:
		r.body, err = renderAtom(d)
	case FormatRSS:
		r.body, err = renderRSS(d)
	case FormatJSON:
		r.body, err = renderJSON(d)
	case FormatHTML:
		r.body, err = s.renderHTML(d)
	case FormatText:
		r.body = renderText(d)
	default:
		err = fmt.Errorf("feeds: unknown format %d", v.format)
	}
	return r, err
}

// renderText writes the teaser list as plain text, for newsletters:
//
//	München: Fortschreibung der Digitalisierungsstrategie
//	[13.02.2025] Der Münchner Stadtrat hat … beschlossen. mehr... https://…
//
// with a blank line between items.
func renderText(d *doc) []byte {
	var b bytes.Buffer
	for i := range d.items {
		it := &d.items[i]
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(it.Title)
		b.WriteByte('\n')
		b.WriteString(it.ContentText)
		if it.Link != "" {
			b.WriteString(" mehr... ")
			b.WriteString(it.Link)
		}
		b.WriteByte('\n')
		if len(it.Related) > 0 {
			names := make([]string, len(it.Related))
			for j, r := range it.Related {
				names[j] = r.Source
			}
			b.WriteString("Auch berichtet von: ")
			b.WriteString(strings.Join(names, ", "))
			b.WriteString(moreRelated(it.MoreRelated))
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

//go:embed templates/page.html
var templateFS embed.FS

var pageTemplate = template.Must(template.ParseFS(templateFS, "templates/page.html"))

type htmlPage struct {
	Title, Description       string
	AtomURL, RSSURL, JSONURL string
	TextURL                  string // the teaser list as plain text (newsletters)
	Nav, Outputs             []htmlNavLink
	Items                    []presented
	Next                     string
	FeedsOPML, SourcesOPML   string
}

type htmlNavLink struct {
	Name, Href string
	Current    bool
}

// renderHTML writes the teaser list as an HTML page with navigation by
// Land and autodiscovery links to the selection's feeds.
func (s *Server) renderHTML(d *doc) ([]byte, error) {
	v := d.v
	p := htmlPage{
		Title:       d.title,
		Description: d.description,
		Items:       d.items,
		Next:        d.next,
		FeedsOPML:   s.base + "/feeds.opml",
		SourcesOPML: s.base + "/sources.opml",
	}
	p.AtomURL = v.urlWith(s.base, FormatAtom, params{})
	p.RSSURL = v.urlWith(s.base, FormatRSS, params{})
	p.JSONURL = v.urlWith(s.base, FormatJSON, params{})
	p.TextURL = v.urlWith(s.base, FormatText, params{})
	p.Nav = append(p.Nav, htmlNavLink{Name: "Alle", Href: s.base + "/", Current: v.kind == kindAll})
	for _, code := range config.LandCodes {
		p.Nav = append(p.Nav, htmlNavLink{Name: config.LandName(code), Href: s.base + "/land/" + landSlug(code),
			Current: v.kind == kindLand && v.land == code})
	}
	for i := range s.cfg.Outputs {
		o := &s.cfg.Outputs[i]
		name := o.Title
		if name == "" {
			name = o.Name
		}
		p.Outputs = append(p.Outputs, htmlNavLink{Name: name, Href: s.base + "/outputs/" + o.Name,
			Current: v.kind == kindOutput && v.output.Name == o.Name})
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("feeds: html page: %w", err)
	}
	return b.Bytes(), nil
}

// OPML 2.0 documents.

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Docs    string      `xml:"head>docs"`
	Body    []opmlEntry `xml:"body>outline"`
}

type opmlEntry struct {
	Text     string      `xml:"text,attr"`
	Title    string      `xml:"title,attr,omitempty"`
	Type     string      `xml:"type,attr,omitempty"`
	XMLURL   string      `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string      `xml:"htmlUrl,attr,omitempty"`
	Children []opmlEntry `xml:"outline"`
}

func encodeOPML(o opmlDoc) ([]byte, error) {
	o.Version = "2.0"
	o.Docs = "http://opml.org/spec2.opml"
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(o); err != nil {
		return nil, fmt.Errorf("feeds: opml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// renderSourcesOPML lists every configured input source, with its
// website when a fetch has told us one.
func (s *Server) renderSourcesOPML(ctx context.Context) ([]byte, error) {
	stored, err := s.store.Sources(ctx)
	if err != nil {
		return nil, err
	}
	site := map[string]string{}
	for _, st := range stored {
		site[st.URL] = safeURL(st.FeedLink)
	}
	o := opmlDoc{Title: "egovfeed – Quellen"}
	for _, src := range s.cfg.Sources {
		text := src.Name
		if src.Land != "" {
			text += " (" + config.LandName(src.Land) + ")"
		}
		o.Body = append(o.Body, opmlEntry{Text: text, Title: src.Name, Type: "rss", XMLURL: safeURL(src.URL), HTMLURL: site[src.URL]})
	}
	return encodeOPML(o)
}

// renderFeedsOPML lists every republished feed (Atom): all items, each
// Land in one folder (importing it subscribes to all Land feeds at
// once) and each curated output.
func (s *Server) renderFeedsOPML() ([]byte, error) {
	o := opmlDoc{Title: "egovfeed – Feeds"}
	entry := func(v *view) opmlEntry {
		return opmlEntry{Text: v.title(), Title: v.title(), Type: "rss",
			XMLURL: v.urlWith(s.base, FormatAtom, params{}), HTMLURL: v.urlWith(s.base, FormatHTML, params{})}
	}
	o.Body = append(o.Body, entry(&view{kind: kindAll}))
	lands := opmlEntry{Text: "Länder und Bund", Title: "Länder und Bund"}
	for _, code := range config.LandCodes {
		lands.Children = append(lands.Children, entry(&view{kind: kindLand, land: code}))
	}
	o.Body = append(o.Body, lands)
	if len(s.cfg.Outputs) > 0 {
		outs := opmlEntry{Text: "Themen", Title: "Themen"}
		for i := range s.cfg.Outputs {
			outs.Children = append(outs.Children, entry(&view{kind: kindOutput, output: &s.cfg.Outputs[i]}))
		}
		o.Body = append(o.Body, outs)
	}
	return encodeOPML(o)
}
