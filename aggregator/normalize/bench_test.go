package normalize

import (
	"strings"
	"testing"
)

// BenchmarkTeaser cuts teasers from an item-sized description and from a
// whole article, as sources that put the full text in the description
// send it.
func BenchmarkTeaser(b *testing.B) {
	para := "<p>Die Stadtverwaltung stellt ab März alle Bauanträge auf das digitale Verfahren um. " +
		"Bürgerinnen und Bürger können <a href=\"/x\">Unterlagen</a> künftig online einreichen, " +
		"der Bearbeitungsstand ist jederzeit im Portal einsehbar.</p>\n"
	for _, bc := range []struct {
		name string
		body string
	}{
		{"description", strings.Repeat(para, 4)},
		{"article", strings.Repeat(para, 80)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				Teaser(bc.body, TeaserMax)
			}
		})
	}
}
