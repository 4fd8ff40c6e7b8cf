package main

import (
	"context"
	"flag"
	"fmt"
)

func setupCheckConfig(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		cfg, err := loadConfig(e)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: ok (%d sources, %d outputs)\n", cfg.Path(), len(cfg.Sources), len(cfg.Outputs))
		return nil
	}
}
