package config

import (
	"strings"
	"testing"
	"time"
)

const validYAML = `database: test.db
schedule: "@every 30m"
fetch:
  max_body: 5MiB
  timeout: 10s
sources:
  - name: Hessen
    url: https://www.hessen.example/feeds
    land: DE-HE
    schedule: "*/15 * * * *"
  - name: Kommune21
    url: https://www.kommune21.example/feed
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse("config.yaml", []byte(validYAML))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Fetch.MaxBody != 5<<20 || cfg.Fetch.Timeout != 10*time.Second {
		t.Errorf("fetch = %+v", cfg.Fetch)
	}
	if cfg.Fetch.Concurrency != 8 || cfg.Fetch.PerHost != 2 || cfg.Listen != "127.0.0.1:8080" {
		t.Errorf("defaults not applied: %+v", cfg)
	}
	if got := cfg.EffectiveSchedule(cfg.Sources[1]); got != "@every 30m" {
		t.Errorf("default schedule = %q", got)
	}
	if !cfg.Sources[1].TagsFromContent() {
		t.Error("tag_from_content must default to true")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // applied to validYAML
		want    []string  // substrings of the message
	}{
		{"unknown key", [2]string{"    land: DE-HE\n", "    land: DE-HE\n    colour: blue\n"},
			[]string{"config.yaml:10:", "colour"}},
		{"unknown top-level key", [2]string{"database: test.db\n", "database: test.db\nlisten_addr: x\n"},
			[]string{"config.yaml:2:", "listen_addr"}},
		{"bad URL", [2]string{"https://www.hessen.example/feeds", "www.hessen.example/feeds"},
			[]string{"config.yaml:8:", "sources[0].url", `source "Hessen"`, "not an absolute URL"}},
		{"bad scheme", [2]string{"https://www.hessen.example/feeds", "ftp://www.hessen.example/feeds"},
			[]string{"config.yaml:8:", "sources[0].url", "scheme"}},
		{"unknown Land", [2]string{"land: DE-HE", "land: DE-XX"},
			[]string{"config.yaml:9:", "sources[0].land", `source "Hessen"`, `"DE-XX"`}},
		{"lower-case Land", [2]string{"land: DE-HE", "land: he"},
			[]string{"config.yaml:9:", "sources[0].land"}},
		{"bad source cron", [2]string{`schedule: "*/15 * * * *"`, `schedule: "*/15 * *"`},
			[]string{"config.yaml:10:", "sources[0].schedule", `source "Hessen"`, "cron"}},
		{"bad default cron", [2]string{`schedule: "@every 30m"`, `schedule: "@sometimes"`},
			[]string{"config.yaml:2:", "schedule", "cron"}},
		{"duplicate URL", [2]string{"https://www.kommune21.example/feed", "https://WWW.hessen.example/feeds"},
			[]string{"config.yaml:12:", "sources[1].url", `source "Kommune21"`, "duplicate source URL", "sources[0]"}},
		{"duplicate name", [2]string{"name: Kommune21", "name: Hessen"},
			[]string{"config.yaml:11:", "sources[1].name", "duplicate"}},
		{"bad size", [2]string{"max_body: 5MiB", "max_body: lots"},
			[]string{"config.yaml:4:", "invalid size"}},
		{"bad duration", [2]string{"timeout: 10s", "timeout: soon"},
			[]string{"config.yaml:5:", "soon"}},
		{"tiny memory limit", [2]string{`schedule: "@every 30m"`, "schedule: \"@every 30m\"\nmemory_limit: 8MiB"},
			[]string{"config.yaml:3:", "memory_limit", "32MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(validYAML, tt.replace[0], tt.replace[1], 1)
			if data == validYAML {
				t.Fatal("replacement did not apply")
			}
			_, err := Parse("config.yaml", []byte(data))
			if err == nil {
				t.Fatal("no error")
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error is %T, want *config.Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	data := strings.Replace(strings.Replace(validYAML, "land: DE-HE", "land: XX", 1), "https://www.kommune21.example/feed", "nope", 1)
	_, err := Parse("c.yaml", []byte(data))
	ce, ok := err.(*Error)
	if !ok || len(ce.Problems) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
}

func TestResolvePath(t *testing.T) {
	t.Setenv(EnvPath, "")
	if got := ResolvePath(""); got != DefaultPath {
		t.Errorf("default = %q", got)
	}
	t.Setenv(EnvPath, "/etc/egovfeed.yaml")
	if got := ResolvePath(""); got != "/etc/egovfeed.yaml" {
		t.Errorf("env = %q", got)
	}
	if got := ResolvePath("x.yaml"); got != "x.yaml" {
		t.Errorf("flag = %q", got)
	}
}

func TestShippedConfig(t *testing.T) {
	cfg, err := Load("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lands := map[string]bool{}
	for _, s := range cfg.Sources {
		if s.Land != "" && s.Land != "DE" {
			lands[s.Land] = true
		}
	}
	if len(cfg.Sources) < 20 || len(lands) < 10 {
		t.Errorf("shipped config has %d sources covering %d Länder; want ≥ 20 and ≥ 10", len(cfg.Sources), len(lands))
	}
}
