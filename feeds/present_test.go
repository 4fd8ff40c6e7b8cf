package feeds

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

func TestTitleWithPlace(t *testing.T) {
	cfg := &config.Config{BaseURL: "https://egov.example:8443/x", Sources: []config.Source{
		{Name: "Köln", URL: "https://koeln.example/rss", Land: "DE-NW", TitlePrefix: "Köln"},
		{Name: "Hessen", URL: "https://hessen.example/rss", Land: "DE-HE"},
		{Name: "BMI", URL: "https://bmi.example/rss", Land: "DE"},
		{Name: "News", URL: "https://news.example/rss"},
	}}
	p := newPresenter(cfg)
	if got := p.tagURI("item/k"); got != "tag:egov.example,2026:item/k" {
		t.Errorf("tag URI %q", got)
	}
	tags := func(codes ...string) []storage.LandTag {
		var out []storage.LandTag
		for _, c := range codes {
			out = append(out, storage.LandTag{Land: c})
		}
		return out
	}
	tests := []struct {
		name, src, srcLand, title string
		lands                     []storage.LandTag
		want                      string
	}{
		{"title_prefix", "https://koeln.example/rss", "DE-NW", "Neue Bürgerdienste", tags("DE-NW"), "Köln: Neue Bürgerdienste"},
		{"title_prefix, kept prefix", "https://koeln.example/rss", "DE-NW", "Porz: Neue Bürgerdienste", tags("DE-NW"), "Porz: Neue Bürgerdienste"},
		{"Land source", "https://hessen.example/rss", "DE-HE", "Neues Portal", tags("DE-HE", "DE-BY"), "Hessen: Neues Portal"},
		{"Bund source, content Land", "https://bmi.example/rss", "DE", "Pilot startet", tags("DE", "DE-SN"), "Sachsen: Pilot startet"},
		{"Bund only", "https://bmi.example/rss", "DE", "Gesetz beschlossen", tags("DE"), "Bund: Gesetz beschlossen"},
		{"several Länder: first by tag order", "https://news.example/rss", "", "Länder kooperieren", tags("DE-BW", "DE-RP"), "Baden-Württemberg: Länder kooperieren"},
		{"no Land", "https://news.example/rss", "", "Studie erschienen", nil, "Studie erschienen"},
		{"topic prefix kept", "https://news.example/rss", "", "OZG-Umsetzung: Länder liegen zurück", tags("DE-HE"), "OZG-Umsetzung: Länder liegen zurück"},
		{"abbreviation in place", "https://news.example/rss", "", "St. Ingbert: Rathaus digital", tags("DE-SL"), "St. Ingbert: Rathaus digital"},
		{"sentence before colon", "https://news.example/rss", "", "Der Minister sagte heute im Landtag: Wir sind digital", tags("DE-BY"), "Bayern: Der Minister sagte heute im Landtag: Wir sind digital"},
		{"question before colon", "https://news.example/rss", "", "Wer zahlt? Antwort: niemand", tags("DE-BY"), "Bayern: Wer zahlt? Antwort: niemand"},
		{"time is no prefix", "https://news.example/rss", "", "Start um 10:30 Uhr", tags("DE-BY"), "Bayern: Start um 10:30 Uhr"},
		{"empty title", "https://news.example/rss", "", "", nil, "(ohne Titel)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := storage.Item{Key: "k", SourceURL: tt.src, SourceLand: tt.srcLand, SourceName: "S", Title: tt.title, Lands: tt.lands,
				Published: time.Date(2025, 2, 13, 23, 30, 0, 0, time.UTC)}
			pr := p.present(&it)
			if pr.Title != tt.want {
				t.Errorf("title %q, want %q", pr.Title, tt.want)
			}
			if pr.Date != "14.02.2025" {
				t.Errorf("date %q, want 14.02.2025 (Europe/Berlin)", pr.Date)
			}
		})
	}
}

func TestGermanDateSummerTime(t *testing.T) {
	if got := germanDate(time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC)); got != "01.07.2025" {
		t.Errorf("got %s", got)
	}
}

func TestFoldAndMatch(t *testing.T) {
	if got := fold("Ärger über Straße, ÖFFENTLICH, Café, Übersicht"); got != "aerger ueber strasse, oeffentlich, cafe, uebersicht" {
		t.Errorf("fold: %q", got)
	}
	if got := fold("Bu\u0308rger"); got != "buerger" { // decomposed ü
		t.Errorf("fold decomposed: %q", got)
	}
	m := newMatcher([]string{"Bürgerportal", "OZG", "online-dienst", "KI", "Amt"})
	for text, want := range map[string]bool{
		// An abbreviation is a whole word; other terms are word prefixes.
		"KI in der Verwaltung":       true,
		"Die KI-Strategie":           true,
		"Neue Kita eröffnet":         false,
		"Kiel digitalisiert":         false,
		"OZGler":                     false,
		"Das Amtsblatt":              true,
		"Im Landratsamt":             false,
		"Das neue BUERGERPORTAL":     true,
		"bürgerportale im Vergleich": true,  // word prefix
		"Landesbürgerportal":         false, // not at a word start
		"OZG-Umsetzung":              true,
		"Die ozg":                    true,
		"BlOZGer":                    false,
		"Ein Online-Dienst für alle": true,
		"Ein Onlinedienst für alle":  false,
		"(Bürgerportal)":             true,
		"":                           false,
	} {
		if got := m.match(fold(text)); got != want {
			t.Errorf("match(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.org/a?b=1":         "https://example.org/a?b=1",
		"HTTP://Example.org/":               "HTTP://Example.org/",
		" https://example.org/ ":            "https://example.org/",
		"https://bürgerportal.example/ä":    "https://bürgerportal.example/ä",
		"javascript:alert(1)":               "",
		"JavaScript://example.org/%0aalert": "",
		"data:text/html,<b>":                "",
		"vbscript:x":                        "",
		"//example.org/x":                   "",
		"/relative":                         "",
		"https:///nohost":                   "",
		"https://example.org/\"><x>":        "",
		"https://example.org/a b":           "",
		"https://example.org/\u2028x":       "",
		"ftp://example.org/":                "",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"Kosten < 5 Euro & mehr":                    "Kosten < 5 Euro & mehr",
		"a &amp; b":                                 "a & b",
		"<p>Hallo <b>Welt</b></p>":                  "Hallo Welt",
		"x <script>alert(1)</script> y":             "x y",
		"x &lt;script&gt;alert(1)&lt;/script&gt; y": "x y",
		"Zeile\nneue\tZeile\u0000":                  "Zeile neue Zeile",
		"x &amp;amp;lt;script&amp;amp;gt;alert(1)&amp;amp;lt;/script&amp;amp;gt; y": "x y",
		"nicht \uFFFF erlaubt \uFFFE \xff\xfe hier":                                 "nicht erlaubt hier",
		// "<" escaped 21 times: 16 levels come off, the rest stays text.
		"&" + strings.Repeat("amp;", 20) + "lt;b&" + strings.Repeat("amp;", 20) + "gt;fett": "&" + strings.Repeat("amp;", 4) + "lt;b&" + strings.Repeat("amp;", 4) + "gt;fett",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseParams(t *testing.T) {
	p, err := parseParams(map[string][]string{"limit": {"10"}, "since": {"2025-02-13T10:00:00+01:00"}, "before": {"1739440800000-42"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.limit != 10 || !p.since.Equal(time.Date(2025, 2, 13, 9, 0, 0, 0, time.UTC)) || p.before.ID != 42 || p.before.Published.UnixMilli() != 1739440800000 {
		t.Errorf("%+v", p)
	}
	if q := p.query(50); q != "limit=10&since=2025-02-13T09%3A00%3A00Z&before=1739440800000-42" {
		t.Errorf("query %q", q)
	}
	if c := formatCursor(*p.before); c != "1739440800000-42" {
		t.Errorf("cursor %q", c)
	}
}

// FuzzPresent feeds arbitrary item text and links through presentation
// and the Atom writer: no tag or unsafe link may come out, and the
// document stays well-formed.
func FuzzPresent(f *testing.F) {
	f.Add("Titel <script>x</script>", "Teaser <img onerror=x>", "javascript:alert(1)")
	f.Add("&lt;b&gt;", "a &amp;lt;script&amp;gt; b", "https://example.org/\"x")
	f.Add("Köln: Neu", "\x00\x1b[31m", "https://example.org/a")
	p := newPresenter(&config.Config{BaseURL: "http://127.0.0.1:8080"})
	f.Fuzz(func(t *testing.T, title, teaser, link string) {
		it := storage.Item{Key: "k", SourceName: "S", Title: title, Teaser: teaser, Link: link, Published: testNow, Updated: testNow,
			Related: []storage.Related{{Title: title, Link: link, SourceName: teaser}}}
		pr := p.present(&it)
		for _, s := range []string{pr.Title, pr.Teaser, pr.ContentText} {
			if strings.Contains(strings.ToLower(unescapeAll(s)), "<script") {
				t.Errorf("tag in text %q", s)
			}
		}
		if pr.Link != "" && safeURL(pr.Link) != pr.Link {
			t.Errorf("unsafe link %q", pr.Link)
		}
		lower := strings.ToLower(pr.ContentHTML)
		if strings.Contains(lower, "<script") || strings.Contains(lower, "javascript:") {
			t.Errorf("content %q", pr.ContentHTML)
		}
		d := &doc{v: &view{}, feedID: "tag:x,2026:f", title: "T", self: "http://x/", htmlURL: "http://x/", updated: testNow, items: []presented{pr}}
		body, err := renderAtom(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.Unmarshal(body, new(struct{})); err != nil {
			t.Errorf("not well-formed: %v", err)
		}
	})
}

// TestRelatedNamesEachSourceOnce: "Auch berichtet von" names each other
// source once and at most relatedMax of them, in every format: a source
// that repeats a story, or a story told by dozens, must not make one entry
// a page long.
func TestRelatedNamesEachSourceOnce(t *testing.T) {
	p := newPresenter(&config.Config{BaseURL: "http://127.0.0.1:8080"})
	it := storage.Item{Key: "k", SourceName: "S", Title: "Titel", Teaser: "Text.", Link: "https://s.example/1", Published: testNow, Updated: testNow}
	for i := range 3 {
		it.Related = append(it.Related, storage.Related{Title: "Kopie", Link: fmt.Sprintf("https://news.example/%d", i), SourceName: "News"})
	}
	it.Related = append(it.Related, storage.Related{Title: "Eigene", Link: "https://s.example/2", SourceName: "S"})
	for i := range 11 {
		it.Related = append(it.Related, storage.Related{Title: "Bericht", Link: fmt.Sprintf("https://q%d.example/", i), SourceName: fmt.Sprintf("Q%02d", i)})
	}
	pr := p.present(&it)
	var names []string
	for _, r := range pr.Related {
		names = append(names, r.Source)
	}
	if want := "News Q00 Q01 Q02 Q03 Q04 Q05 Q06 Q07 Q08"; strings.Join(names, " ") != want || pr.MoreRelated != 2 {
		t.Errorf("related %v and %d more, want %s and 2 more", names, pr.MoreRelated, want)
	}
	if !strings.Contains(pr.ContentHTML, "Q08</a> und 2 weitere</p>") {
		t.Errorf("content HTML: %s", pr.ContentHTML)
	}
	d := &doc{v: &view{}, feedID: "tag:x,2026:f", title: "T", self: "http://x/", htmlURL: "http://x/", updated: testNow, items: []presented{pr}}
	if text := string(renderText(d)); !strings.Contains(text, "Auch berichtet von: News, Q00, Q01, Q02, Q03, Q04, Q05, Q06, Q07, Q08 und 2 weitere\n") {
		t.Errorf("text: %s", text)
	}
	atom, err := renderAtom(d)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(atom), `rel="related"`); n != 10 {
		t.Errorf("%d related links in Atom, want 10", n)
	}
	var page strings.Builder
	if err := pageTemplate.Execute(&page, htmlPage{Title: "T", Items: []presented{pr}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "Q08</a> und 2 weitere</p>") {
		t.Errorf("HTML page: %s", page.String())
	}
}

// TestTitleFromTeaser: a title that is empty once stripped (markup only,
// escaped twice by its source) gives way to the teaser's start, not to
// "(ohne Titel)"; with no teaser either, that is what is left.
func TestTitleFromTeaser(t *testing.T) {
	p := newPresenter(&config.Config{BaseURL: "http://127.0.0.1:8080"})
	long := strings.Repeat("Die Stadtverwaltung informiert über neue Öffnungszeiten. ", 4)
	for _, tc := range []struct{ title, teaser, want string }{
		{"<b></b>", "Die Stadt informiert.", "Die Stadt informiert."},
		{"", long, "Die Stadtverwaltung informiert über neue Öffnungszeiten. Die Stadtverwaltung informiert über neue …"},
		{"<b></b>", "", "(ohne Titel)"},
		{"Neue Öffnungszeiten", "Text.", "Neue Öffnungszeiten"},
	} {
		it := storage.Item{Key: "k", SourceName: "News", Title: tc.title, Teaser: tc.teaser, Published: testNow, Updated: testNow}
		if got := p.present(&it).Title; got != tc.want {
			t.Errorf("title %q, teaser %q: %q, want %q", tc.title, tc.teaser, got, tc.want)
		}
	}
}
