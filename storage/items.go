package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// LandTag says an item concerns a Land, and why.
type LandTag struct {
	Land     string // "DE-HE", … or "DE" for Bund
	Rule     string // which rule produced it, e.g. "source", "gemeinde"
	Evidence string // the words that triggered the rule
}

// NewItem is a normalized item as the aggregator hands it to storage.
type NewItem struct {
	GUID           string // natural key within the source (GUID, else canonical link)
	Title          string
	Teaser         string
	Link           string // canonical
	OrigLink       string
	Published      time.Time // zero: use first-seen time
	DateFromSource bool
	Lands          []LandTag
}

// ContentHash identifies the visible content of an item; a change of it
// is what makes an item "updated".
func (it *NewItem) ContentHash() []byte {
	h := sha256.New()
	h.Write([]byte(it.Title))
	h.Write([]byte{0})
	h.Write([]byte(it.Teaser))
	h.Write([]byte{0})
	h.Write([]byte(it.Link))
	return h.Sum(nil)[:16]
}

// ItemKey is an item's public, stable key: it depends only on the
// source URL and the item's natural key, so it never changes across
// restarts, re-fetches or edits.
func ItemKey(sourceURL, guid string) string {
	h := sha256.Sum256([]byte(sourceURL + "\n" + guid))
	return hex.EncodeToString(h[:12])
}

// SaveStats counts what a batch changed.
type SaveStats struct {
	New     int
	Updated int
}

// SaveFetch records a fetch and stores its items in one transaction: the
// new ETag/Last-Modified are committed with the items they cover, so a
// failed store makes the next fetch get the full body again.
// A failed fetch (f.Err set) stores only the record and the failure.
func (s *Store) SaveFetch(ctx context.Context, f Fetch, sourceURL string, items []NewItem, now time.Time) (SaveStats, error) {
	var st SaveStats
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		st = SaveStats{}
		if f.Err == "" && !f.NotModified {
			for i := range items {
				created, changed, err := saveItem(ctx, tx, f.SourceID, sourceURL, &items[i], now)
				if err != nil {
					return fmt.Errorf("item %q: %w", items[i].GUID, err)
				}
				if created {
					st.New++
				} else if changed {
					st.Updated++
				}
			}
		}
		return recordFetch(ctx, tx, f, st)
	})
	if err != nil {
		return SaveStats{}, fmt.Errorf("storage: save fetch of source %d: %w", f.SourceID, err)
	}
	return st, nil
}

func recordFetch(ctx context.Context, tx *sql.Tx, f Fetch, st SaveStats) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO fetches (source_id, started_at, status, duration_ms, bytes, items_new, items_updated, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		f.SourceID, toMillis(f.StartedAt), f.Status, f.Duration.Milliseconds(), f.Bytes, st.New, st.Updated, f.Err); err != nil {
		return fmt.Errorf("record fetch: %w", err)
	}
	var err error
	switch {
	case f.Err != "":
		_, err = tx.ExecContext(ctx, `UPDATE sources SET last_fetch_at = ?, last_status = ?, last_error = ?,
			consecutive_failures = consecutive_failures + 1, retry_after = ? WHERE id = ?`,
			toMillis(f.StartedAt), f.Status, f.Err, toMillis(f.RetryAfter), f.SourceID)
	case f.NotModified:
		_, err = tx.ExecContext(ctx, `UPDATE sources SET last_fetch_at = ?, last_status = ?, last_error = '',
			consecutive_failures = 0, retry_after = ? WHERE id = ?`,
			toMillis(f.StartedAt), f.Status, toMillis(f.RetryAfter), f.SourceID)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE sources SET last_fetch_at = ?, last_status = ?, last_error = '',
			consecutive_failures = 0, retry_after = ?, etag = ?, last_modified = ?,
			feed_title = CASE WHEN ? <> '' THEN ? ELSE feed_title END,
			feed_link = CASE WHEN ? <> '' THEN ? ELSE feed_link END WHERE id = ?`,
			toMillis(f.StartedAt), f.Status, toMillis(f.RetryAfter), f.ETag, f.LastModified,
			f.FeedTitle, f.FeedTitle, f.FeedLink, f.FeedLink, f.SourceID)
	}
	if err != nil {
		return fmt.Errorf("update source state: %w", err)
	}
	return nil
}

// saveItem inserts a new item or updates a changed one. Re-storing an
// unchanged item writes nothing.
func saveItem(ctx context.Context, tx *sql.Tx, sourceID int64, sourceURL string, it *NewItem, now time.Time) (created, changed bool, err error) {
	hash := it.ContentHash()
	var id int64
	var oldHash []byte
	var published int64
	err = tx.QueryRowContext(ctx, `SELECT id, content_hash, published FROM items WHERE source_id = ? AND guid = ?`,
		sourceID, it.GUID).Scan(&id, &oldHash, &published)
	switch {
	case err == sql.ErrNoRows:
		published = toMillis(it.Published)
		if published == 0 {
			published = toMillis(now)
		}
		// The same canonical link stored by another source makes this
		// item a duplicate of the first one that had it.
		var dupOf sql.NullInt64
		if it.Link != "" {
			err := tx.QueryRowContext(ctx, `SELECT coalesce(duplicate_of, id) FROM items
				WHERE link = ? AND source_id <> ? ORDER BY id LIMIT 1`, it.Link, sourceID).Scan(&dupOf)
			if err != nil && err != sql.ErrNoRows {
				return false, false, err
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO items (source_id, guid, key, title, teaser, link, orig_link,
			published, date_from_source, first_seen, updated, content_hash, duplicate_of)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sourceID, it.GUID, ItemKey(sourceURL, it.GUID), it.Title, it.Teaser, it.Link, it.OrigLink,
			published, it.DateFromSource, toMillis(now), toMillis(now), hash, dupOf).Scan(&id)
		if err != nil {
			return false, false, err
		}
		return true, false, insertLands(ctx, tx, id, published, it.Lands)
	case err != nil:
		return false, false, err
	case bytes.Equal(oldHash, hash):
		return false, false, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET title = ?, teaser = ?, link = ?, orig_link = ?,
		updated = ?, content_hash = ? WHERE id = ?`,
		it.Title, it.Teaser, it.Link, it.OrigLink, toMillis(now), hash, id); err != nil {
		return false, false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_lands WHERE item_id = ?`, id); err != nil {
		return false, false, err
	}
	return false, true, insertLands(ctx, tx, id, published, it.Lands)
}

func insertLands(ctx context.Context, tx *sql.Tx, itemID, published int64, tags []LandTag) error {
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_lands (item_id, land, published, rule, evidence)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, itemID, t.Land, published, t.Rule, t.Evidence); err != nil {
			return fmt.Errorf("tag %s: %w", t.Land, err)
		}
	}
	return nil
}
