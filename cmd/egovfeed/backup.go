package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/egovfeed/egovfeed/storage"
)

func setupBackup(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 {
			return &exitError{code: 2, err: errors.New("usage: egovfeed backup FILE")}
		}
		cfg, err := loadConfig(e)
		if err != nil {
			return err
		}
		store, err := storage.Open(ctx, cfg.Database)
		if err != nil {
			return err
		}
		defer store.Close()
		if err := store.Backup(ctx, e.args[0]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backup written to %s\n", e.args[0])
		return nil
	}
}
