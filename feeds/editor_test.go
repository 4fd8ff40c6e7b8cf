package feeds

import (
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// Curated outputs and headlines as editors configure them (from a review of
// the editors' side in session 6).

// TestPlaceBeforeADash: a title that starts with its place and a dash
// keeps it as it is: no second place before it, and the dash is not made a
// colon ("Hessen – Thüringen kooperieren" is about both).
func TestPlaceBeforeADash(t *testing.T) {
	p := newPresenter(&config.Config{BaseURL: "http://127.0.0.1:8080", Sources: []config.Source{
		{Name: "Stadt Kassel", URL: "https://kassel.example/rss", Land: "DE-HE", TitlePrefix: "Kassel"},
		{Name: "Hessen", URL: "https://hessen.example/rss", Land: "DE-HE"},
	}})
	tests := []struct{ source, title, want string }{
		{"https://kassel.example/rss", "Kassel – Neues Ratsinformationssystem", "Kassel – Neues Ratsinformationssystem"},
		{"https://kassel.example/rss", "Kassel - Neues Ratsinformationssystem", "Kassel - Neues Ratsinformationssystem"},
		{"https://kassel.example/rss", "Kassel — Neues Ratsinformationssystem", "Kassel — Neues Ratsinformationssystem"},
		{"https://kassel.example/rss", "Kassel: Neues Ratsinformationssystem", "Kassel: Neues Ratsinformationssystem"},
		{"https://kassel.example/rss", "Kasseler Rathaus – neue Öffnungszeiten", "Kassel: Kasseler Rathaus – neue Öffnungszeiten"},
		{"https://kassel.example/rss", "Kassel-Wilhelmshöhe: neuer Bahnhof", "Kassel-Wilhelmshöhe: neuer Bahnhof"},
		{"https://kassel.example/rss", "Neues Ratsinformationssystem", "Kassel: Neues Ratsinformationssystem"},
		{"https://hessen.example/rss", "Hessen – Thüringen kooperieren", "Hessen – Thüringen kooperieren"},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			it := storage.Item{Key: "k", SourceURL: tt.source, SourceLand: "DE-HE", Title: tt.title,
				Published: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
			if got := p.present(&it).Title; got != tt.want {
				t.Errorf("%q → %q, want %q", tt.title, got, tt.want)
			}
		})
	}
}

// TestIncludeMatchesThePlace: include words match the headline as readers
// see it, with its place: a Munich city item whose title does not name the
// city is in an output that includes München, as it is served as
// "München: …" (the source's title_prefix).
func TestIncludeMatchesThePlace(t *testing.T) {
	e := newTestEnv(t, "\noutputs:\n  - name: muenchen\n    include: [München]\n")
	e.save("Stadt München", storage.NewItem{GUID: "muc", Title: "Neues Serviceportal startet", Teaser: "Text.",
		Link: "https://example.org/muc", Published: at(-time.Hour), Lands: []storage.LandTag{{Land: "DE-BY", Rule: "source"}}})
	f := parseAtom(t, e.get("/feeds/muenchen.atom").body)
	if len(f.Entries) != 1 || f.Entries[0].Title != "München: Neues Serviceportal startet" {
		t.Errorf("entries %+v, want the Munich item as \"München: Neues Serviceportal startet\"", f.Entries)
	}
}

// TestPhraseWhitespace: an include or exclude phrase with two spaces (or a tab,
// or a non-breaking space) between its words never matched, silently: the
// text side has its whitespace collapsed, the configured phrase did not.
func TestPhraseWhitespace(t *testing.T) {
	for _, term := range []string{"digitale  Verwaltung", "digitale\tVerwaltung", "digitale\u00a0Verwaltung"} {
		m := newMatcher([]string{term})
		if !m.match(fold(plainText("Digitale Verwaltung in Kassel ausgezeichnet"))) {
			t.Errorf("%q does not match \"Digitale Verwaltung in Kassel ausgezeichnet\"", term)
		}
	}
}

// TestLandsAndSources: README, "Curated outputs", said: "lands and sources select
// (a story is in when any of its reports has one of the Länder, or is from
// one of the sources, whichever report is shown)", which reads as a union;
// storage.Items ANDs them (and the since logic is built for that). The
// README now says so; this test holds the documented behaviour.
func TestLandsAndSources(t *testing.T) {
	e := newTestEnv(t, "\noutputs:\n  - name: by-und-hessen\n    lands: [DE-BY]\n    sources: [Hessen – Meldungen]\n")
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "he", Title: "Neues Portal", Teaser: "Text.", Link: "https://example.org/he",
		Published: at(-time.Hour), Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	e.save("Stadt München", storage.NewItem{GUID: "muc", Title: "Rathaus digital", Teaser: "Text.", Link: "https://example.org/muc",
		Published: at(-2 * time.Hour), Lands: []storage.LandTag{{Land: "DE-BY", Rule: "source"}}})
	if f := parseAtom(t, e.get("/feeds/by-und-hessen.atom").body); len(f.Entries) != 0 {
		t.Errorf("%d entries, want 0: neither story has both a Bayern report and one of Hessen – Meldungen", len(f.Entries))
	}
	// Hessen – Meldungen reports on Bayern: in.
	e.save("Hessen – Meldungen", storage.NewItem{GUID: "he-by", Title: "Hessen und Bayern kooperieren", Teaser: "Text.",
		Link: "https://example.org/he-by", Published: at(-3 * time.Hour),
		Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}, {Land: "DE-BY", Rule: "land-name"}}})
	if f := parseAtom(t, e.get("/feeds/by-und-hessen.atom").body); len(f.Entries) != 1 {
		t.Errorf("%d entries, want 1", len(f.Entries))
	}
}

// TestTitlePrefixWithColon: a title_prefix written with its colon ("Köln:") gave
// "Köln:: Neue Termine"; either it is accepted without the colon or
// check-config says so.
func TestTitlePrefixWithColon(t *testing.T) {
	cfg, err := config.Parse("t.yaml", []byte("sources:\n  - name: K\n    url: https://k.example/rss\n    title_prefix: \"Köln:\"\n"))
	if err != nil {
		return // refused by check-config: fine
	}
	p := newPresenter(cfg)
	it := storage.Item{Key: "k", SourceURL: cfg.Sources[0].URL, Title: "Neue Termine"}
	if got := p.present(&it).Title; got != "Köln: Neue Termine" {
		t.Errorf("title %q, want \"Köln: Neue Termine\"", got)
	}
}
