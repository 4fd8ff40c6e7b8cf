package main

import (
	"runtime/debug"
	"testing"

	"github.com/egovfeed/egovfeed/config"
)

func TestLimitMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	cfg := config.Default()
	tests := []struct {
		name      string
		env       string
		limit     config.ByteSize
		runtime   int64 // the limit in effect before
		wantAfter int64
	}{
		{"config applies", "", 40 << 20, 1 << 40, 40 << 20},
		{"0 leaves the runtime's", "", 0, 1 << 40, 1 << 40},
		{"GOMEMLIMIT wins", "1GiB", 40 << 20, 1 << 30, 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tt.env)
			debug.SetMemoryLimit(tt.runtime)
			cfg.MemoryLimit = tt.limit
			if got := limitMemory(&cfg); got != tt.wantAfter {
				t.Errorf("limitMemory = %d, want %d", got, tt.wantAfter)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.wantAfter {
				t.Errorf("runtime limit = %d, want %d", got, tt.wantAfter)
			}
		})
	}
}
