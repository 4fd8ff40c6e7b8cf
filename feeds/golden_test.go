package feeds

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

const goldenOutputs = `
outputs:
  - name: ozg
    title: Onlinezugangsgesetz – Umsetzung
    include: [OZG, Onlinezugang, Onlinedienst]
    limit: 20
`

// seedGolden stores a small, varied set of items: a source with a
// title_prefix, a title that already has a place, a Bund item tagged
// with a Land from its text, an item of a news site in two Länder and
// one with no Land at all.
func seedGolden(e *testEnv) {
	e.save("Stadt München", storage.NewItem{
		GUID:      "muc-1",
		Title:     "Fortschreibung der Digitalisierungsstrategie",
		Teaser:    "Der Münchner Stadtrat hat die fünfte Fortschreibung der Digitalisierungsstrategie beschlossen. Im Mittelpunkt stehen Onlinedienste für Bürgerinnen und Bürger …",
		Link:      "https://stadt.muenchen.de/news/digitalisierungsstrategie",
		OrigLink:  "https://stadt.muenchen.de/news/digitalisierungsstrategie?utm_source=rss",
		Published: time.Date(2025, 2, 13, 9, 30, 0, 0, time.UTC),
		Lands:     []storage.LandTag{{Land: "DE-BY", Rule: "source"}},
	})
	e.save("Hessen – Meldungen", storage.NewItem{
		GUID:      "he-1",
		Title:     "Kassel: Neues Bürgerportal gestartet",
		Teaser:    "Bürgerinnen & Bürger können 40 Verwaltungsleistungen online beantragen – Anträge \"ohne Papier\".",
		Link:      "https://www.hessen.de/presse/buergerportal-kassel",
		Published: time.Date(2025, 2, 12, 23, 30, 0, 0, time.UTC), // 13.02. in Berlin
		Lands:     []storage.LandTag{{Land: "DE-HE", Rule: "source"}},
	})
	e.save("Bundesministerium des Innern", storage.NewItem{
		GUID:      "bmi-1",
		Title:     "Bund und Nordrhein-Westfalen vereinbaren OZG-Pilot",
		Teaser:    "Das Bundesministerium des Innern und das Land Nordrhein-Westfalen testen in Köln einen gemeinsamen Onlinedienst.",
		Link:      "https://www.bmi.bund.de/DE/ozg-pilot-nrw.html",
		Published: time.Date(2025, 2, 11, 8, 0, 0, 0, time.UTC),
		Lands:     []storage.LandTag{{Land: "DE", Rule: "source"}, {Land: "DE-NW", Rule: "gemeinde", Evidence: "Köln"}},
	})
	e.save("eGovernment Computing",
		storage.NewItem{
			GUID:      "egc-1",
			Title:     "Rheinland-Pfalz und Hessen bündeln Rechenzentren",
			Teaser:    "Die beiden Länder wollen ihre IT-Dienstleister enger verzahnen.",
			Link:      "https://www.egovernment.de/rlp-hessen-rechenzentren",
			Published: time.Date(2025, 2, 10, 15, 0, 0, 0, time.UTC),
			Lands:     []storage.LandTag{{Land: "DE-HE", Rule: "land", Evidence: "Hessen"}, {Land: "DE-RP", Rule: "land", Evidence: "Rheinland-Pfalz"}},
		},
		storage.NewItem{
			GUID:      "egc-2",
			Title:     "Studie: Verwaltung nutzt Cloud zögerlich",
			Teaser:    "Eine Umfrage unter 300 Behörden zeigt Nachholbedarf.",
			Link:      "https://www.egovernment.de/studie-cloud",
			Published: time.Date(2025, 2, 9, 7, 0, 0, 0, time.UTC),
		})
}

// TestGolden compares every format's output with testdata/*.golden.
// Run "go test ./feeds -run TestGolden -update" to accept changes.
func TestGolden(t *testing.T) {
	e := newTestEnv(t, goldenOutputs)
	seedGolden(e)
	for _, tc := range []struct{ path, golden string }{
		{"/feeds/all.atom", "all.atom"},
		{"/feeds/all.rss", "all.rss"},
		{"/feeds/all.json", "all.json"},
		{"/feeds/all.txt", "all.txt"},
		{"/", "index.html"},
		{"/land/he", "land-he.html"},
		{"/feeds/land/he.atom", "land-he.atom"},
		{"/feeds/land/bund.json", "land-bund.json"},
		{"/feeds/ozg.atom", "ozg.atom"},
		{"/feeds/ozg.rss", "ozg.rss"},
		{"/feeds/all.atom?limit=2", "all-limit2.atom"},
		{"/feeds.opml", "feeds.opml"},
		{"/sources.opml", "sources.opml"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			got := e.get(tc.path).body
			path := filepath.Join("testdata", tc.golden+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update to accept):\n%s", tc.path, path, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first differing lines, "-want" and "+got".
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n-" + wl + "\n+" + gl + "\n")
			shown++
		}
	}
	return b.String()
}
