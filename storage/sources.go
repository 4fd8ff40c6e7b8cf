package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// SourceConfig is what storage needs to know of a configured source.
type SourceConfig struct {
	Name     string
	URL      string
	Land     string
	Priority int // higher wins as a cluster's primary
	// Place is the place the source speaks for, its title_prefix ("" for
	// none): two reports from sources of different places are not one
	// story unless a text names the other's place.
	Place string
}

// Source is a source's stored state.
type Source struct {
	ID                  int64
	URL                 string
	Name                string
	Land                string
	FeedTitle           string
	FeedLink            string
	ETag                string
	LastModified        string
	LastFetchAt         time.Time
	LastSuccessAt       time.Time // the last fetch answered 200 or 304; zero: never
	LastStatus          int
	LastError           string
	ConsecutiveFailures int
	RetryAfter          time.Time
	// RemovedAt is when serve found the source gone from its
	// configuration (zero while configured): see RemoveUnconfigured.
	RemovedAt time.Time
	Items     int
}

// SyncSources upserts the configured sources on their URL and returns
// their ids in the same order. Sources no longer configured are kept,
// with their items, until retention removes the items.
//
// A configured source whose URL is not stored, while a stored source of
// its name is no longer configured, is that source with a corrected URL
// (a site moved to https, a new feed path): it keeps its id, so its items
// keep their identity and are not stored again as new; the validators of
// the old URL are dropped.
func (s *Store) SyncSources(ctx context.Context, srcs []SourceConfig) ([]int64, error) {
	ids := make([]int64, len(srcs))
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		if err := moveSources(ctx, tx, srcs); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO sources (url, name, land, priority, place) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET name = excluded.name, land = excluded.land, priority = excluded.priority,
				place = excluded.place
			RETURNING id`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, src := range srcs {
			if err := stmt.QueryRowContext(ctx, src.URL, src.Name, src.Land, src.Priority, src.Place).Scan(&ids[i]); err != nil {
				return fmt.Errorf("source %q: %w", src.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: sync sources: %w", err)
	}
	return ids, nil
}

// moveSources gives each stored source that a configured source matches
// by name (see matchSources) that source's URL.
func moveSources(ctx context.Context, tx *sql.Tx, srcs []SourceConfig) error {
	matches, err := matchSources(ctx, tx, srcs)
	if err != nil {
		return err
	}
	for i, m := range matches {
		if m.ID == 0 || m.URL == srcs[i].URL {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET url = ?, etag = '', last_modified = '',
			consecutive_failures = 0, retry_after = 0 WHERE id = ?`, srcs[i].URL, m.ID); err != nil {
			return fmt.Errorf("source %q: move to %s: %w", srcs[i].Name, srcs[i].URL, err)
		}
	}
	return nil
}

// StoredSources returns, for each configured source, the stored source it
// is, as SyncSources will take it (ID 0 for a new one): the one with its
// URL, else a stored source of its name whose URL is no longer configured
// (the newest, if several), which is the same source with a corrected URL.
// Only ID, URL, Name and Land are set.
func (s *Store) StoredSources(ctx context.Context, srcs []SourceConfig) ([]Source, error) {
	m, err := matchSources(ctx, s.r, srcs)
	if err != nil {
		return nil, fmt.Errorf("storage: stored sources: %w", err)
	}
	return m, nil
}

// matchSources is StoredSources on q (a transaction in SyncSources).
func matchSources(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, srcs []SourceConfig) ([]Source, error) {
	// In id order: of several stored sources of one name, the newest wins.
	rows, err := q.QueryContext(ctx, `SELECT id, url, name, land FROM sources ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byURL := map[string]Source{}
	byName := map[string]Source{}
	for rows.Next() {
		var st Source
		if err := rows.Scan(&st.ID, &st.URL, &st.Name, &st.Land); err != nil {
			return nil, err
		}
		byURL[st.URL] = st
		byName[st.Name] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	configured := make(map[string]bool, len(srcs))
	for _, src := range srcs {
		configured[src.URL] = true
	}
	out := make([]Source, len(srcs))
	for i, src := range srcs {
		if st, ok := byURL[src.URL]; ok {
			out[i] = st
		} else if st, ok := byName[src.Name]; ok && !configured[st.URL] {
			out[i] = st
		}
	}
	return out, nil
}

const sourceColumns = `s.id, s.url, s.name, s.land, s.feed_title, s.feed_link, s.etag, s.last_modified,
	s.last_fetch_at, s.last_status, s.last_error, s.consecutive_failures, s.retry_after, s.removed_at, s.last_success_at`

func scanSource(sc interface{ Scan(...any) error }, extra ...any) (Source, error) {
	var src Source
	var lastFetch, retry, removed, success int64
	dest := append([]any{&src.ID, &src.URL, &src.Name, &src.Land, &src.FeedTitle, &src.FeedLink, &src.ETag, &src.LastModified,
		&lastFetch, &src.LastStatus, &src.LastError, &src.ConsecutiveFailures, &retry, &removed, &success}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return src, err
	}
	src.LastFetchAt = fromMillis(lastFetch)
	src.RetryAfter = fromMillis(retry)
	src.RemovedAt = fromMillis(removed)
	src.LastSuccessAt = fromMillis(success)
	return src, nil
}

// SourceByID returns one source's state.
func (s *Store) SourceByID(ctx context.Context, id int64) (Source, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources s WHERE s.id = ?`, id)
	src, err := scanSource(row)
	if err == sql.ErrNoRows {
		return src, fmt.Errorf("storage: source %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return src, fmt.Errorf("storage: source %d: %w", id, err)
	}
	return src, nil
}

// SourceStates returns the state of every source by id, in one query
// (Sources also counts items, which a fetch cycle does not need).
func (s *Store) SourceStates(ctx context.Context) (map[int64]Source, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources s`)
	if err != nil {
		return nil, fmt.Errorf("storage: source states: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]Source)
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: source states: %w", err)
		}
		out[src.ID] = src
	}
	return out, rows.Err()
}

// Sources lists every stored source with its item count.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sourceColumns+`,
		(SELECT count(*) FROM items i WHERE i.source_id = s.id)
		FROM sources s ORDER BY s.name`)
	if err != nil {
		return nil, fmt.Errorf("storage: list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var n int
		src, err := scanSource(rows, &n)
		if err != nil {
			return nil, fmt.Errorf("storage: list sources: %w", err)
		}
		src.Items = n
		out = append(out, src)
	}
	return out, rows.Err()
}

// Fetch is the record of one fetch of a source.
type Fetch struct {
	SourceID  int64
	StartedAt time.Time
	Duration  time.Duration
	Status    int // HTTP status; 0 when there was no response
	Bytes     int64
	Err       string // empty on success
	// NotModified marks a 304: nothing but this record is written.
	NotModified bool
	// Validators and feed metadata, applied only on success together
	// with the items they cover.
	ETag         string
	LastModified string
	FeedTitle    string
	FeedLink     string
	// RetryAfter, when set, holds off the next fetch (backoff or the
	// server's Retry-After).
	RetryAfter time.Time
}

func toMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// LastSuccess returns when any configured source (not one serve removed)
// was last fetched successfully (zero: never), for monitoring whether
// fetching works at all.
func (s *Store) LastSuccess(ctx context.Context) (time.Time, error) {
	var ms int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(last_success_at), 0) FROM sources WHERE removed_at = 0`).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("storage: last success: %w", err)
	}
	return fromMillis(ms), nil
}

// RemoveUnconfigured marks every stored source not in keep as removed from
// the configuration and takes its items out of the outputs: a story it
// reported alone leaves every feed, one it reported with others is shown
// by another source's report. The items stay until retention, so a source
// configured again (RestoreSources) brings its stories back under their
// entry ids. It returns how many sources it marked.
//
// Only serve calls it: its configuration is the one that publishes. A
// fetch with another configuration on the same database must not take the
// running server's sources out of its feeds.
func (s *Store) RemoveUnconfigured(ctx context.Context, keep []int64, now time.Time) (int, error) {
	n, err := s.markRemoved(ctx, keep, true, now)
	if err != nil {
		return 0, fmt.Errorf("storage: remove unconfigured sources: %w", err)
	}
	return n, nil
}

// RestoreSources clears the removed mark of the sources in ids, configured
// again, and shows their stories as before. It returns how many sources
// were marked.
func (s *Store) RestoreSources(ctx context.Context, ids []int64, now time.Time) (int, error) {
	n, err := s.markRemoved(ctx, ids, false, now)
	if err != nil {
		return 0, fmt.Errorf("storage: restore sources: %w", err)
	}
	return n, nil
}

// markRemoved marks the sources not in ids as removed (remove), or clears
// the mark of those in ids, and elects the primaries of every cluster with
// an item of a source whose mark changed, in one transaction.
func (s *Store) markRemoved(ctx context.Context, ids []int64, remove bool, now time.Time) (int, error) {
	list, err := json.Marshal(ids)
	if err != nil {
		return 0, err
	}
	var changed []int64
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		q := `UPDATE sources SET removed_at = 0 WHERE removed_at <> 0 AND id IN (SELECT value FROM json_each(?)) RETURNING id`
		args := []any{string(list)}
		if remove {
			q = `UPDATE sources SET removed_at = ? WHERE removed_at = 0 AND id NOT IN (SELECT value FROM json_each(?)) RETURNING id`
			args = []any{toMillis(now), string(list)}
		}
		var err error
		if changed, err = queryIDs(ctx, tx, q, args...); err != nil {
			return err
		}
		for _, id := range changed {
			roots, err := queryIDs(ctx, tx, `SELECT DISTINCT coalesce(cluster_id, id) FROM items WHERE source_id = ?`, id)
			if err != nil {
				return fmt.Errorf("source %d: %w", id, err)
			}
			if err := electPrimaries(ctx, tx, roots, now); err != nil {
				return fmt.Errorf("source %d: %w", id, err)
			}
		}
		return nil
	})
	return len(changed), err
}

// queryIDs returns the integers (ids) query selects.
func queryIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// electPrimaries elects the primary of each cluster root.
func electPrimaries(ctx context.Context, tx *sql.Tx, roots []int64, now time.Time) error {
	for _, r := range roots {
		if err := electPrimary(ctx, tx, r, now); err != nil {
			return err
		}
	}
	return nil
}
