//go:build unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
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
	if database == ":memory:" {
		return func() {}, nil
	}
	path := database + "-serve.lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("serve lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := io.ReadAll(io.LimitReader(f, 200))
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another egovfeed serve uses %s (%s): stop it first", database, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("serve lock %s: %w", path, err)
	}
	// Who holds it, for the message of the next one that tries.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d, started %s", os.Getpid(), time.Now().Format(time.RFC3339))
	}
	return func() { f.Close() }, nil
}
