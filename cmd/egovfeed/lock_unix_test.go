//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecondServeRefused: a serve finds another one on its database and
// stops with a message naming it, before it touches the database or polls
// anything; once the first one is gone, the lock is free.
func TestSecondServeRefused(t *testing.T) {
	cfgPath := writeConfig(t, "  - name: s\n    url: http://127.0.0.1:9/feed\n")
	db := filepath.Join(filepath.Dir(cfgPath), "e.db")
	release, err := lockServe(db) // the first serve
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "serve", "-config", cfgPath)
	if code != 1 || !strings.Contains(errs, "another egovfeed serve uses "+db+" (pid ") {
		t.Errorf("second serve: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused serve created or opened the database: %v", err)
	}
	if _, err := lockServe(db); err == nil {
		t.Error("the lock was taken twice")
	}
	release()
	again, err := lockServe(db)
	if err != nil {
		t.Fatalf("lock after the first serve stopped: %v", err)
	}
	again()
}

// TestSecondFetchSkipped: a fetch started while another one runs on the
// same database (cron, when a run outlasts its interval) stops with a
// message naming it instead of polling every source a second time; a
// fetch of a named source, and a fetch beside serve, still run.
func TestSecondFetchSkipped(t *testing.T) {
	cfgPath := writeConfig(t, "  - name: s\n    url: http://127.0.0.1:9/feed\n")
	db := filepath.Join(filepath.Dir(cfgPath), "e.db")
	release, err := lockFetch(db) // the first fetch
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "fetch", "-config", cfgPath)
	if code != 1 || !strings.Contains(errs, "another egovfeed fetch uses "+db+" (pid ") || !strings.Contains(errs, "skipped") {
		t.Errorf("second fetch: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the skipped fetch created or opened the database: %v", err)
	}
	// A fetch of one named source (trying it) runs beside it.
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath, "-source", "s"); code != 1 || !strings.Contains(out, "SOURCE") {
		t.Errorf("fetch -source beside a fetch: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	release()
	serve, err := lockServe(db)
	if err != nil {
		t.Fatal(err)
	}
	defer serve()
	// The source on port 9 refuses: exit 1, but a fetch ran (the table).
	if code, out, errs := runCmd(t, "fetch", "-config", cfgPath); code != 1 || !strings.Contains(out, "SOURCE") {
		t.Errorf("fetch beside serve: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
}
