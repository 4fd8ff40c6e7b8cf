package main

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

func TestMemoryLimitFor(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		budget, live, want int64
	}{
		{64 * mib, 20 * mib, 64 * mib}, // fits with room: the budget
		{64 * mib, 40 * mib, 64 * mib},
		{64 * mib, 60 * mib, 90 * mib}, // would run back to back: 1.5 × live
		{64 * mib, 200 * mib, 300 * mib},
	}
	for _, tt := range tests {
		if got := memoryLimitFor(tt.budget, tt.live); got != tt.want {
			t.Errorf("memoryLimitFor(%d MiB, %d MiB) = %d MiB, want %d MiB", tt.budget/mib, tt.live/mib, got/mib, tt.want/mib)
		}
	}
}

func TestStartMemoryBudget(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	cfg := config.Default()
	tests := []struct {
		name    string
		env     string
		limit   config.ByteSize
		runtime int64 // the limit in effect before
		want    int64
	}{
		{"config applies", "", 40 << 20, 1 << 40, 40 << 20},
		{"0 leaves the runtime's", "", 0, 1 << 40, 1 << 40},
		{"GOMEMLIMIT wins", "1GiB", 40 << 20, 1 << 30, 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tt.env)
			debug.SetMemoryLimit(tt.runtime)
			cfg.MemoryLimit = tt.limit
			got, stop := startMemoryBudget(context.Background(), &cfg)
			defer stop()
			if got != tt.want {
				t.Errorf("budget = %d, want %d", got, tt.want)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.want {
				t.Errorf("runtime limit = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestFollowLiveHeap: with more live data than the budget holds with room
// to spare, the limit moves up to 1.5 × the live heap instead of making
// the collector run back to back; when the data is gone it comes back.
func TestFollowLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const budget = 32 << 20
	debug.SetMemoryLimit(budget)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		followLiveHeap(ctx, budget, 10*time.Millisecond)
		close(done)
	}()
	defer func() { cancel(); <-done }()

	waitFor := func(what string, ok func(int64) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			runtime.GC()
			limit := debug.SetMemoryLimit(-1)
			if ok(limit) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: limit is %d MiB", what, limit>>20)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	live := make([]byte, 64<<20)
	for i := range live {
		live[i] = byte(i)
	}
	waitFor("raised above 1.5 × 64 MiB", func(l int64) bool { return l >= 96<<20 })
	runtime.KeepAlive(live)
	live = nil
	waitFor("back at the budget", func(l int64) bool { return l == budget })
}
