package dedup

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/internal/cputime"
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
	cpu := cputime.Process()
	for b.Loop() {
		NewFingerprint(docs[i%len(docs)])
		i++
	}
	reportCPU(b, cpu, i)
}

// reportCPU reports the process CPU time per op since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration, ops int) {
	if d := cputime.Process() - cpu0; d > 0 && ops > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(ops), "cpu-ns/op")
	}
}

// farmWindow is benchWindow with farm-like text (see farmCorpus): 100,000
// docs, one every 6 s over the window.
var farmWindow = sync.OnceValues(func() ([]Doc, *Index) {
	c := newFarmCorpus(42, benchStart, DefaultWindow/benchN)
	docs := c.docs(benchN)
	ix := NewIndex(DefaultOptions())
	for _, d := range docs {
		addDoc(ix, d)
	}
	return docs, ix
})

type benchQuery struct {
	pub   time.Time
	lands []string
	f     Fingerprint
}

// BenchmarkFind: checking a new item against 100,000 items in the window,
// for the synthetic corpus (Zipf vocabulary) and for farm-like text.
// "new" queries are unrelated items (the common case), "dup" queries are
// rewrites of indexed items (every lookup ends in a match).
func BenchmarkFind(b *testing.B) {
	b.Run("synth", func(b *testing.B) {
		docs, ix := benchWindow()
		// New items come from the same vocabulary as the window (same
		// seed, another text stream), published in its middle.
		c := newSynthCorpus(42, benchStart, DefaultWindow/benchN)
		c.reseed(4242)
		fresh := make([]benchQuery, 1000)
		dups := make([]benchQuery, 1000)
		mid := benchStart.Add(DefaultWindow / 2)
		for i := range fresh {
			d := c.doc(benchN + i)
			fresh[i] = benchQuery{mid, d.Lands, NewFingerprint(d)}
			r := c.rewrite(docs[(i*97)%len(docs)])
			dups[i] = benchQuery{r.Published, r.Lands, NewFingerprint(r)}
		}
		benchFind(b, ix, fresh, dups)
	})
	b.Run("farm", func(b *testing.B) {
		docs, ix := farmWindow()
		c := newFarmCorpus(4242, benchStart, DefaultWindow/benchN)
		fresh := make([]benchQuery, 1000)
		dups := make([]benchQuery, 1000)
		mid := benchStart.Add(DefaultWindow / 2)
		for i := range fresh {
			d := c.doc(benchN + i)
			fresh[i] = benchQuery{mid, d.Lands, NewFingerprint(d)}
			r := c.rewrite(docs[(i*97)%len(docs)])
			dups[i] = benchQuery{r.Published, r.Lands, NewFingerprint(r)}
		}
		benchFind(b, ix, fresh, dups)
	})
	// Real items: the labelled pairs' b sides looked up among their a
	// sides and 100,000 background items (see TestLabelledPairsLoaded).
	for _, bg := range []struct {
		name    string
		fromSet int
	}{{"labelled-mixed", 1}, {"labelled-harsh", 10}} {
		b.Run(bg.name, func(b *testing.B) {
			pairs := readPairs(b)
			ix := loadedIndex(pairs, bg.fromSet)
			qs := make([]benchQuery, len(pairs))
			for i, p := range pairs {
				d := p.B.doc(0)
				qs[i] = benchQuery{d.Published, d.Lands, NewFingerprint(d)}
			}
			b.Run("all", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				cpu := cputime.Process()
				for b.Loop() {
					q := &qs[i%len(qs)]
					ix.Find(q.pub, q.lands, "", q.f)
					i++
				}
				reportCPU(b, cpu, i)
			})
		})
	}
}

func benchFind(b *testing.B, ix *Index, fresh, dups []benchQuery) {
	for _, bc := range []struct {
		name string
		qs   []benchQuery
	}{{"new", fresh}, {"dup", dups}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := cputime.Process()
			for b.Loop() {
				q := &bc.qs[i%len(bc.qs)]
				ix.Find(q.pub, q.lands, "", q.f)
				i++
			}
			reportCPU(b, cpu, i)
		})
	}
}

// BenchmarkAdd: adding one item to an index of 100,000 (farm-like text).
// The items are added under fresh IDs and removed again outside the timed
// part.
func BenchmarkAdd(b *testing.B) {
	_, ix := farmWindow()
	c := newFarmCorpus(4343, benchStart, DefaultWindow/benchN)
	fps := make([]benchQuery, 1000)
	for i := range fps {
		d := c.doc(i)
		fps[i] = benchQuery{d.Published, d.Lands, NewFingerprint(d)}
	}
	b.ReportAllocs()
	const firstID = 1 << 50
	removeAll := func() {
		for j := range fps {
			ix.Remove(firstID + int64(j))
		}
	}
	i := 0
	var cpu time.Duration
	c0 := cputime.Process()
	for b.Loop() {
		if i%len(fps) == 0 && i > 0 {
			cpu += cputime.Process() - c0
			b.StopTimer()
			removeAll()
			b.StartTimer()
			c0 = cputime.Process()
		}
		q := &fps[i%len(fps)]
		ix.Add(firstID+int64(i%len(fps)), q.pub, q.lands, "", q.f)
		i++
	}
	cpu += cputime.Process() - c0
	b.StopTimer()
	removeAll()
	if i > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(i), "cpu-ns/op")
	}
}

// BenchmarkFindAddIngest mirrors what the ingest writer does for every new
// item (storage.insertItem through aggregator's clusterer): decode the
// stored fingerprint, look up its matches, add it. 50,000 farm-like items
// (1000 feeds × 50, arrival order = feed by feed, spread over the window)
// go into a fresh index per op; reported per item.
func BenchmarkFindAddIngest(b *testing.B) {
	const n = 50_000
	c := newFarmCorpus(77, benchStart, DefaultWindow/n)
	type item struct {
		id    int64
		pub   time.Time
		lands []string
		fp    []byte
	}
	items := make([]item, n)
	for i := range items {
		d := c.doc(i)
		data, err := NewFingerprint(d).MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		items[i] = item{d.ID, d.Published, d.Lands, data}
	}
	b.ReportAllocs()
	matched, ops := 0, 0
	start, cpu := time.Now(), cputime.Process()
	for b.Loop() {
		ix := NewIndex(DefaultOptions())
		for k := range items {
			it := &items[k]
			var f Fingerprint
			if err := f.UnmarshalBinary(it.fp); err != nil {
				b.Fatal(err)
			}
			if len(ix.Matches(it.pub, it.lands, "", f)) > 0 {
				matched++
			}
			ix.Add(it.id, it.pub, it.lands, "", f)
		}
		ops++
	}
	wall, cpuUsed := time.Since(start), cputime.Process()-cpu
	b.ReportMetric(float64(wall.Nanoseconds())/float64(ops*n), "ns/item")
	b.ReportMetric(float64(cpuUsed.Nanoseconds())/float64(ops*n), "cpu-ns/item")
	b.ReportMetric(float64(matched)/float64(ops), "matched/op")
}

// BenchmarkRebuild: what start-up does for 100,000 items in publication
// order: fingerprint, find, add. Reported in seconds per rebuild.
func BenchmarkRebuild(b *testing.B) {
	docs, _ := benchWindow()
	for b.Loop() {
		start, cpu := time.Now(), cputime.Process()
		ix := NewIndex(DefaultOptions())
		for _, d := range docs {
			f := NewFingerprint(d)
			ix.Find(d.Published, d.Lands, d.Place, f)
			ix.Add(d.ID, d.Published, d.Lands, d.Place, f)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/rebuild")
		b.ReportMetric((cputime.Process() - cpu).Seconds(), "cpu-s/rebuild")
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
