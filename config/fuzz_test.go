package config_test

import (
	"errors"
	"os"
	"testing"

	"github.com/egovfeed/egovfeed/config"
)

// FuzzParse feeds arbitrary bytes to the loader: it must not panic, and
// it must return either a *config.Error or a configuration that passes
// Validate.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../config.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"sources:\n  - name: a\n    url: https://a.example/feed\n",
		"database: x.db\nfetch:\n  max_body: 5MiB\n  timeout: 10s\nsources:\n  - name: a\n    url: https://a.example/\n    land: DE-HE\n    schedule: \"*/15 * * * *\"\n",
		"fetch:\n  max_body: 17179869184GiB\nsources:\n  - {name: a, url: 'https://a.example/'}\n",
		"fetch: {max_body: -1}\n",
		"tag_rules:\n  - pattern: '(?i)\\bkassel\\b'\n    lands: [DE-HE]\nsources: [{name: a, url: 'http://a.example/'}]\n",
		"outputs:\n  - name: hessen\n    lands: [DE-HE]\n    sources: [a]\n    limit: 50\nsources: [{name: a, url: 'http://a.example/'}]\n",
		"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
		"sources:\n  - name: a\n    url: https://a.example/\n  - name: a\n    url: https://A.example/\n",
		"retention: 1e400h\n",
		"\xff\xfe\x00s",
		"sources:\n  - name: a\n    url: https://a.example/\n    tag_from_content: false\n    priority: -3\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse("fuzz.yaml", data)
		if err != nil {
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error: %v", err, err)
			}
			if len(ce.Problems) == 0 {
				t.Fatal("*config.Error without problems")
			}
			return
		}
		if cfg == nil {
			t.Fatal("nil config without an error")
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Parse accepted a configuration that Validate rejects: %v", err)
		}
	})
}

// TestParseByteSizeOverflow: a size whose byte count overflows int64
// must be an error, never a wrapped-around smaller limit.
func TestParseByteSizeOverflow(t *testing.T) {
	for _, s := range []string{"17179869189GiB", "18014398509481985KiB", "9223372036854775807KiB"} {
		got, err := config.ParseByteSize(s)
		if err == nil {
			t.Errorf("ParseByteSize(%q) = %d, want an overflow error", s, int64(got))
		}
	}
}
