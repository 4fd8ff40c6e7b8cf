//go:build !linux

package main

import "os"

// isTerminal reports whether w is a character device, which is as close
// as this platform gets without a terminal ioctl (/dev/null counts too).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
