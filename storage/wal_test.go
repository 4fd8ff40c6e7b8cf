package storage_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/egovfeed/egovfeed/storage"
)

// TestWALShrinksAfterLargeTransaction: one large transaction (a first
// retention run, dedup -rebuild) grows the WAL to its size; SQLite reuses
// the file after a checkpoint but never shrinks it on its own, so a
// long-running serve would keep it beside the database for good unless
// its hourly maintenance (ShrinkWAL) cuts it back. A WAL of ordinary size
// is left alone.
func TestWALShrinksAfterLargeTransaction(t *testing.T) {
	tests := []struct {
		name   string
		rows   int // of 64 KiB each, in one transaction
		shrink bool
	}{
		{"4 MiB: ordinary", 64, false},
		{"16 MiB", 256, true},
		{"48 MiB", 768, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "wal.db")
			st, err := storage.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			blob := strings.Repeat("x", 64<<10)
			err = st.Transact(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `CREATE TABLE scratch (v TEXT)`); err != nil {
					return err
				}
				for range tt.rows {
					if _, err := tx.ExecContext(ctx, `INSERT INTO scratch VALUES (?)`, blob); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			grown := walSize(t, path)
			if grown < int64(tt.rows)<<16 {
				t.Fatalf("WAL %d bytes after the transaction: the test did not grow it", grown)
			}
			// Ordinary small commits afterwards: the automatic checkpoint
			// has run, the next transaction resets the WAL.
			for range 3 {
				if err := st.Transact(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `DELETE FROM scratch WHERE rowid = (SELECT min(rowid) FROM scratch)`)
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			shrunk, err := st.ShrinkWAL(ctx)
			if err != nil || shrunk != tt.shrink {
				t.Fatalf("ShrinkWAL = %v, %v; want %v", shrunk, err, tt.shrink)
			}
			if err := st.Transact(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `DELETE FROM scratch WHERE rowid = (SELECT min(rowid) FROM scratch)`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if n := walSize(t, path); n > storage.WALLimit {
				t.Errorf("WAL %d bytes after ShrinkWAL and a commit (%d after the large one), want at most %d", n, grown, storage.WALLimit)
			}
		})
	}
}

func walSize(t *testing.T, db string) int64 {
	t.Helper()
	fi, err := os.Stat(db + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
