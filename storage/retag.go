package storage

import (
	"context"
	"database/sql"
	"fmt"
)

// ItemText is what re-tagging needs of an item.
type ItemText struct {
	ID        int64
	SourceURL string
	Title     string
	Teaser    string
}

// ItemTexts returns up to limit items with id > afterID, in id order; of
// the given sources only, if any.
func (s *Store) ItemTexts(ctx context.Context, afterID int64, limit int, sources ...int64) ([]ItemText, error) {
	where, args := "i.id > ?", []any{afterID}
	if len(sources) > 0 {
		where += " AND i.source_id IN (" + placeholders(len(sources)) + ")"
		for _, id := range sources {
			args = append(args, id)
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, s.url, i.title, i.teaser FROM items i
		JOIN sources s ON s.id = i.source_id WHERE `+where+` ORDER BY i.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("storage: item texts: %w", err)
	}
	defer rows.Close()
	var out []ItemText
	for rows.Next() {
		var t ItemText
		if err := rows.Scan(&t.ID, &t.SourceURL, &t.Title, &t.Teaser); err != nil {
			return nil, fmt.Errorf("storage: item texts: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ReplaceLands sets the Land tags of the given items, in one
// transaction; it reports how many items' tags changed.
func (s *Store) ReplaceLands(ctx context.Context, tags map[int64][]LandTag) (changed int, err error) {
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		changed = 0
		for id, want := range tags {
			rows, err := tx.QueryContext(ctx, `SELECT land, rule, evidence FROM item_lands WHERE item_id = ? ORDER BY land`, id)
			if err != nil {
				return err
			}
			var have []LandTag
			for rows.Next() {
				var t LandTag
				if err := rows.Scan(&t.Land, &t.Rule, &t.Evidence); err != nil {
					rows.Close()
					return err
				}
				have = append(have, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			if sameTags(have, want) {
				continue
			}
			// item_lands carries the entry's date (the cluster's), as
			// ingest writes it.
			var published int64
			err = tx.QueryRowContext(ctx, `SELECT entry_published FROM items WHERE id = ?`, id).Scan(&published)
			if err == sql.ErrNoRows {
				continue // pruned since its text was read
			}
			if err != nil {
				return fmt.Errorf("item %d: %w", id, err)
			}
			if _, err := tx.StmtContext(ctx, s.stmt.deleteLands).ExecContext(ctx, id); err != nil {
				return err
			}
			if err := s.insertLands(ctx, tx, id, published, want); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: replace lands: %w", err)
	}
	return changed, nil
}

// sameTags compares have (sorted by land) with want (any order).
func sameTags(have, want []LandTag) bool {
	if len(have) != len(want) {
		return false
	}
	m := make(map[string]LandTag, len(want))
	for _, t := range want {
		m[t.Land] = t
	}
	for _, h := range have {
		if w, ok := m[h.Land]; !ok || w != h {
			return false
		}
	}
	return true
}
