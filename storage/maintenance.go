package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// while readers go on (writers wait for it on the one write connection).
// The file is created with mode 0600; an existing file is refused, and
// left alone: a failed run never replaces or deletes a good copy.
func (s *Store) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("storage: backup: %s exists", path)
	}
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	f.Close()
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path) // ours, created above
		return fmt.Errorf("storage: backup: %w", err)
	}
	// SQLite may have replaced the file; make sure of the mode.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	return nil
}

// Prune deletes items published before cutoff (fetch records have their
// own retention, never longer: PruneFetches). A cluster goes only as a
// whole, once its newest report is older than cutoff, so no story loses
// its primary and reappears as a duplicate. Each deleted item leaves a tombstone (source, GUID), one for
// each of its aliases too, so that its feed listing it still does not
// bring it back as new. It returns how many items were deleted.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		const old = `coalesce(cluster_id, id) IN (
			SELECT coalesce(cluster_id, id) FROM items GROUP BY 1 HAVING max(published) < ?)`
		// Tombstones first: the next fetch must not take the items for new.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pruned (source_id, guid)
			SELECT source_id, guid FROM items WHERE `+old+`
			UNION ALL SELECT source_id, alt_key FROM items WHERE alt_key IS NOT NULL AND `+old+`
			UNION ALL SELECT source_id, guid FROM item_aliases WHERE item_id IN (SELECT id FROM items WHERE `+old+`)`,
			toMillis(cutoff), toMillis(cutoff), toMillis(cutoff)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM items WHERE `+old, toMillis(cutoff))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune: %w", err)
	}
	return n, nil
}

// PruneFetches deletes fetch records started before cutoff. Nothing but
// the newest few of a source is ever read, and a 304 writes one too: 500
// sources fetched every 15 minutes add 17.5 million records (about
// 0.8 GB) a year, which item retention alone (or none, retention: 0)
// would keep.
func (s *Store) PruneFetches(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.deleteRows(ctx, "prune fetch records", `DELETE FROM fetches WHERE started_at < ?`, toMillis(cutoff))
}

// PruneTombstones deletes the tombstones of sources removed from the
// configuration (RemoveUnconfigured) that were neither configured nor
// fetched since before cutoff: only a fetch of its source ever forgets a
// tombstone, so those would stay for ever. A configured source keeps its
// tombstones however long it was not fetched (a monthly schedule, a
// server stopped for weeks): without them, items that retention pruned
// while its feed still lists them would be stored again as new.
func (s *Store) PruneTombstones(ctx context.Context, cutoff time.Time) (int64, error) {
	return s.deleteRows(ctx, "prune tombstones",
		`DELETE FROM pruned WHERE source_id IN (SELECT id FROM sources WHERE removed_at <> 0 AND max(removed_at, last_fetch_at) < ?)`,
		toMillis(cutoff))
}

// deleteRows runs one DELETE in its own transaction and counts the rows.
func (s *Store) deleteRows(ctx context.Context, what, query string, args ...any) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: %s: %w", what, err)
	}
	return n, nil
}
