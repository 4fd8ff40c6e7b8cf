package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Backup writes a consistent copy of the database to path (VACUUM INTO),
// while readers go on (writers wait for it on the one write connection). The file is created with mode
// 0600; an existing non-empty file is refused.
func (s *Store) Backup(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return fmt.Errorf("storage: backup: %s exists", path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("storage: backup: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("storage: backup: %w", err)
	}
	f.Close()
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("storage: backup: %w", err)
	}
	// SQLite may have replaced the file; make sure of the mode.
	return os.Chmod(path, 0o600)
}

// Prune deletes items published before cutoff, and fetch records older
// than it. A cluster goes only as a whole, once its newest report is
// older than cutoff, so no story loses its primary and reappears as a
// duplicate. Each deleted item leaves a tombstone (source, GUID), so that
// its feed listing it still does not bring it back as new. It returns how
// many items were deleted.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var tombstoned []int64
		const old = `coalesce(cluster_id, id) IN (
			SELECT coalesce(cluster_id, id) FROM items GROUP BY 1 HAVING max(published) < ?)`
		// Tombstones first: the next fetch must not take the items for new.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pruned (source_id, guid)
			SELECT source_id, guid FROM items WHERE `+old, toMillis(cutoff)); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT source_id FROM items WHERE `+old, toMillis(cutoff))
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			tombstoned = append(tombstoned, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Marked before the commit: the writer's next batch of these
		// sources, which can only begin after it, looks tombstones up.
		// (A failed commit leaves extra marks: only extra look-ups.)
		s.prunedMu.Lock()
		for _, id := range tombstoned {
			s.pruned[id] = true
		}
		s.prunedMu.Unlock()
		res, err := tx.ExecContext(ctx, `DELETE FROM items WHERE `+old, toMillis(cutoff))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM fetches WHERE started_at < ?`, toMillis(cutoff))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: prune: %w", err)
	}
	return n, nil
}

// hasPruned reports whether source id may have tombstones.
func (s *Store) hasPruned(id int64) bool {
	s.prunedMu.Lock()
	defer s.prunedMu.Unlock()
	return s.pruned[id]
}

// loadPruned reads which sources have tombstones. A source keeps its
// place in the set when its last tombstone goes: the set only decides
// whether to look, and it is read again at the next start.
func (s *Store) loadPruned(ctx context.Context) error {
	s.pruned = map[int64]bool{}
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT source_id FROM pruned`)
	if err != nil {
		return fmt.Errorf("storage: read tombstones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("storage: read tombstones: %w", err)
		}
		s.pruned[id] = true
	}
	return rows.Err()
}
