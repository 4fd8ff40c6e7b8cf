package normalize

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin must resolve on machines without zoneinfo
)

// Berlin is the zone German sources mean when they give none.
var Berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var germanMonths = map[string]time.Month{
	"januar": 1, "jan": 1, "jänner": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3, "mär": 3, "mrz": 3,
	"april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
	"dezember": 12, "dez": 12,
}

var (
	// "Montag, 13. Januar 2025 - 10:30", "13. Jan. 2025, 10:30 Uhr", "13. Januar 2025"
	germanLong = regexp.MustCompile(`(?i)(\d{1,2})\.\s*([a-zäöü]+)\.?\s+(\d{4})(?:\D+?(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?`)
	// "13.01.2025 10:30", "13.01.2025"
	germanNumeric = regexp.MustCompile(`(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\D+?(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?`)
)

// zonelessISO is ISO 8601 without an offset or Z: "2025-07-13T10:30:00",
// "2025-07-13 10:30", "2025-07-13" (its Berlin midnight).
var zonelessISO = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?$`)

// endsWithZone reports whether a date ends in an offset ("+02:00",
// "-0500") or a zone name ("Z", "GMT", "MESZ": upper-case letters after a
// digit or space; "Uhr" is none). A byte scan: it runs for every item.
func endsWithZone(s string) bool {
	s = strings.TrimRight(s, " \t")
	n := len(s)
	letters := 0
	for letters < n && letters < 6 && s[n-1-letters] >= 'A' && s[n-1-letters] <= 'Z' {
		letters++
	}
	if letters > 0 && letters <= 5 && n > letters {
		if c := s[n-1-letters]; c == ' ' || c >= '0' && c <= '9' {
			return true
		}
	}
	digits := func(t string) bool {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return false
			}
		}
		return true
	}
	for _, w := range []int{5, 6} { // "+0200", "+02:00"
		if n > w && (s[n-w] == '+' || s[n-w] == '-') {
			off := s[n-w+1:]
			if w == 6 && off[2] == ':' {
				off = off[:2] + off[3:]
			}
			if digits(off) {
				return true
			}
		}
	}
	return false
}

// LocalDate parses a date that names no time zone, which a German source
// means as Europe/Berlin time: the German forms of GermanDate, and ISO
// 8601 without an offset. Anything else, and any date ending in a zone,
// is not its business (ok false): gofeed reads those, but would take a
// date without a zone as UTC.
func LocalDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || endsWithZone(s) {
		return time.Time{}, false
	}
	if s[4] == '-' {
		if m := zonelessISO.FindStringSubmatch(s); m != nil {
			mon, _ := strconv.Atoi(m[2])
			return build(m[1], mon, m[3], m[4], m[5], m[6])
		}
		return time.Time{}, false
	}
	if !strings.Contains(s, ".") { // every German form has "13." in it
		return time.Time{}, false
	}
	return GermanDate(s)
}

// GermanDate parses the German date forms some Land portals emit, in
// Europe/Berlin time, and returns it in UTC.
func GermanDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if m := germanLong.FindStringSubmatch(s); m != nil {
		mon, ok := germanMonths[strings.ToLower(m[2])]
		if !ok {
			return time.Time{}, false
		}
		return build(m[3], int(mon), m[1], m[4], m[5], m[6])
	}
	if m := germanNumeric.FindStringSubmatch(s); m != nil {
		mon, _ := strconv.Atoi(m[2])
		return build(m[3], mon, m[1], m[4], m[5], m[6])
	}
	return time.Time{}, false
}

func build(year string, month int, day, hour, min, sec string) (time.Time, bool) {
	y, _ := strconv.Atoi(year)
	d, _ := strconv.Atoi(day)
	h, _ := strconv.Atoi(hour)
	mi, _ := strconv.Atoi(min)
	se, _ := strconv.Atoi(sec)
	if month < 1 || month > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(month), d, h, mi, se, 0, Berlin)
	if t.Day() != d { // 31. Februar
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Earliest is the oldest date accepted from a feed; older ones (often the
// Unix epoch of an empty field) are treated as missing.
var Earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// PlausibleDate reports whether t may be used as an item's date at now:
// not missing, not before Earliest, not more than a day in the future.
func PlausibleDate(t, now time.Time) bool {
	return !t.IsZero() && !t.Before(Earliest) && !t.After(now.Add(24*time.Hour))
}
