package dedup

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// benchN is the window size the speed targets are stated for.
const benchN = 100_000

var benchStart = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// benchWindow returns 100,000 synthetic docs spread evenly over the default
// window (one every 6 s), their fingerprints, and an index holding them;
// built once per process.
var benchWindow = sync.OnceValues(func() ([]Doc, *Index) {
	c := newSynthCorpus(42, benchStart, DefaultWindow/benchN)
	docs := c.docs(benchN)
	ix := NewIndex(DefaultOptions())
	for _, d := range docs {
		addDoc(ix, d)
	}
	return docs, ix
})

// BenchmarkFingerprint: signing one item (title + teaser).
func BenchmarkFingerprint(b *testing.B) {
	docs := newSynthCorpus(7, benchStart, time.Second).docs(1000)
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		NewFingerprint(docs[i%len(docs)])
		i++
	}
	reportCPU(b, cpu, i)
}

// reportCPU reports the process CPU time per op since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration, ops int) {
	if d := cpuTime() - cpu0; d > 0 && ops > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(ops), "cpu-ns/op")
	}
}

// BenchmarkFind: checking a new item against 100,000 items in the window.
// "new" queries are unrelated items (the common case), "dup" queries are
// rewrites of indexed items (every lookup ends in a match).
func BenchmarkFind(b *testing.B) {
	docs, ix := benchWindow()
	// New items come from the same vocabulary as the window (same seed,
	// another text stream), published in its middle.
	c := newSynthCorpus(42, benchStart, DefaultWindow/benchN)
	c.reseed(4242)
	type query struct {
		pub   time.Time
		lands []string
		f     Fingerprint
	}
	fresh := make([]query, 1000)
	dups := make([]query, 1000)
	mid := benchStart.Add(DefaultWindow / 2)
	for i := range fresh {
		d := c.doc(benchN + i)
		fresh[i] = query{mid, d.Lands, NewFingerprint(d)}
		r := c.rewrite(docs[(i*97)%len(docs)])
		dups[i] = query{r.Published, r.Lands, NewFingerprint(r)}
	}
	for _, bc := range []struct {
		name string
		qs   []query
	}{{"new", fresh}, {"dup", dups}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := cpuTime()
			for b.Loop() {
				q := &bc.qs[i%len(bc.qs)]
				ix.Find(q.pub, q.lands, q.f)
				i++
			}
			reportCPU(b, cpu, i)
		})
	}
}

// BenchmarkRebuild: what start-up does for 100,000 items in publication
// order: fingerprint, find, add. Reported in seconds per rebuild.
func BenchmarkRebuild(b *testing.B) {
	docs, _ := benchWindow()
	for b.Loop() {
		start, cpu := time.Now(), cpuTime()
		ix := NewIndex(DefaultOptions())
		for _, d := range docs {
			f := NewFingerprint(d)
			ix.Find(d.Published, d.Lands, f)
			ix.Add(d.ID, d.Published, d.Lands, f)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/rebuild")
		b.ReportMetric((cpuTime() - cpu).Seconds(), "cpu-s/rebuild")
	}
}

// BenchmarkIndexMemory reports the heap held per indexed doc (index
// structures plus fingerprints; the docs' texts are not held).
func BenchmarkIndexMemory(b *testing.B) {
	c := newSynthCorpus(44, benchStart, DefaultWindow/benchN)
	docs := c.docs(benchN)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := NewIndex(DefaultOptions())
		for _, d := range docs {
			addDoc(ix, d)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(ix.Len()), "B/doc")
		runtime.KeepAlive(ix)
	}
}
