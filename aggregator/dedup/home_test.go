package dedup

import "testing"

func TestHomeOf(t *testing.T) {
	same := [][]string{
		{"Stockelsdorf", "Gemeinde Stockelsdorf", " stockelsdorf "},
		{"Frankfurt (Oder)", "Frankfurt/Oder", "Frankfurt"},
		{"Hannover", "Landeshauptstadt Hannover", "Region Hannover"},
		{"Lingen (Ems)", "Stadt Lingen"},
		{"Bad Kreuznach", "Stadt Bad Kreuznach"},
		{"Weil am Rhein", "Stadt Weil am Rhein"},
		{"Bad Homburg v. d. Höhe", "Bad Homburg"},
		{"Landkreis Bad Kreuznach", "Kreisverwaltung Bad Kreuznach", "Bad Kreuznach"},
		{"St. Ingbert", "Sankt Ingbert"},
		{"Markt Schwaben", "Schwaben"},
	}
	for _, names := range same {
		for _, n := range names[1:] {
			if a, b := homeOf(names[0]), homeOf(n); a == 0 || a != b {
				t.Errorf("homeOf(%q) = %#x, homeOf(%q) = %#x; want one non-zero home", names[0], a, n, b)
			}
		}
	}
	apart := [][2]string{
		{"Bad Kreuznach", "Bad Homburg"},
		{"Rheine", "Emsdetten"},
		{"Landkreis Emsland", "Lingen (Ems)"},
		{"Markt Schwaben", "Markt Indersdorf"},
		{"Neufahrn b. Freising", "Eching"},
		{"Mülheim an der Ruhr", "Mühlheim am Main"},
	}
	for _, p := range apart {
		if a, b := homeOf(p[0]), homeOf(p[1]); a == b {
			t.Errorf("homeOf(%q) = homeOf(%q) = %#x, want two homes", p[0], p[1], a)
		}
	}
	for _, n := range []string{"", "  ", "(Oder)", "Stadt", "der die das"} {
		if h := homeOf(n); h != 0 {
			t.Errorf("homeOf(%q) = %#x, want 0 (no place)", n, h)
		}
	}
}

func TestHomesConflict(t *testing.T) {
	const template = "Neues Serviceportal der Verwaltung ist online"
	doc := func(place, teaser string) Doc {
		return Doc{Title: template, Teaser: teaser, Lands: []string{"DE-SH"}, Published: t0, Place: place}
	}
	plain := "Über 80 Leistungen der Gemeinde können ab sofort online beantragt werden."
	for _, tc := range []struct {
		name string
		a, b Doc
		same bool
	}{
		{"two towns", doc("Stockelsdorf", plain), doc("Ratekau", plain), false},
		{"one names the other", doc("Stockelsdorf", plain), doc("Ratekau", "Gemeinsam mit Stockelsdorf: "+plain), true},
		{"named as a place", doc("Ratekau", "In der Gemeinde Stockelsdorf: "+plain), doc("Stockelsdorf", plain), true},
		{"one town", doc("Stockelsdorf", plain), doc("Gemeinde Stockelsdorf", plain), true},
		{"one side without a place", doc("Stockelsdorf", plain), doc("", plain), true},
		{"a Land and its city", doc("Bayern", plain), doc("München", plain), true},
		{"two cities", doc("Augsburg", plain), doc("München", plain), false},
		{"a news site naming another town", doc("Ratekau", plain), doc("", "In der Gemeinde Stockelsdorf: "+plain), false},
		{"a news site naming the town", doc("Stockelsdorf", plain), doc("", "In der Gemeinde Stockelsdorf: "+plain), true},
		{"a news site naming the town's Land", doc("München", plain), doc("", "In Bayern: "+plain), true},
		{"a news site naming another city", doc("München", plain), doc("", "In Nürnberg: "+plain), false},
		{"working together", doc("Eching", "Gemeinsam mit der Nachbargemeinde: "+plain), doc("Neufahrn b. Freising", plain), true},
		{"a joint word inside a compound", doc("Eching", plain), doc("Neufahrn", "Die Nachbarkommunen bieten ein Portal an."), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Explain(tc.a, tc.b, DefaultOptions())
			if v.Same != tc.same {
				t.Errorf("Same = %v (reason %q), want %v", v.Same, v.Reason, tc.same)
			}
			if !tc.same && v.Reason != ReasonHomes && v.Reason != ReasonHomePlace {
				t.Errorf("reason %q, want %q or %q", v.Reason, ReasonHomes, ReasonHomePlace)
			}
			if w := Explain(tc.b, tc.a, DefaultOptions()); w.Same != v.Same {
				t.Errorf("not symmetric: %v one way, %v the other", v.Same, w.Same)
			}
		})
	}
}

// TestHomesOfQualifiedAndAuthorityNames: a place is not the Land named in
// its qualifier ("Bernau bei Berlin"), and an authority's name
// ("Landratsamt", "Bezirksamt") is no place of its own (review, session
// 7: both had merged two places' template notices).
func TestHomesOfQualifiedAndAuthorityNames(t *testing.T) {
	const title = "Neues Serviceportal der Verwaltung ist online"
	const teaser = "Über 80 Leistungen der Verwaltung können ab sofort online beantragt werden."
	doc := func(place, land string) Doc {
		return Doc{Title: title, Teaser: teaser, Lands: []string{land}, Published: t0, Place: place}
	}
	for _, tc := range []struct {
		name string
		a, b Doc
		same bool
	}{
		// "bei Berlin" makes Bernau the Land Berlin: compatible with every
		// town the gazetteer does not know.
		{"Bernau bei Berlin and Panketal", doc("Bernau bei Berlin", "DE-BB"), doc("Panketal", "DE-BB"), false},
		// An authority's name is the first word of many sources' places.
		{"two Landratsämter", doc("Landratsamt Dachau", "DE-BY"), doc("Landratsamt Erding", "DE-BY"), false},
		{"a Landratsamt and its Landkreis", doc("Landratsamt Dachau", "DE-BY"), doc("Landkreis Dachau", "DE-BY"), true},
		{"two Berlin Bezirksämter", doc("Bezirksamt Pankow", "DE-BE"), doc("Bezirksamt Mitte", "DE-BE"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if v := Explain(tc.a, tc.b, DefaultOptions()); v.Same != tc.same {
				t.Errorf("%q / %q: Same = %v (reason %q), want %v", tc.a.Place, tc.b.Place, v.Same, v.Reason, tc.same)
			}
		})
	}
}

// TestHomesCooperationWordsInTemplates: a template that itself speaks of
// working together with others than towns (the Land, the IT provider,
// "Nachbarschaftshilfe") does not lift the homes rule for every two towns
// that publish it (review, session 7).
func TestHomesCooperationWordsInTemplates(t *testing.T) {
	const title = "Neues Serviceportal der Verwaltung ist online"
	for _, teaser := range []string{
		"Über 80 Leistungen der Gemeinde können ab sofort online beantragt werden. Das Portal entstand in Zusammenarbeit mit dem kommunalen IT-Dienstleister.",
		"Gemeinsam mit dem Land bietet die Gemeinde ab sofort über 80 Leistungen online an.",
		"Über 80 Leistungen der Gemeinde können ab sofort online beantragt werden, auch die Anmeldung zur Nachbarschaftshilfe.",
	} {
		a := Doc{Title: title, Teaser: teaser, Lands: []string{"DE-SH"}, Published: t0, Place: "Stockelsdorf"}
		b := Doc{Title: title, Teaser: teaser, Lands: []string{"DE-SH"}, Published: t0, Place: "Ratekau"}
		if v := Explain(a, b, DefaultOptions()); v.Same {
			t.Errorf("Stockelsdorf and Ratekau, one template %q: one story (%s); want two (homes)", teaser, v.Layer)
		}
	}
}

// TestHomesLandAndItsCity: a Land's source and its city's are compatible
// homes, also when the gazetteer has a namesake of the city in another
// Land ("Bad Homburg v. d. Höhe" is not Homburg (Saar), "Frankfurt (Oder)"
// not Frankfurt (Hessen), "Wittenberge" not Wittenberg; review, session 7).
func TestHomesLandAndItsCity(t *testing.T) {
	const title = "Neues Serviceportal der Verwaltung ist online"
	const teaser = "Über 80 Leistungen der Verwaltung können ab sofort online beantragt werden."
	for _, town := range []struct{ place, land string }{
		{"Bad Homburg v. d. Höhe", "Hessen"}, {"Frankfurt (Oder)", "Brandenburg"}, {"Wittenberge", "Brandenburg"},
	} {
		code := map[string]string{"Hessen": "DE-HE", "Brandenburg": "DE-BB"}[town.land]
		a := Doc{Title: title, Teaser: teaser, Lands: []string{code}, Published: t0, Place: town.land}
		b := Doc{Title: title, Teaser: teaser, Lands: []string{code}, Published: t0, Place: town.place}
		if v := Explain(a, b, DefaultOptions()); !v.Same {
			t.Errorf("%s and %s: two stories (%s), want one (a city and its Land)", town.land, town.place, v.Reason)
		}
	}
}
