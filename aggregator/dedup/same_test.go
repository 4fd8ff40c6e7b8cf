package dedup

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 4, 9, 15, 0, 0, time.UTC)

func doc(title, teaser string, after time.Duration, lands ...string) Doc {
	return Doc{Title: title, Teaser: teaser, Lands: lands, Published: t0.Add(after)}
}

// pressRelease is the original all duplicate cases below derive from.
var pressRelease = doc("Thüringen: Breitbandausbau liegt im Plan",
	"Das Thüringer Ministerium für Digitales und Infrastruktur meldet Fortschritte: 85 Prozent der Haushalte sind mit mindestens 100 Mbit/s versorgt. Bis 2027 sollen alle Haushalte einen Gigabitanschluss erhalten.",
	0, "DE-TH")

type pairCase struct {
	name      string
	a, b      Doc
	same      bool
	layer     string // when same
	reason    string // when not same ("" = don't care)
	wantScore float64
}

func runPairs(t *testing.T, tests []pairCase) {
	t.Helper()
	o := DefaultOptions()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Explain(tt.a, tt.b, o)
			t.Logf("score %.3f layer %q reason %q", v.Score, v.Layer, v.Reason)
			if v.Same != tt.same {
				t.Fatalf("Same = %v (score %.3f, layer %q, reason %q), want %v", v.Same, v.Score, v.Layer, v.Reason, tt.same)
			}
			if tt.same && tt.layer != "" && v.Layer != tt.layer {
				t.Errorf("layer = %q, want %q", v.Layer, tt.layer)
			}
			if !tt.same && tt.reason != "" && v.Reason != tt.reason {
				t.Errorf("reason = %q (score %.3f), want %q", v.Reason, v.Score, tt.reason)
			}
			if w := Explain(tt.b, tt.a, o); w != v {
				t.Errorf("not symmetric: %+v vs %+v", v, w)
			}
		})
	}
}

func TestSame_TitleLayer(t *testing.T) {
	runPairs(t, []pairCase{
		{name: "identical title, other teaser",
			a:    pressRelease,
			b:    doc("THÜRINGEN – Breitbandausbau liegt im Plan!", "Gute Nachrichten für schnelles Internet im Freistaat.", 3*time.Hour),
			same: true, layer: LayerTitle},
		{name: "decomposed umlauts and no teaser",
			a:    pressRelease,
			b:    doc("Thu\u0308ringen: Breitbandausbau liegt im Plan", "", time.Hour),
			same: true, layer: LayerTitle},
		{name: "short generic title is no evidence",
			a:    doc("Pressemitteilung", "Der Landtag hat das Haushaltsgesetz beschlossen.", 0),
			b:    doc("Pressemitteilung", "Die Polizei sucht Zeugen eines Unfalls auf der Autobahn.", time.Hour),
			same: false, reason: ReasonThreshold},
	})
}

func TestSame_SimilarLayer(t *testing.T) {
	runPairs(t, []pairCase{
		{name: "syndication with tracking text",
			a: pressRelease,
			b: doc("Breitbandausbau in Thüringen liegt im Plan (via Landesportal)",
				pressRelease.Teaser+" Mehr lesen: landesportal.de/artikel?utm_source=rss&utm_medium=feed",
				6*time.Hour),
			same: true, layer: LayerSimilar},
		{name: "small edit",
			a: pressRelease,
			b: doc("Thüringen: Der Breitbandausbau liegt weiter im Plan",
				"Das Thüringer Ministerium für Digitales und Infrastruktur meldet gute Fortschritte: 85 Prozent aller Haushalte sind inzwischen mit mindestens 100 Mbit/s versorgt. Bis 2027 sollen alle einen Gigabitanschluss erhalten.",
				2*time.Hour, "DE-TH"),
			same: true, layer: LayerSimilar},
		{name: "rewrite by a news site",
			a: pressRelease,
			b: doc("Thüringer Breitbandausbau: 85 Prozent der Haushalte versorgt",
				"Beim Breitbandausbau liegt Thüringen laut Digitalministerium im Plan. 85 Prozent der Haushalte sind mit 100 Mbit/s versorgt, bis 2027 soll jeder Haushalt einen Gigabitanschluss erhalten.",
				5*time.Hour),
			same: true, layer: LayerSimilar},
		{name: "teaser-less copy",
			a:    pressRelease,
			b:    doc("Breitbandausbau in Thüringen liegt im Plan", "", time.Hour),
			same: true, layer: LayerSimilar},
		{name: "rounded number",
			a:    doc("Förderung: Land gibt 1,2 Mio. Euro für Schuldigitalisierung in Jena", "Das Geld fließt in Tablets und WLAN an 14 Jenaer Schulen.", 0),
			b:    doc("Jena erhält 1.234.000 Euro für digitale Schulen", "Das Land fördert Tablets und WLAN an 14 Jenaer Schulen mit 1.234.000 Euro.", 4*time.Hour),
			same: true, layer: LayerSimilar},
	})
}

func TestSame_LandRule(t *testing.T) {
	b := pressRelease
	b.Published = t0.Add(time.Hour)
	with := func(lands ...string) Doc { d := b; d.Lands = lands; return d }
	runPairs(t, []pairCase{
		{name: "disjoint sets stay apart even with identical text", a: pressRelease, b: with("DE-SN"), same: false, reason: ReasonLands},
		{name: "the Bund is no Land: compatible with a Land", a: pressRelease, b: with("DE"), same: true, layer: LayerTitle},
		{name: "Bund and a Land vs another Land are disjoint", a: pressRelease, b: with("DE", "DE-SN"), same: false, reason: ReasonLands},
		{name: "empty set is compatible", a: pressRelease, b: with(), same: true, layer: LayerTitle},
		{name: "overlapping sets", a: pressRelease, b: with("DE", "DE-TH"), same: true, layer: LayerTitle},
		{name: "codes are case-insensitive", a: pressRelease, b: with("de-th"), same: true, layer: LayerTitle},
	})
}

func TestLandsDisjoint(t *testing.T) {
	for _, tt := range []struct {
		a, b     []string
		disjoint bool
	}{
		{nil, nil, false},
		{nil, []string{"DE-HE"}, false},
		{[]string{"DE"}, []string{"DE-HE"}, false}, // the Bund is no Land
		{[]string{"DE"}, []string{"DE"}, false},
		{[]string{"DE"}, nil, false},
		{[]string{"DE", "DE-HE"}, []string{"DE"}, false},
		{[]string{"DE", "DE-HE"}, []string{"DE-TH"}, true}, // HE vs TH
		{[]string{"DE", "DE-HE"}, []string{"DE", "DE-TH"}, true},
		{[]string{"DE", "DE-HE"}, []string{"DE-TH", "DE-HE"}, false},
		{[]string{"DE-HE"}, []string{"DE-TH"}, true},
		{[]string{"DE-HE"}, []string{"de-he "}, false},
		{[]string{" "}, []string{"DE-TH"}, false}, // blank codes are ignored
		{[]string{"AT"}, []string{"DE-TH"}, true}, // other codes are regions too
		{[]string{"DE", "AT"}, []string{"DE"}, false},
	} {
		if got := landsDisjoint(landMask(tt.a), landMask(tt.b)); got != tt.disjoint {
			t.Errorf("landsDisjoint(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.disjoint)
		}
		if got := landsDisjoint(landMask(tt.b), landMask(tt.a)); got != tt.disjoint {
			t.Errorf("landsDisjoint(%q, %q) = %v, want %v", tt.b, tt.a, got, tt.disjoint)
		}
	}
}

func TestSame_Window(t *testing.T) {
	late := pressRelease
	late.Published = t0.Add(DefaultWindow + time.Minute)
	runPairs(t, []pairCase{
		{name: "identical text beyond the window", a: pressRelease, b: late, same: false, reason: ReasonWindow},
	})
	if _, _, ok := Same(pressRelease, late, Options{Window: 30 * 24 * time.Hour}); !ok {
		t.Error("a longer window does not merge the pair")
	}
}

func TestSame_HardNegatives(t *testing.T) {
	runPairs(t, []pairCase{
		{name: "template, other Land",
			a: pressRelease,
			b: doc("Sachsen: Breitbandausbau liegt im Plan",
				"Das Sächsische Ministerium für Digitales und Infrastruktur meldet Fortschritte: 85 Prozent der Haushalte sind mit mindestens 100 Mbit/s versorgt. Bis 2027 sollen alle Haushalte einen Gigabitanschluss erhalten.",
				0),
			same: false, reason: ReasonPlaces},
		{name: "template, other city",
			a:    doc("Erfurt: Neue Ladesäulen am Rathaus", "Ab Montag können Elektroautos am Rathaus kostenlos laden.", 0),
			b:    doc("Weimar: Neue Ladesäulen am Rathaus", "Ab Montag können Elektroautos am Rathaus kostenlos laden.", 0),
			same: false, reason: ReasonPlaces},
		{name: "template, other district not in the gazetteer",
			a:    doc("Landkreis Hildburghausen startet digitalen Bauantrag", "Bauanträge können ab sofort online gestellt werden.", 0),
			b:    doc("Landkreis Eichsfeld startet digitalen Bauantrag", "Bauanträge können ab sofort online gestellt werden.", time.Hour),
			same: false, reason: ReasonPlaces},
		{name: "template, other place and other numbers",
			a:    doc("Thüringen: 85 Prozent der Haushalte mit schnellem Internet", "Der Breitbandausbau kommt voran.", 0),
			b:    doc("Sachsen: 78 Prozent der Haushalte mit schnellem Internet", "Der Breitbandausbau kommt voran.", 0),
			same: false},
		{name: "same topic, other Land (tagged)",
			a:    doc("Hessen startet digitale Kfz-Zulassung", "Ab April können Fahrzeuge vollständig online zugelassen werden.", 0, "DE-HE"),
			b:    doc("Start der digitalen Kfz-Zulassung", "Ab April können Fahrzeuge nun vollständig online zugelassen werden.", 2*time.Hour, "DE-BY"),
			same: false, reason: ReasonLands},
		{name: "same topic, other Land (untagged)",
			a:    doc("Hessen startet digitale Kfz-Zulassung", "Ab April können Fahrzeuge vollständig online zugelassen werden.", 0),
			b:    doc("Bayern startet digitale Kfz-Zulassung", "Ab April können Fahrzeuge vollständig online zugelassen werden.", 2*time.Hour),
			same: false, reason: ReasonPlaces},
		{name: "follow-up with new figures",
			a: pressRelease,
			b: doc("Thüringen: Breitbandausbau weiter im Plan",
				"Das Thüringer Ministerium für Digitales und Infrastruktur meldet Fortschritte: 88 Prozent der Haushalte sind mit mindestens 100 Mbit/s versorgt. Bis 2027 sollen alle Haushalte einen Gigabitanschluss erhalten.",
				5*24*time.Hour, "DE-TH"),
			same: false, reason: ReasonNumbers},
		{name: "follow-up, next step days later",
			a:    doc("Kabinett beschließt Entwurf des Thüringer Digitalgesetzes", "Das Gesetz soll die Verwaltung verpflichten, Leistungen online anzubieten.", 0, "DE-TH"),
			b:    doc("Landtag berät Thüringer Digitalgesetz in erster Lesung", "Die Opposition kritisiert fehlende Mittel für die Kommunen.", 4*24*time.Hour, "DE-TH"),
			same: false},
		{name: "recurring format, calendar week",
			a:    doc("Newsletter KW 12", "Die Themen der Woche aus dem Ministerium für Digitales und Infrastruktur.", 0),
			b:    doc("Newsletter KW 13", "Die Themen der Woche aus dem Ministerium für Digitales und Infrastruktur.", 7*24*time.Hour-time.Hour),
			same: false}, // six days apart: the gap penalty alone keeps them apart
		{name: "recurring format, numbered issue next day",
			a:    doc("Lagebericht Nr. 12 zur IT-Störung", "Die Themen der Lage aus dem Ministerium für Digitales und Infrastruktur.", 0),
			b:    doc("Lagebericht Nr. 13 zur IT-Störung", "Die Themen der Lage aus dem Ministerium für Digitales und Infrastruktur.", 26*time.Hour),
			same: false, reason: ReasonNumbers},
		{name: "corrected figure within hours is the same item",
			a:    doc("Breitbandausbau: 1.200 weitere Haushalte angeschlossen", "Seit Jahresbeginn sind 1.200 weitere Haushalte am Netz. Bis Ende 2026 sollen 14.000 Anschlüsse entstehen.", 0),
			b:    doc("Breitbandausbau: 1.250 weitere Haushalte angeschlossen", "Seit Jahresbeginn sind 1.250 weitere Haushalte am Netz. Bis Ende 2026 sollen 14.000 Anschlüsse entstehen.", 3*time.Hour),
			same: true, layer: LayerSimilar},
		{name: "spelled-out number confirms but does not veto",
			a:    doc("ELFE jetzt auch in Bremerhaven", "Eltern können den Dienst ELFE nutzen. In Bremen läuft er bereits seit 2023.", 0),
			b:    doc("Bremerhaven: ELFE für Eltern verfügbar", "Der Dienst ELFE ist nun auch in Bremerhaven verfügbar. Bremen nutzt ihn schon seit zwei Jahren.", 20*time.Hour),
			same: true, layer: LayerSimilar},
		{name: "recurring format, month",
			a:    doc("Digitalbericht März: Zahlen und Termine", "Der monatliche Bericht des Landesamts für Statistik.", 0),
			b:    doc("Digitalbericht April: Zahlen und Termine", "Der monatliche Bericht des Landesamts für Statistik.", 6*24*time.Hour),
			same: false, reason: ReasonNumbers},
		{name: "same organisation, other news",
			a:    doc("Ministerium für Digitales: Neue Förderrichtlinie für Kommunen", "Kommunen können ab Mai Zuschüsse für digitale Bürgerdienste beantragen.", 0, "DE-TH"),
			b:    doc("Ministerium für Digitales: Staatssekretär besucht Rechenzentrum", "Beim Besuch ging es um Ausfallsicherheit und Energieverbrauch.", 3*time.Hour, "DE-TH"),
			same: false, reason: ReasonThreshold},
		{name: "unrelated",
			a:    pressRelease,
			b:    doc("Neue Ausstellung im Landesmuseum", "Gezeigt werden Gemälde aus drei Jahrhunderten.", time.Hour),
			same: false, reason: ReasonThreshold},
		{name: "empty text",
			a:    doc("", "", 0),
			b:    doc("", "", 0),
			same: false, reason: ReasonEmpty},
	})
}

func TestNumbersMatch(t *testing.T) {
	enc := func(v int64, e int64) int64 { return v<<precBits | e }
	tests := []struct {
		name string
		x, y int64
		want bool
	}{
		{"equal", enc(8500, 2), enc(8500, 2), true},
		{"integers differ", enc(1200, 2), enc(1300, 2), false},
		{"years differ", enc(202400, 2), enc(202500, 2), false},
		{"decimal rounds to integer", enc(8470, 1), enc(8500, 2), true},
		{"decimal does not round to integer", enc(8440, 1), enc(8500, 2), false},
		{"1,2 Mio. vs 1.234.000", enc(120000000, 7), enc(123400000, 2), true},
		{"2,5 Mio. vs 2,6 Mio.", enc(250000000, 7), enc(260000000, 7), false},
		{"2 Mio. vs 2,4 Mio.", enc(200000000, 8), enc(240000000, 7), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := numbersMatch(tt.x, tt.y); got != tt.want {
				t.Errorf("numbersMatch = %v, want %v", got, tt.want)
			}
		})
	}
	if numbersConflict([]int64{enc(8500, 2)}, []int64{enc(8500, 2), enc(202700, 2)}) {
		t.Error("a number only one side mentions is a conflict")
	}
}

func TestPlacesCompatible(t *testing.T) {
	key := func(name string) uint32 { return gazetteer[normWord(name, true)] }
	tests := []struct {
		a, b uint32
		want bool
	}{
		{key("Erfurt"), key("Thüringen"), true},
		{key("Thüringen"), key("Erfurt"), true},
		{key("Erfurt"), key("Sachsen"), false},
		{key("Erfurt"), key("Weimar"), false},
		{key("Thüringen"), key("Sachsen"), false},
		{placeKey("eichsfeld"), key("Thüringen"), true},
		{placeKey("eichsfeld"), key("Erfurt"), false},
		{placeKey("eichsfeld"), placeKey("hildburghaus"), false},
	}
	for _, tt := range tests {
		if tt.a == 0 || tt.b == 0 {
			t.Fatalf("gazetteer lookup failed: %+v", tt)
		}
		if got := placesCompatible(tt.a, tt.b); got != tt.want {
			t.Errorf("placesCompatible(%x, %x) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestGazetteerHasEveryLand(t *testing.T) {
	lands := map[uint8]bool{}
	for _, info := range placeInfos {
		if info.kind == placeLand {
			lands[info.land] = true
		}
	}
	if len(lands) != 16 {
		t.Errorf("gazetteer has %d Länder, want 16", len(lands))
	}
	for _, name := range []string{"Thuringia", "NRW", "Nordrhein-Westfalen", "bayerischen", "Münchner", "Cologne"} {
		if _, ok := gazetteer[normWord(name, true)]; !ok {
			t.Errorf("%q is not in the gazetteer", name)
		}
	}
}
