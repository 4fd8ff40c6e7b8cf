package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

func setupDedup(fs *flag.FlagSet) func(context.Context, *env) error {
	rebuild := fs.Bool("rebuild", false, "recompute every cluster with the current thresholds (editorial splits and merges are kept)")
	return func(ctx context.Context, e *env) error {
		if !*rebuild {
			return &exitError{code: 2, err: errors.New("usage: egovfeed dedup -rebuild")}
		}
		a, err := openExistingApp(ctx, e)
		if err != nil {
			return err
		}
		defer a.Close()
		// One rebuild at a time; copies killed ones left are removed.
		unlock, err := lockRebuild(a.cfg.Database)
		if err != nil {
			return err
		}
		defer unlock()
		start := time.Now()
		seen, joined, err := a.agg.RebuildClusters(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rebuilt clusters of %d items: %d joined a cluster (%s)\n", seen, joined, time.Since(start).Round(time.Millisecond))
		return nil
	}
}

func setupSplit(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		return withOneItem(ctx, e, "usage: egovfeed split ITEM-ID", func(a *app, it storage.Item) error {
			if err := a.store.Split(ctx, it.ID, time.Now()); errors.Is(err, storage.ErrSplitAlready) {
				fmt.Fprintf(e.stdout, "item %d (%s) is an entry of its own already: nothing changed\n", it.ID, it.Title)
				return nil
			} else if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "item %d (%s) is now an entry of its own and stays out of clusters\n", it.ID, it.Title)
			return nil
		})
	}
}

// withOneItem runs an editor's command on the one item its argument
// names (see lookupItem), in a database that must exist.
func withOneItem(ctx context.Context, e *env, usage string, fn func(a *app, it storage.Item) error) error {
	if len(e.args) != 1 {
		return &exitError{code: 2, err: errors.New(usage)}
	}
	a, err := openExistingApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.Close()
	it, err := lookupItem(ctx, a.store, e.args[0])
	if err != nil {
		return err
	}
	return fn(a, it)
}

func setupMerge(fs *flag.FlagSet) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		if len(e.args) != 2 {
			return &exitError{code: 2, err: errors.New("usage: egovfeed merge ITEM-ID ITEM-ID")}
		}
		a, err := openExistingApp(ctx, e)
		if err != nil {
			return err
		}
		defer a.Close()
		x, err := lookupItem(ctx, a.store, e.args[0])
		if err != nil {
			return err
		}
		y, err := lookupItem(ctx, a.store, e.args[1])
		if err != nil {
			return err
		}
		if x.ID == y.ID {
			// Not a no-op to report as success: the editor meant two
			// reports and named one twice (an entry id and a key of
			// the same item, say).
			return fmt.Errorf("merge: %s and %s are both item %d (%s): name two different items", e.args[0], e.args[1], x.ID, x.Title)
		}
		err = a.store.Merge(ctx, x.ID, y.ID, time.Now())
		if errors.Is(err, storage.ErrSameCluster) {
			fmt.Fprintf(e.stdout, "items %d and %d are in one cluster already: nothing changed\n", x.ID, y.ID)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "item %d (%s) joined the cluster of item %d (%s)\n", y.ID, y.Title, x.ID, x.Title)
		return nil
	}
}

// setupHide returns hide (hidden true) or unhide: an editor takes a story
// out of every feed or puts it back.
func setupHide(hidden bool) func(fs *flag.FlagSet) func(context.Context, *env) error {
	name := map[bool]string{true: "hide", false: "unhide"}[hidden]
	return func(fs *flag.FlagSet) func(context.Context, *env) error {
		return func(ctx context.Context, e *env) error {
			return withOneItem(ctx, e, "usage: egovfeed "+name+" ITEM-ID", func(a *app, it storage.Item) error {
				n, err := a.store.Hide(ctx, it.ID, hidden, time.Now())
				switch {
				case errors.Is(err, storage.ErrUnchanged) && hidden:
					fmt.Fprintf(e.stdout, "the story of item %d (%s) is hidden already: nothing changed\n", it.ID, it.Title)
				case errors.Is(err, storage.ErrUnchanged):
					fmt.Fprintf(e.stdout, "the story of item %d (%s) is not hidden: nothing changed\n", it.ID, it.Title)
				case err != nil:
					return err
				case hidden:
					fmt.Fprintf(e.stdout, "the story of item %d (%s, %s) is out of every feed; egovfeed unhide %d puts it back\n", it.ID, it.Title, reports(n), it.ID)
				default:
					fmt.Fprintf(e.stdout, "the story of item %d (%s, %s) is back in its feeds, under its entry id\n", it.ID, it.Title, reports(n))
				}
				return nil
			})
		}
	}
}

// reports counts a story's reports in words.
func reports(n int) string {
	if n == 1 {
		return "1 report"
	}
	return fmt.Sprintf("%d reports", n)
}
