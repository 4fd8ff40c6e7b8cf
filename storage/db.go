// Package storage keeps sources, fetch records and items in SQLite
// (modernc.org/sqlite, pure Go).
//
// One connection writes, so writers queue in Go instead of failing with
// "database is locked"; a separate pool reads, which WAL lets run beside
// the writer.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNotFound is returned when a requested row does not exist.
var ErrNotFound = errors.New("not found")

// ErrSameCluster is returned by Merge when both items are in one cluster
// already: there is nothing to merge.
var ErrSameCluster = errors.New("already in one cluster")

// ErrSplitAlready is returned by Split for an item split off before (alone
// and kept out of clusters): there is nothing to split.
var ErrSplitAlready = errors.New("split off already")

// Store is the database. It is safe for concurrent use.
type Store struct {
	path string
	w    *sql.DB // exactly one connection: the single writer
	r    *sql.DB // readers
	stmt statements

	clusterer Clusterer // nil: canonical-link clustering only
	indexed   []int64   // ids given to clusterer in the open transaction (writer only)

	writes     chan *writeReq
	writerDone chan struct{}
	mu         sync.RWMutex // guards closed against sends on writes
	closed     bool

	writerStarted bool
	readOnly      bool // OpenReadOnly: no writer, no migrations

	file     os.FileInfo // the database file as opened, for Health
	writeErr atomic.Pointer[error]
}

// ErrReadOnly is returned by writes to a Store from OpenReadOnly.
var ErrReadOnly = errors.New("storage: opened read-only")

// OpenReadOnly opens an existing database for reading only: no
// migrations and no writer; SQLite refuses any write. Commands that only
// read (sources, export, explain, backup) use it, so they never change a
// database, not even its schema, and work on a file they may not write
// (in a folder where SQLite can keep its WAL index). A database whose
// schema is not this binary's is an error: fetch or serve upgrade it.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	const params = "mode=ro&_pragma=busy_timeout(10000)"
	w, r, err := openPools(path, params, params+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, w: w, r: r, readOnly: true, writes: make(chan *writeReq), writerDone: make(chan struct{})}
	ms, err := loadMigrations()
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("storage: %w", err)
	}
	var version int
	if err := r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		s.Close()
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	if version < len(ms) {
		s.Close()
		return nil, fmt.Errorf("storage: %s has schema version %d, this binary %d: run fetch or serve once to upgrade it", path, version, len(ms))
	}
	if version > len(ms) {
		s.Close()
		return nil, fmt.Errorf("storage: %s has schema version %d, newer than this binary's %d: use the egovfeed that upgraded it", path, version, len(ms))
	}
	return s, nil
}

// Open opens (creating with mode 0600 if missing) and migrates the
// database at path.
func Open(ctx context.Context, path string) (*Store, error) {
	if path != ":memory:" {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("storage: open %s: %w", path, err)
		}
		f.Close()
	}
	// temp_store: savepoint journals stay in memory instead of a temp
	// file per batch. The writer gets a 4 MB page cache, twice SQLite's
	// default: in a first cycle of 1000x50 items 8 MB was 3-4 % faster
	// for 9 MB more RSS, 2 MB and 16 MB no clear gain either way
	// (docs/performance.md). Readers keep the 2 MB default each.
	const pragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)"
	w, r, err := openPools(path, pragmas+"&_pragma=cache_size(-4000)&_txlock=immediate", pragmas+"&_pragma=query_only(1)")
	if err != nil {
		return nil, err
	}
	s := &Store{path: path, w: w, r: r, writes: make(chan *writeReq, maxGroup), writerDone: make(chan struct{})}
	if path != ":memory:" {
		if s.file, err = os.Stat(path); err != nil {
			s.Close()
			return nil, fmt.Errorf("storage: open %s: %w", path, err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.writerStarted = true
	go s.writer()
	return s, nil
}

// WALLimit is the size of the WAL file above which ShrinkWAL truncates
// it: about four times what SQLite's automatic checkpoint (1000 pages)
// lets it reach in ordinary operation.
const WALLimit = 16 << 20

// ShrinkWAL checkpoints the whole WAL and truncates it when its file has
// grown past WALLimit. SQLite reuses the file after a checkpoint but never
// shrinks it, so one large transaction (the first retention run after a
// year, dedup -rebuild) would leave a WAL of its size beside the database
// for as long as serve runs. (journal_size_limit would do it at every
// reset, and re-growing the file cost a first cycle 15-20 % more CPU.)
// It reports whether it truncated.
func (s *Store) ShrinkWAL(ctx context.Context) (bool, error) {
	if s.file == nil {
		return false, nil
	}
	fi, err := os.Stat(s.path + "-wal")
	if err != nil || fi.Size() <= WALLimit {
		return false, nil // no WAL file: nothing to shrink
	}
	var busy, frames, done int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
		return false, fmt.Errorf("storage: shrink WAL: %w", err)
	}
	return busy == 0, nil
}

// openPools opens the two pools of a Store on path with the given URI
// parameters: w, one connection (the single writer), and r, the readers.
func openPools(path, wParams, rParams string) (w, r *sql.DB, err error) {
	name := "file:" + path + "?"
	if path == ":memory:" {
		// Every connection to ":memory:" gets a database of its own; the
		// writer's and the readers' must be one (SQLite's memdb VFS, by a
		// name unique in the process; it lives while a connection is open).
		name = fmt.Sprintf("file:/egovfeed-memory-%d?vfs=memdb&", memorySeq.Add(1))
	}
	if w, err = sql.Open("sqlite", name+wParams); err != nil {
		return nil, nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if r, err = sql.Open("sqlite", name+rParams); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return w, r, nil
}

// memorySeq numbers the in-memory databases of the process.
var memorySeq atomic.Int64

// Close closes both pools; the WAL is checkpointed by SQLite when the
// last connection closes.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.writes)
	s.mu.Unlock()
	if s.writerStarted {
		<-s.writerDone
	}
	return errors.Join(s.r.Close(), s.w.Close())
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q: name must start with its number", e.Name())
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies every migration newer than the database's
// user_version, each in its own transaction together with the version
// bump, so a crash leaves the schema at a known version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	// The version is read inside each migration's (immediate) write
	// transaction: two processes opening a new database at once would
	// otherwise both apply the same migration.
	// Most opens find the schema current: they read the version without
	// the write lock, so they do not wait behind another process's write.
	var current int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err == nil && current == len(ms) {
		return nil
	}
	busyUntil := time.Now().Add(10 * time.Second)
	for {
		done := false
		err := s.Transact(ctx, func(tx *sql.Tx) error {
			var current int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if current > len(ms) {
				return fmt.Errorf("database schema version %d is newer than this binary (%d)", current, len(ms))
			}
			if current == len(ms) {
				done = true
				return nil
			}
			m := ms[current]
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if isBusy(err) && time.Now().Before(busyUntil) {
			// A new file is switched to WAL by the first connection;
			// another process's connection gets SQLITE_BUSY meanwhile,
			// without the busy timeout, so it tries again.
			select {
			case <-ctx.Done():
				return fmt.Errorf("storage: %w", ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("storage: %w", err)
		}
		if done {
			return nil
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY ("database is
// locked"), in any of its extended forms.
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// SchemaVersion reports the applied migration number.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Transact runs fn in a write transaction, committing if fn returns nil.
func (s *Store) Transact(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	if s.readOnly {
		return ErrReadOnly
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict
// ("ok" when the file is sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "", fmt.Errorf("storage: integrity check: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n"), rows.Err()
}

// WatchOtherWriters calls changed whenever another process has committed
// to the database (egovfeed split, merge, retag or dedup -rebuild beside
// a running serve), looking every interval until ctx is done. Commits of
// this Store do not count: they are seen on the writer's own connection,
// whose data_version only moves for other connections' commits.
func (s *Store) WatchOtherWriters(ctx context.Context, every time.Duration, changed func()) error {
	version := func() (int64, error) {
		var v int64
		err := s.w.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
		return v, err
	}
	last, err := version()
	if err != nil {
		return fmt.Errorf("storage: watch: %w", err)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		v, err := version()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("storage: watch: %w", err)
		}
		if v != last {
			last = v
			changed()
		}
	}
}

// Health reports whether the database can serve and store: it answers a
// read, its file is still the one opened (one deleted or replaced while
// open takes every later write with it at the next restart), and the
// writer's last transaction met no storage fault (disk full, I/O error).
func (s *Store) Health(ctx context.Context) error {
	if s.file != nil {
		st, err := os.Stat(s.path)
		switch {
		case errors.Is(err, fs.ErrNotExist) || err == nil && !os.SameFile(s.file, st):
			return fmt.Errorf("storage: database file %s was deleted or replaced while in use: restart egovfeed", s.path)
		case err != nil:
			return fmt.Errorf("storage: database file: %w", err)
		}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sources").Scan(&n); err != nil {
		return fmt.Errorf("storage: database does not answer: %w", err)
	}
	if p := s.writeErr.Load(); p != nil {
		return fmt.Errorf("storage: last write failed: %w", *p)
	}
	return nil
}

// noteWrite records for Health the outcome of a write transaction: the
// first storage fault (disk full, I/O error, a file that can no longer be
// written) among errs, or none. A fault of one batch's data (a constraint)
// is the batch's, not the database's.
func (s *Store) noteWrite(errs ...error) {
	for _, err := range errs {
		var se *sqlite.Error
		if !errors.As(err, &se) {
			continue
		}
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CORRUPT,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_PERM:
			s.writeErr.Store(&err)
			return
		}
	}
	s.writeErr.Store(nil)
}
