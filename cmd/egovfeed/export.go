package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/egovfeed/egovfeed/feeds"
)

// setupExport prints a republished document to stdout: the same bytes
// the server sends for it (for newsletters, static hosting or checks).
func setupExport(fs *flag.FlagSet) func(context.Context, *env) error {
	output := fs.String("output", "all", "all, land/CODE (land/he, land/bund, …) or the name of a configured output")
	format := fs.String("format", "atom", "atom, rss, json, html or text")
	since := fs.String("since", "", "only entries added after this: RFC 3339 or YYYY-MM-DD (midnight, Europe/Berlin)")
	before := fs.String("before", "", "paging cursor, as in a feed's next link")
	until := fs.String("until", "", "end of a since pull's window, as export prints it for the next page")
	limit := fs.Int("limit", 0, "number of items, 1 to 1000 (default: the output's limit, else 50)")
	return func(ctx context.Context, e *env) error {
		f, err := feeds.ParseFormat(*format)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("-format: %w", err)}
		}
		q := url.Values{}
		if *since != "" {
			q.Set("since", *since)
		}
		if *before != "" {
			q.Set("before", *before)
		}
		if *until != "" {
			q.Set("until", *until)
		}
		if *limit != 0 {
			q.Set("limit", strconv.Itoa(*limit))
		}
		cfg, store, err := openStore(ctx, e)
		if err != nil {
			return err
		}
		defer store.Close()
		srv, err := feeds.NewServer(ctx, cfg, store, e.logger, feeds.WithoutPrerender())
		if err != nil {
			return err
		}
		defer srv.Close()
		next, err := srv.Export(ctx, e.stdout, *output, f, q)
		if err == nil && len(next) > 0 {
			// The document is all stdout carries; where the next page
			// starts goes to stderr, as the Link header does over HTTP.
			var add []string
			for _, k := range []string{"before", "until"} {
				if v := next.Get(k); v != "" {
					add = append(add, "-"+k+" "+v)
				}
			}
			fmt.Fprintf(e.stderr, "egovfeed export: more entries: add %s\n", strings.Join(add, " "))
		}
		switch {
		case errors.Is(err, feeds.ErrUnknownFeed):
			return &exitError{code: 2, err: fmt.Errorf("-output %q: no such feed (all, land/he … land/bund, or an output name)", *output)}
		case errors.Is(err, feeds.ErrBadParameter):
			return &exitError{code: 2, err: err}
		}
		return err
	}
}
