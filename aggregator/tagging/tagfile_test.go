package tagging

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestTagFile is a tool for editors and developers, not a check: it tags
// every line of the file named by TAGGING_FILE ("title||teaser" per line)
// and logs the tags, e.g.
//
//	TAGGING_FILE=/tmp/items.txt go test -run TestTagFile -v ./aggregator/tagging/
func TestTagFile(t *testing.T) {
	path := os.Getenv("TAGGING_FILE")
	if path == "" {
		t.Skip("TAGGING_FILE not set")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tg := newTagger(t, nil)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		title, teaser, _ := strings.Cut(sc.Text(), "||")
		t.Logf("%-50.50s => %v", sc.Text(), tg.Tag(title, teaser))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
