package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec as the scheduler does (five fields or
// a descriptor such as "@every 30m" or "@hourly").
// "@every" needs at least a minute: robfig/cron runs shorter or negative
// intervals every second, which no feed deserves. The parsed schedule is
// checked, so a "TZ=" prefix or another spelling cannot get around it.
// A spec with fixed hours keeps wall-clock time across daylight-saving
// changes (see wallClock). A spec that never runs is an error.
func ParseSchedule(spec string) (cron.Schedule, error) {
	// robfig/cron slices up to the first space after a time-zone prefix
	// and panics when there is none.
	if (strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=")) && !strings.Contains(spec, " ") {
		return nil, fmt.Errorf("time zone %q without a schedule after it", spec)
	}
	sched, err := cronParser.Parse(spec)
	if err != nil {
		return nil, err
	}
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && every.Delay < time.Minute {
		return nil, fmt.Errorf("@every needs at least 1m, got %q", strings.TrimSpace(spec))
	}
	if s, ok := sched.(*cron.SpecSchedule); ok && s.Hour&allHours != allHours {
		sched = wallClock{s}
	}
	// A spec that matches no date ("0 0 30 2 *") parses, but the
	// scheduler would never run it and the source would be fetched at
	// start-up only. robfig/cron looks five years ahead, so a leap day
	// ("0 0 29 2 *") is still found.
	if sched.Next(time.Now()).IsZero() {
		return nil, errors.New("never runs: it matches no date")
	}
	return sched, nil
}

const allHours = 1<<24 - 1

// wallClock runs a spec with fixed hours ("30 2 * * *") once at each
// local time it names, as cron(8) does across daylight-saving changes.
// robfig/cron steps hours in absolute time, so on the spring day it never
// sees 02:xx and skips the day's run, and on the autumn day it sees 02:xx
// twice and runs twice. Here a time that falls into the spring gap runs
// when the gap ends (03:00), and a time of the autumn hour that occurs
// twice runs at its first occurrence only. Specs that match every hour
// ("*/15 * * * *") are not wrapped: their runs follow absolute time, and
// robfig/cron's handling (both passes of the autumn hour) is right for
// them.
type wallClock struct {
	spec *cron.SpecSchedule
}

// Next returns the first run after t.
func (w wallClock) Next(t time.Time) time.Time {
	loc := w.spec.Location
	if loc == time.Local {
		loc = t.Location() // as SpecSchedule does: the scheduler's location
	}
	t = t.In(loc)
	// Local times are searched as UTC times with the same fields, where
	// no hour is missing or repeated, then mapped back to instants.
	naive := *w.spec
	naive.Location = time.UTC
	wall := asUTC(t)
	for range 1000 { // a bound, not a limit reached: each turn moves on a day at most
		wall = naive.Next(wall)
		if wall.IsZero() {
			return time.Time{} // the spec matches no date (robfig/cron gives up, too)
		}
		if at, ok := instant(wall, loc); !ok {
			// In the spring gap: run when the gap ends, unless that
			// has passed.
			if end := gapEnd(wall, loc); end.After(t) {
				return end
			}
		} else if at.After(t) {
			return at
		}
		// Otherwise the local time's first occurrence has passed: this
		// is the autumn hour's second pass, or the gap's end is t.
	}
	return time.Time{}
}

// asUTC returns the UTC time with t's local date and clock.
func asUTC(t time.Time) time.Time {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// instant returns the first instant at which loc's clock shows the local
// time wall (given as UTC fields); false if loc's clock skips it.
func instant(wall time.Time, loc *time.Location) (time.Time, bool) {
	var first time.Time
	for _, off := range offsetsNear(wall, loc) {
		at := wall.Add(-time.Duration(off) * time.Second).In(loc)
		if asUTC(at).Equal(wall) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// offsetsNear returns loc's UTC offsets (seconds) half a day before and
// after the local time wall (given as UTC fields): around a clock change,
// the one before it and the one after. The probes are real instants near
// wall, so this holds for zones of any distance from UTC (zones change
// offset far less often than twice a day).
func offsetsNear(wall time.Time, loc *time.Location) [2]int {
	near := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
	_, before := near.Add(-12 * time.Hour).Zone()
	_, after := near.Add(12 * time.Hour).Zone()
	return [2]int{before, after}
}

// gapEnd returns the instant a clock change that skips the local time
// wall (given as UTC fields) takes effect: the first instant after it.
func gapEnd(wall time.Time, loc *time.Location) time.Time {
	// wall read with the offset before the change is an instant after it.
	after := wall.Add(-time.Duration(offsetsNear(wall, loc)[0]) * time.Second)
	start, _ := after.In(loc).ZoneBounds()
	return start
}
