package tagging

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestSmoke(t *testing.T) {
	f, err := os.Open("/tmp/smoke.txt")
	if err != nil {
		t.Skip()
	}
	tg, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		title, teaser, _ := strings.Cut(sc.Text(), "||")
		t.Logf("%-50.50s => %v", sc.Text(), tg.Tag(title, teaser))
	}
}
