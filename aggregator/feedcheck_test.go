package aggregator

import (
	"strings"
	"testing"
)

func TestXMLDepth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"flat", `<?xml version="1.0"?><rss><channel><item><title>a</title></item></channel></rss>`, 4},
		{"self-closing", `<feed><link href="x"/><entry><link href="y"/></entry></feed>`, 2},
		{"cdata with unbalanced html", `<rss><item><description><![CDATA[<p><br><div><span>]]></description></item></rss>`, 3},
		{"comment", `<rss><!-- <a><b><c> --><item/></rss>`, 1},
		{"doctype", `<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel/></rss>`, 1},
		{"deep", strings.Repeat("<a>", 300), 257}, // stops just past the limit
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := xmlDepth([]byte(tt.in), 256); got != tt.want {
				t.Errorf("xmlDepth = %d, want %d", got, tt.want)
			}
		})
	}
}
