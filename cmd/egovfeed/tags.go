package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/egovfeed/egovfeed/storage"
)

func setupRetag(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		a, err := openExistingApp(ctx, e)
		if err != nil {
			return err
		}
		defer a.Close()
		seen, changed, err := a.agg.Retag(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "retagged %d items: %d changed\n", seen, changed)
		return nil
	}
}

func setupExplain(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 1 {
			return &exitError{code: 2, err: errors.New("usage: egovfeed explain ITEM-ID (the item's key or numeric id)")}
		}
		_, store, err := openStore(ctx, e)
		if err != nil {
			return err
		}
		defer store.Close()
		it, err := lookupItem(ctx, store, e.args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "item %d (key %s)\n  title:  %s\n  source: %s\n  link:   %s\n\nLänder:\n", it.ID, it.Key, it.Title, it.SourceName, it.Link)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  LAND\tRULE\tEVIDENCE")
		for _, l := range it.Lands {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Land, l.Rule, l.Evidence)
		}
		if len(it.Lands) == 0 {
			fmt.Fprintln(tw, "  (none)\t\t")
		}
		return tw.Flush()
	}
}

// lookupItem accepts an item's public key or its numeric id.
func lookupItem(ctx context.Context, store *storage.Store, ref string) (storage.Item, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if it, err := store.ItemByID(ctx, id); err == nil || !errors.Is(err, storage.ErrNotFound) {
			return it, err
		}
	}
	return store.ItemByKey(ctx, ref)
}
