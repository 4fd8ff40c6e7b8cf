//go:build unix

package dedup

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used so far. The
// benchmarks report it per op beside the wall time, because the shared
// 2-core machine they run on is often busy with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
