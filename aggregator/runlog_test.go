package aggregator

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// TestScheduledRunLog: an operator learns from the log (at info) that a
// scheduled run did not happen because the previous one was still going,
// and that a fetch failed; a stop and a backoff are not news.
func TestScheduledRunLog(t *testing.T) {
	cfg := config.Default()
	cfg.Sources = []config.Source{{Name: "Stadt", URL: "https://stadt.example/feed"}}
	store := openTestStore(t, &cfg)
	ctx := context.Background()
	var logs bytes.Buffer
	a, err := New(ctx, &cfg, store, Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	// The source's previous run holds its lock.
	a.sources[0].running.Lock()
	busy := a.fetchSource(ctx, a.sources[0], false, nil, nil)
	a.sources[0].running.Unlock()
	if !busy.Busy || !busy.Skipped {
		t.Fatalf("fetch while the previous one runs: %+v, want Busy", busy)
	}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		res  Result
		want string // "" for no line
	}{
		{"previous run still going", ctx, busy, `level=INFO msg="fetch skipped: the previous one is still running" component=aggregator source=Stadt`},
		{"failed", ctx, Result{Source: "Stadt", Err: errors.New("HTTP 500")}, `level=WARN msg="fetch failed" component=aggregator source=Stadt error="HTTP 500"`},
		{"backing off", ctx, Result{Source: "Stadt", Skipped: true, RetryAfter: time.Now().Add(time.Hour)}, ""},
		{"stopped", stopped, Result{Source: "Stadt", Err: context.Canceled}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs.Reset()
			a.logRun(tc.ctx, tc.res)
			got := logs.String()
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("log %q, want %q", got, tc.want)
			}
		})
	}
}
