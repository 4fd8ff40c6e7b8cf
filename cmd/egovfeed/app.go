package main

import (
	"context"
	"fmt"
	"os"

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
	return openAppWith(ctx, e, onCommit, true)
}

// openExistingApp is openApp for commands that work on stored items
// (retag, split, merge, dedup): a missing database is an error there, not
// an empty file to create next to a mistyped path.
func openExistingApp(ctx context.Context, e *env) (*app, error) {
	return openAppWith(ctx, e, nil, false)
}

func openAppWith(ctx context.Context, e *env, onCommit func(), create bool) (*app, error) {
	cfg, store, err := openDatabase(ctx, e, create)
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

// openStore opens the configured database read-only, for commands that
// only read it (sources, export, explain, backup): they never create,
// change or upgrade a database, and work on a file they may not write.
func openStore(ctx context.Context, e *env) (*config.Config, *storage.Store, error) {
	return openDatabaseWith(ctx, e, false, storage.OpenReadOnly)
}

// openDatabase loads the configuration and opens its database, which must
// exist unless create is set.
func openDatabase(ctx context.Context, e *env, create bool) (*config.Config, *storage.Store, error) {
	return openDatabaseWith(ctx, e, create, storage.Open)
}

func openDatabaseWith(ctx context.Context, e *env, create bool, open func(context.Context, string) (*storage.Store, error)) (*config.Config, *storage.Store, error) {
	cfg, err := loadConfig(e)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(cfg.Database); err != nil {
		if old := cfg.WorkingDirDatabase(); old != "" {
			if _, err := os.Stat(old); err == nil {
				// Early versions read a relative database from
				// the working directory: an upgrade must not start afresh
				// beside the configuration.
				return nil, nil, &exitError{code: 2, err: fmt.Errorf("no database at %s, but there is one at %s: a relative database "+
					"is read from the configuration's folder, not the working directory; move the file there or give database an absolute path", cfg.Database, old)}
			}
		}
		if !create {
			return nil, nil, fmt.Errorf("no database at %s (run fetch or serve first): %w", cfg.Database, err)
		}
	}
	store, err := open(ctx, cfg.Database)
	if err != nil {
		return nil, nil, err
	}
	return cfg, store, nil
}
