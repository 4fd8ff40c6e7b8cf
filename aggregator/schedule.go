package aggregator

import (
	"context"
	"sync"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/config"
	"github.com/robfig/cron/v3"
)

// Run fetches every source once at start-up and then on its cron
// schedule (interpreted in Europe/Berlin) until ctx is cancelled. A
// source whose previous run is still going is skipped, never run twice
// at once. Run returns after in-flight fetches have finished.
func (a *Aggregator) Run(ctx context.Context) error {
	c := cron.New(cron.WithLocation(normalize.Berlin), cron.WithParser(cronParser{}))
	var wg sync.WaitGroup
	run := func(src *source) {
		a.logRun(ctx, a.fetchSource(ctx, src, false, nil, nil))
	}
	for _, src := range a.sources {
		if _, err := c.AddFunc(a.cfg.EffectiveSchedule(src.cfg), func() { run(src) }); err != nil {
			return err
		}
	}
	if _, err := c.AddFunc("@hourly", func() { a.maintain(ctx) }); err != nil {
		return err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.maintain(ctx)
	}()
	// cron's Stop waits for the jobs it started; wg covers the first round.
	for _, src := range a.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(src)
		}()
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	wg.Wait()
	return nil
}

// logRun logs what a scheduled run of a source did when an operator needs
// to know: it failed, or it did not happen because the source's previous
// run was still going (a schedule shorter than a fetch takes).
func (a *Aggregator) logRun(ctx context.Context, res Result) {
	switch {
	case res.Err != nil && ctx.Err() != nil:
		// Stopped, not failed: nothing was recorded for it.
		a.log.Debug("fetch stopped", "source", res.Source, "error", res.Err)
	case res.Err != nil:
		a.log.Warn("fetch failed", "source", res.Source, "error", res.Err, "retry_after", res.RetryAfter)
	case res.Busy:
		a.log.Info("fetch skipped: the previous one is still running", "source", res.Source)
	}
}

// NextRun estimates when a source with schedule spec is next due, for the
// sources table of another process than serve: a cron spec's next time;
// for "@every", whose timers count from serve's start, the last fetch
// plus the interval (now when that has passed). Backoff (retryAfter)
// defers it. The zero time means the spec does not parse.
func NextRun(spec string, lastFetch, retryAfter, now time.Time) time.Time {
	sched, err := config.ParseSchedule(spec)
	if err != nil {
		return time.Time{}
	}
	var t time.Time
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && !lastFetch.IsZero() {
		if t = lastFetch.Add(every.Delay); t.Before(now) {
			t = now
		}
	} else {
		t = sched.Next(now.In(normalize.Berlin))
	}
	if retryAfter.After(t) {
		t = retryAfter
	}
	return t
}

type cronParser struct{}

func (cronParser) Parse(spec string) (cron.Schedule, error) { return config.ParseSchedule(spec) }

// fetchRecordRetention is how long fetch records are kept, whatever the
// items' retention: they are a log of the recent past, not history.
const fetchRecordRetention = 30 * 24 * time.Hour

// staleSource is how long a source removed from the configuration goes
// unfetched before its tombstones of pruned items are dropped.
const staleSource = 30 * 24 * time.Hour

// maintain applies retention and drops items that have left the
// near-duplicate window from the index. A failure is logged and retried
// at the next hour: retention is not worth stopping the service for.
func (a *Aggregator) maintain(ctx context.Context) {
	now := a.now()
	a.index.Prune(now.Add(-dedupOptions(a.cfg.Dedup).Window))
	keep := fetchRecordRetention
	if r := time.Duration(a.cfg.Retention); r > 0 {
		keep = min(keep, r)
	}
	if _, err := a.store.PruneFetches(ctx, now.Add(-keep)); err != nil && ctx.Err() == nil {
		a.log.Error("pruning fetch records failed", "error", err)
	}
	if _, err := a.store.PruneTombstones(ctx, now.Add(-staleSource)); err != nil && ctx.Err() == nil {
		a.log.Error("pruning tombstones of removed sources failed", "error", err)
	}
	// Last, after the deletes: a first retention run can grow the WAL.
	defer func() {
		if _, err := a.store.ShrinkWAL(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("shrinking the WAL failed; retried in an hour", "error", err)
		}
	}()
	if a.cfg.Retention <= 0 {
		return
	}
	n, err := a.store.Prune(ctx, now.Add(-time.Duration(a.cfg.Retention)))
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped, not failed: serve is shutting down (a SIGTERM soon
		// after start-up cancels the first run), and the transaction
		// was rolled back; the next start prunes again.
		a.log.Debug("retention stopped", "error", err)
		return
	case err != nil:
		a.log.Error("retention failed", "error", err)
		return
	}
	if n > 0 {
		a.log.Info("retention pruned items", "items", n, "older_than", now.Add(-time.Duration(a.cfg.Retention)))
		if a.onCommit != nil {
			a.onCommit()
		}
	}
}
