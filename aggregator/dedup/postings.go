package dedup

// postingTable maps keys (feature keys or title hashes) to posting lists:
// the slots of the docs holding the key, in the order they were added. It
// is an open-addressing hash table with linear probing, kept at most half
// full, whose entries hold the key, the list's number and its length: a
// lookup touches one cache line of the table and learns the length without
// touching the list, and a query can touch the lines of all its keys before
// it probes any (see Index.judgeCandidates), so that their cache misses
// overlap instead of following one another, which a Go map does not allow.
// Keys are never deleted; compaction builds a new table.
type postingTable[K uint32 | uint64] struct {
	slots []tableSlot[K] // len is a power of two (or 0)
	shift uint8          // 64 - log2(len(slots))
	lists [][]int32      // by list number
}

type tableSlot[K uint32 | uint64] struct {
	key  K
	list int32 // list number + 1; 0 marks an empty slot
	n    int32 // the list's length
}

// home is the slot where the probe for k starts (Fibonacci hashing: the
// keys are hashes already, the multiplication spreads their low bits).
func (t *postingTable[K]) home(k K) uint64 {
	return uint64(k) * 0x9E3779B97F4A7C15 >> t.shift
}

// touch loads the cache line where the probe for k starts and returns
// something of it, which the caller folds into a value it keeps so that
// the load is not optimized away.
func (t *postingTable[K]) touch(k K) int32 {
	if len(t.slots) == 0 {
		return 0
	}
	return t.slots[t.home(k)].list
}

// find returns the number of k's list and its length, or -1.
func (t *postingTable[K]) find(k K) (list, n int32) {
	if len(t.slots) == 0 {
		return -1, 0
	}
	mask := uint64(len(t.slots) - 1)
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.list == 0 {
			return -1, 0
		}
		if s.key == k {
			return s.list - 1, s.n
		}
	}
}

// get returns k's posting list (nil if none).
func (t *postingTable[K]) get(k K) []int32 {
	if l, _ := t.find(k); l >= 0 {
		return t.lists[l]
	}
	return nil
}

// slot returns the table slot of k, adding k with an empty list if it is
// new.
func (t *postingTable[K]) slot(k K) *tableSlot[K] {
	if 2*(len(t.lists)+1) > len(t.slots) {
		t.grow(max(1024, 2*len(t.slots)))
	}
	mask := uint64(len(t.slots) - 1)
	i := t.home(k)
	for ; t.slots[i].list != 0; i = (i + 1) & mask {
		if t.slots[i].key == k {
			return &t.slots[i]
		}
	}
	t.lists = append(t.lists, nil)
	t.slots[i] = tableSlot[K]{key: k, list: int32(len(t.lists))}
	return &t.slots[i]
}

// add appends slot to k's posting list.
func (t *postingTable[K]) add(k K, slot int32) {
	s := t.slot(k)
	s.n++
	l := s.list - 1
	t.lists[l] = append(t.lists[l], slot)
}

// grow rehashes the table into n slots (a power of two).
func (t *postingTable[K]) grow(n int) {
	old := t.slots
	t.slots = make([]tableSlot[K], n)
	t.shift = uint8(64 - log2(n))
	mask := uint64(n - 1)
	for _, s := range old {
		if s.list == 0 {
			continue
		}
		i := t.home(s.key)
		for t.slots[i].list != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// len is the number of keys.
func (t *postingTable[K]) len() int { return len(t.lists) }

func log2(n int) int {
	b := 0
	for 1<<b < n {
		b++
	}
	return b
}

// clearLengths sets the lengths of all lists to 0 (after sizing them).
func (t *postingTable[K]) clearLengths() {
	for i := range t.slots {
		t.slots[i].n = 0
	}
}
