package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// TestRunFetchesAtStartAndStops: serve's scheduler fetches every source at
// start-up and returns promptly when cancelled. (Retention itself is
// tested in storage: TestPruneKeepsClustersWhole.)
func TestRunFetchesAtStartAndStops(t *testing.T) {
	fs, u := serveFile(t, "rss2.xml", "")
	h := newHarness(t, func(c *config.Config) { c.Schedule = "@every 1h" }, src("S", u, ""))
	h.now = time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.agg.Run(ctx) }()

	deadline := time.Now().Add(5 * time.Second)
	for len(h.items(t)) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(h.items(t)); fs.requests.Load() == 0 || n != 2 {
		t.Fatalf("start-up fetch: %d requests, %d items stored; want the feed's 2 items", fs.requests.Load(), n)
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
}
