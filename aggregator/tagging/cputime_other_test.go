//go:build !unix

package tagging

import "time"

// cpuTime is not available here; the CPU-time metrics report 0.
func cpuTime() time.Duration { return 0 }
