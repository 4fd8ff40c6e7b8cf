package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
)

func setupFetch(fs *flag.FlagSet) func(context.Context, *env) error {
	force := fs.Bool("force", false, "fetch sources that are backing off after failures too")
	var only []string
	fs.Func("source", "fetch only the configured source of this `name` (repeatable)", func(v string) error {
		if !slices.Contains(only, v) {
			only = append(only, v)
		}
		return nil
	})
	return func(ctx context.Context, e *env) error {
		cfg, err := loadConfig(e)
		if err != nil {
			return err
		}
		// Checked before the database is opened: a mistyped name must not
		// register the configuration or wait for the index.
		for _, name := range only {
			if !slices.ContainsFunc(cfg.Sources, func(s config.Source) bool { return s.Name == name }) {
				return &exitError{code: 2, err: fmt.Errorf("-source %q: %w in %s", name, aggregator.ErrUnknownSource, cfg.Path())}
			}
		}
		// A fetch of every source waits for no other; one of named sources
		// (to try a new or failing one) may run beside a cron fetch.
		if len(only) == 0 {
			unlock, err := lockFetch(cfg.Database)
			if err != nil {
				return err
			}
			defer unlock()
		}
		a, err := openApp(ctx, e, nil)
		if err != nil {
			return err
		}
		defer a.Close()
		_, stopBudget := startMemoryBudget(ctx, a.cfg)
		defer stopBudget()
		start := time.Now()
		total, done := len(a.cfg.Sources), 0
		if len(only) > 0 {
			total = len(only)
		}
		progress := func(aggregator.Result) {}
		if isTerminal(e.stderr) {
			progress = func(aggregator.Result) {
				done++
				fmt.Fprintf(e.stderr, "\rfetching: %d/%d sources", done, total)
				if done == total {
					fmt.Fprintln(e.stderr)
				}
			}
		}
		var results []aggregator.Result
		if len(only) > 0 {
			if results, err = a.agg.FetchNamed(ctx, only, *force, progress); err != nil {
				return err
			}
		} else {
			results = a.agg.FetchAll(ctx, *force, progress)
		}
		failed := printResults(e, results, time.Since(start))
		if failed > 0 {
			return &exitError{code: 1, err: fmt.Errorf("%d of %d sources failed", failed, len(results))}
		}
		return nil
	}
}

// printResults writes one line per source and the totals; it returns the
// number of failed sources. A source skipped while it backs off from a
// failure counts as failed: nothing says it works again, and a fetch run
// from cron must not report success for it.
func printResults(e *env, results []aggregator.Result, took time.Duration) int {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tSTATUS\tNEW\tUPDATED\tERROR")
	var ok, failed, backingOff, newItems, updated, notModified, skipped int
	for _, r := range results {
		status := fmt.Sprint(r.Status)
		errText := ""
		switch {
		case r.Skipped:
			status = "skipped"
			if !r.RetryAfter.IsZero() {
				status = "backoff until " + berlinTime(r.RetryAfter)
			}
			if r.LastError != "" {
				failed++
				backingOff++
				errText = "still failing: " + r.LastError
			} else {
				skipped++
			}
		case r.Err != nil:
			failed++
			errText = r.Err.Error()
			if r.Status == 0 {
				status = "-"
			}
		default:
			ok++
			if r.NotModified {
				notModified++
			}
		}
		newItems += r.New
		updated += r.Updated
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", r.Source, status, r.New, r.Updated, errText)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d sources: %d ok (%d not modified), %d failed (%d of them backing off), %d skipped; %d new, %d updated items in %s\n",
		len(results), ok, notModified, failed, backingOff, skipped, newItems, updated, took.Round(time.Millisecond))
	return failed
}
