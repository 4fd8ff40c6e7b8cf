package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// app is the wired-up service: config → aggregator → storage.
type app struct {
	cfg   *config.Config
	store *storage.Store
	agg   *aggregator.Aggregator
}

func openApp(ctx context.Context, e *env, onCommit func()) (*app, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return nil, err
	}
	store, err := storage.Open(ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	tag, err := aggregator.NewTagFunc(cfg.TagRules)
	if err != nil {
		store.Close()
		return nil, err
	}
	agg, err := aggregator.New(ctx, cfg, store, aggregator.Options{Logger: e.logger, Tag: tag, OnCommit: onCommit})
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("start aggregator: %w", err)
	}
	return &app{cfg: cfg, store: store, agg: agg}, nil
}

func (a *app) Close() error { return a.store.Close() }

// limitMemory applies memory_limit as the runtime's soft memory limit, in
// the long-running ingest commands (serve, fetch): the collector then
// works harder as the heap nears it instead of letting it double. The
// maintenance commands are left alone, as dedup -rebuild holds a second
// index. GOMEMLIMIT, when set, wins (the runtime read it at start). It
// returns the limit in effect, math.MaxInt64 for none.
func limitMemory(cfg *config.Config) int64 {
	if cfg.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(cfg.MemoryLimit))
	}
	return debug.SetMemoryLimit(-1)
}

// openStore opens the configured database without the aggregator, for
// commands that only read or maintain it. The database must exist:
// these commands never create an empty one by mistake.
func openStore(ctx context.Context, e *env) (*config.Config, *storage.Store, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(cfg.Database); err != nil {
		return nil, nil, fmt.Errorf("no database at %s (run fetch or serve first): %w", cfg.Database, err)
	}
	store, err := storage.Open(ctx, cfg.Database)
	if err != nil {
		return nil, nil, err
	}
	return cfg, store, nil
}
