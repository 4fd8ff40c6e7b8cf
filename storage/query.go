package storage

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Item is a stored item with its source and Land tags.
type Item struct {
	ID             int64
	Key            string
	SourceID       int64
	SourceName     string
	SourceURL      string
	SourceLand     string
	FeedTitle      string // the origin feed's own title
	FeedLink       string // the origin feed's website
	GUID           string
	Title          string
	Teaser         string
	Link           string
	OrigLink       string
	Published      time.Time
	DateFromSource bool
	FirstSeen      time.Time
	Updated        time.Time
	// EntryKey and EntryPublished identify and date the entry an item
	// is shown as: for a cluster, those of its first item, so an entry
	// keeps its id and place when another report becomes its primary.
	EntryKey       string
	EntryPublished time.Time
	ClusterID      int64 // the cluster's root; 0 for an item alone or a root
	ClusterLayer   string
	Visible        bool // the primary of its cluster (or alone), unless the story is hidden
	Hidden         bool // an editor took its story out of every feed (Hide)
	SourceRemoved  bool // its source is no longer configured (RemoveUnconfigured): never shown
	Lands          []LandTag
	// Related are other items reporting the same story (filled by the
	// cluster queries; empty otherwise).
	Related []Related
}

// Related names another report of the same story.
type Related struct {
	Title      string
	Link       string
	SourceName string
}

// Cursor is a position in the newest-first order, for paging: an
// entry's date and its story's id (Item.StoryID), which stay the same
// whichever report of the story is shown. Reports of one story share a
// position, so only queries without duplicates page.
type Cursor struct {
	Published time.Time
	ID        int64
}

// StoryID is the id of the story an item reports: its cluster's root,
// or its own id when it is alone or the root.
func (it *Item) StoryID() int64 {
	if it.ClusterID != 0 {
		return it.ClusterID
	}
	return it.ID
}

// Query selects items, newest published first.
type Query struct {
	Lands   []string  // any of these; empty: all
	Sources []string  // source names, any of these (a story: any of its reports); empty: all
	Since   time.Time // published after this (an entry: its story's date)
	// AddedSince selects entries new to the selection after this instant:
	// stories whose first report in it (the first with one of Lands, and
	// the first from one of Sources) was stored after it, whatever date
	// its source gave it. With duplicates, items stored after it.
	AddedSince time.Time
	// AddedUntil, with AddedSince, leaves out entries added after it
	// (zero: none left out).
	AddedUntil time.Time
	Before     *Cursor // only items strictly older than this position
	Limit      int
	// WithDuplicates includes cluster members that are not primary.
	WithDuplicates bool
}

const itemColumns = `i.id, i.key, i.source_id, s.name, s.url, s.land, s.feed_title, s.feed_link, i.guid, i.title, i.teaser,
	i.link, i.orig_link, i.published, i.date_from_source, i.first_seen, i.updated,
	i.entry_key, i.entry_published, coalesce(i.cluster_id, 0), i.cluster_layer, i.visible, i.hidden, s.removed_at <> 0`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var pub, first, upd, entryPub int64
	err := sc.Scan(&it.ID, &it.Key, &it.SourceID, &it.SourceName, &it.SourceURL, &it.SourceLand, &it.FeedTitle, &it.FeedLink,
		&it.GUID, &it.Title, &it.Teaser, &it.Link, &it.OrigLink, &pub, &it.DateFromSource, &first, &upd,
		&it.EntryKey, &entryPub, &it.ClusterID, &it.ClusterLayer, &it.Visible, &it.Hidden, &it.SourceRemoved)
	it.Published, it.FirstSeen, it.Updated = fromMillis(pub), fromMillis(first), fromMillis(upd)
	it.EntryPublished = fromMillis(entryPub)
	return it, err
}

// Items returns the items q selects, newest entry first, with their
// Land tags and, for a cluster's primary, the other reports (Related).
func (s *Store) Items(ctx context.Context, q Query) ([]Item, error) {
	var where []string
	var args []any
	// The order of the items_visible index; the story id breaks ties
	// (see Cursor).
	order := "i.entry_published DESC, coalesce(i.cluster_id, i.id) DESC"
	if q.WithDuplicates {
		order += ", i.id DESC"
	}
	from := "items i JOIN sources s ON s.id = i.source_id"
	if len(q.Lands) > 0 {
		// An entry is in a Land's feed when any report of its story is
		// tagged with the Land, not only the one shown: a story does not
		// leave a Land's feed because the Bund's report of it is shown.
		// With duplicates, each item by its own tags.
		if q.WithDuplicates {
			where = append(where, "i.id IN ("+landItems(len(q.Lands))+")")
		} else {
			// A report of a source no longer configured puts no story
			// into a Land's feed (RemoveUnconfigured).
			where = append(where, "coalesce(i.cluster_id, i.id) IN (SELECT coalesce(m.cluster_id, m.id) FROM items m WHERE m.id IN ("+landItems(len(q.Lands))+
				") AND m."+sourceConfigured+")")
		}
		args = appendStrings(args, q.Lands)
	}
	if len(q.Sources) > 0 {
		// Likewise a story is in a selection of sources when any of its
		// reports is from one of them.
		if q.WithDuplicates {
			where = append(where, "i.source_id IN ("+sourceIDs(len(q.Sources))+")")
		} else {
			where = append(where, "coalesce(i.cluster_id, i.id) IN (SELECT coalesce(m.cluster_id, m.id) FROM items m WHERE m.source_id IN ("+sourceIDs(len(q.Sources))+"))")
		}
		args = appendStrings(args, q.Sources)
	}
	if !q.WithDuplicates {
		where = append(where, "i.visible = 1")
	}
	if !q.Since.IsZero() {
		where = append(where, "i.entry_published > ?")
		args = append(args, toMillis(q.Since))
	}
	var with string
	if !q.AddedSince.IsZero() {
		w, a, cte, cteArgs, err := s.addedSince(ctx, q)
		if err != nil {
			return nil, err
		}
		// The WITH clause comes first in the statement, its parameters too.
		where, args, with = append(where, w), append(append(cteArgs, args...), a...), cte
	}
	if q.Before != nil {
		// The first term is redundant but lets SQLite seek in the index
		// instead of scanning it from the top for every page.
		where = append(where, "i.entry_published <= ? AND (i.entry_published < ? OR (i.entry_published = ? AND coalesce(i.cluster_id, i.id) < ?))")
		b := toMillis(q.Before.Published)
		args = append(args, b, b, b, q.Before.ID)
	}
	sqlText := with + "SELECT " + itemColumns + " FROM " + from
	if len(where) > 0 {
		sqlText += " WHERE " + strings.Join(where, " AND ")
	}
	sqlText += " ORDER BY " + order
	if q.Limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	items, err := s.queryItems(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("storage: query items: %w", err)
	}
	if err := s.loadLands(ctx, items); err != nil {
		return nil, err
	}
	if !q.WithDuplicates {
		if err := s.loadRelated(ctx, items); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// freshPlanMax is how many items stored after AddedSince a query may
// start from. Beyond it the newest entries are read in order and each
// is checked instead: a since far back would otherwise gather and sort
// most of the database for one page.
var freshPlanMax = 2000

// addedSince returns the condition of q.AddedSince (and AddedUntil) for
// Items, its SQL and arguments, and a WITH clause to put before the query
// ("" if none) with its arguments.
func (s *Store) addedSince(ctx context.Context, q Query) (cond string, args []any, with string, withArgs []any, err error) {
	t := toMillis(q.AddedSince)
	until := int64(math.MaxInt64)
	if !q.AddedUntil.IsZero() {
		until = toMillis(q.AddedUntil)
	}
	if q.WithDuplicates {
		return "i.first_seen > ? AND i.first_seen <= ?", []any{t, until}, "", nil, nil
	}
	// The story entered the selection in (t, until]: a report of it that
	// counts for the selection was stored by until, and none by t. A
	// report counts when it has one of the Lands, or is from one of the
	// Sources; with both, the story entered when the later of the two
	// first happened.
	report := func(extra string) string {
		// A report an editor split off the story counts as one of its
		// reports here: the story did not enter the feed when it lost it.
		return "EXISTS (SELECT 1 FROM items o WHERE (o.id = coalesce(i.cluster_id, i.id) OR o.cluster_id = coalesce(i.cluster_id, i.id) OR o.split_entry = i.entry_key) AND o.first_seen <= ?" + extra + ")"
	}
	type kind struct {
		extra string
		args  []any
	}
	var kinds []kind
	if len(q.Lands) > 0 {
		kinds = append(kinds, kind{" AND o.id IN (" + landItems(len(q.Lands)) + ")", appendStrings(nil, q.Lands)})
	}
	if len(q.Sources) > 0 {
		kinds = append(kinds, kind{" AND o.source_id IN (" + sourceIDs(len(q.Sources)) + ")", appendStrings(nil, q.Sources)})
	}
	if len(kinds) == 0 {
		kinds = append(kinds, kind{})
	}
	var by, notBefore []string
	for _, k := range kinds {
		by = append(by, report(k.extra))
		args = append(append(args, until), k.args...)
	}
	for _, k := range kinds {
		notBefore = append(notBefore, "NOT "+report(k.extra))
		args = append(append(args, t), k.args...)
	}
	cond = strings.Join(by, " AND ") + " AND (" + strings.Join(notBefore, " OR ") + ")"
	// Usually few items are that new: then the query starts from them
	// (their stories' shown reports, found by id) instead of reading
	// every entry newer in date.
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM items WHERE first_seen > ? AND first_seen <= ? LIMIT ?)`,
		t, until, freshPlanMax+1).Scan(&n); err != nil {
		return "", nil, "", nil, fmt.Errorf("storage: query items: %w", err)
	}
	if n <= freshPlanMax {
		with = "WITH fresh(story) AS (SELECT coalesce(cluster_id, id) FROM items WHERE first_seen > ? AND first_seen <= ?) "
		withArgs = []any{t, until}
		cond += " AND i.id IN (SELECT story FROM fresh UNION SELECT m.id FROM items m WHERE m.cluster_id IS NOT NULL AND m.cluster_id IN (SELECT story FROM fresh))"
	}
	return cond, args, with, withArgs, nil
}

// NextAddedAfter returns the earliest time after t at which an item was
// stored, if any: when an entry stored after a feed's AddedUntil reaches
// it.
func (s *Store) NextAddedAfter(ctx context.Context, t time.Time) (time.Time, bool, error) {
	var ms sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT min(first_seen) FROM items WHERE first_seen > ?`, toMillis(t)).Scan(&ms); err != nil {
		return time.Time{}, false, fmt.Errorf("storage: next added: %w", err)
	}
	return fromMillis(ms.Int64), ms.Valid, nil
}

// loadRelated fills Related of cluster primaries with the other members,
// earliest first.
func (s *Store) loadRelated(ctx context.Context, items []Item) error {
	roots := map[int64][]int{}
	var ids []any
	for i, it := range items {
		root := it.StoryID()
		if _, ok := roots[root]; !ok {
			ids = append(ids, root)
		}
		roots[root] = append(roots[root], i)
	}
	for start := 0; start < len(ids); start += maxBatchParams {
		if err := s.loadRelatedOf(ctx, ids[start:min(start+maxBatchParams, len(ids))], items, roots); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) loadRelatedOf(ctx context.Context, ids []any, items []Item, roots map[int64][]int) error {
	in := placeholders(len(ids))
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, coalesce(i.cluster_id, i.id), i.title, i.link, s.name
		FROM items i JOIN sources s ON s.id = i.source_id
		WHERE i.visible = 0 AND s.removed_at = 0 AND (i.cluster_id IN (`+in+`) OR i.id IN (`+in+`)) ORDER BY i.published, i.id`,
		// A new slice: ids is a window of the caller's, and appending to
		// it in place would overwrite the caller's next chunk.
		slices.Concat(ids, ids)...)
	if err != nil {
		return fmt.Errorf("storage: related items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, root int64
		var r Related
		if err := rows.Scan(&id, &root, &r.Title, &r.Link, &r.SourceName); err != nil {
			return fmt.Errorf("storage: related items: %w", err)
		}
		for _, i := range roots[root] {
			items[i].Related = append(items[i].Related, r)
		}
	}
	return rows.Err()
}

// maxBatchParams keeps IN lists well under SQLite's variable limit.
const maxBatchParams = 500

// landItems selects the ids of items tagged with any of n Länder, given
// as parameters.
func landItems(n int) string {
	return "SELECT item_id FROM item_lands WHERE land IN (" + placeholders(n) + ")"
}

// sourceIDs selects the ids of the sources named by n parameters.
func sourceIDs(n int) string {
	return "SELECT id FROM sources WHERE name IN (" + placeholders(n) + ")"
}

// appendStrings appends ss to args, as query parameters.
func appendStrings(args []any, ss []string) []any {
	for _, v := range ss {
		args = append(args, v)
	}
	return args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func (s *Store) loadLands(ctx context.Context, items []Item) error {
	idx := make(map[int64]int, len(items))
	for i, it := range items {
		idx[it.ID] = i
	}
	// Bound the IN list: SQLite allows 32,766 variables per statement.
	for start := 0; start < len(items); start += maxBatchParams {
		chunk := items[start:min(start+maxBatchParams, len(items))]
		ids := make([]any, len(chunk))
		for i, it := range chunk {
			ids[i] = it.ID
		}
		if err := s.loadLandsOf(ctx, ids, items, idx); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) loadLandsOf(ctx context.Context, ids []any, items []Item, idx map[int64]int) error {
	rows, err := s.r.QueryContext(ctx, `SELECT item_id, land, rule, evidence FROM item_lands WHERE item_id IN (`+
		placeholders(len(ids))+`) ORDER BY item_id, land`, ids...)
	if err != nil {
		return fmt.Errorf("storage: load lands: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t LandTag
		if err := rows.Scan(&id, &t.Land, &t.Rule, &t.Evidence); err != nil {
			return fmt.Errorf("storage: load lands: %w", err)
		}
		items[idx[id]].Lands = append(items[idx[id]].Lands, t)
	}
	return rows.Err()
}

// ItemByKey returns one item by its public key.
func (s *Store) ItemByKey(ctx context.Context, key string) (Item, error) {
	return s.itemWhere(ctx, "i.key = ?", key)
}

// ItemByEntryKey returns the item a feed entry shows: the visible member
// of the cluster whose entry key is key. An entry key is the key of the
// story's first report, or that key with "-split" for a report an editor
// split off, so it need not name the item it shows (an official report
// that joined later is shown under the first report's key). It scans the
// items (entry keys are not indexed): it is meant for editors' commands,
// not for serving. For a hidden story (no visible member) it returns the
// story's root, so that an editor can name it to show it again.
func (s *Store) ItemByEntryKey(ctx context.Context, key string) (Item, error) {
	return s.itemWhere(ctx, "i.entry_key = ? ORDER BY i.visible DESC, i.cluster_id IS NULL DESC, i.id LIMIT 1", key)
}

// StoryReports returns every report of the story of item id (its
// cluster's members, the item included), earliest first, with their Land
// tags: what editors need to see why an entry is where it is.
func (s *Store) StoryReports(ctx context.Context, id int64) ([]Item, error) {
	items, err := s.queryItems(ctx, `WITH r(root) AS (SELECT coalesce(cluster_id, id) FROM items WHERE id = ?)
		SELECT `+itemColumns+` FROM items i JOIN sources s ON s.id = i.source_id
		WHERE i.id = (SELECT root FROM r) OR i.cluster_id = (SELECT root FROM r) ORDER BY i.published, i.id`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: story of %d: %w", id, err)
	}
	return items, s.loadLands(ctx, items)
}

// queryItems runs a query selecting itemColumns and returns its items
// (without their Land tags: see loadLands).
func (s *Store) queryItems(ctx context.Context, query string, args ...any) ([]Item, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// ItemByID returns one item by its row id.
func (s *Store) ItemByID(ctx context.Context, id int64) (Item, error) {
	return s.itemWhere(ctx, "i.id = ?", id)
}

func (s *Store) itemWhere(ctx context.Context, cond string, arg any) (Item, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items i JOIN sources s ON s.id = i.source_id WHERE "+cond, arg)
	it, err := scanItem(row)
	if err == sql.ErrNoRows {
		return it, fmt.Errorf("storage: item %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return it, fmt.Errorf("storage: item %v: %w", arg, err)
	}
	items := []Item{it}
	if err := s.loadLands(ctx, items); err != nil {
		return it, err
	}
	return items[0], nil
}

// Counts summarizes the database.
type Counts struct {
	Items   int
	Sources int
	Fetches int
	// Duplicates are items no entry shows: reports of a story another
	// report shows, and the reports of hidden stories and removed sources.
	Duplicates int
}

// Count returns row counts.
func (s *Store) Count(ctx context.Context) (Counts, error) {
	var c Counts
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM items WHERE visible = 0),
		(SELECT count(*) FROM sources), (SELECT count(*) FROM fetches)`).Scan(&c.Items, &c.Duplicates, &c.Sources, &c.Fetches)
	if err != nil {
		return c, fmt.Errorf("storage: count: %w", err)
	}
	return c, nil
}

// Fetches returns the newest fetch records of a source, newest first.
func (s *Store) Fetches(ctx context.Context, sourceID int64, limit int) ([]Fetch, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT source_id, started_at, status, duration_ms, bytes, error
		FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT ?`, sourceID, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: fetches: %w", err)
	}
	defer rows.Close()
	var out []Fetch
	for rows.Next() {
		var f Fetch
		var started, ms int64
		if err := rows.Scan(&f.SourceID, &started, &f.Status, &ms, &f.Bytes, &f.Err); err != nil {
			return nil, err
		}
		f.StartedAt, f.Duration = fromMillis(started), time.Duration(ms)*time.Millisecond
		out = append(out, f)
	}
	return out, rows.Err()
}
