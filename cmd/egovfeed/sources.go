package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/storage"
)

// notYetRun is the next run of a configured source that serve or fetch has
// never fetched: whichever starts first fetches it at once.
const notYetRun = "when serve or fetch starts"

func setupSources(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		// Read-only: listing must neither write the configuration into
		// the database nor load the near-duplicate index.
		cfg, store, err := openStore(ctx, e)
		if err != nil {
			return err
		}
		defer store.Close()
		srcs, err := store.Sources(ctx)
		if err != nil {
			return err
		}
		// Matched as serve and fetch will match them: a source whose URL
		// was corrected under the same name is its stored row.
		scs := make([]storage.SourceConfig, len(cfg.Sources))
		for i, c := range cfg.Sources {
			scs[i] = storage.SourceConfig{Name: c.Name, URL: c.URL}
		}
		matched, err := store.StoredSources(ctx, scs)
		if err != nil {
			return err
		}
		stored := map[int64]storage.Source{}
		for _, s := range srcs {
			stored[s.ID] = s
		}
		now := time.Now()
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tLAND\tLAST FETCH\tSTATUS\tITEMS\tFAILURES\tNEXT RUN\tERROR")
		row := func(name, land string, s storage.Source, nextRun string) {
			last, status := "never", "-"
			if !s.LastFetchAt.IsZero() {
				last = berlinTime(s.LastFetchAt)
				status = fmt.Sprint(s.LastStatus)
			}
			if land == "" {
				land = "-"
			}
			errText := s.LastError
			if s.ConsecutiveFailures > 0 {
				// How long it has been failing: one failure after years
				// of success is not ten days of nothing.
				ok := "never"
				if !s.LastSuccessAt.IsZero() {
					ok = berlinTime(s.LastSuccessAt)
				}
				errText += " (last ok: " + ok + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", name, land, last, status, s.Items, s.ConsecutiveFailures, nextRun, errText)
		}
		// Configured sources first, in the configuration's order, with
		// their configured name and Land: a source added since the last
		// serve or fetch has no row yet but is listed all the same.
		for i, c := range cfg.Sources {
			s := stored[matched[i].ID]
			delete(stored, matched[i].ID)
			if s.LastFetchAt.IsZero() {
				// Also when a command that only edits (retag, split…)
				// has registered it: only serve and fetch fetch.
				row(c.Name, c.Land, s, notYetRun)
				continue
			}
			nextRun := "-"
			if t := aggregator.NextRun(cfg.EffectiveSchedule(c), s.LastFetchAt, s.RetryAfter, now); !t.IsZero() {
				nextRun = berlinTime(t)
			}
			row(c.Name, c.Land, s, nextRun)
		}
		// Then the stored sources no longer configured: their items stay
		// until retention removes them, out of the feeds once serve has
		// started without them.
		for _, s := range srcs {
			if _, ok := stored[s.ID]; ok {
				state := "not configured"
				if !s.RemovedAt.IsZero() {
					state = "removed " + berlinTime(s.RemovedAt)
				}
				row(s.Name, s.Land, s, state)
			}
		}
		return tw.Flush()
	}
}

// berlinTime formats t in Europe/Berlin, the zone schedules are read in,
// with the zone's abbreviation (CET or CEST): the host's zone would show
// a "0 6 * * *" schedule at 05:00 on a UTC machine.
func berlinTime(t time.Time) string {
	return t.In(normalize.Berlin).Format("2006-01-02 15:04 MST")
}
