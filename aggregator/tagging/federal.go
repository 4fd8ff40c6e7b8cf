package tagging

import "strings"

// federalPhrases are multi-word or unusual names of federal bodies; they
// are matched like gazetteer forms (capitalised, longest first).
var federalPhrases = []string{
	"IT-Planungsrat", "IT-Planungsrates", "IT-Planungsrats",
	"Nationaler Normenkontrollrat", "Nationalen Normenkontrollrat", "Nationalen Normenkontrollrates",
	"Nationalen Normenkontrollrats",
	"Auswärtiges Amt", "Auswärtigen Amt", "Auswärtigen Amtes", "Auswärtigen Amts",
	"Föderale IT-Kooperation", "Föderalen IT-Kooperation",
	"Informationstechnikzentrum Bund", "Digitalservice des Bundes", "DigitalService des Bundes",
	"Destatis", "Kanzleramt", "Kanzleramts", "Kanzleramtes", "Bundes-CIO", "Bundes-IT",
}

// federalAcronyms are matched exactly as written (case-sensitive), never
// lower-cased, because most of them are also ordinary letter sequences.
// Each has at least two capitals, which gates the look-up.
var federalAcronyms = exactSetOf(
	"BSI", "FITKO", "ITZBund", "BMI", "BMF", "BMDS", "BMDV", "BMWK", "BMWE", "BMBF", "BMFTR", "BMAS",
	"BMJ", "BMJV", "BMG", "BMFSFJ", "BMBFSFJ", "BMEL", "BMLEH", "BMVg", "BMZ", "BMUV", "BMUKN",
	"BMWSB", "BKAmt", "BVA", "BZSt", "BfDI", "BKA", "BAMF", "BNetzA", "BfArM", "BBK", "THW",
	"BMDS", "BMWSB",
)

// federalStems follow "Bundes" in the name of a federal body or office
// ("Bundesregierung", "Bundesinnenministerin", "Bundesamt für …"). The
// list is deliberately closed: "bundesweit", "Bundesländer", "Bundesliga",
// "Bundesverband" and "Bundesstraße" name no federal actor.
var federalStems = []string{
	"regierung", "kanzler", "kanzleramt", "präsident", "tag", "rat", "rechnungshof",
	"verfassungsgericht", "verwaltungsgericht", "gerichtshof", "sozialgericht", "finanzhof",
	"arbeitsgericht", "netzagentur", "kartellamt", "wehr", "polizei", "agentur", "bank", "archiv",
	"verwaltung", "behörde", "beauftragte", "datenschutzbeauftragte", "institut", "zentrale",
	"zentralamt", "stelle", "anstalt", "amt", "ämter", "minister", "kriminalamt", "cloud",
	"innenminister", "finanzminister", "digitalminister", "wirtschaftsminister", "justizminister",
	"gesundheitsminister", "bildungsminister", "forschungsminister", "arbeitsminister",
	"sozialminister", "umweltminister", "verkehrsminister", "verteidigungsminister",
	"familienminister", "bauminister", "landwirtschaftsminister", "entwicklungsminister",
	"außenminister", "agrarminister", "haushalt", "cio", "versammlung", "gesetzblatt", "kabinett",
}

// federalStemsFolded are federalStems folded like the words they are
// compared with ("außenminister" → "aussenminister").
var federalStemsFolded = func() []string {
	out := make([]string, len(federalStems))
	for i, s := range federalStems {
		out[i] = fold(s)
	}
	return out
}()

// isFederalToken reports whether the folded word names a federal body by
// itself ("bundesregierung", "kraftfahrt-bundesamt" arrives as "bundesamt").
func isFederalToken(w string) bool {
	rest, ok := strings.CutPrefix(w, "bundes")
	if !ok || rest == "" {
		return false
	}
	for _, s := range federalStemsFolded {
		if strings.HasPrefix(rest, s) {
			// "tag" and "rat" must not swallow unrelated words:
			// Bundestag(s|es|swahl…) and Bundesrat(s|es|sinitiative…) are
			// fine, "Bundesratgeber" is not a thing, "Bundestagung" is.
			if s == "tag" && strings.HasPrefix(rest, "tagung") {
				return false
			}
			return true
		}
	}
	return false
}

// bundArticles before "Bund" make it the federation as an actor
// ("der Bund", "vom Bund", "des Bundes").
var bundArticles = setOf("der", "des", "dem", "den", "vom", "beim", "zum", "durch", "für", "mit")

// bundNotFederal follow "Bund" in names of associations ("Bund der
// Steuerzahler", "Bund Deutscher Architekten", "Bund für Umwelt").
var bundNotFederal = setOf("der", "deutscher", "für", "freier", "naturschutz", "heimat")
