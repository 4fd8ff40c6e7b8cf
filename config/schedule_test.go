package config

import (
	"testing"
	"time"

	_ "time/tzdata"
)

func TestScheduleAcrossDST(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 2025-03-30: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
	// 2025-10-26: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
	tests := []struct {
		name string
		spec string
		from string   // UTC
		want []string // the next runs, UTC
	}{
		{"ordinary day", "30 2 * * *", "2025-02-01T12:00:00Z", []string{"2025-02-02T01:30:00Z", "2025-02-03T01:30:00Z"}},
		{"summer day", "30 2 * * *", "2025-07-01T12:00:00Z", []string{"2025-07-02T00:30:00Z"}},
		{"spring gap runs when the gap ends", "30 2 * * *", "2025-03-29T12:00:00Z",
			[]string{"2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"}},
		{"several times in the gap run once", "*/20 2 * * *", "2025-03-30T00:30:00Z",
			[]string{"2025-03-30T01:00:00Z", "2025-03-31T00:00:00Z", "2025-03-31T00:20:00Z"}},
		{"the hour after the gap is untouched", "0 3 * * *", "2025-03-29T12:00:00Z", []string{"2025-03-30T01:00:00Z", "2025-03-31T01:00:00Z"}},
		{"autumn hour runs once", "30 2 * * *", "2025-10-25T12:00:00Z", []string{"2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"}},
		{"several times in the autumn hour run once each", "*/20 2 * * *", "2025-10-25T23:50:00Z",
			[]string{"2025-10-26T00:00:00Z", "2025-10-26T00:20:00Z", "2025-10-26T00:40:00Z", "2025-10-27T01:00:00Z"}},
		{"started in the autumn hour's second pass", "30 2 * * *", "2025-10-26T01:10:00Z", []string{"2025-10-27T01:30:00Z"}},
		{"started in the second pass before a time", "50 2 * * *", "2025-10-26T01:10:00Z", []string{"2025-10-27T01:50:00Z"}},
		{"every hour keeps absolute time in autumn", "15 * * * *", "2025-10-25T23:20:00Z",
			[]string{"2025-10-26T00:15:00Z", "2025-10-26T01:15:00Z", "2025-10-26T02:15:00Z"}},
		{"every 15 minutes across the spring gap", "*/15 * * * *", "2025-03-30T00:50:00Z",
			[]string{"2025-03-30T01:00:00Z", "2025-03-30T01:15:00Z"}},
		{"daily descriptor", "@daily", "2025-03-29T12:00:00Z", []string{"2025-03-29T23:00:00Z", "2025-03-30T22:00:00Z"}},
		{"weekday rule on the spring day", "30 2 * * 0", "2025-03-25T12:00:00Z", []string{"2025-03-30T01:00:00Z", "2025-04-06T00:30:00Z"}},
		{"own zone without DST", "TZ=UTC 30 2 * * *", "2025-03-29T12:00:00Z", []string{"2025-03-30T02:30:00Z", "2025-03-31T02:30:00Z"}},
		// Zones far from UTC (their changes: Sydney 2026-10-04 02:00 → 03:00
		// at 16:00 UTC the day before; Auckland 2026-09-27 02:00 → 03:00;
		// Los Angeles 2026-03-08 02:00 → 03:00 at 10:00 UTC).
		{"Sydney, the hour before its gap", "CRON_TZ=Australia/Sydney 30 1 * * *", "2026-10-03T13:00:00Z", []string{"2026-10-03T15:30:00Z", "2026-10-04T14:30:00Z"}},
		{"Sydney, in its gap", "CRON_TZ=Australia/Sydney 30 2 * * *", "2026-10-03T13:00:00Z", []string{"2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z"}},
		{"Auckland, the hour before its gap", "CRON_TZ=Pacific/Auckland 30 1 * * *", "2026-09-26T10:00:00Z", []string{"2026-09-26T13:30:00Z"}},
		{"Los Angeles, after its gap", "CRON_TZ=America/Los_Angeles 30 3 * * *", "2026-03-08T06:00:00Z", []string{"2026-03-08T10:30:00Z"}},
		{"Los Angeles, in its gap", "CRON_TZ=America/Los_Angeles 30 2 * * *", "2026-03-08T06:00:00Z", []string{"2026-03-08T10:00:00Z", "2026-03-09T09:30:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sched, err := ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			at := utc(tt.from).In(berlin)
			for i, w := range tt.want {
				at = sched.Next(at)
				if !at.Equal(utc(w)) {
					t.Fatalf("run %d after %s: %s (%s), want %s", i+1, tt.from, at.UTC().Format(time.RFC3339), at.Format("15:04 MST"), w)
				}
			}
		})
	}
}

// Over two years no local time of a fixed-hour schedule runs twice, and a
// daily one runs on every day, the spring days included.
func TestScheduleWallClockProperties(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []string{"30 2 * * *", "0,59 2 * * *", "*/7 1-3 * * *", "0 0 * * *", "45 23 * * 6"} {
		t.Run(spec, func(t *testing.T) {
			sched, err := ParseSchedule(spec)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			days := map[string]int{}
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, berlin)
			for {
				next := sched.Next(at)
				if !next.After(at) {
					t.Fatalf("Next(%v) = %v: not after", at, next)
				}
				if next.In(berlin).Year() == 2027 {
					break
				}
				local := next.In(berlin).Format("2006-01-02 15:04")
				if seen[local] {
					t.Fatalf("local time %s run twice", local)
				}
				seen[local] = true
				days[local[:10]]++
				at = next
			}
			if spec == "30 2 * * *" && len(days) != 730 {
				t.Fatalf("runs on %d days of 730", len(days))
			}
		})
	}
}

// FuzzSchedule: any spec that parses gives a next run after the given
// time (or none), and a fixed-hour spec never gives a local time that
// does not exist.
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{"30 2 * * *", "*/20 2 * * *", "@daily", "0 3 * * 0", "TZ=America/Santiago 0 0 * * *", "0 0 30 2 *", "5 4 29 2 1", "@every 90m"} {
		f.Add(s, int64(1743296400)) // 2025-03-30 01:00 UTC, a Berlin transition
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, spec string, unix int64) {
		sched, err := ParseSchedule(spec)
		if err != nil {
			return
		}
		from := time.Unix(unix%(1<<34), 0).In(berlin)
		next := sched.Next(from)
		if !next.IsZero() && !next.After(from) {
			t.Fatalf("Next(%v) = %v, not after", from, next)
		}
	})
}

// TestParseScheduleRareButPossible: specs that match seldom, even once in
// four years, are schedules; only those that match no date are refused.
func TestParseScheduleRareButPossible(t *testing.T) {
	for _, spec := range []string{"0 0 29 2 *", "30 2 29 2 *", "*/15 * 29 2 *", "0 0 31 * *", "0 0 30 2 1", "TZ=UTC 0 0 31 12 *"} {
		t.Run(spec, func(t *testing.T) {
			sched, err := ParseSchedule(spec)
			if err != nil {
				t.Fatal(err)
			}
			if sched.Next(time.Now()).IsZero() {
				t.Error("Next is the zero time")
			}
		})
	}
}

// A daily time in the hour a zone skips or repeats runs once on every
// local day, in zones on both sides of UTC and far from it.
func TestScheduleDailyInManyZones(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland", "America/Santiago", "Asia/Tehran"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, hm := range []string{"30 2", "0 0", "59 1", "15 3"} {
			spec := "CRON_TZ=" + zone + " " + hm + " * * *"
			sched, err := ParseSchedule(spec)
			if err != nil {
				t.Fatal(err)
			}
			days := map[string]int{}
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, loc).Add(-time.Minute)
			for {
				at = sched.Next(at)
				local := at.In(loc)
				if local.Year() == 2027 {
					break
				}
				days[local.Format("2006-01-02")]++
			}
			for d, n := range days {
				if n != 1 {
					t.Errorf("%s: %d runs on %s", spec, n, d)
				}
			}
			if len(days) != 730 {
				t.Errorf("%s: runs on %d days of 730", spec, len(days))
			}
		}
	}
}
