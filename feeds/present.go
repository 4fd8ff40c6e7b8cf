package feeds

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	_ "time/tzdata" // Europe/Berlin must load on hosts without zoneinfo

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
	"github.com/microcosm-cc/bluemonday"
)

// tagDate is the date in every tag: URI this service mints (RFC 4151).
// It is the project's start and must never change: entry and feed ids
// are built from it.
const tagDate = "2026"

// epoch is the <updated> of a feed without items: a fixed instant, so
// an empty feed renders to the same bytes (and ETag) every time.
var epoch = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

var berlin = mustLoadLocation("Europe/Berlin")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("feeds: " + err.Error())
	}
	return loc
}

// germanDate formats t as dd.mm.yyyy in Europe/Berlin.
func germanDate(t time.Time) string { return t.In(berlin).Format("02.01.2006") }

// textPolicy strips every tag (and the content of script, style and
// the like) from text that should be plain already: the defence behind
// the normalizer, which stores titles and teasers as text.
var textPolicy = bluemonday.StrictPolicy()

// htmlPolicy is applied to every HTML fragment this package emits. The
// fragments are built from escaped text and checked links, so it
// should never change anything; it is the second line of defence.
var htmlPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	return p
}()

// plainText returns s as plain text: tags and their script/style
// content removed, entities decoded, whitespace collapsed, and only
// characters XML allows (a U+FFFF or a stray byte in one item would make
// a whole RSS feed unreadable: gorilla/feeds writes content:encoded as
// CDATA, which escapes nothing). Markup escaped once or many times too
// often ("&lt;script&gt;") is removed as well, so no reader that decodes
// one level too many finds a tag. Callers escape the result for whatever
// format they write.
func plainText(s string) string {
	s = strings.ToValidUTF8(s, "")
	// Each round takes one level of escaping off; the rounds end when a
	// round changes nothing, i.e. when the tokenizer finds no tag left.
	// Titles and teasers are short, so the bound is only met by text
	// escaped dozens of times on purpose; what is left of it loses its
	// angle brackets.
	settled := false
	for range maxUnescapeRounds {
		if !strings.ContainsAny(s, "<&") {
			settled = true
			break
		}
		t := html.UnescapeString(textPolicy.Sanitize(s))
		if t == s {
			settled = true
			break
		}
		s = t
	}
	if !settled {
		s = strings.NewReplacer("<", "", ">", "").Replace(s)
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || !xmlChar(r)
	}), " ")
}

// maxUnescapeRounds bounds plainText's decoding.
const maxUnescapeRounds = 16

// xmlChar reports whether XML 1.0 allows r in a document (production 2,
// "Char"); noncharacters it allows are dropped too.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE, r > unicode.MaxRune:
		return false
	}
	return true
}

// safeURL returns s when it is an absolute http(s) URL with a host, and
// "" otherwise: javascript:, data:, relative and unparseable links are
// dropped, never emitted. So is any link with characters RFC 3986 does
// not allow unescaped (spaces, controls, " < > \ ^ ` { | }, bytes that
// are no UTF-8): a
// canonical link never has them, and a link that does is not trusted.
// Non-ASCII letters (IRIs) pass.
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || !utf8.ValidString(s) || strings.IndexFunc(s, badURLRune) >= 0 {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s
	}
	return ""
}

func badURLRune(r rune) bool {
	if r >= utf8.RuneSelf {
		return !unicode.IsPrint(r) || unicode.IsSpace(r)
	}
	return r <= ' ' || r == 0x7f || strings.ContainsRune("\"<>\\^`{|}", r)
}

// landSlugs maps the short path names of Land feeds to their codes.
var landSlugs = func() map[string]string {
	m := make(map[string]string, len(config.LandCodes))
	for _, c := range config.LandCodes {
		m[landSlug(c)] = c
	}
	return m
}()

// landSlug is the path name of a Land code ("DE-HE" → "he", "DE" → "bund").
func landSlug(code string) string {
	if code == "DE" {
		return "bund"
	}
	return strings.ToLower(strings.TrimPrefix(code, "DE-"))
}

// landCodeOf returns the code of a path name, case-insensitively.
func landCodeOf(slug string) (string, bool) {
	c, ok := landSlugs[strings.ToLower(slug)]
	return c, ok
}

// landRef is a Land as shown in output.
type landRef struct {
	Code, Name, Slug string
	Rule, Evidence   string
}

// relatedRef is another report of the same story.
type relatedRef struct {
	Title, Link, Source string
}

// entry-independent presentation of one item, computed once per render.
type presented struct {
	Key         string
	ID          string // tag: URI
	Title       string // "Ort: Schlagzeile"
	Date        string // dd.mm.yyyy, Europe/Berlin
	Teaser      string
	Link        string // canonical link if safe, else the original if safe, else ""
	Published   time.Time
	Updated     time.Time
	Source      string // source name
	SourceURL   string // the origin feed's URL (safe or "")
	FeedTitle   string // origin feed title, else source name
	FeedLink    string // origin website (safe or "")
	Lands       []landRef
	Related     []relatedRef
	MoreRelated int    // sources beyond relatedMax, named as "und N weitere"
	ContentHTML string // <p>[date] teaser <a>mehr...</a></p>…, sanitized
	ContentText string // [date] teaser
	Explain     string // Land tags with rule and evidence, for the JSON extension
}

// relatedMax is how many other sources an entry names.
const relatedMax = 10

// moreRelated is the tail of a capped "Auch berichtet von" list.
func moreRelated(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" und %d weitere", n)
}

// entryKey is the public key of the entry an item is shown as.
func entryKey(it *storage.Item) string {
	if it.EntryKey != "" {
		return it.EntryKey
	}
	return it.Key
}

// entryPublished is the date of the entry an item is shown as; feeds are
// ordered and paged by it.
func entryPublished(it *storage.Item) time.Time {
	if !it.EntryPublished.IsZero() {
		return it.EntryPublished
	}
	return it.Published
}

// cursorOf is the paging position of an item in storage's order.
func cursorOf(it *storage.Item) storage.Cursor {
	return storage.Cursor{Published: entryPublished(it), ID: it.StoryID()}
}

// presenter turns stored items into presented ones; it knows the
// configured sources for their title prefixes.
type presenter struct {
	host     string // tag authority: base_url's host name
	prefixes map[string]string
}

func newPresenter(cfg *config.Config) *presenter {
	p := &presenter{prefixes: map[string]string{}}
	if u, err := url.Parse(cfg.BaseURL); err == nil {
		p.host = strings.ToLower(u.Hostname())
	}
	for _, s := range cfg.Sources {
		// titleWithPlace adds the colon.
		if t := s.Place(); t != "" {
			p.prefixes[s.URL] = t
		}
	}
	return p
}

// tagURI builds a tag: URI under base_url's host: tag:HOST,2026:SPECIFIC.
func (p *presenter) tagURI(specific string) string {
	return "tag:" + p.host + "," + tagDate + ":" + specific
}

func (p *presenter) present(it *storage.Item) presented {
	// An entry is identified and dated by its cluster (EntryKey,
	// EntryPublished): it keeps its id and place when another report of
	// the story becomes the one shown.
	key, published := entryKey(it), entryPublished(it)
	pr := presented{
		Key:       key,
		ID:        p.tagURI("item/" + key),
		Date:      germanDate(published),
		Teaser:    plainText(it.Teaser),
		Published: published.UTC(),
		Updated:   it.Updated.UTC(),
		Source:    plainText(it.SourceName),
		SourceURL: safeURL(it.SourceURL),
		FeedLink:  safeURL(it.FeedLink),
	}
	if pr.Updated.IsZero() {
		pr.Updated = pr.Published
	}
	if pr.Link = safeURL(it.Link); pr.Link == "" {
		pr.Link = safeURL(it.OrigLink)
	}
	if pr.FeedTitle = plainText(it.FeedTitle); pr.FeedTitle == "" {
		pr.FeedTitle = pr.Source
	}
	var explain []string
	for _, t := range it.Lands {
		name := config.LandName(t.Land)
		if name == "" {
			continue
		}
		ref := landRef{Code: t.Land, Name: name, Slug: landSlug(t.Land), Rule: plainText(t.Rule), Evidence: plainText(t.Evidence)}
		pr.Lands = append(pr.Lands, ref)
		e := ref.Code + ": " + ref.Rule
		if ref.Evidence != "" {
			e += " (" + ref.Evidence + ")"
		}
		explain = append(explain, e)
	}
	pr.Explain = strings.Join(explain, "; ")
	// "Auch berichtet von" names sources, each once (with its first
	// report), and at most relatedMax: a source that repeats a story, or a
	// story told by dozens, must not make one entry a page long.
	named := make(map[string]bool, len(it.Related))
	for _, r := range it.Related {
		ref := relatedRef{Title: plainText(r.Title), Link: safeURL(r.Link), Source: plainText(r.SourceName)}
		if ref.Source == "" {
			ref.Source = ref.Title
		}
		if named[ref.Source] || ref.Source == pr.Source {
			continue
		}
		named[ref.Source] = true
		if len(pr.Related) == relatedMax {
			pr.MoreRelated++
			continue
		}
		pr.Related = append(pr.Related, ref)
	}
	title := plainText(it.Title)
	if title == "" {
		// A title that was only markup (escaped twice by its source, say)
		// is empty once stripped here: the teaser's start says more than
		// "(ohne Titel)".
		title = headline(pr.Teaser)
	}
	pr.Title = titleWithPlace(title, p.place(it, pr.Lands))
	pr.ContentText = "[" + pr.Date + "] " + pr.Teaser
	pr.ContentHTML = contentHTML(&pr)
	return pr
}

// place is the most specific place known for an item, for the title:
//
//  1. the source's title_prefix from config;
//  2. the source's own Land when it is a Land (an official Land source
//     reports on its Land);
//  3. the first Land other than the Bund among the item's tags, in tag
//     order (storage returns them sorted by code, so the choice is
//     stable) — a content tag beats "Bund";
//  4. "Bund" when the item concerns only the Bund;
//  5. nothing.
func (p *presenter) place(it *storage.Item, lands []landRef) string {
	if t := p.prefixes[it.SourceURL]; t != "" {
		return t
	}
	if it.SourceLand != "" && it.SourceLand != "DE" {
		if n := config.LandName(it.SourceLand); n != "" {
			return n
		}
	}
	for _, l := range lands {
		if l.Code != "DE" {
			return l.Name
		}
	}
	if len(lands) > 0 || it.SourceLand == "DE" {
		return config.LandName("DE")
	}
	return ""
}

// maxPrefix is the longest leading "Ort:" or "Thema:" a source title may
// carry for it to be kept as the title's place.
const maxPrefix = 40

// hasPlacePrefix reports whether title already starts with a short
// place or topic and a colon ("München: …", "OZG-Umsetzung: …"): the
// part before ": " has at most 40 characters and 5 words and reads as a
// name, not a sentence (no ! ? ; or quotes, no full stop after a
// word of more than three letters — "St. Ingbert" is a name).
func hasPlacePrefix(title string) bool {
	i := strings.Index(title, ": ")
	if i <= 0 || strings.TrimSpace(title[i+2:]) == "" {
		return false
	}
	prefix := title[:i]
	if utf8.RuneCountInString(prefix) > maxPrefix || strings.ContainsAny(prefix, "!?;\"„“”»«") {
		return false
	}
	words := strings.Fields(prefix)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	for _, w := range words {
		if strings.HasSuffix(w, ".") && utf8.RuneCountInString(w) > 4 {
			return false
		}
	}
	return true
}

// headlineMax is how many characters of a teaser stand in for a missing
// title.
const headlineMax = 100

// headline is the start of text as a title: whole words, "…" when cut.
func headline(text string) string {
	if utf8.RuneCountInString(text) <= headlineMax {
		return text
	}
	cut := text[:len(string([]rune(text)[:headlineMax]))]
	if i := strings.LastIndexByte(cut, ' '); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:–-") + " …"
}

// titleWithPlace builds "Ort: Schlagzeile".
func titleWithPlace(title, place string) string {
	if title == "" {
		title = "(ohne Titel)"
	}
	if place == "" || hasPlacePrefix(title) || startsWithPlace(title, place) {
		return title
	}
	return place + ": " + title
}

// startsWithPlace reports whether title begins with place and a dash
// ("Kassel – Neues Ratsinformationssystem"): the place is there already.
// The dash is not made a colon: "Hessen – Thüringen kooperieren" is not a
// Hessen item about Thüringen.
func startsWithPlace(title, place string) bool {
	rest, ok := strings.CutPrefix(title, place)
	if !ok {
		return false
	}
	for _, dash := range []string{" – ", " - ", " — "} {
		if strings.HasPrefix(rest, dash) {
			return true
		}
	}
	return false
}

// contentHTML is the teaser-list entry as HTML:
// <p>[dd.mm.yyyy] teaser <a href="…">mehr...</a></p>, plus the other
// reports of the story. Everything from the source is escaped text or
// a checked link; the result still goes through htmlPolicy.
func contentHTML(pr *presented) string {
	var b strings.Builder
	b.WriteString("<p>[")
	b.WriteString(pr.Date)
	b.WriteString("] ")
	b.WriteString(html.EscapeString(pr.Teaser))
	if pr.Link != "" {
		b.WriteString(` <a href="`)
		b.WriteString(html.EscapeString(pr.Link))
		b.WriteString(`">mehr...</a>`)
	}
	b.WriteString("</p>")
	if len(pr.Related) > 0 {
		b.WriteString("<p>Auch berichtet von: ")
		for i, r := range pr.Related {
			if i > 0 {
				b.WriteString(", ")
			}
			name := r.Source
			if r.Link != "" {
				b.WriteString(`<a href="`)
				b.WriteString(html.EscapeString(r.Link))
				b.WriteString(`">`)
				b.WriteString(html.EscapeString(name))
				b.WriteString("</a>")
			} else {
				b.WriteString(html.EscapeString(name))
			}
		}
		b.WriteString(moreRelated(pr.MoreRelated))
		b.WriteString("</p>")
	}
	return htmlPolicy.Sanitize(b.String())
}
