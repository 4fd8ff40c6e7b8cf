package storage

import (
	"database/sql"
	"fmt"
)

// SetFreshPlanMax sets how many new items AddedSince queries may start
// from, for tests of both query plans; it returns the previous value.
func SetFreshPlanMax(n int) int {
	old := freshPlanMax
	freshPlanMax = n
	return old
}

// CreateAtVersion creates a database at path with the embedded migrations
// up to version applied, as an egovfeed of that schema left it, for tests
// of upgrades.
func CreateAtVersion(path string, version int) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, m := range ms[:version] {
		if _, err := db.Exec(m.sql); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", version))
	return err
}
