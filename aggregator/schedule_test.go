package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// TestRunFetchesAtStartAndStops: serve's scheduler fetches every source at
// start-up, prunes by retention, and returns promptly when cancelled.
func TestRunFetchesAtStartAndStops(t *testing.T) {
	fs, u := serveFile(t, "rss2.xml", "")
	h := newHarness(t, func(c *config.Config) {
		c.Schedule = "@every 1h"
		c.Retention = 24 * time.Hour // the feed's items are from 2025: all older
	}, src("S", u, ""))
	h.now = time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.agg.Run(ctx) }()

	deadline := time.Now().Add(5 * time.Second)
	for fs.requests.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if fs.requests.Load() == 0 {
		t.Fatal("no fetch at start-up")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10 s of cancellation")
	}
	// The items were older than the retention: once both the fetch and the
	// maintenance ran, at most what arrived after the prune remains; a
	// second prune leaves nothing.
	if _, err := h.store.Prune(context.Background(), time.Now().Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := len(h.items(t)); n != 0 {
		t.Errorf("%d items older than the retention kept", n)
	}
}
