package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

func setupBackup(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 {
			return &exitError{code: 2, err: errors.New("usage: egovfeed backup FILE")}
		}
		_, store, err := openStore(ctx, e)
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
