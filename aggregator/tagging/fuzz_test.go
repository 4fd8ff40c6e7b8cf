package tagging

import (
	"strings"
	"testing"
)

func FuzzTag(f *testing.F) {
	seeds := [][2]string{
		{"Lüneburg: Digitale Bauanträge ab März", ""},
		{"Rhein-Kreis Neuss: Neues", "Bürgermeister Klaus Plauen"},
		{"Halle (Westf.", "Frankfurt a.M."},
		{"Sachsen-Anhalt-", "-Bayern"},
		{"Der Bund und", "Bund-Länder-"},
		{"Stadt Leer:", ":"},
		{"ẞ ß Straße", "\u00a0Essen\u2011Nord"},
		{"\xff\xfe", "Brandenburger"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	tg, err := New(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, title, teaser string) {
		tags := tg.Tag(title, teaser)
		seen := map[string]bool{}
		for _, tag := range tags {
			if !ValidLand(tag.Land) {
				t.Errorf("invalid land %q", tag.Land)
			}
			if seen[tag.Land] {
				t.Errorf("two tags for %s", tag.Land)
			}
			seen[tag.Land] = true
			if tag.Evidence == "" || !strings.Contains(title, tag.Evidence) && !strings.Contains(teaser, tag.Evidence) {
				t.Errorf("evidence %q not in input", tag.Evidence)
			}
		}
	})
}
