package dedup

import (
	"slices"
	"strings"
	"testing"
)

// words returns the folded words of s as strings.
func words(s string) []string {
	buf, ws := scan(s, nil, nil)
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(buf[w.start:w.end])
	}
	return out
}

func TestScan(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"umlauts", "Ärger über Öffnungszeiten", []string{"aerger", "ueber", "oeffnungszeiten"}},
		{"eszett", "Straße STRASSE Gruß ẞ", []string{"strasse", "strasse", "gruss", "ss"}},
		{"decomposed umlauts", "Thu\u0308ringen A\u0308mter o\u0308ffentlich", []string{"thueringen", "aemter", "oeffentlich"}},
		{"accents stripped", "Café Renée Zoë", []string{"cafe", "renee", "zoe"}},
		{"decomposed accent", "Cafe\u0301", []string{"cafe"}},
		{"hyphen joins", "Online-Zugangsgesetz E‑Government", []string{"online-zugangsgesetz", "e-government"}},
		{"dangling hyphen", "Bürger- und Unternehmensservice", []string{"buerger", "und", "unternehmensservice"}},
		{"gender star", "Bürger*innen, Lehrer:innen und Ärzt_innen", []string{"buerger", "lehrer", "und", "aerzt"}},
		{"gender singular", "die Minister*in", []string{"die", "minister"}},
		{"apostrophe", "Thüringen’s Weg", []string{"thueringens", "weg"}},
		{"soft hyphen", "Breit\u00ADband", []string{"breitband"}},
		{"numbers", "1.234,5 Euro am 04.03.2025 um 9:30", []string{"1.234,5", "euro", "am", "04.03.2025", "um", "9:30"}},
		{"number then letters", "KW12 5G-Netz Covid-19", []string{"kw", "12", "5", "g-netz", "covid", "19"}},
		{"digits glued to a name", "[Kommune21] eGov2Go", []string{"kommune21", "egov2go"}},
		{"trailing dot", "am 12. März.", []string{"am", "12", "maerz"}},
		{"punctuation", "„Digital“ – (jetzt!)", []string{"digital", "jetzt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := words(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("scan(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScanFlags(t *testing.T) {
	buf, ws := scan("Landkreis Gotha: die Stadt", nil, nil)
	want := []struct {
		w                 string
		capital, adjacent bool
	}{{"landkreis", true, true}, {"gotha", true, true}, {"die", false, false}, {"stadt", true, true}}
	if len(ws) != len(want) {
		t.Fatalf("got %d words, want %d", len(ws), len(want))
	}
	for i, w := range ws {
		if got := string(buf[w.start:w.end]); got != want[i].w || w.capital != want[i].capital || w.adjacent != want[i].adjacent {
			t.Errorf("word %d = %q capital=%v adjacent=%v, want %+v", i, got, w.capital, w.adjacent, want[i])
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		{"haushalt", "haushalt"}, {"haushalte", "haushalt"}, {"haushalten", "haushalt"}, {"haushalts", "haushalt"},
		{"thueringen", "thuering"}, {"thueringer", "thuering"},
		{"kinder", "kind"}, {"kindern", "kind"}, {"laender", "laend"}, {"laendern", "laend"},
		{"gesetz", "gesetz"}, {"gesetzes", "gesetz"}, {"gesetze", "gesetz"},
		{"prozess", "prozess"}, {"prozesse", "prozess"}, {"prozesses", "prozess"},
		{"bayern", "bayern"}, {"bayerns", "bayern"}, {"berlin", "berlin"}, {"berliner", "berlin"},
		{"landkreis", "landkreis"}, {"landkreise", "landkreis"}, {"landkreises", "landkreis"}, {"status", "status"},
		{"daten", "daten"}, {"neue", "neue"}, {"amt", "amt"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := string(stem([]byte(tt.in))); got != tt.want {
				t.Errorf("stem(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStopWordsIgnored(t *testing.T) {
	a := NewFingerprint(Doc{Title: "Der Ausbau des Netzes in Thüringen", Teaser: "Das Land und die Kommunen"})
	b := NewFingerprint(Doc{Title: "Ausbau Netz Thüringen", Teaser: "Land, Kommunen"})
	if !slices.Equal(a.keys, b.keys) {
		t.Errorf("stop words changed the features: %x vs %x", a.keys, b.keys)
	}
}

// TestFingerprintEquivalentSpellings: spellings a rewrite or a transliterating
// feed uses for the same words give the same features.
func TestFingerprintEquivalentSpellings(t *testing.T) {
	tests := []struct{ name, a, b string }{
		{"NFC vs NFD", "Thüringer Förderprogramm für Bürgerämter", "Thu\u0308ringer Fo\u0308rderprogramm fu\u0308r Bu\u0308rgera\u0308mter"},
		{"transliterated", "Thüringer Förderprogramm für Bürgerämter", "Thueringer Foerderprogramm fuer Buergeraemter"},
		{"eszett", "Straßenbau in Gießen", "Strassenbau in Giessen"},
		{"case", "BREITBANDAUSBAU IM PLAN", "Breitbandausbau im Plan"},
		{"gender forms", "Bürger*innen und Mitarbeiter:innen", "Bürgerinnen und Mitarbeiterinnen"},
		{"hyphenation", "Online-Zugangsgesetz und E-Akte", "Onlinezugangsgesetz und EAkte"},
		{"inflection", "Neue Schulen für den Landkreis", "Neue Schule für die Landkreise"},
		{"number formats", "1.200.000 Euro für 85 Prozent", "1,2 Mio. Euro für 85 Prozent"},
		{"English Land name", "Thuringia", "Thüringen"},
		{"Land adjective", "Thüringer Landtag", "Landtag in Thüringen"},
		{"month name", "am 4. März", "am 4.3."},
		{"HTML entities", "F&uuml;rth &amp; Gie&szlig;en", "Fürth & Gießen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewFingerprint(Doc{Teaser: tt.a})
			b := NewFingerprint(Doc{Teaser: tt.b})
			if !slices.Equal(a.keys, b.keys) {
				t.Errorf("features differ:\n%q → %x\n%q → %x", tt.a, a.keys, tt.b, b.keys)
			}
			if hasUnmatched(a.nums, b.nums) || hasUnmatched(b.nums, a.nums) {
				t.Errorf("numbers differ: %v vs %v", a.nums, b.nums)
			}
		})
	}
}

func TestParseNumeric(t *testing.T) {
	tests := []struct {
		in   string
		want []int64 // value×100
		prec uint8   // of the last value
		ok   bool
	}{
		{"85", []int64{8500}, 2, true},
		{"04", []int64{400}, 2, true},
		{"1.234.567", []int64{123456700}, 2, true},
		{"84,7", []int64{8470}, 1, true},
		{"1.234,56", []int64{123456}, 0, true},
		{"2,345", []int64{235}, 0, true},
		{"04.03.2025", []int64{400, 300, 202500}, 2, true},
		{"9:30", []int64{900, 3000}, 2, true},
		{"1,2,3", []int64{100, 200, 300}, 2, true},
		{"1234567890123456", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got []int64
			var prec uint8
			ok := parseNumeric([]byte(tt.in), func(v int64, e uint8) { got = append(got, v); prec = e })
			if ok != tt.ok || (ok && (!slices.Equal(got, tt.want) || prec != tt.prec)) {
				t.Errorf("parseNumeric(%q) = %v prec=%d ok=%v, want %v prec=%d ok=%v", tt.in, got, prec, ok, tt.want, tt.prec, tt.ok)
			}
		})
	}
}

func TestScaleWords(t *testing.T) {
	f := NewFingerprint(Doc{Teaser: "Das Land gibt 2,5 Millionen Euro und zwei Mrd. Euro sowie 3 Tsd."})
	want := []int64{250000000, 300000, 200000000000}
	got := make([]int64, len(f.nums))
	for i, n := range f.nums {
		got[i] = n >> precBits
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("numbers = %v, want %v", got, want)
	}
}

func TestTruncatedTeaser(t *testing.T) {
	long := strings.Repeat("Der Ausbau geht voran. ", 14) + "Bis 20"
	f := NewFingerprint(Doc{Teaser: long})
	if len(f.nums) != 0 {
		t.Errorf("the cut-off last word of a long teaser was kept as number %v", f.nums)
	}
	g := NewFingerprint(Doc{Teaser: "Bis 2027 sollen alle … "})
	if len(g.nums) != 1 {
		t.Errorf("numbers = %v, want only 2027", g.nums)
	}
	h := NewFingerprint(Doc{Teaser: "Ziel ist das Jahr 2027."})
	if len(h.nums) != 1 {
		t.Errorf("a complete teaser lost its last word: numbers %v", h.nums)
	}
}

func TestPlaceFeatures(t *testing.T) {
	tests := []struct {
		name, text string
		places     int
	}{
		{"Land", "Thüringen: Breitbandausbau im Plan", 1},
		{"Land in compound", "Der Thüringen-Plan", 1},
		{"hyphenated Land is one place", "Sachsen-Anhalt startet", 1},
		{"city and Land", "Erfurt und Weimar in Thüringen", 3},
		{"indicator", "Landkreis Nordsachsenwald fördert", 1},
		{"indicator needs capital", "die Stadt plant", 0},
		{"indicator needs adjacency", "die Stadt. Gotha", 1},
		{"no place", "Neue Förderrichtlinie für Schulen", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFingerprint(Doc{Title: tt.text})
			if got := len(placesOnly(f.keys)); got != tt.places {
				t.Errorf("%q has %d place features, want %d", tt.text, got, tt.places)
			}
		})
	}
}
