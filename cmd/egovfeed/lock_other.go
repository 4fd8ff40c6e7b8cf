//go:build !unix

package main

// lockServe does nothing where flock is missing: two serves on one
// database work, but poll every source twice.
func lockServe(string) (func(), error) { return func() {}, nil }

// lockFetch does nothing where flock is missing: two fetches on one
// database work, but poll every source twice.
func lockFetch(string) (func(), error) { return func() {}, nil }

// lockRebuild does nothing where flock is missing: two rebuilds on one
// database work, and a copy a killed one left beside it stays.
func lockRebuild(string) (func(), error) { return func() {}, nil }
