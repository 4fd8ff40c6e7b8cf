package dedup

import "testing"

// Review of the homes rule (session 7): pairs it judges wrongly.

// TestHomesReviewPlaceKeys: homeOf gave a town the key of a Land named
// in a qualifier, and many places one key, the first word of their
// authority's name.
func TestHomesReviewPlaceKeys(t *testing.T) {
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
