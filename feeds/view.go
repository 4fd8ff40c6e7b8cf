package feeds

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// Format is an output format.
type Format int

// The formats; each feed is served in all of them.
const (
	FormatAtom Format = iota
	FormatRSS
	FormatJSON
	FormatHTML
	FormatText
)

// ParseFormat reads a format name as the export command takes it
// (atom, rss, json, html, text).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "atom":
		return FormatAtom, nil
	case "rss":
		return FormatRSS, nil
	case "json":
		return FormatJSON, nil
	case "html":
		return FormatHTML, nil
	case "text", "txt":
		return FormatText, nil
	}
	return 0, fmt.Errorf("unknown format %q (want atom, rss, json, html or text)", s)
}

// extensions are the file name endings of the feed formats under /feeds/.
var extensions = map[string]Format{".atom": FormatAtom, ".rss": FormatRSS, ".json": FormatJSON, ".txt": FormatText}

func (f Format) ext() string {
	switch f {
	case FormatAtom:
		return ".atom"
	case FormatRSS:
		return ".rss"
	case FormatJSON:
		return ".json"
	case FormatText:
		return ".txt"
	}
	return ""
}

func (f Format) contentType() string {
	switch f {
	case FormatAtom:
		return "application/atom+xml; charset=utf-8"
	case FormatRSS:
		return "application/rss+xml; charset=utf-8"
	case FormatJSON:
		return "application/feed+json; charset=utf-8"
	case FormatHTML:
		return "text/html; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// kind says which items a view selects.
type kind int

const (
	kindAll kind = iota
	kindLand
	kindOutput
	kindSourcesOPML
	kindFeedsOPML
)

// Paging limits.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// view is one renderable thing: a selection of items in a format with
// its parameters. Its key, the cache key, is its canonical path and
// normalized query, so equivalent requests share one rendering.
type view struct {
	kind   kind
	land   string         // kindLand: "DE-HE", "DE"
	output *config.Output // kindOutput
	format Format
	params params
}

// params are the query parameters of a feed.
type params struct {
	limit int // 0: the view's default
	since time.Time
	// until is the end of a since pull's window, set in its next links so
	// that every page of one pull has the same window.
	until  time.Time
	before *storage.Cursor
}

// errBadParam marks a query parameter error (HTTP 400).
var errBadParam = errors.New("bad parameter")

// parseParams reads limit, since and before; unknown parameters are
// ignored (and not part of the cache key).
func parseParams(q url.Values) (params, error) {
	var p params
	get := func(name string) (string, bool, error) {
		vs, ok := q[name]
		if !ok {
			return "", false, nil
		}
		if len(vs) != 1 {
			return "", false, fmt.Errorf("%w: %s given %d times", errBadParam, name, len(vs))
		}
		return vs[0], true, nil
	}
	if v, ok, err := get("limit"); err != nil {
		return p, err
	} else if ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return p, fmt.Errorf("%w: limit must be a number from 1 to %d", errBadParam, maxLimit)
		}
		p.limit = n
	}
	if v, ok, err := get("since"); err != nil {
		return p, err
	} else if ok {
		t, err := parseSince(v)
		if err != nil {
			return p, err
		}
		p.since = t
	}
	if v, ok, err := get("until"); err != nil {
		return p, err
	} else if ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || p.since.IsZero() {
			return p, fmt.Errorf("%w: until must be RFC 3339 and comes with since, as in a next link", errBadParam)
		}
		p.until = t.UTC()
	}
	if v, ok, err := get("before"); err != nil {
		return p, err
	} else if ok {
		c, err := parseCursor(v)
		if err != nil {
			return p, err
		}
		p.before = &c
	}
	return p, nil
}

// parseSince accepts RFC 3339 ("2025-02-13T10:00:00+01:00") or a date
// ("2025-02-13", meaning midnight at its start in Europe/Berlin).
func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, berlin); err == nil {
		// A date includes its own day from its midnight on, and since
		// is exclusive (stored times are whole milliseconds). A window
		// starts sinceLag before since (selectPage); a date starts at its
		// midnight, so its instant is put that much later.
		return t.Add(-time.Millisecond + sinceLag).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: since must be RFC 3339 (2025-02-13T10:00:00Z) or a date (2025-02-13)", errBadParam)
}

// formatCursor writes a paging position as "<published-unix-ms>-<id>".
// Clients treat it as opaque: they only copy it from next links.
func formatCursor(c storage.Cursor) string {
	return strconv.FormatInt(c.Published.UnixMilli(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func parseCursor(v string) (storage.Cursor, error) {
	bad := fmt.Errorf("%w: before must be a cursor taken from a next link", errBadParam)
	ms, id, ok := strings.Cut(v, "-")
	if !ok {
		return storage.Cursor{}, bad
	}
	m, err1 := strconv.ParseInt(ms, 10, 64)
	i, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || m < 0 || i < 1 || m > 1<<53 {
		return storage.Cursor{}, bad
	}
	return storage.Cursor{Published: time.UnixMilli(m).UTC(), ID: i}, nil
}

// query is the normalized query string: known parameters in a fixed
// order, the default limit left out.
func (p params) query(defLimit int) string {
	var parts []string
	if p.limit != 0 && p.limit != defLimit {
		parts = append(parts, "limit="+strconv.Itoa(p.limit))
	}
	if !p.since.IsZero() {
		parts = append(parts, "since="+url.QueryEscape(p.since.UTC().Format(time.RFC3339Nano)))
	}
	if !p.until.IsZero() {
		parts = append(parts, "until="+url.QueryEscape(p.until.UTC().Format(time.RFC3339Nano)))
	}
	if p.before != nil {
		parts = append(parts, "before="+formatCursor(*p.before))
	}
	return strings.Join(parts, "&")
}

// defaultLimit is the number of items when the request gives none: an
// output's configured limit, else 50.
func (v *view) defaultLimit() int {
	if v.kind == kindOutput && v.output.Limit > 0 {
		return v.output.Limit
	}
	return defaultLimit
}

func (v *view) limit() int {
	if v.params.limit > 0 {
		return v.params.limit
	}
	return v.defaultLimit()
}

// name is the selection's path name: "all", "land/he" or the output's name.
func (v *view) name() string {
	switch v.kind {
	case kindLand:
		return "land/" + landSlug(v.land)
	case kindOutput:
		return v.output.Name
	}
	return "all"
}

// pathFor is the path of the selection in format f.
func (v *view) pathFor(f Format) string {
	switch v.kind {
	case kindSourcesOPML:
		return "/sources.opml"
	case kindFeedsOPML:
		return "/feeds.opml"
	}
	if f == FormatHTML {
		switch v.kind {
		case kindLand:
			return "/land/" + landSlug(v.land)
		case kindOutput:
			return "/outputs/" + v.output.Name
		}
		return "/"
	}
	return "/feeds/" + v.name() + f.ext()
}

func (v *view) path() string { return v.pathFor(v.format) }

// key is the cache key: canonical path and normalized query.
func (v *view) key() string {
	q := v.params.query(v.defaultLimit())
	if q == "" {
		return v.path()
	}
	return v.path() + "?" + q
}

// urlWith is the absolute URL of the same selection in format f with p.
func (v *view) urlWith(base string, f Format, p params) string {
	u := base + v.pathFor(f)
	if q := p.query(v.defaultLimit()); q != "" {
		u += "?" + q
	}
	return u
}

// title is the human title of the selection.
func (v *view) title() string {
	switch v.kind {
	case kindLand:
		return "E-Government-Nachrichten – " + config.LandName(v.land)
	case kindOutput:
		if v.output.Title != "" {
			return v.output.Title
		}
		return v.output.Name
	}
	return "E-Government-Nachrichten aus Bund, Ländern und Kommunen"
}

// description is the selection's subtitle.
func (v *view) description() string {
	switch v.kind {
	case kindLand:
		if v.land == "DE" {
			return "Meldungen zur Verwaltungsdigitalisierung des Bundes, als Teaser mit Link zum Original."
		}
		return "Meldungen zur Verwaltungsdigitalisierung in " + config.LandName(v.land) + ", als Teaser mit Link zum Original."
	case kindOutput:
		return "Kuratierte Auswahl: " + v.title() + ". Teaser mit Link zum Original."
	}
	return "Meldungen zur Verwaltungsdigitalisierung aus Bund, Ländern und Kommunen, als Teaser mit Link zum Original."
}
