package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
)

func setupFetch(fs *flag.FlagSet) func(context.Context, *env) error {
	force := fs.Bool("force", false, "fetch sources that are backing off after failures too")
	return func(ctx context.Context, e *env) error {
		a, err := openApp(ctx, e, nil)
		if err != nil {
			return err
		}
		defer a.Close()
		_, stopBudget := startMemoryBudget(ctx, a.cfg)
		defer stopBudget()
		start := time.Now()
		total, done := len(a.cfg.Sources), 0
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
		results := a.agg.FetchAll(ctx, *force, progress)
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
