package config

import (
	"fmt"
	"os"
	"path/filepath"
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
	if cfg.Fetch.MaxBody != 5<<20 || cfg.Fetch.Timeout != Duration(10*time.Second) {
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
			[]string{"config.yaml:10:", "colour", "sources[0]", `source "Hessen"`}},
		{"unknown key in the last source", [2]string{"    url: https://www.kommune21.example/feed\n", "    url: https://www.kommune21.example/feed\n    lnad: DE-HE\n"},
			[]string{"config.yaml:13:", "lnad", "sources[1]", `source "Kommune21"`}},
		{"wrong type in a source", [2]string{"land: DE-HE", "land: [DE-HE]"},
			[]string{"config.yaml:9:", "sources[0]", `source "Hessen"`}},
		{"second document", [2]string{"    url: https://www.kommune21.example/feed\n", "    url: https://www.kommune21.example/feed\n---\nbogus: 1\n"},
			[]string{"one YAML document"}},
		{"URL without host name", [2]string{"https://www.hessen.example/feeds", "https://:443/feeds"},
			[]string{"config.yaml:8:", "sources[0].url", "not an absolute URL"}},
		{"duplicate URL with default port", [2]string{"https://www.kommune21.example/feed", "https://www.hessen.example:443/feeds#top"},
			[]string{"config.yaml:12:", "sources[1].url", "duplicate source URL"}},
		{"@every 0s", [2]string{`schedule: "*/15 * * * *"`, `schedule: "@every 0s"`},
			[]string{"config.yaml:10:", "sources[0].schedule", "at least 1m"}},
		{"@every behind a time zone", [2]string{`schedule: "*/15 * * * *"`, `schedule: "TZ=UTC @every 1s"`},
			[]string{"config.yaml:10:", "sources[0].schedule", "at least 1m"}},
		{"@every negative", [2]string{`schedule: "@every 30m"`, `schedule: "@every -5m"`},
			[]string{"config.yaml:2:", "schedule"}},
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
		{"time zone without a spec", [2]string{`schedule: "*/15 * * * *"`, `schedule: "TZ=Europe/Berlin"`},
			[]string{"config.yaml:10:", "sources[0].schedule", `source "Hessen"`, "cron"}},
		{"30 February never runs", [2]string{`schedule: "*/15 * * * *"`, `schedule: "0 0 30 2 *"`},
			[]string{"config.yaml:10:", "sources[0].schedule", `source "Hessen"`, "never runs"}},
		{"31 April never runs", [2]string{`schedule: "@every 30m"`, `schedule: "0 0 31 4 *"`},
			[]string{"config.yaml:2:", "schedule", "never runs"}},
		{"31 November behind a time zone never runs", [2]string{`schedule: "@every 30m"`, `schedule: "TZ=UTC 0 0 31 11 *"`},
			[]string{"config.yaml:2:", "schedule", "never runs"}},
		{"empty time zone", [2]string{`schedule: "@every 30m"`, `schedule: "CRON_TZ="`},
			[]string{"config.yaml:2:", "schedule", "cron"}},
		{"duplicate URL", [2]string{"https://www.kommune21.example/feed", "https://WWW.hessen.example/feeds"},
			[]string{"config.yaml:12:", "sources[1].url", `source "Kommune21"`, "duplicate source URL", "sources[0]"}},
		{"duplicate name", [2]string{"name: Kommune21", "name: Hessen"},
			[]string{"config.yaml:11:", "sources[1].name", "duplicate"}},
		{"bad size", [2]string{"max_body: 5MiB", "max_body: lots"},
			[]string{"config.yaml:4:", "invalid size"}},
		{"huge max_body", [2]string{"max_body: 5MiB", "max_body: 9223372036854775807"},
			[]string{"config.yaml:4:", "fetch.max_body", "1GiB"}},
		{"huge concurrency", [2]string{"max_body: 5MiB", "max_body: 5MiB\n  concurrency: 9223372036854775807"},
			[]string{"fetch.concurrency", "between 1 and 1024"}},
		{"bad duration", [2]string{"timeout: 10s", "timeout: soon"},
			[]string{"config.yaml:5:", "fetch.timeout", `"soon"`, "need a unit"}},
		{"duration in days", [2]string{"database: test.db\n", "database: test.db\nretention: 30d\n"},
			[]string{"config.yaml:2:", "retention", `"30d"`, "need a unit", "720h"}},
		{"duration without a unit", [2]string{"database: test.db\n", "database: test.db\nretention: 5\n"},
			[]string{"config.yaml:2:", "retention", `"5"`, "need a unit"}},
		{"duration as a list", [2]string{"timeout: 10s", "timeout: [10s]"},
			[]string{"config.yaml:5:", "fetch.timeout", "need a unit"}},
		{"duration in a flow mapping", [2]string{"timeout: 10s\n", "timeout: 10s\ndedup: {threshold: 0.5, window: 7}\n"},
			[]string{"config.yaml:6:", "dedup.window", `"7"`, "need a unit"}},
		{"duration of an output", [2]string{"    url: https://www.kommune21.example/feed\n", "    url: https://www.kommune21.example/feed\noutputs:\n  - name: neu\n    max_age: 1w\n"},
			[]string{"config.yaml:15:", "outputs[0].max_age", `"1w"`, "need a unit"}},
		{"blank include word", [2]string{"    url: https://www.kommune21.example/feed\n", "    url: https://www.kommune21.example/feed\noutputs:\n  - name: neu\n    include: [\" \"]\n"},
			[]string{"config.yaml:15:", "outputs[0].include[0]", "must not be empty"}},
		{"zero timeout", [2]string{"timeout: 10s", "timeout: 0"},
			[]string{"config.yaml:5:", "fetch.timeout", "must be positive"}},
		{"zero max_backoff", [2]string{"timeout: 10s", "timeout: 10s\n  max_backoff: 0"},
			[]string{"config.yaml:6:", "fetch.max_backoff", "at least 1m"}},
		{"listen without port", [2]string{"database: test.db\n", "database: test.db\nlisten: \"8080\"\n"},
			[]string{"config.yaml:2:", "listen", "host:port"}},
		{"proxy without a scheme", [2]string{"timeout: 10s", "timeout: 10s\n  proxy: proxy.example:3128"},
			[]string{"config.yaml:6:", "fetch.proxy", "http:// or https://", "proxy.example:3128"}},
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

// TestPlainZeroDuration: YAML reads a plain 0 as an integer; where 0
// means something (keep everything, the default, no age limit) it must
// be accepted as well as 0s.
func TestPlainZeroDuration(t *testing.T) {
	const outputs = "outputs:\n  - name: neu\n    max_age: %s\n"
	tests := []struct {
		name  string
		yaml  string // appended to validYAML, %s for the value
		field func(*Config) Duration
	}{
		{"retention", "retention: %s\n", func(c *Config) Duration { return c.Retention }},
		{"dedup.window", "dedup:\n  window: %s\n", func(c *Config) Duration { return c.Dedup.Window }},
		{"outputs[].max_age", outputs, func(c *Config) Duration { return c.Outputs[0].MaxAge }},
	}
	for _, tt := range tests {
		for _, v := range []string{"0", "0s", `"0"`} {
			t.Run(tt.name+"="+v, func(t *testing.T) {
				cfg, err := Parse("config.yaml", []byte(validYAML+fmt.Sprintf(tt.yaml, v)))
				if err != nil {
					t.Fatal(err)
				}
				if got := tt.field(cfg); got != 0 {
					t.Errorf("%s = %v, want 0", tt.name, got)
				}
			})
		}
		t.Run(tt.name+"=36h", func(t *testing.T) {
			cfg, err := Parse("config.yaml", []byte(validYAML+fmt.Sprintf(tt.yaml, "36h")))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.field(cfg); got != Duration(36*time.Hour) {
				t.Errorf("%s = %v, want 36h", tt.name, got)
			}
		})
	}
}

// TestEveryBadDurationReported: all bad durations of a file are listed,
// each with its key, not only the first.
func TestEveryBadDurationReported(t *testing.T) {
	data := validYAML + "retention: 30d\ndedup:\n  window: 7\n"
	_, err := Parse("config.yaml", []byte(data))
	ce, ok := err.(*Error)
	if !ok || len(ce.Problems) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
	for i, want := range []string{"config.yaml:13: retention:", "config.yaml:15: dedup.window:"} {
		if got := ce.Problems[i].String(); !strings.HasPrefix(got, want) {
			t.Errorf("problem %d = %q, want it to start with %q", i, got, want)
		}
	}
}

// TestDurationProblemsNameTheirKey: a bad duration is reported under its
// key wherever it stands (flow mappings, outputs, non-scalar values),
// beside other problems of the file.
func TestDurationProblemsNameTheirKey(t *testing.T) {
	const src = "sources:\n  - name: a\n    url: https://a.example/f\n"
	tests := []struct {
		name, yaml string
		want       []string // each problem's start, in order
	}{
		{"flow mapping", "dedup: {threshold: 0.5, window: 7}\n" + src, []string{`c.yaml:1: dedup.window: invalid duration "7"`}},
		{"output", "outputs:\n  - name: x\n    max_age: 3d\n" + src, []string{`c.yaml:3: outputs[0].max_age: invalid duration "3d"`}},
		{"not a scalar", "fetch:\n  timeout: [1]\n" + src, []string{"c.yaml:2: fetch.timeout: invalid duration:"}},
		{"quoted", "retention: \"30d\"\n" + src, []string{`c.yaml:1: retention: invalid duration "30d"`}},
		{"beside an unknown key", "retention: 720\nfetch:\n  timeout: 30\n" + src + "    bogus: 1\n", []string{
			`c.yaml:1: retention: invalid duration "720"`, `c.yaml:3: fetch.timeout: invalid duration "30"`, `c.yaml:7: sources[0] (source "a"): field bogus not found`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.yaml))
			ce, ok := err.(*Error)
			if !ok || len(ce.Problems) != len(tt.want) {
				t.Fatalf("err = %v, want %d problems", err, len(tt.want))
			}
			for i, want := range tt.want {
				if got := ce.Problems[i].String(); !strings.HasPrefix(got, want) {
					t.Errorf("problem %d = %q, want it to start with %q", i, got, want)
				}
			}
		})
	}
}

// TestSourceURLCanonical: a source's URL is stored under one spelling,
// so editing the host's case or adding the default port does not make
// it a new source whose items are all stored again.
func TestSourceURLCanonical(t *testing.T) {
	tests := []struct{ url, want string }{
		{"HTTP://Example.ORG:80/feed?A=1", "http://example.org/feed?A=1"},
		{"https://WWW.Example.org:443/Feed.xml#top", "https://www.example.org/Feed.xml"},
		{"https://example.org:8443/feed", "https://example.org:8443/feed"},
		{"http://example.org:443/feed", "http://example.org:443/feed"},
		{"https://Example.org", "https://example.org"},
		{"https://User:Pa%40ss@Example.org/feed", "https://User:Pa%40ss@example.org/feed"},
		{"https://Example.org/a%2Fb/Ü?q=%C3%BC&Z=1", "https://example.org/a%2Fb/Ü?q=%C3%BC&Z=1"},
		{"https://Example.org?feed=rss", "https://example.org?feed=rss"},
		{"http://[2001:DB8::1]:80/feed", "http://[2001:db8::1]/feed"},
		{"http://[2001:DB8::1]:8080/feed", "http://[2001:db8::1]:8080/feed"},
		{"https://example.org/feed?", "https://example.org/feed?"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			data := strings.Replace(validYAML, "https://www.kommune21.example/feed", tt.url, 1)
			cfg, err := Parse("config.yaml", []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Sources[1].URL; got != tt.want {
				t.Errorf("url = %q, want %q", got, tt.want)
			}
			// Canonical URLs are their own canonical form.
			if err := cfg.Validate(); err != nil {
				t.Errorf("Validate after Parse: %v", err)
			}
		})
	}
}

// TestDuplicateURLsAreCaseSensitiveInPath: paths and queries are case-
// sensitive, so /Feed.xml and /feed.xml are two feeds.
func TestDuplicateURLsAreCaseSensitiveInPath(t *testing.T) {
	data := strings.Replace(validYAML, "https://www.kommune21.example/feed", "https://WWW.Hessen.example/FEEDS", 1)
	if _, err := Parse("config.yaml", []byte(data)); err != nil {
		t.Errorf("/feeds and /FEEDS taken for one feed: %v", err)
	}
}

// TestTrailingEmptyDocument: a file ending in "---", or "---" and
// comments, is one document.
func TestTrailingEmptyDocument(t *testing.T) {
	for _, tail := range []string{"---\n", "---\n# nichts mehr\n", "...\n"} {
		if _, err := Parse("config.yaml", []byte(validYAML+tail)); err != nil {
			t.Errorf("config ending in %q: %v", tail, err)
		}
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

// TestLoadResolvesDatabase: a relative database lies next to the config
// file, wherever the process was started; /etc/egovfeed/config.yaml
// with "database: x.db" means /etc/egovfeed/x.db, not ./x.db.
func TestLoadResolvesDatabase(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(t.TempDir(), "abs.db")
	tests := []struct {
		name     string
		database string // "" leaves the key out
		want     string
	}{
		{"relative", "database: x.db\n", filepath.Join(dir, "x.db")},
		{"relative with a folder", "database: data/x.db\n", filepath.Join(dir, "data", "x.db")},
		{"default", "", filepath.Join(dir, "egovfeed.db")},
		{"absolute", "database: " + abs + "\n", abs},
		{"in memory", "database: \":memory:\"\n", ":memory:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.yaml")
			data := tt.database + "sources:\n  - {name: a, url: 'https://a.example/'}\n"
			if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			t.Chdir(t.TempDir())
			cfg, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Database != tt.want {
				t.Errorf("database = %q, want %q", cfg.Database, tt.want)
			}
		})
	}
	// A relative config path counts from the working directory, the
	// database from the config's folder.
	t.Run("relative config path", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("database: x.db\nsources:\n  - {name: a, url: 'https://a.example/'}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Chdir(filepath.Dir(dir))
		cfg, err := Load(filepath.Join(filepath.Base(dir), "config.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(dir, "x.db"); cfg.Database != want {
			t.Errorf("database = %q, want %q", cfg.Database, want)
		}
	})
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
