package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
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
