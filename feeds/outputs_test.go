package feeds

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

const filterOutputs = `
outputs:
  - name: hessen-bayern
    lands: [DE-HE, DE-BY]
  - name: nur-bmi
    sources: [Bundesministerium des Innern]
  - name: buerger
    include: [BUERGERPORTAL, "Online-Dienst"]
  - name: ohne-stellen
    lands: [DE-HE]
    exclude: [stellenanzeige, Ausschreibung]
  - name: frisch
    max_age: 48h
  - name: drei
    limit: 3
  - name: digital
    include: [digital]
    limit: 2
`

func seedFilters(e *testEnv) {
	item := func(guid, title, teaser string, age time.Duration, lands ...string) storage.NewItem {
		it := storage.NewItem{GUID: guid, Title: title, Teaser: teaser, Link: "https://example.org/" + guid, Published: testNow.Add(-age)}
		for _, l := range lands {
			it.Lands = append(it.Lands, storage.LandTag{Land: l, Rule: "test"})
		}
		return it
	}
	e.save("Hessen – Meldungen",
		item("he-portal", "Neues Bürgerportal", "Kassel startet.", 1*time.Hour, "DE-HE"),
		item("he-stelle", "STELLENANZEIGE: Referent (m/w/d)", "Wir suchen.", 2*time.Hour, "DE-HE"),
		item("he-ausschr", "Kassel: Öffentliche Ausschreibung Rechenzentrum", "Vergabe.", 3*time.Hour, "DE-HE"),
		item("he-alt", "Altes Thema", "Digitale Verwaltung von gestern.", 72*time.Hour, "DE-HE"),
	)
	e.save("Stadt München",
		item("muc-online", "München erweitert Onlinedienste", "Der neue online-dienst für Anwohnerparken.", 4*time.Hour, "DE-BY"),
		item("muc-dig", "Digitalisierung im Rathaus", "Mehr digitale Akten.", 5*time.Hour, "DE-BY"),
	)
	e.save("Bundesministerium des Innern",
		item("bmi-1", "Bundesportal erweitert", "Das BÜRGERPORTAL des Bundes wächst.", 6*time.Hour, "DE"),
		item("bmi-2", "Verwaltungsdigitalisierung kommt voran", "Ein Bericht.", 7*time.Hour, "DE"),
	)
	e.save("eGovernment Computing",
		item("egc-1", "Kommentar: Bürger-Portal oder Bürgerportal?", "Eine Glosse zur Digitalstrategie.", 8*time.Hour),
	)
}

func TestCuratedOutputs(t *testing.T) {
	e := newTestEnv(t, filterOutputs)
	seedFilters(e)
	tests := []struct {
		output string
		want   []string // item GUIDs, newest first
	}{
		{"hessen-bayern", []string{"he-portal", "he-stelle", "he-ausschr", "muc-online", "muc-dig", "he-alt"}},
		{"nur-bmi", []string{"bmi-1", "bmi-2"}},
		// Folding: BUERGERPORTAL matches "Bürgerportal" and "BÜRGERPORTAL";
		// "Online-Dienst" matches "online-dienst" but not "Onlinedienste".
		{"buerger", []string{"he-portal", "muc-online", "bmi-1", "egc-1"}},
		// Exclude matches case-insensitively, also as word prefix of
		// "Ausschreibung" after "Öffentliche".
		{"ohne-stellen", []string{"he-portal", "he-alt"}},
		{"frisch", []string{"he-portal", "he-stelle", "he-ausschr", "muc-online", "muc-dig", "bmi-1", "bmi-2", "egc-1"}},
		{"drei", []string{"he-portal", "he-stelle", "he-ausschr"}},
		// Word prefix: "digital" matches "Digitalisierung", "digitale",
		// "Digitalstrategie", never "Verwaltungsdigitalisierung".
		{"digital", []string{"muc-dig", "egc-1"}},
	}
	keys := map[string]string{}
	for _, src := range e.cfg.Sources {
		for _, g := range []string{"he-portal", "he-stelle", "he-ausschr", "he-alt", "muc-online", "muc-dig", "bmi-1", "bmi-2", "egc-1"} {
			keys[e.srv.pres.tagURI("item/"+storage.ItemKey(src.URL, g))] = g
		}
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			f := parseAtom(t, e.get("/feeds/"+tt.output+".atom").body)
			var got []string
			for _, en := range f.Entries {
				got = append(got, keys[en.ID])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}

	t.Run("limit is filled over several storage pages", func(t *testing.T) {
		// 450 items that do not match before the two that do.
		var many []storage.NewItem
		for i := range 450 {
			many = append(many, storage.NewItem{GUID: fmt.Sprintf("noise-%03d", i), Title: "Rauschen", Teaser: "Nichts.",
				Link: fmt.Sprintf("https://example.org/noise/%d", i), Published: testNow.Add(-time.Minute * time.Duration(i+1))})
		}
		e.save("eGovernment Computing", many...)
		f := parseAtom(t, e.get("/feeds/digital.atom").body)
		if len(f.Entries) != 2 || keys[f.Entries[1].ID] != "egc-1" || f.link("next") == "" {
			t.Fatalf("first page: %d entries, next %q", len(f.Entries), f.link("next"))
		}
		f = parseAtom(t, e.get(localPath(t, f.link("next"))).body)
		if len(f.Entries) != 1 || keys[f.Entries[0].ID] != "he-alt" || f.link("next") != "" {
			t.Fatalf("second page: %d entries, next %q", len(f.Entries), f.link("next"))
		}
	})

	t.Run("max_age follows the clock without an ingest", func(t *testing.T) {
		before := len(parseAtom(t, e.get("/feeds/frisch.atom?limit=1000").body).Entries)
		e.clock.Add(44*time.Hour + 30*time.Minute) // what was older than 3.5 h is now past 48 h
		after := parseAtom(t, e.get("/feeds/frisch.atom?limit=1000").body)
		for _, en := range after.Entries {
			if g := keys[en.ID]; g == "bmi-2" || g == "egc-1" {
				t.Errorf("%s still in the feed after it aged out", g)
			}
		}
		if len(after.Entries) >= before {
			t.Errorf("%d entries before, %d after", before, len(after.Entries))
		}
	})
}

// A curated output selecting sources keeps a story when another source's
// report of it becomes the shown one, as a Land feed does: entries do not
// vanish from a subscription because a better report arrived.
func TestSourcesOutputKeepsAStoryWhenAnotherReportIsShown(t *testing.T) {
	e := newTestEnv(t, filterOutputs)
	e.save("Bundesministerium des Innern",
		storage.NewItem{GUID: "b", Title: "Neues Portal", Teaser: "Text", Link: "https://example.org/x", Published: at(0)})
	before := parseAtom(t, e.get("/feeds/nur-bmi.atom").body)
	if len(before.Entries) != 1 {
		t.Fatalf("nur-bmi.atom: %d entries", len(before.Entries))
	}
	// Hessen's report of the same link is earlier: it becomes the shown one.
	e.save("Hessen – Meldungen",
		storage.NewItem{GUID: "h", Title: "Neues Portal in Hessen", Teaser: "Text", Link: "https://example.org/x", Published: at(-time.Hour),
			Lands: []storage.LandTag{{Land: "DE-HE", Rule: "source"}}})
	all := parseAtom(t, e.get("/feeds/all.atom").body)
	if len(all.Entries) != 1 || all.Entries[0].Title != "Hessen: Neues Portal in Hessen" {
		t.Fatalf("all.atom: %+v, want Hessen's report shown", all.Entries)
	}
	after := parseAtom(t, e.get("/feeds/nur-bmi.atom").body)
	if len(after.Entries) != 1 || after.Entries[0].ID != before.Entries[0].ID {
		t.Errorf("nur-bmi.atom after Hessen's report: %+v, want the entry %s", after.Entries, before.Entries[0].ID)
	}
}
