package storage

// SetFreshPlanMax sets how many new items AddedSince queries may start
// from, for tests of both query plans; it returns the previous value.
func SetFreshPlanMax(n int) int {
	old := freshPlanMax
	freshPlanMax = n
	return old
}
