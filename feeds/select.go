package feeds

import (
	"context"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// page is one page of a feed: at most limit items, newest entry first
// (storage orders by the entry's published date, never by updated), and the position of the next page when there is one.
type page struct {
	items []storage.Item
	next  *storage.Cursor
	// expires is when the page's content changes without an ingest (an
	// item of an output with max_age grows too old); zero if never.
	expires time.Time
	// until is the end of a since pull's window, for the next link.
	until time.Time
}

// scanPage is how many rows are read per storage query while filtering
// a curated output in Go.
const scanPage = 200

// sinceLag is how far a since window lags behind: longer than any item
// takes from being stamped to being committed (the writer's queue, and a
// write lock held by another process, whose wait is capped at 10 s).
const sinceLag = 2 * time.Minute

// selectPage reads the items of v's page. Lands and sources are
// filtered by the storage query; include, exclude and max_age of curated
// outputs are applied here, reading further storage pages until the
// limit is filled or the history is exhausted. One item more than the
// limit is read to know whether a next page exists.
func (s *Server) selectPage(ctx context.Context, v *view, now time.Time) (page, error) {
	limit := v.limit()
	q := storage.Query{Before: v.params.before}
	fixedEnd := false // the window's end came with the request
	if !v.params.since.IsZero() {
		// since asks what is new: entries added after it, not entries
		// dated after it (an item dated before a newsletter's last pull
		// but fetched after it is new to that newsletter; max_age below
		// is about dates). The window is shifted back by sinceLag at both
		// ends: an item is stamped before its commit, and the next pull,
		// which passes the time of this one as since, must still get one
		// committed while this one ran.
		q.AddedSince, q.AddedUntil = v.params.since.Add(-sinceLag), now.Add(-sinceLag)
		if u := v.params.until; !u.IsZero() && u.Before(q.AddedUntil) {
			// A later page of the same pull. An until later than the
			// window's end would get around the lag: it is ignored.
			q.AddedUntil, fixedEnd = u, true
		}
	}
	var f *outputFilter
	switch v.kind {
	case kindLand:
		q.Lands = []string{v.land}
	case kindOutput:
		q.Lands, q.Sources = v.output.Lands, v.output.Sources
		f = newOutputFilter(v.output)
		if v.output.MaxAge > 0 {
			// In a since pull, max_age counts back from the window's
			// start: an entry the lag held back from one pull is not too
			// old for the next one.
			ref := now
			if !q.AddedSince.IsZero() {
				ref = q.AddedSince
			}
			if min := ref.Add(-time.Duration(v.output.MaxAge)); min.After(q.Since) {
				q.Since = min
			}
		}
	}
	var pg page
	if f == nil || f.passAll() {
		q.Limit = limit + 1
		items, err := s.store.Items(ctx, q)
		if err != nil {
			return page{}, err
		}
		pg.items = items
	} else {
		q.Limit = max(scanPage, limit+1)
		for len(pg.items) <= limit {
			items, err := s.store.Items(ctx, q)
			if err != nil {
				return page{}, err
			}
			for i := range items {
				if f.keep(&items[i], s.pres.present(&items[i]).Title) {
					pg.items = append(pg.items, items[i])
				}
			}
			if len(items) < q.Limit {
				break
			}
			c := cursorOf(&items[len(items)-1])
			q.Before = &c
		}
	}
	if len(pg.items) > limit {
		c := cursorOf(&pg.items[limit-1])
		pg.next = &c
		pg.items = pg.items[:limit]
	}
	if v.kind == kindOutput && v.output.MaxAge > 0 && len(pg.items) > 0 && q.AddedSince.IsZero() {
		// (In a since pull max_age counts from the window's start, not
		// from now: the page does not age.)
		pg.expires = entryPublished(&pg.items[len(pg.items)-1]).Add(time.Duration(v.output.MaxAge))
	}
	pg.until = q.AddedUntil
	if !q.AddedUntil.IsZero() && !fixedEnd {
		// An entry stored after AddedUntil belongs in the page once the
		// window reaches it, without an ingest to invalidate the page.
		next, ok, err := s.store.NextAddedAfter(ctx, q.AddedUntil)
		if err != nil {
			return page{}, err
		}
		if at := next.Add(sinceLag); ok && (pg.expires.IsZero() || at.Before(pg.expires)) {
			pg.expires = at
		}
	}
	return pg, nil
}

// outputFilter holds a curated output's word filters.
type outputFilter struct {
	include, exclude matcher
}

func newOutputFilter(o *config.Output) *outputFilter {
	return &outputFilter{include: newMatcher(o.Include), exclude: newMatcher(o.Exclude)}
}

func (f *outputFilter) passAll() bool { return len(f.include) == 0 && len(f.exclude) == 0 }

// keep applies include (any word must match) and exclude (none may) to
// the entry's headline as readers see it (with its place: "Köln: …" is
// about Köln also when the source's title does not say so) and teaser,
// folded.
func (f *outputFilter) keep(it *storage.Item, headline string) bool {
	text := fold(headline + "\n" + plainText(it.Teaser))
	if len(f.include) > 0 && !f.include.match(text) {
		return false
	}
	return !f.exclude.match(text)
}
