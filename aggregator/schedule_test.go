package aggregator_test

import (
	"context"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
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

func TestNextRun(t *testing.T) {
	now := time.Date(2025, 7, 1, 10, 7, 0, 0, time.UTC) // 12:07 in Berlin
	tests := []struct {
		name              string
		spec              string
		last, retry, want time.Time
	}{
		{"@every counts from the last fetch", "@every 30m", now.Add(-10 * time.Minute), time.Time{}, now.Add(20 * time.Minute)},
		{"@every overdue is due now", "@every 30m", now.Add(-2 * time.Hour), time.Time{}, now},
		{"@every never fetched", "@every 30m", time.Time{}, time.Time{}, now.Add(30 * time.Minute)},
		{"cron in Berlin time", "*/15 * * * *", now.Add(-time.Minute), time.Time{}, time.Date(2025, 7, 1, 10, 15, 0, 0, time.UTC)},
		{"daily at 6 Berlin", "0 6 * * *", time.Time{}, time.Time{}, time.Date(2025, 7, 2, 4, 0, 0, 0, time.UTC)},
		{"backoff defers", "@every 30m", now.Add(-10 * time.Minute), now.Add(5 * time.Hour), now.Add(5 * time.Hour)},
		{"bad spec", "@sometimes", time.Time{}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aggregator.NextRun(tt.spec, tt.last, tt.retry, now); !got.Equal(tt.want) {
				t.Errorf("NextRun = %v, want %v", got, tt.want)
			}
		})
	}
}
