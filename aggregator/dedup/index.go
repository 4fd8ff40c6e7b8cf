package dedup

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Lookup limits. They bound the cost of Find independently of the window's
// size: a query counts at most about maxPostings postings and judges at
// most maxCandidates docs.
const (
	// maxPostings: a query reads the posting lists of its features rarest
	// first and opens no further list once it has read this many postings,
	// but it reads at least minLists lists. Duplicates share their rare
	// features, so they are found early.
	maxPostings = 1024
	minLists    = 3
	// maxBucket: a feature shared by more docs than this is too common to
	// be evidence of a duplicate and its posting list is not read (it still
	// counts in the score bound and in the score).
	maxBucket = 4096
	// maxCandidates: docs judged per query, those with the highest score
	// bound first.
	maxCandidates = 64
	// compactMin: removed docs are dropped from the postings lazily, once
	// there are at least this many and at least as many as live ones.
	compactMin = 1024
	// maxCounted bounds the posting lists counted per query, so that a
	// count (at most 4 units a list) fits in a byte (see countPostings).
	maxCounted = 63
)

// entry is an indexed doc. It holds no pointers: its fingerprint's keys
// and numbers live in the index's arenas, so the collector neither scans
// the entries nor marks an object per doc (with 50,000 docs indexed these
// had been two thirds of the process's live heap objects, marked again by
// every collection).
type entry struct {
	id    int64
	title uint64
	keys  arenaRef
	nums  arenaRef
	home  uint32 // homeOf the source's place
	flags uint8  // Fingerprint.flags
}

// arenaChunk is the size of an arena chunk in elements; a fingerprint's
// keys (at most maxStoredKeys) never span two chunks.
const arenaChunk = 1 << 16

// arenaRef locates a run of elements in an arena.
type arenaRef struct {
	chunk uint32
	off   uint16
	n     uint16
}

// arena stores runs of elements back to back in chunks of arenaChunk;
// space of removed runs is reclaimed by compaction, which builds a new
// arena.
type arena[T uint32 | int64] struct {
	chunks [][]T
}

func (a *arena[T]) add(v []T) arenaRef {
	if len(v) == 0 {
		return arenaRef{}
	}
	if len(a.chunks) == 0 || len(a.chunks[len(a.chunks)-1])+len(v) > arenaChunk {
		a.chunks = append(a.chunks, make([]T, 0, arenaChunk))
	}
	last := &a.chunks[len(a.chunks)-1]
	r := arenaRef{chunk: uint32(len(a.chunks) - 1), off: uint16(len(*last)), n: uint16(len(v))}
	*last = append(*last, v...)
	return r
}

func (a *arena[T]) get(r arenaRef) []T {
	if r.n == 0 {
		return nil
	}
	off := int(r.off)
	return a.chunks[r.chunk][off : off+int(r.n) : off+int(r.n)]
}

// fp returns e's fingerprint; its slices point into the arenas and must
// not be kept past the lock under which it was taken.
func (ix *Index) fp(e *entry) Fingerprint {
	return Fingerprint{title: e.title, keys: ix.keys.get(e.keys), nums: ix.nums.get(e.nums), flags: e.flags}
}

// store puts f into the arenas. Fingerprints hold at most maxStoredKeys
// keys and numbers (NewFingerprint's input limits, UnmarshalBinary's
// check), far below a chunk; the clip only guards the arena.
func (ix *Index) store(id int64, f *Fingerprint) entry {
	keys, nums := f.keys[:min(len(f.keys), maxStoredKeys)], f.nums[:min(len(f.nums), maxStoredKeys)]
	return entry{id: id, title: f.title, keys: ix.keys.add(keys), nums: ix.nums.add(nums), flags: f.flags}
}

// slotMeta is what the candidate filter reads for every doc it considers,
// kept apart from the entries in one cache line per doc.
type slotMeta struct {
	published int64   // Unix nanoseconds
	weight    float32 // fp.weight(); < 0 once removed
	lands     uint32  // landMask
	sig       signature
}

// Index holds the docs of the window. It finds candidates through an
// inverted index from feature keys (and from title hashes) to docs: every
// feature is an LSH band of width one, so any pair sharing a feature that is
// not too common is looked at, and no query scans the window. Safe for
// concurrent use; Find and Matches run in parallel with each other.
type Index struct {
	opts Options

	mu       sync.RWMutex
	entries  []entry              // by slot; removed ones stay until compaction
	meta     []slotMeta           // by slot
	slots    map[int64]int32      // live doc ID → slot
	keys     arena[uint32]        // the entries' fingerprint keys
	nums     arena[int64]         // the entries' fingerprint numbers
	postings postingTable[uint32] // feature key → slots (weak features are not posted)
	titles   postingTable[uint64] // title hash → slots
	dead     int
	addLists []int32 // scratch of Add (under the write lock)
	sink     int32

	scratch sync.Pool // *findScratch
}

// Shared weight is counted in units of half a feature weight (the weak
// weight), so that counts are small integers.
const weightUnits = 2

func keyUnits(k uint32) uint8 {
	switch k & classMask {
	case classWeak:
		return 1
	case classNumber:
		return 4
	}
	return 2
}

type findScratch struct {
	// counts holds, by slot, epoch<<8 | shared units of the current query
	// (see countPostings), so that counts need no reset between queries,
	// only when the epoch wraps around.
	counts []uint16
	epoch  uint16
	cands  []int32 // slots whose count reached the minimum
	lists  []posting
	judge  []candidate
	// The query's keys as signature bits, and their units by bit (see
	// signature.sharedUnits).
	umask signature
	ubits [sigBits]uint16
	sink  int32
}

// posting is one of the query's posting lists.
type posting struct {
	key  uint32
	list int32 // in Index.postings
	n    int32 // its length
}

type candidate struct {
	slot  int32
	bound float64 // upper bound of the score; +Inf for title matches
}

// NewIndex returns an empty index. Zero option fields take the defaults.
func NewIndex(o Options) *Index {
	return &Index{
		opts:  o.withDefaults(),
		slots: make(map[int64]int32),
	}
}

// Options returns the options in effect (defaults filled in).
func (ix *Index) Options() Options { return ix.opts }

// Add indexes a doc. Adding an ID that is present replaces it. Call Find
// for a doc before adding it, or it finds itself.
func (ix *Index) Add(id int64, published time.Time, lands []string, place string, f Fingerprint) {
	home := homeOf(place)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.slots[id]; ok {
		ix.removeSlot(slot)
	}
	slot := int32(len(ix.entries))
	e := ix.store(id, &f)
	e.home = home
	ix.entries = append(ix.entries, e)
	ix.meta = append(ix.meta, slotMeta{
		published: unixNano(published),
		weight:    float32(f.weight()),
		lands:     landMask(lands),
		sig:       newSignature(f.keys),
	})
	ix.slots[id] = slot
	ix.post(slot, &f)
	ix.maybeCompact()
}

// post appends slot to the posting lists of f's keys and title. The table
// lines and then the list tails of all keys are loaded in parallel first
// (see postingTable).
func (ix *Index) post(slot int32, f *Fingerprint) {
	var sink int32
	for _, k := range f.keys {
		if k&classMask != classWeak {
			sink |= ix.postings.touch(k)
		}
	}
	ls := ix.addLists[:0]
	for _, k := range f.keys {
		if k&classMask != classWeak {
			s := ix.postings.slot(k)
			s.n++
			ls = append(ls, s.list-1)
		}
	}
	for _, l := range ls {
		if p := ix.postings.lists[l]; len(p) > 0 {
			sink |= p[len(p)-1]
		}
	}
	for _, l := range ls {
		ix.postings.lists[l] = append(ix.postings.lists[l], slot)
	}
	ix.addLists = ls
	if f.title != 0 {
		ix.titles.add(f.title, slot)
	}
	ix.sink = sink
}

// Remove drops a doc; an unknown ID is ignored.
func (ix *Index) Remove(id int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.slots[id]; ok {
		ix.removeSlot(slot)
		ix.maybeCompact()
	}
}

// Prune drops the docs published before the given time.
func (ix *Index) Prune(before time.Time) {
	cut := before.UnixNano()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for slot := range ix.meta {
		if m := &ix.meta[slot]; m.weight >= 0 && m.published < cut {
			ix.removeSlot(int32(slot))
		}
	}
	ix.maybeCompact()
}

// Len is the number of docs in the index.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.slots)
}

func (ix *Index) removeSlot(slot int32) {
	e := &ix.entries[slot]
	delete(ix.slots, e.id)
	e.keys, e.nums = arenaRef{}, arenaRef{}
	ix.meta[slot].weight = -1
	ix.dead++
}

// maybeCompact renumbers the live docs and rebuilds the postings once the
// removed docs are many; the cost is linear in the index and amortized
// over at least as many removals.
func (ix *Index) maybeCompact() {
	if ix.dead < compactMin || ix.dead < len(ix.slots) {
		return
	}
	live := make([]entry, 0, len(ix.slots)+len(ix.slots)/4)
	meta := make([]slotMeta, 0, cap(live))
	var keys arena[uint32]
	var nums arena[int64]
	for slot := range ix.entries {
		if ix.meta[slot].weight >= 0 {
			e := &ix.entries[slot]
			live = append(live, entry{id: e.id, title: e.title, keys: keys.add(ix.keys.get(e.keys)), nums: nums.add(ix.nums.get(e.nums)), home: e.home, flags: e.flags})
			meta = append(meta, ix.meta[slot])
		}
	}
	ix.entries, ix.meta, ix.keys, ix.nums = live, meta, keys, nums
	ix.dead = 0
	// The new lists get their exact sizes.
	var postings postingTable[uint32]
	for i := range live {
		for _, k := range ix.keys.get(live[i].keys) {
			if k&classMask != classWeak {
				postings.slot(k).n++
			}
		}
	}
	for _, s := range postings.slots {
		if s.list != 0 {
			postings.lists[s.list-1] = make([]int32, 0, s.n)
		}
	}
	postings.clearLengths()
	ix.postings = postings
	ix.titles = postingTable[uint64]{}
	for slot := range ix.entries {
		e := &ix.entries[slot]
		ix.slots[e.id] = int32(slot)
		f := ix.fp(e)
		ix.post(int32(slot), &f)
	}
}

// Find returns the best match for a new doc among the indexed docs
// published within ±Window of published: highest score, ties (title
// matches) to the closest text, then the earliest published, then the
// lowest ID.
func (ix *Index) Find(published time.Time, lands []string, place string, f Fingerprint) (Match, bool) {
	var best Match
	var bestPub int64
	found := false
	ix.judgeCandidates(published, lands, place, &f, func(e *entry, pub int64, v Verdict) {
		m := Match{ID: e.id, Score: v.Score, Layer: v.Layer, text: v.Text}
		if !found || better(m, pub, best, bestPub) {
			best, bestPub, found = m, pub, true
		}
	})
	return best, found
}

// Matches returns every indexed doc within the window that is judged the
// same story as the new doc, best first (ordered as Find chooses). Storage
// can use it to see whether a new item bridges two clusters.
func (ix *Index) Matches(published time.Time, lands []string, place string, f Fingerprint) []Match {
	type scored struct {
		m   Match
		pub int64
	}
	var all []scored
	ix.judgeCandidates(published, lands, place, &f, func(e *entry, pub int64, v Verdict) {
		all = append(all, scored{Match{ID: e.id, Score: v.Score, Layer: v.Layer, text: v.Text}, pub})
	})
	slices.SortFunc(all, func(a, b scored) int {
		switch {
		case better(a.m, a.pub, b.m, b.pub):
			return -1
		case better(b.m, b.pub, a.m, a.pub):
			return 1
		}
		return 0
	})
	out := make([]Match, len(all))
	for i, s := range all {
		out[i] = s.m
	}
	return out
}

func better(a Match, apub int64, b Match, bpub int64) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.text != b.text {
		return a.text > b.text
	}
	if apub != bpub {
		return apub < bpub
	}
	return a.ID < b.ID
}

// judgeCandidates finds the docs in the window that share the title or
// enough features with f to possibly reach the threshold, judges up to
// maxCandidates of them (title matches first, then by the upper bound of
// their score) and calls yes for each one judged the same story.
//
// The work is bounded whatever the window's size:
//
//  1. The posting lists of the query's features are read rarest first
//     within a budget (maxPostings, at least three lists); weak features
//     are not posted and lists longer than maxBucket are not read.
//  2. A doc becomes a candidate when it shares at least two features'
//     weight among the lists read (one when fewer than three were read).
//  3. A candidate is judged only when an upper bound of its score reaches
//     the threshold: the bound takes the weight the doc can share with the
//     query by its signature (a Bloom filter of its keys, see signature),
//     and the time-gap penalty. It never drops a doc that could match.
//
// The Land and window rules are applied before the bound (both are exact
// and also apply to title matches).
func (ix *Index) judgeCandidates(published time.Time, lands []string, place string, f *Fingerprint, yes func(e *entry, published int64, v Verdict)) {
	if f.IsZero() {
		return
	}
	q := unixNano(published)
	lm := landMask(lands)
	home := homeOf(place)
	window := int64(ix.opts.Window)
	threshold := ix.opts.Threshold

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.getScratch(len(ix.entries))
	defer ix.putScratch(s)

	// The table lines of all keys and of the title, loaded in parallel
	// (see postingTable), then the lookups, which find the lists and their
	// lengths. Keys no doc holds have no list: no doc shares them. Every
	// key goes into the query's signature mask, which bounds what a doc
	// shares of it.
	var sink int32
	for _, k := range f.keys {
		if k&classMask != classWeak {
			sink |= ix.postings.touch(k)
		}
	}
	if f.title != 0 {
		sink |= ix.titles.touch(f.title)
	}
	for _, k := range f.keys {
		bit := sigBit(k)
		s.umask.set(bit)
		s.ubits[bit] += uint16(keyUnits(k))
		if k&classMask == classWeak {
			continue
		}
		if l, n := ix.postings.find(k); l >= 0 && n <= maxBucket {
			s.lists = append(s.lists, posting{key: k, list: l, n: n})
		}
	}
	// Plan the lists to count, rarest first: within the posting budget,
	// but at least minLists. A selection sort stops at the last list
	// counted.
	read, counted := 0, 0
	for counted < len(s.lists) && counted < maxCounted {
		j := counted
		for i := counted + 1; i < len(s.lists); i++ {
			if s.lists[i].n < s.lists[j].n {
				j = i
			}
		}
		p := s.lists[j]
		if read+int(p.n) > maxPostings && counted >= minLists {
			break
		}
		s.lists[j], s.lists[counted] = s.lists[counted], p
		read += int(p.n)
		counted++
	}
	// A candidate shares at least two counted features' weight (one when
	// fewer than three are counted).
	need := uint16(2 * weightUnits)
	if counted < 3 {
		need = weightUnits
	}
	// The lists' cache lines, loaded in parallel: most lists are too short
	// for the hardware prefetcher to be of help.
	for _, p := range s.lists[:counted] {
		l := ix.postings.lists[p.list]
		for i := 0; i < len(l); i += 16 {
			sink |= l[i]
		}
	}
	ep := s.epoch << 8
	for _, p := range s.lists[:counted] {
		s.cands = countPostings(s.counts, ix.postings.lists[p.list], ep, uint16(keyUnits(p.key)), need, s.cands)
	}

	wq := f.weight()
	inWindow := func(m *slotMeta) bool {
		d := m.published - q
		return m.weight >= 0 && (q == 0 || m.published == 0 || (d <= window && -d <= window))
	}
	// Title matches first: they score 1 whatever their features.
	if f.title != 0 {
		for _, slot := range ix.titles.get(f.title) {
			if m := &ix.meta[slot]; inWindow(m) && !landsDisjoint(lm, m.lands) {
				s.judge = append(s.judge, candidate{slot, math.Inf(1)})
			}
		}
	}
	nTitle := len(s.judge)
	// The candidates' metadata, loaded in parallel, then the bound of each
	// candidate's score.
	for _, slot := range s.cands {
		sink |= int32(ix.meta[slot].lands)
	}
	s.sink = sink
	for _, slot := range s.cands {
		m := &ix.meta[slot]
		if !inWindow(m) || landsDisjoint(lm, m.lands) {
			continue
		}
		wb := float64(m.weight)
		shared := float64(s.umask.sharedUnits(&m.sig, &s.ubits)) / weightUnits
		bound := combine(min(shared, wq, wb), wq, wb) - gapPenalty(q, m.published)
		if bound >= threshold {
			s.judge = append(s.judge, candidate{slot, bound})
		}
	}
	bestFirst(s.judge[nTitle:], maxCandidates)

	judged := 0
	for i, c := range s.judge {
		if judged == maxCandidates {
			break
		}
		if i >= nTitle && nTitle > 0 && slices.ContainsFunc(s.judge[:nTitle], func(t candidate) bool { return t.slot == c.slot }) {
			continue // judged as a title match
		}
		judged++
		e := &ix.entries[c.slot]
		m := &ix.meta[c.slot]
		efp := ix.fp(e)
		if v := judge(side{f, q, lm, home}, side{&efp, m.published, m.lands, e.home}, ix.opts); v.Same {
			yes(e, m.published, v)
		}
	}
	for _, k := range f.keys {
		s.ubits[sigBit(k)] = 0
	}
}

// before orders candidates: highest bound first, then the earliest added.
func (a candidate) before(b candidate) bool {
	return a.bound > b.bound || a.bound == b.bound && a.slot < b.slot
}

// bestFirst moves the best k candidates to the front of c, in order. Only
// queries with very few and very common features have more than k (a
// one-word text can match any text containing the word); a selection
// keeps them from sorting thousands.
func bestFirst(c []candidate, k int) {
	if len(c) > k {
		// Quickselect: partition until c[:k] holds the best k.
		lo, hi := 0, len(c)
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			// Median of three as the pivot, moved to c[lo].
			if c[mid].before(c[lo]) {
				c[mid], c[lo] = c[lo], c[mid]
			}
			if c[hi-1].before(c[lo]) {
				c[hi-1], c[lo] = c[lo], c[hi-1]
			}
			if c[hi-1].before(c[mid]) {
				c[hi-1], c[mid] = c[mid], c[hi-1]
			}
			c[lo], c[mid] = c[mid], c[lo]
			pivot := c[lo]
			i := lo + 1
			for j := lo + 1; j < hi; j++ {
				if c[j].before(pivot) {
					c[i], c[j] = c[j], c[i]
					i++
				}
			}
			c[lo], c[i-1] = c[i-1], c[lo] // the pivot's final place
			switch p := i - 1; {
			case p == k || p == k-1:
				lo, hi = p, p
			case p > k:
				hi = p
			default:
				lo = p + 1
			}
		}
		c = c[:k]
	}
	slices.SortFunc(c, func(a, b candidate) int {
		switch {
		case a.before(b):
			return -1
		case b.before(a):
			return 1
		}
		return 0
	})
}

// countPostings adds units to the counts of the slots of one posting list
// and appends to cands the slots whose count reaches need. A count is
// stored as epoch<<8 | units, and a count of an earlier query is below
// epoch<<8, so max(count, epoch<<8) is the current one. Kept out of line:
// inlined, the loop's variables spill to the stack.
//
//go:noinline
func countPostings(counts []uint16, slots []int32, epoch, units, need uint16, cands []int32) []int32 {
	lo := epoch + need - units // a count in [lo, lo+units) reaches need now
	for _, slot := range slots {
		old := max(counts[slot], epoch)
		counts[slot] = old + units
		if old-lo < units {
			cands = append(cands, slot)
		}
	}
	return cands
}

func (ix *Index) getScratch(n int) *findScratch {
	s, _ := ix.scratch.Get().(*findScratch)
	if s == nil {
		s = new(findScratch)
	}
	if len(s.counts) < n {
		s.counts = make([]uint16, n+n/4)
		s.epoch = 0
	}
	s.epoch++
	if s.epoch == 256 {
		clear(s.counts)
		s.epoch = 1
	}
	return s
}

func (ix *Index) putScratch(s *findScratch) {
	s.cands = s.cands[:0]
	s.lists = s.lists[:0]
	s.judge = s.judge[:0]
	s.umask = signature{}
	ix.scratch.Put(s)
}
