package dedup

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Lookup limits. They bound the cost of Find independently of the window's
// size: a query touches at most (features × maxBucket) postings and judges
// at most maxCandidates docs.
const (
	// maxBucket: a feature shared by more docs than this is too common to
	// be evidence of a duplicate and is not looked up (it still counts in
	// the score of the candidates found through rarer features).
	maxBucket = 4096
	// maxPostings: a query reads the posting lists of its features rarest
	// first and opens no further list once it has read this many postings.
	// Duplicates share their rare features, so they are found early.
	maxPostings = 4096
	// maxCandidates: docs judged per query, those sharing most features
	// first.
	maxCandidates = 64
	// compactMin: removed docs are dropped from the postings lazily, once
	// there are at least this many and at least as many as live ones.
	compactMin = 1024
)

type entry struct {
	id    int64
	lands uint32
	fp    Fingerprint
}

// slotMeta is what the candidate filter reads for every doc it touches,
// kept apart from the entries so that it stays in cache.
type slotMeta struct {
	published int64   // Unix nanoseconds
	weight    float32 // fp.weight(), for the score bound; < 0 once removed
}

// Index holds the docs of the window. It finds candidates through an
// inverted index from feature keys (and from title hashes) to docs: every
// feature is an LSH band of width one, so any pair sharing a feature that is
// not too common is looked at, and no query scans the window. Safe for
// concurrent use; Find and Matches run in parallel with each other.
type Index struct {
	opts Options

	mu       sync.RWMutex
	entries  []entry            // by slot; removed ones stay until compaction
	meta     []slotMeta         // by slot
	slots    map[int64]int32    // live doc ID → slot
	postings map[uint32][]int32 // feature key → slots (weak features are not posted)
	titles   map[uint64][]int32 // title hash → slots
	dead     int

	scratch sync.Pool // *findScratch
}

// weightUnits is the resolution of the shared weight counted per doc
// during lookup: counts hold weight × weightUnits, saturating at 255.
const weightUnits = 2

type findScratch struct {
	counts  []uint8 // by slot: shared weight × weightUnits; all zero between queries
	touched []int32
	cands   []candidate
	lists   []posting
}

type posting struct {
	slots []int32
	key   uint32
}

type candidate struct {
	slot  int32
	count uint8
}

// NewIndex returns an empty index. Zero option fields take the defaults.
func NewIndex(o Options) *Index {
	return &Index{
		opts:     o.withDefaults(),
		slots:    make(map[int64]int32),
		postings: make(map[uint32][]int32),
		titles:   make(map[uint64][]int32),
	}
}

// Options returns the options in effect (defaults filled in).
func (ix *Index) Options() Options { return ix.opts }

// Add indexes a doc. Adding an ID that is present replaces it. Call Find
// for a doc before adding it, or it finds itself.
func (ix *Index) Add(id int64, published time.Time, lands []string, f Fingerprint) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if slot, ok := ix.slots[id]; ok {
		ix.removeSlot(slot)
	}
	slot := int32(len(ix.entries))
	ix.entries = append(ix.entries, entry{id: id, lands: landMask(lands), fp: f})
	ix.meta = append(ix.meta, slotMeta{published: unixNano(published), weight: float32(f.weight())})
	ix.slots[id] = slot
	ix.post(slot, &f)
	ix.maybeCompact()
}

func (ix *Index) post(slot int32, f *Fingerprint) {
	for _, k := range f.keys {
		if k&classMask != classWeak {
			ix.postings[k] = append(ix.postings[k], slot)
		}
	}
	if f.title != 0 {
		ix.titles[f.title] = append(ix.titles[f.title], slot)
	}
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
	for slot, m := range ix.meta {
		if m.weight >= 0 && m.published < cut {
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
	e.fp = Fingerprint{}
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
	for slot, e := range ix.entries {
		if ix.meta[slot].weight >= 0 {
			live = append(live, e)
			meta = append(meta, ix.meta[slot])
		}
	}
	sizes := make(map[uint32]int, len(ix.postings))
	for _, e := range live {
		for _, k := range e.fp.keys {
			if k&classMask != classWeak {
				sizes[k]++
			}
		}
	}
	ix.entries, ix.meta = live, meta
	ix.dead = 0
	ix.postings = make(map[uint32][]int32, len(sizes))
	for k, n := range sizes {
		ix.postings[k] = make([]int32, 0, n)
	}
	ix.titles = make(map[uint64][]int32)
	for slot := range ix.entries {
		e := &ix.entries[slot]
		ix.slots[e.id] = int32(slot)
		ix.post(int32(slot), &e.fp)
	}
}

// Find returns the best match for a new doc among the indexed docs
// published within ±Window of published: highest score, ties to the
// earliest published, then the lowest ID.
func (ix *Index) Find(published time.Time, lands []string, f Fingerprint) (Match, bool) {
	var best Match
	var bestPub int64
	found := false
	ix.judgeCandidates(published, lands, &f, func(e *entry, pub int64, v Verdict) {
		m := Match{ID: e.id, Score: v.Score, Layer: v.Layer}
		if !found || better(m, pub, best, bestPub) {
			best, bestPub, found = m, pub, true
		}
	})
	return best, found
}

// Matches returns every indexed doc within the window that is judged the
// same story as the new doc, best first (ordered as Find chooses). Storage
// can use it to see whether a new item bridges two clusters.
func (ix *Index) Matches(published time.Time, lands []string, f Fingerprint) []Match {
	type scored struct {
		m   Match
		pub int64
	}
	var all []scored
	ix.judgeCandidates(published, lands, &f, func(e *entry, pub int64, v Verdict) {
		all = append(all, scored{Match{ID: e.id, Score: v.Score, Layer: v.Layer}, pub})
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
	if apub != bpub {
		return apub < bpub
	}
	return a.ID < b.ID
}

// judgeCandidates finds the docs in the window that share the title or
// enough features with f to possibly reach the threshold, judges up to
// maxCandidates of them (title matches first, then by number of shared
// features) and calls yes for each one judged the same story.
func (ix *Index) judgeCandidates(published time.Time, lands []string, f *Fingerprint, yes func(e *entry, published int64, v Verdict)) {
	if f.IsZero() {
		return
	}
	q := unixNano(published)
	lm := landMask(lands)
	window := int64(ix.opts.Window)
	inWindow := func(m slotMeta) bool {
		d := m.published - q
		return m.weight >= 0 && (q == 0 || m.published == 0 || (d <= window && -d <= window))
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.getScratch(len(ix.entries))
	defer ix.scratch.Put(s)

	// The posting lists of the query's features, rarest first. unseen is
	// the weight of the features not counted (weak, too common, over the
	// budget): a doc may share them too, which the score bound allows for.
	unseen := 0.0
	for _, k := range f.keys {
		if k&classMask == classWeak {
			unseen += weakWeight
			continue
		}
		if p := ix.postings[k]; len(p) > maxBucket {
			unseen += keyWeight(k)
		} else if len(p) > 0 {
			s.lists = append(s.lists, posting{p, k})
		}
	}
	slices.SortFunc(s.lists, func(a, b posting) int { return cmp.Compare(len(a.slots), len(b.slots)) })
	read, counted := 0, 0
	for _, l := range s.lists {
		p := l.slots
		if read+len(p) > maxPostings && counted >= 3 {
			unseen += keyWeight(l.key)
			continue
		}
		read += len(p)
		counted++
		units := uint8(keyWeight(l.key) * weightUnits)
		for _, slot := range p {
			c := s.counts[slot]
			if c == 0 {
				s.touched = append(s.touched, slot)
			}
			s.counts[slot] = uint8(min(255, uint16(c)+uint16(units)))
		}
	}
	// A candidate shares at least two counted features' weight (one when
	// the query has fewer than three).
	need := uint8(2 * weightUnits)
	if counted < 3 {
		need = weightUnits
	}

	// Keep the docs in the window whose score can still reach the
	// threshold: sharing the counted weight c, a doc shares at most
	// c + unseen, and the score grows with the shared weight. A histogram
	// of the counts of those kept gives the cut-off for the best
	// maxCandidates without sorting them all.
	wq := f.weight()
	var hist [256]int32
	kept := s.touched[:0]
	for _, slot := range s.touched {
		c := s.counts[slot]
		if c >= need {
			m := ix.meta[slot]
			wb := float64(m.weight)
			if inWindow(m) && combine(min(float64(c)/weightUnits+unseen, wq, wb), wq, wb) >= ix.opts.Threshold {
				hist[c]++
				kept = append(kept, slot)
				continue
			}
		}
		s.counts[slot] = 0
	}
	cut, n := need, int32(0)
	for c := 255; c >= int(need); c-- {
		if n += hist[c]; n >= maxCandidates {
			cut = uint8(c)
			break
		}
	}

	// Title matches first, then the feature candidates above the cut-off.
	if f.title != 0 {
		for _, slot := range ix.titles[f.title] {
			if len(s.cands) < maxCandidates && inWindow(ix.meta[slot]) {
				s.cands = append(s.cands, candidate{slot, 255})
			}
		}
	}
	atCut := maxCandidates - (n - hist[cut]) // room for docs at the cut-off, earliest added first
	for _, slot := range kept {
		if c := s.counts[slot]; c > cut || (c == cut && atCut > 0) {
			if c == cut {
				atCut--
			}
			s.cands = append(s.cands, candidate{slot, c})
		}
		s.counts[slot] = 0
	}
	slices.SortFunc(s.cands, func(a, b candidate) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return cmp.Compare(a.slot, b.slot)
	})

	judged := 0
	for _, c := range s.cands {
		if judged == maxCandidates {
			break
		}
		if s.counts[c.slot] != 0 { // already judged (title and features)
			continue
		}
		s.counts[c.slot] = 1
		judged++
		e := &ix.entries[c.slot]
		pub := ix.meta[c.slot].published
		if v := judge(f, &e.fp, q, pub, lm, e.lands, ix.opts); v.Same {
			yes(e, pub, v)
		}
	}
	for _, c := range s.cands {
		s.counts[c.slot] = 0
	}
}

func (ix *Index) getScratch(n int) *findScratch {
	s, _ := ix.scratch.Get().(*findScratch)
	if s == nil {
		s = new(findScratch)
	}
	if len(s.counts) < n {
		s.counts = make([]uint8, n+n/4)
	}
	s.touched = s.touched[:0]
	s.cands = s.cands[:0]
	clear(s.lists)
	s.lists = s.lists[:0]
	return s
}
