package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/egovfeed/egovfeed/feeds"
)

// shutdownGrace bounds how long serve waits for requests and fetches to
// finish after SIGINT/SIGTERM.
const shutdownGrace = 8 * time.Second

// stoppedEarly is err, unless it only says that a signal stopped the
// start-up: that is a stop like any other, exit code 0.
func stoppedEarly(ctx context.Context, e *env, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		e.logger.Info("stopped during start-up")
		return nil
	}
	return err
}

// otherWritersCheck is how often serve looks for commits of other
// egovfeed processes (editors' split, merge, retag).
const otherWritersCheck = 2 * time.Second

func setupServe(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		cfg, err := loadConfig(e)
		if err != nil {
			return err
		}
		unlock, err := lockServe(cfg.Database)
		if err != nil {
			return err
		}
		defer unlock()
		var pub *feeds.Server
		a, err := openApp(ctx, e, func() {
			if pub != nil {
				pub.Invalidate()
			}
		})
		if err != nil {
			return stoppedEarly(ctx, e, err)
		}
		defer a.Close()
		if err := a.agg.RemoveUnconfigured(ctx); err != nil {
			return stoppedEarly(ctx, e, err)
		}
		var opts []feeds.Option
		limit, stopBudget := startMemoryBudget(ctx, a.cfg)
		defer stopBudget()
		if limit < math.MaxInt64 {
			// Rendered documents take at most a quarter of the budget.
			cacheBytes := min(limit/4, feeds.DefaultCacheBytes)
			opts = append(opts, feeds.WithCacheLimits(feeds.DefaultCacheEntries, cacheBytes))
			e.logger.Info("memory budget", "bytes", limit, "feed_cache_bytes", cacheBytes)
		}
		// Not the signal's context: while Shutdown drains requests they
		// may still need renders; pub.Close ends them after the drain.
		pub, err = feeds.NewServer(context.WithoutCancel(ctx), a.cfg, a.store, e.logger, opts...)
		if err != nil {
			return stoppedEarly(ctx, e, err)
		}
		defer pub.Close() // before the store closes: it may be rendering
		srv := feeds.HTTPServer(a.cfg.Listen, pub)
		ln, err := net.Listen("tcp", a.cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		e.logger.Info("serving", "addr", ln.Addr().String(), "sources", len(a.cfg.Sources), "database", a.cfg.Database)

		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		var wg sync.WaitGroup
		runErr := make(chan error, 1)
		wg.Go(func() { runErr <- a.agg.Run(runCtx) })
		// split, merge, retag and dedup -rebuild run as other processes:
		// their commits must reach the rendered feeds too.
		wg.Go(func() {
			if err := a.store.WatchOtherWriters(runCtx, otherWritersCheck, pub.Invalidate); err != nil {
				e.logger.Error("not watching for edits by other commands; they show after the next ingest", "error", err)
			}
		})
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()

		select {
		case <-ctx.Done():
		case err := <-errc:
			cancel()
			wg.Wait()
			return fmt.Errorf("http server: %w", err)
		case err := <-runErr:
			// Run returns early only when a schedule cannot be set up:
			// serving feeds that are never fetched again is no service.
			if err != nil {
				cancel()
				srv.Close()
				wg.Wait()
				return fmt.Errorf("schedule sources: %w", err)
			}
		}
		e.logger.Info("shutting down")
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer scancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// Clients still reading after the grace period (a slow
			// reader of a large page) are cut off: the stop is ours.
			e.logger.Warn("closing connections that did not finish in time", "error", err)
			srv.Close()
		}
		// The fetches were cancelled with the server; they get what is
		// left of the grace period, and at least a second.
		deadline, _ := sctx.Deadline()
		wait := time.NewTimer(max(time.Until(deadline), time.Second))
		defer wait.Stop()
		select {
		case <-done:
		case <-wait.C:
			return errors.New("fetches did not finish in time")
		}
		e.logger.Info("stopped")
		return nil
	}
}
