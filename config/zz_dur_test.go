package config

import "testing"

func TestZZDurationNames(t *testing.T) {
	for _, y := range []string{
		"retention: 30d\nsources:\n  - name: a\n    url: https://a.example/f\n",
		"dedup: {threshold: 0.5, window: 7}\nsources:\n  - name: a\n    url: https://a.example/f\n",
		"outputs:\n  - name: x\n    max_age: 3d\nsources:\n  - name: a\n    url: https://a.example/f\n",
		"fetch:\n  timeout: [1]\nsources:\n  - name: a\n    url: https://a.example/f\n",
		"retention: \"30d\"\nsources:\n  - name: a\n    url: https://a.example/f\n",
		"retention: 720\nfetch:\n  timeout: 30\nsources:\n  - name: a\n    url: https://a.example/f\n    bogus: 1\n",
	} {
		_, err := Parse("c.yaml", []byte(y))
		if e, ok := err.(*Error); ok {
			for _, p := range e.Problems {
				t.Logf("field=%q line=%d msg=%q | %s", p.Field, p.Line, p.Message, p)
			}
		} else {
			t.Logf("err=%v", err)
		}
	}
}
