//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// lockServe takes the lock a running serve holds on its database (a file
// beside it, DATABASE-serve.lock, which stays when serve stops). A second
// serve on one database, started by hand beside the service, say, would
// poll every source twice, double the per-host limit and keep a
// near-duplicate index blind to the other's items; fetch and the editors'
// commands may still run beside serve. The lock goes with the process, so
// a killed serve leaves none behind.
func lockServe(database string) (release func(), err error) {
	return lockRun(database, "serve", "stop it first")
}

// lockFetch is lockServe for fetch (DATABASE-fetch.lock): a fetch started
// by cron while the last one still runs would poll every site a second
// time, and each run's near-duplicate index would be blind to the other's
// items. A fetch may still run beside serve (to try one source, say).
func lockFetch(database string) (release func(), err error) {
	return lockRun(database, "fetch", "this run is skipped")
}

// lockRebuild is lockServe for dedup -rebuild (DATABASE-dedup.lock).
// With the lock held no other rebuild runs, so every copy of the database
// a rebuild left beside it (DATABASE.rebuild-*, with its WAL: one killed
// by SIGKILL, the OOM killer or a reboot, which no deferred clean-up
// reaches) is stale: it is removed, or each killed run would leave twice
// the database's size on the disk for good.
func lockRebuild(database string) (release func(), err error) {
	release, err = lockRun(database, "dedup -rebuild", "wait for it to finish")
	if err != nil || database == ":memory:" {
		return release, err
	}
	dir, base := filepath.Split(database)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return release, nil // the rebuild says what is wrong with the folder
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), base+".rebuild-") && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	return release, nil
}

// lockRun takes the exclusive lock of command on database, or says who
// holds it and what follows.
func lockRun(database, command, then string) (release func(), err error) {
	if database == ":memory:" {
		return func() {}, nil
	}
	path := database + "-" + strings.Fields(command)[0] + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s lock: %w", command, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := io.ReadAll(io.LimitReader(f, 200))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another egovfeed %s uses %s (%s): %s", command, database, strings.TrimSpace(string(holder)), then)
		}
		return nil, fmt.Errorf("%s lock %s: %w", command, path, err)
	}
	// Who holds it, for the message of the next one that tries.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d, started %s", os.Getpid(), time.Now().Format(time.RFC3339))
	}
	return func() { f.Close() }, nil
}
