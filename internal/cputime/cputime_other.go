//go:build !unix

// Package cputime reads the process's CPU time, which benchmarks report
// beside wall time.
package cputime

import "time"

// Process is not available here; it returns 0 and CPU-time metrics are 0.
func Process() time.Duration { return 0 }
