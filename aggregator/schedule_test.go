package aggregator_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
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
	// Retention off: the start-up maintenance runs beside the first fetch
	// and would prune the feed's items, dated February 2025, once stored.
	h := newHarness(t, func(c *config.Config) { c.Schedule, c.Retention = "@every 1h", 0 }, src("S", u, ""))
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

// TestStopRightAfterStartIsNoError: a SIGTERM just after serve starts
// cancels the start-up retention run; a stop is not a failure, so nothing
// is logged at error level (an operator's alerting keys on it).
func TestStopRightAfterStartIsNoError(t *testing.T) {
	_, u := serveFile(t, "rss2.xml", "")
	h := newHarness(t, func(c *config.Config) { c.Retention = config.Duration(time.Hour) }, src("S", u, ""))
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	agg, err := aggregator.New(context.Background(), h.cfg, h.store, aggregator.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stopped before the first retention run gets to the database
	if err := agg.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "level=ERROR") || strings.Contains(out, "level=WARN") {
		t.Errorf("a stop was logged as a failure:\n%s", out)
	} else if !strings.Contains(out, `level=DEBUG msg="retention stopped"`) {
		t.Errorf("the cancelled retention run is not logged at debug level:\n%s", out)
	}
}

// syncBuffer is a bytes.Buffer for a logger written from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
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
