package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
)

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
		now := time.Now()
		configured := map[string]config.Source{}
		for _, s := range cfg.Sources {
			configured[s.URL] = s
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tLAND\tLAST FETCH\tSTATUS\tITEMS\tFAILURES\tNEXT RUN\tERROR")
		for _, s := range srcs {
			last, status, nextRun := "never", "-", "-"
			if !s.LastFetchAt.IsZero() {
				last = s.LastFetchAt.Local().Format("2006-01-02 15:04")
				status = fmt.Sprint(s.LastStatus)
			}
			if c, ok := configured[s.URL]; !ok {
				nextRun = "not configured"
			} else if t := aggregator.NextRun(cfg.EffectiveSchedule(c), s.LastFetchAt, s.RetryAfter, now); !t.IsZero() {
				nextRun = t.Local().Format("2006-01-02 15:04")
			}
			land := s.Land
			if land == "" {
				land = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", s.Name, land, last, status, s.Items, s.ConsecutiveFailures, nextRun, s.LastError)
		}
		return tw.Flush()
	}
}
