package main

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// liveFactor is how far the heap may grow beyond the live heap when the
// live heap no longer fits the budget with room to spare.
const liveFactor = 1.5

// memoryLimitFor is the runtime memory limit for a budget and a live heap.
// A limit close to the live heap would make the collector run back to
// back (and then take up to half the CPU); so it never falls below
// liveFactor times the live heap.
func memoryLimitFor(budget, live int64) int64 {
	return max(budget, int64(float64(live)*liveFactor))
}

// startMemoryBudget applies memory_limit in the long-running ingest
// commands (serve, fetch) as the runtime's soft memory limit: the
// collector works harder as the heap nears it instead of letting the heap
// grow to twice the live data. While the process runs, the limit follows
// the live heap upwards where memoryLimitFor says so (a long
// near-duplicate window, a very large first cycle). The maintenance
// commands are left alone. GOMEMLIMIT, when set, wins: the runtime read
// it at start and it stays as it is.
//
// It returns the budget in effect (math.MaxInt64 for none) and a stop
// function that ends the adjusting.
func startMemoryBudget(ctx context.Context, cfg *config.Config) (budget int64, stop func()) {
	if cfg.MemoryLimit <= 0 || os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), func() {}
	}
	budget = int64(cfg.MemoryLimit)
	debug.SetMemoryLimit(budget)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { followLiveHeap(ctx, budget, 250*time.Millisecond) })
	return budget, func() {
		cancel()
		wg.Wait()
	}
}

// followLiveHeap sets the memory limit from the live heap every interval
// (the live heap changes only at the end of a collection; polling keeps
// this out of the collector's way).
func followLiveHeap(ctx context.Context, budget int64, interval time.Duration) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return // unknown to this runtime: keep the budget as set
		}
		live := sample[0].Value.Uint64()
		debug.SetMemoryLimit(memoryLimitFor(budget, int64(min(live, math.MaxInt64/2))))
	}
}
