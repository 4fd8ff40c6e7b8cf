package main

import (
	"slices"
	"testing"
)

func TestForms(t *testing.T) {
	tests := []struct {
		name         string
		wantBare     []string
		wantSpecific []string // a subset that must be present
	}{
		{"Lüneburg", []string{"Lüneburg", "Lüneburgs"}, nil},
		{"Lauf a.d.Pegnitz", []string{"Lauf"}, []string{"Lauf a.d.Pegnitz", "Lauf an der Pegnitz", "Lauf Pegnitz"}},
		{"Frankfurt (Oder)", []string{"Frankfurt"}, []string{"Frankfurt (Oder)", "Frankfurt an der Oder"}},
		{"Frankfurt am Main", []string{"Frankfurt"}, []string{"Frankfurt am Main", "Frankfurt a.M."}},
		{"Halle (Westf.)", []string{"Halle"}, []string{"Halle (Westf.)", "Halle (Westfalen)", "Halle in Westfalen"}},
		{"Weiden i.d.OPf.", []string{"Weiden"}, []string{"Weiden in der Oberpfalz", "Weiden in der OPf."}},
		{"Bad Homburg v. d. Höhe", []string{"Bad Homburg"}, []string{"Bad Homburg vor der Höhe"}},
		{"Mühlhausen/Thüringen", []string{"Mühlhausen"}, []string{"Mühlhausen in Thüringen"}},
		{"St. Ingbert", []string{"St. Ingbert", "Sankt Ingbert"}, nil},
		{"Weil am Rhein", []string{"Weil"}, []string{"Weil am Rhein", "Weil Rhein"}},
		{"Neustadt in Holstein", []string{"Neustadt"}, []string{"Neustadt in Holstein"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bare, specific := forms(tc.name)
			if !slices.Equal(dedup(bare), tc.wantBare) {
				t.Errorf("bare = %q, want %q", dedup(bare), tc.wantBare)
			}
			for _, w := range tc.wantSpecific {
				if !slices.Contains(specific, w) {
					t.Errorf("specific forms %q lack %q", specific, w)
				}
			}
		})
	}
}

func TestKreisForms(t *testing.T) {
	tests := []struct {
		name, bezeichnung, typ string
		wantBare               []string
		wantSpecific           []string
	}{
		{"Leer", "Landkreis Leer", "Landkreis", []string{"Leer"}, []string{"Landkreis Leer", "Kreis Leer", "Landkreises Leer"}},
		{"Rhein-Kreis Neuss", "Rhein-Kreis Neuss", "Kreis", nil, []string{"Rhein-Kreis Neuss", "Rhein-Kreises Neuss"}},
		{"Hochsauerlandkreis", "Hochsauerlandkreis", "Kreis", nil, []string{"Hochsauerlandkreises"}},
		{"Region Hannover", "Region Hannover", "Landkreis", nil, []string{"Region Hannover"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bare, specific := kreisForms(tc.name, tc.bezeichnung, tc.typ)
			if tc.wantBare != nil && !slices.Contains(bare, tc.wantBare[0]) {
				t.Errorf("bare = %q, want %q", bare, tc.wantBare)
			}
			if tc.wantBare == nil && len(bare) != 0 {
				t.Errorf("bare = %q, want none", bare)
			}
			for _, w := range tc.wantSpecific {
				if !slices.Contains(specific, w) {
					t.Errorf("specific forms %q lack %q", specific, w)
				}
			}
		})
	}
}
