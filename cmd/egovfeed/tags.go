package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/aggregator/dedup"
	"github.com/egovfeed/egovfeed/config"
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
		if len(e.args) != 1 && len(e.args) != 2 {
			return &exitError{code: 2, err: errors.New("usage: egovfeed explain ITEM-ID [ITEM-ID] (a feed entry's id, an item's key or its numeric id)")}
		}
		cfg, store, err := openStore(ctx, e)
		if err != nil {
			return err
		}
		defer store.Close()
		it, err := lookupItem(ctx, store, e.args[0])
		if err != nil {
			return err
		}
		if len(e.args) == 2 {
			other, err := lookupItem(ctx, store, e.args[1])
			if err != nil {
				return err
			}
			return explainPair(e, cfg, it, other)
		}
		source := it.SourceName
		if p := cfg.PlaceOf(it.SourceURL); p != "" {
			// The place near-duplicate detection keeps it apart by.
			source += " (place " + p + ")"
		}
		fmt.Fprintf(e.stdout, "item %d (key %s)\n  title:  %s\n  source: %s\n  link:   %s\n", it.ID, it.Key, it.Title, source, it.Link)
		if it.Hidden {
			fmt.Fprintf(e.stdout, "  hidden: its story is out of every feed (egovfeed unhide %d puts it back)\n", it.ID)
		}
		if it.SourceRemoved {
			fmt.Fprint(e.stdout, "  not shown: its source is no longer in serve's configuration (another source's report of its story may be)\n")
		}
		fmt.Fprint(e.stdout, "\nLänder:\n")
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  LAND\tRULE\tEVIDENCE")
		for _, l := range it.Lands {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Land, l.Rule, l.Evidence)
		}
		if len(it.Lands) == 0 {
			fmt.Fprintln(tw, "  (none)\t\t")
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		return explainStory(ctx, e, store, it)
	}
}

// explainPair says whether two items are one story now, and what
// near-duplicate detection makes of them, with its reason.
func explainPair(e *env, cfg *config.Config, a, b storage.Item) error {
	for _, it := range []storage.Item{a, b} {
		fmt.Fprintf(e.stdout, "item %d (%s): %s\n", it.ID, it.SourceName, it.Title)
	}
	if a.ID == b.ID {
		return &exitError{code: 1, err: fmt.Errorf("both are item %d: give two different items", a.ID)}
	}
	if a.StoryID() == b.StoryID() {
		fmt.Fprintf(e.stdout, "now: one story (entry key %s, joined by %s)\n", a.EntryKey, cmp.Or(a.ClusterLayer, b.ClusterLayer))
	} else {
		fmt.Fprintln(e.stdout, "now: two stories")
	}
	if a.SourceID == b.SourceID {
		fmt.Fprintln(e.stdout, "near-duplicate detection: never merges two items of one source (its GUIDs tell its items apart)")
		return nil
	}
	v := aggregator.SameStory(cfg, a, b)
	if v.Same {
		fmt.Fprintf(e.stdout, "near-duplicate detection: one story (%s layer, score %.2f)\n", v.Layer, v.Score)
		return nil
	}
	fmt.Fprintf(e.stdout, "near-duplicate detection: two stories: %s\n", verdictReason(cfg, v, a, b))
	return nil
}

// verdictReason words a dedup reason for an editor.
func verdictReason(cfg *config.Config, v dedup.Verdict, a, b storage.Item) string {
	switch v.Reason {
	case dedup.ReasonEmpty:
		return "a text has no words to compare"
	case dedup.ReasonWindow:
		return fmt.Sprintf("published further apart than dedup.window (%s)", cmp.Or(time.Duration(cfg.Dedup.Window), dedup.DefaultWindow))
	case dedup.ReasonLands:
		return "tagged with Länder that do not overlap"
	case dedup.ReasonNumbers:
		return "each text has a number the other lacks"
	case dedup.ReasonPlaces:
		return "each text names a place the other does not"
	case dedup.ReasonHomes:
		return fmt.Sprintf("their sources speak for two places (title_prefix %q and %q), and neither text names the other's or speaks of working together",
			cfg.PlaceOf(a.SourceURL), cfg.PlaceOf(b.SourceURL))
	case dedup.ReasonHomePlace:
		return fmt.Sprintf("one source speaks for a place (title_prefix %q), the other's text names a place elsewhere and not that one",
			cmp.Or(cfg.PlaceOf(a.SourceURL), cfg.PlaceOf(b.SourceURL)))
	case dedup.ReasonThreshold:
		return fmt.Sprintf("the texts are not alike enough (score %.2f, below dedup.threshold %.3g)", v.Score, cmp.Or(cfg.Dedup.Threshold, dedup.DefaultThreshold))
	}
	return v.Reason
}

// explainStory lists the other reports of the item's story: an entry is
// in a Land feed when any report has the Land, and shows one report only.
func explainStory(ctx context.Context, e *env, store *storage.Store, it storage.Item) error {
	reports, err := store.StoryReports(ctx, it.ID)
	if err != nil || len(reports) < 2 {
		return err
	}
	lands := map[string]bool{}
	for _, r := range reports {
		if r.SourceRemoved {
			continue // puts the story into no feed
		}
		for _, l := range r.Lands {
			lands[l.Land] = true
		}
	}
	fmt.Fprintf(e.stdout, "\nstory (entry key %s): %d reports; its entry is in the feeds of %s\n",
		it.EntryKey, len(reports), strings.Join(slices.Sorted(maps.Keys(lands)), ", "))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tSOURCE\tLÄNDER\tSHOWN\tTITLE")
	for _, r := range reports {
		var codes []string
		for _, l := range r.Lands {
			codes = append(codes, l.Land)
		}
		shown := ""
		switch {
		case r.Visible:
			shown = "shown"
		case r.SourceRemoved:
			shown = "source removed"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\n", r.ID, r.SourceName, strings.Join(codes, " "), shown, r.Title)
	}
	return tw.Flush()
}

// lookupItem resolves an ITEM-ID: a feed entry's id, an item's key or its
// numeric id.
//
// An entry id (tag:HOST,2026:item/KEY, as in every republished feed) names
// a story, not one report: KEY is the cluster's entry key, the key of the
// story's first report ("-split" appended for a report an editor split
// off). It resolves to the item the entry shows, which is the report an
// editor sees in the feed, though it may be another one than the item
// whose key the entry carries (an official report that joined later is
// shown under the first report's key). A bare key is an item's key, as
// explain prints it; a key no item has is tried as an entry key, so the
// KEY of an entry id works alone too.
func lookupItem(ctx context.Context, store *storage.Store, ref string) (storage.Item, error) {
	if strings.HasPrefix(ref, "tag:") {
		_, key, ok := strings.Cut(ref, ":item/")
		if !ok {
			return storage.Item{}, fmt.Errorf("%s is not a feed entry's id (tag:HOST,2026:item/KEY)", ref)
		}
		it, err := store.ItemByEntryKey(ctx, key)
		if errors.Is(err, storage.ErrNotFound) {
			return it, fmt.Errorf("entry %s (no item is shown under key %s): %w", ref, key, storage.ErrNotFound)
		}
		return it, err
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if it, err := store.ItemByID(ctx, id); err == nil || !errors.Is(err, storage.ErrNotFound) {
			return it, err
		}
	}
	it, err := store.ItemByKey(ctx, ref)
	if errors.Is(err, storage.ErrNotFound) {
		if it, err := store.ItemByEntryKey(ctx, ref); err == nil || !errors.Is(err, storage.ErrNotFound) {
			return it, err
		}
		return it, fmt.Errorf("item %s (neither a numeric id, an item's key nor an entry's key): %w", ref, storage.ErrNotFound)
	}
	return it, err
}
