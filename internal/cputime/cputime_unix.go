//go:build unix

// Package cputime reads the process's CPU time, which benchmarks report
// beside wall time: on a shared, busy machine it measures the work done
// better than the wall clock.
package cputime

import (
	"syscall"
	"time"
)

// Process returns the user plus system CPU time the process has used.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
