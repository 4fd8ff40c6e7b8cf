package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"
)

func setupSources(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		a, err := openExistingApp(ctx, e)
		if err != nil {
			return err
		}
		defer a.Close()
		srcs, err := a.store.Sources(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		next := a.agg.NextRuns(now)
		configured := map[string]bool{}
		for _, s := range a.cfg.Sources {
			configured[s.URL] = true
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tLAND\tLAST FETCH\tSTATUS\tITEMS\tFAILURES\tNEXT RUN\tERROR")
		for _, s := range srcs {
			last, status, nextRun := "never", "-", "-"
			if !s.LastFetchAt.IsZero() {
				last = s.LastFetchAt.Local().Format("2006-01-02 15:04")
				status = fmt.Sprint(s.LastStatus)
			}
			if t, ok := next[s.ID]; ok {
				if s.RetryAfter.After(t) {
					t = s.RetryAfter
				}
				nextRun = t.Local().Format("2006-01-02 15:04")
			}
			if !configured[s.URL] {
				nextRun = "not configured"
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
