// Package config loads and validates egovfeed's YAML configuration.
//
// Loading goes defaults → strict YAML decode (unknown keys are errors) →
// Validate, and the result is passed down explicitly; there are no globals.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// DefaultPath is used when neither -config nor EGOVFEED_CONFIG is given.
const DefaultPath = "config.yaml"

// EnvPath names the environment variable that overrides DefaultPath.
const EnvPath = "EGOVFEED_CONFIG"

// Config is the whole configuration file.
type Config struct {
	// Database is the SQLite file. Load resolves a relative one against
	// the config file's folder; Parse leaves it as written.
	Database  string   `yaml:"database"`
	Listen    string   `yaml:"listen"`
	BaseURL   string   `yaml:"base_url"`
	Schedule  string   `yaml:"schedule"`
	Retention Duration `yaml:"retention"`
	// MemoryLimit is the Go runtime's soft memory limit (0: none); see
	// MemoryLimit's use in cmd/egovfeed.
	MemoryLimit ByteSize  `yaml:"memory_limit"`
	Fetch       Fetch     `yaml:"fetch"`
	Dedup       Dedup     `yaml:"dedup"`
	TagRules    []TagRule `yaml:"tag_rules"`
	Sources     []Source  `yaml:"sources"`
	Outputs     []Output  `yaml:"outputs"`

	// path is the file the config came from, for messages.
	path string
	// workDirDatabase: see WorkingDirDatabase.
	workDirDatabase string
	// lines maps a YAML path such as "sources[3].land" to its line.
	lines map[string]int
}

// Fetch holds the limits and politeness settings of the fetcher.
type Fetch struct {
	Concurrency          int      `yaml:"concurrency"`
	PerHost              int      `yaml:"per_host"`
	Timeout              Duration `yaml:"timeout"`
	MaxBody              ByteSize `yaml:"max_body"`
	UserAgent            string   `yaml:"user_agent"`
	AllowPrivateNetworks bool     `yaml:"allow_private_networks"`
	MaxBackoff           Duration `yaml:"max_backoff"`
	// Proxy is the URL of an HTTP(S) proxy every fetch goes through
	// (empty: none; the environment's HTTP_PROXY is not used).
	Proxy string `yaml:"proxy"`
}

// Dedup holds the near-duplicate detection settings.
type Dedup struct {
	Window    Duration `yaml:"window"`
	Threshold float64  `yaml:"threshold"`
}

// TagRule is a local rule: text matching Pattern gets Lands.
type TagRule struct {
	Pattern string   `yaml:"pattern"`
	Lands   []string `yaml:"lands"`
}

// Source is one feed to aggregate.
type Source struct {
	Name     string `yaml:"name"`
	URL      string `yaml:"url"`
	Land     string `yaml:"land"`
	Schedule string `yaml:"schedule"`
	// TitlePrefix replaces the Land name as the place before the colon
	// of republished titles ("Lüneburg: …"). It names the place the
	// source speaks for (see Place).
	TitlePrefix string `yaml:"title_prefix"`
	// TagFromContent enables Land tagging from item text; nil means true.
	TagFromContent *bool `yaml:"tag_from_content"`
	// Priority orders sources when one story is reported by several;
	// higher wins. Zero means the default for the source's kind.
	Priority int `yaml:"priority"`
}

// Output is a curated republished feed.
type Output struct {
	Name    string   `yaml:"name"`
	Title   string   `yaml:"title"`
	Lands   []string `yaml:"lands"`
	Sources []string `yaml:"sources"`
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
	MaxAge  Duration `yaml:"max_age"`
	Limit   int      `yaml:"limit"`
}

// Place is the place s speaks for: its TitlePrefix without the colon an
// operator may have written ("Köln:" is the place "Köln"), "" for none.
func (s Source) Place() string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s.TitlePrefix), ":"))
}

// PlaceOf returns the Place of the configured source with URL sourceURL,
// "" for none (or no such source).
func (c *Config) PlaceOf(sourceURL string) string {
	for _, s := range c.Sources {
		if s.URL == sourceURL {
			return s.Place()
		}
	}
	return ""
}

// TagsFromContent reports whether items of s are tagged from their text.
func (s Source) TagsFromContent() bool { return s.TagFromContent == nil || *s.TagFromContent }

// Default priorities: a source with a configured Land is an official
// source (Bund, Land, Kommune) and wins over news sites.
const (
	PriorityOfficial = 10
	PriorityNews     = 0
)

// EffectivePriority is the configured priority, or the default by kind.
func (s Source) EffectivePriority() int {
	switch {
	case s.Priority != 0:
		return s.Priority
	case s.Land != "":
		return PriorityOfficial
	}
	return PriorityNews
}

// EffectiveSchedule is the source's cron spec, or the default.
func (c *Config) EffectiveSchedule(s Source) string {
	if s.Schedule != "" {
		return s.Schedule
	}
	return c.Schedule
}

// Path is the file the configuration was loaded from.
func (c *Config) Path() string { return c.path }

// Default returns the configuration used for every key the file omits.
func Default() Config {
	return Config{
		Database:  "egovfeed.db",
		Listen:    "127.0.0.1:8080",
		BaseURL:   "http://127.0.0.1:8080",
		Schedule:  "@every 30m",
		Retention: Duration(8760 * time.Hour),
		// Enough for the gazetteer, a week's near-duplicate index of a
		// thousand sources, a first cycle's batches in flight and a
		// quarter for rendered feeds; the process stays near 100 MB.
		MemoryLimit: 64 << 20,
		Fetch: Fetch{
			Concurrency: 8,
			PerHost:     2,
			Timeout:     Duration(30 * time.Second),
			MaxBody:     10 << 20,
			UserAgent:   "egovfeed/0.1 (+https://github.com/egovfeed/egovfeed)",
			MaxBackoff:  Duration(24 * time.Hour),
		},
		Dedup: Dedup{Window: Duration(7 * 24 * time.Hour)},
	}
}

// ResolvePath picks the config file: the flag value if set, else
// EGOVFEED_CONFIG, else DefaultPath.
func ResolvePath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if env := os.Getenv(EnvPath); env != "" {
		return env
	}
	return DefaultPath
}

// Load reads, decodes and validates the file at path. A relative
// database is resolved against the file's folder (see resolveDatabase).
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{Path: path, Message: err.Error()}}}
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if !filepath.IsAbs(cfg.Database) && cfg.Database != ":memory:" {
		if wd, err := filepath.Abs(cfg.Database); err == nil {
			cfg.workDirDatabase = wd
		}
	}
	cfg.Database = resolveDatabase(path, cfg.Database)
	if cfg.workDirDatabase == cfg.Database {
		cfg.workDirDatabase = ""
	}
	return cfg, nil
}

// WorkingDirDatabase is where a relative database would be if it were
// read relative to the working directory, as egovfeed read it before it
// resolved it against the configuration's folder ("" when that is the
// same file, or database is absolute): an upgrade must not start a new,
// empty database beside the configuration while the data is there.
func (c *Config) WorkingDirDatabase() string { return c.workDirDatabase }

// resolveDatabase returns db relative to the folder of the config file
// at path, made absolute: the working directory of a service is
// arbitrary (a unit started from / would otherwise create a fresh
// /egovfeed.db), and an absolute path makes every message name the file
// that is meant. ":memory:" is storage's in-memory database, no file.
func resolveDatabase(path, db string) string {
	if db == ":memory:" || filepath.IsAbs(db) {
		return db
	}
	db = filepath.Join(filepath.Dir(path), db)
	if abs, err := filepath.Abs(db); err == nil {
		return abs
	}
	return db // no working directory: still relative to the config's folder
}

// Parse decodes and validates data; path is used in messages only.
func Parse(path string, data []byte) (*Config, error) {
	cfg := Default()
	cfg.path = path
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		probs := decodeProblems(path, err)
		nameFields(probs, data)
		nameSources(probs, data)
		return nil, &Error{Problems: probs}
	}
	// A second document ("---") would be ignored silently otherwise;
	// empty ones (a trailing "---", comments) are harmless.
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Error{Problems: decodeProblems(path, err)}
		}
		if !emptyDocument(&extra) {
			return nil, &Error{Problems: []Problem{{Path: path, Line: extra.Line, Message: "only one YAML document is allowed"}}}
		}
	}
	// A second pass over the node tree only to learn line numbers, so
	// Validate can point at the offending line.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil {
		cfg.lines = map[string]int{}
		collectLines(&root, "", cfg.lines)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.canonicalizeSourceURLs()
	return &cfg, nil
}

// Problem is one thing wrong with a configuration.
type Problem struct {
	Path    string // file
	Line    int    // 0 when unknown
	Field   string // e.g. sources[2].land
	Source  string // the source's name, when the problem is in a source
	Message string

	// column is the column of the offending value when the decoder's
	// message gave it, so nameFields can find its key.
	column int
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		if p.Source != "" {
			fmt.Fprintf(&b, " (source %q)", p.Source)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error lists every problem found; callers exit with code 2.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid configuration:\n  " + strings.Join(lines, "\n  ")
}

// yamlLine matches a decode message; the column is there for Duration's
// messages only.
var yamlLine = regexp.MustCompile(`line (\d+): (?:column (\d+): )?(.*)`)

// decodeProblems turns yaml's multi-line error into one Problem per line.
func decodeProblems(path string, err error) []Problem {
	var te *yaml.TypeError
	var msgs []string
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	out := make([]Problem, 0, len(msgs))
	for _, m := range msgs {
		p := Problem{Path: path, Message: m}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			fmt.Sscan(sm[1], &p.Line)
			if sm[2] != "" {
				fmt.Sscan(sm[2], &p.column)
			}
			p.Message = sm[3]
		}
		out = append(out, p)
	}
	return out
}

// emptyDocument reports whether n holds nothing: a trailing "---" or one
// followed by comments only.
func emptyDocument(n *yaml.Node) bool {
	if n.Kind == 0 {
		return true
	}
	if n.Kind != yaml.DocumentNode {
		return false
	}
	for _, c := range n.Content {
		if !(c.Kind == yaml.ScalarNode && c.Tag == "!!null" && (c.Value == "" || c.Value == "~" || c.Value == "null")) {
			return false
		}
	}
	return true
}

// nameSources adds the source (field and name) to decode problems whose
// line lies within an entry of sources, so that "field lnad not found"
// says which source it is in.
func nameSources(probs []Problem, data []byte) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return
	}
	top := root.Content[0].Content
	type span struct {
		first int
		name  string
	}
	var entries []span
	end := 0 // first line after the sources (0: the end of the file)
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value != "sources" || top[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, e := range top[i+1].Content {
			sp := span{first: e.Line}
			for k := 0; e.Kind == yaml.MappingNode && k+1 < len(e.Content); k += 2 {
				if e.Content[k].Value == "name" {
					sp.name = e.Content[k+1].Value
				}
			}
			entries = append(entries, sp)
		}
		if i+2 < len(top) {
			end = top[i+2].Line
		}
	}
	for pi := range probs {
		p := &probs[pi]
		if p.Field != "" {
			continue // nameFields found the exact key
		}
		for j := len(entries) - 1; j >= 0; j-- {
			if p.Line >= entries[j].first && (end == 0 || p.Line < end) {
				p.Field, p.Source = fmt.Sprintf("sources[%d]", j), entries[j].name
				break
			}
		}
	}
}

// nameFields sets the field of decode problems whose message gave the
// value's column: line and column find the key even when several keys
// share a line ("dedup: {threshold: 0.5, window: 7}").
func nameFields(probs []Problem, data []byte) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return
	}
	type pos struct{ line, column int }
	fields := map[pos]string{}
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, prefix)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if prefix != "" {
					p = prefix + "." + p
				}
				v := n.Content[i+1]
				fields[pos{v.Line, v.Column}] = p
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", prefix, i)
				fields[pos{c.Line, c.Column}] = p
				walk(c, p)
			}
		}
	}
	walk(&root, "")
	for i := range probs {
		if probs[i].column > 0 {
			probs[i].Field = fields[pos{probs[i].Line, probs[i].column}]
		}
	}
}

func collectLines(n *yaml.Node, prefix string, lines map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			collectLines(c, prefix, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			p := key
			if prefix != "" {
				p = prefix + "." + key
			}
			lines[p] = n.Content[i].Line
			collectLines(n.Content[i+1], p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			lines[p] = c.Line
			collectLines(c, p, lines)
		}
	}
}

// line returns the line of field, or of its nearest known parent.
func (c *Config) line(field string) int {
	for f := field; f != ""; {
		if l, ok := c.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return 0
}

// LandCodes lists the accepted values of land fields: DE for the Bund
// and the ISO 3166-2 codes of the 16 Länder.
var LandCodes = []string{"DE", "DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV", "DE-NI", "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH"}

// ValidLand reports whether code is one of LandCodes.
func ValidLand(code string) bool { return landNames[code] != "" }

// sourceURLKey is what two source URLs must share to be one feed: scheme
// and host compared case-insensitively and without the default port,
// path and query as they are (they are case-sensitive), no fragment.
func sourceURLKey(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + canonicalHost(u) + u.RequestURI()
}

// canonicalHost is u's host lower-cased, without the scheme's default
// port, IPv6 addresses in brackets.
func canonicalHost(u *url.URL) string {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		return net.JoinHostPort(host, port)
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]"
	}
	return host
}

// canonicalSourceURL is the one spelling under which a source is stored:
// raw (parsed as u, with an http(s) scheme and a host) with scheme and
// host as in sourceURLKey and no fragment. Userinfo, path and query stay
// exactly as written, not as net/url would re-escape them: they are what
// is requested, and re-escaping can change it (a raw "Ü" next to "%2F"
// makes url.URL drop the "%2F").
func canonicalSourceURL(raw string, u *url.URL) string {
	raw, _, _ = strings.Cut(raw, "#")
	prefix := u.Scheme + "://"
	if len(raw) < len(prefix) || !strings.EqualFold(raw[:len(prefix)], prefix) {
		return raw // not reached for a URL with a host; kept as written
	}
	rest := raw[len(prefix):]
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo := ""
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo = authority[:i+1]
	}
	return strings.ToLower(u.Scheme) + "://" + userinfo + canonicalHost(u) + tail
}

// canonicalizeSourceURLs rewrites every source's URL to
// canonicalSourceURL, so that storage (which keys sources by URL), item
// keys and OPML see one spelling: otherwise editing
// http://Example.org/feed to http://example.org/feed would make a new
// source and store every item again as new. Validate must have passed.
func (c *Config) canonicalizeSourceURLs() {
	for i := range c.Sources {
		if u, err := url.Parse(c.Sources[i].URL); err == nil {
			c.Sources[i].URL = canonicalSourceURL(c.Sources[i].URL, u)
		}
	}
}

var outputName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Upper bounds: beyond them a value is a typo, and sums and limits
// computed from it would overflow.
const (
	maxConcurrency = 1024
	maxBody        = 1 << 30
)

// Validate checks every field and reports all problems at once.
func (c *Config) Validate() error {
	var probs []Problem
	add := func(field, source, format string, args ...any) {
		probs = append(probs, Problem{Path: c.path, Line: c.line(field), Field: field, Source: source, Message: fmt.Sprintf(format, args...)})
	}
	if c.Database == "" {
		add("database", "", "must name an SQLite file")
	}
	if _, port, err := net.SplitHostPort(c.Listen); err != nil || port == "" {
		add("listen", "", "must be host:port (e.g. 127.0.0.1:8080 or :8080), got %q", c.Listen)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("base_url", "", "must be an absolute http(s) URL, got %q", c.BaseURL)
	}
	if _, err := ParseSchedule(c.Schedule); err != nil {
		add("schedule", "", "invalid cron spec %q: %v", c.Schedule, err)
	}
	if c.Retention < 0 {
		add("retention", "", "must not be negative")
	}
	if c.MemoryLimit != 0 && c.MemoryLimit < 32<<20 {
		add("memory_limit", "", "must be 0 (no limit) or at least 32MiB")
	}
	if c.Fetch.Concurrency < 1 || c.Fetch.Concurrency > maxConcurrency {
		add("fetch.concurrency", "", "must be between 1 and %d", maxConcurrency)
	}
	if c.Fetch.PerHost < 1 {
		add("fetch.per_host", "", "must be at least 1")
	}
	if c.Fetch.Timeout <= 0 {
		add("fetch.timeout", "", "must be positive")
	}
	if c.Fetch.MaxBody < 1024 || c.Fetch.MaxBody > maxBody {
		add("fetch.max_body", "", "must be between 1KiB and 1GiB (a body is held in memory whole)")
	}
	if c.Fetch.MaxBackoff < Duration(time.Minute) {
		add("fetch.max_backoff", "", "must be at least 1m")
	}
	if c.Fetch.Proxy != "" {
		if u, err := url.Parse(c.Fetch.Proxy); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("fetch.proxy", "", "must be an http:// or https:// URL with a host, got %q", c.Fetch.Proxy)
		}
	}
	if c.Dedup.Window < 0 {
		add("dedup.window", "", "must not be negative")
	}
	if c.Dedup.Threshold < 0 || c.Dedup.Threshold > 1 {
		add("dedup.threshold", "", "must be between 0 and 1 (0 selects the built-in default)")
	}
	for i, r := range c.TagRules {
		f := fmt.Sprintf("tag_rules[%d]", i)
		if _, err := regexp.Compile(r.Pattern); err != nil || r.Pattern == "" {
			add(f+".pattern", "", "invalid regular expression %q", r.Pattern)
		}
		if len(r.Lands) == 0 {
			add(f+".lands", "", "must list at least one Land code")
		}
		for j, l := range r.Lands {
			if !ValidLand(l) {
				add(fmt.Sprintf("%s.lands[%d]", f, j), "", "unknown Land code %q (want DE or DE-BW … DE-TH)", l)
			}
		}
	}
	if len(c.Sources) == 0 {
		add("sources", "", "at least one source is required")
	}
	seenURL := map[string]int{}
	seenName := map[string]int{}
	for i, s := range c.Sources {
		f := fmt.Sprintf("sources[%d]", i)
		if strings.TrimSpace(s.Name) == "" {
			add(f+".name", s.URL, "must not be empty")
		} else if j, dup := seenName[s.Name]; dup {
			add(f+".name", s.Name, "duplicate source name (also sources[%d])", j)
		} else {
			seenName[s.Name] = i
		}
		u, err := url.Parse(s.URL)
		switch {
		case err != nil || u.Hostname() == "":
			add(f+".url", s.Name, "not an absolute URL: %q", s.URL)
		case u.Scheme != "http" && u.Scheme != "https":
			add(f+".url", s.Name, "scheme must be http or https: %q", s.URL)
		default:
			key := sourceURLKey(u)
			if j, dup := seenURL[key]; dup {
				add(f+".url", s.Name, "duplicate source URL %q (also sources[%d])", s.URL, j)
			} else {
				seenURL[key] = i
			}
		}
		if s.Land != "" && !ValidLand(s.Land) {
			add(f+".land", s.Name, "unknown Land code %q (want DE or DE-BW … DE-TH)", s.Land)
		}
		if s.Schedule != "" {
			if _, err := ParseSchedule(s.Schedule); err != nil {
				add(f+".schedule", s.Name, "invalid cron spec %q: %v", s.Schedule, err)
			}
		}
	}
	seenOut := map[string]bool{}
	for i, o := range c.Outputs {
		f := fmt.Sprintf("outputs[%d]", i)
		switch {
		case !outputName.MatchString(o.Name):
			add(f+".name", "", "must be lower-case letters, digits and dashes, got %q", o.Name)
		case o.Name == "all" || o.Name == "land":
			add(f+".name", "", "%q is reserved", o.Name)
		case seenOut[o.Name]:
			add(f+".name", "", "duplicate output name %q", o.Name)
		}
		seenOut[o.Name] = true
		for j, l := range o.Lands {
			if !ValidLand(l) {
				add(fmt.Sprintf("%s.lands[%d]", f, j), "", "unknown Land code %q (want DE or DE-BW … DE-TH)", l)
			}
		}
		for _, l := range []struct {
			key   string
			words []string
		}{{"include", o.Include}, {"exclude", o.Exclude}} {
			for j, w := range l.words {
				if strings.TrimSpace(w) == "" {
					// An include list of blanks would let every story through.
					add(fmt.Sprintf("%s.%s[%d]", f, l.key, j), "", "must not be empty")
				}
			}
		}
		for j, s := range o.Sources {
			if _, ok := seenName[s]; !ok {
				add(fmt.Sprintf("%s.sources[%d]", f, j), "", "no source is named %q", s)
			}
		}
		if o.Limit < 0 || o.Limit > 1000 {
			add(f+".limit", "", "must be between 0 and 1000")
		}
		if o.MaxAge < 0 {
			add(f+".max_age", "", "must not be negative")
		}
	}
	if len(probs) > 0 {
		return &Error{Problems: probs}
	}
	return nil
}

var landNames = map[string]string{
	"DE": "Bund", "DE-BW": "Baden-Württemberg", "DE-BY": "Bayern", "DE-BE": "Berlin", "DE-BB": "Brandenburg",
	"DE-HB": "Bremen", "DE-HH": "Hamburg", "DE-HE": "Hessen", "DE-MV": "Mecklenburg-Vorpommern",
	"DE-NI": "Niedersachsen", "DE-NW": "Nordrhein-Westfalen", "DE-RP": "Rheinland-Pfalz", "DE-SL": "Saarland",
	"DE-SN": "Sachsen", "DE-ST": "Sachsen-Anhalt", "DE-SH": "Schleswig-Holstein", "DE-TH": "Thüringen",
}

// LandName is the German name of a Land code ("DE-HE" → "Hessen";
// "DE" → "Bund"), or "" for an unknown code.
func LandName(code string) string { return landNames[code] }
