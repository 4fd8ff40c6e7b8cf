package tagging

import "unsafe"

// unsafeString views b as a string without copying. The tokenizer's
// buffer outlives every use within one scan, and no view escapes a scan:
// evidence strings are always slices of the caller's text.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
