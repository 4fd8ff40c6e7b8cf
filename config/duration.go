package config

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time span written with a unit (720h, 30m, 10s, 1h30m) or
// as a plain 0.
//
// It exists because YAML reads a plain 0 as an integer, which the YAML
// library refuses to put into a time.Duration, and because that
// library's refusal ("cannot unmarshal !!str `30d` into time.Duration")
// neither names the key nor says what is wanted.
type Duration time.Duration

// durationHint is the part of every duration error that says what is
// wanted.
const durationHint = "durations need a unit: ns, us, ms, s, m or h (e.g. 720h, 30m), or are 0"

// UnmarshalYAML implements yaml.Unmarshaler.
//
// A bad value is returned as a *yaml.TypeError, not a plain error, so
// the decoder goes on and every bad value of the file is reported at
// once. The message carries line and column, which Parse turns into the
// key (decodeProblems, nameFields).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		// time.ParseDuration takes "0" (and ±0) without a unit and
		// nothing else without one, which is just what is wanted.
		if v, err := time.ParseDuration(n.Value); err == nil {
			*d = Duration(v)
			return nil
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: column %d: invalid duration %q: %s", n.Line, n.Column, n.Value, durationHint)}}
	}
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: column %d: invalid duration: %s", n.Line, n.Column, durationHint)}}
}

// String formats d as time.Duration does (720h0m0s).
func (d Duration) String() string { return time.Duration(d).String() }
