package dedup

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The signature bound never undercounts: for random key sets it is at
// least the units the two sets really share.
func TestSignature_BoundsSharedUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := func() uint32 { return rng.Uint32() }
	for range 2000 {
		var a, b []uint32
		for range 1 + rng.IntN(80) {
			a = append(a, key())
		}
		for range 1 + rng.IntN(80) {
			if rng.IntN(3) == 0 && len(a) > 0 {
				b = append(b, a[rng.IntN(len(a))]) // shared
			} else {
				b = append(b, key())
			}
		}
		slices.Sort(a)
		a = slices.Compact(a)
		slices.Sort(b)
		b = slices.Compact(b)
		var u signature
		var units [sigBits]uint16
		for _, k := range a {
			u.set(sigBit(k))
			units[sigBit(k)] += uint16(keyUnits(k))
		}
		exact := 0
		for _, k := range b {
			if _, ok := slices.BinarySearch(a, k); ok {
				exact += int(keyUnits(k))
			}
		}
		sig := newSignature(b)
		if got := u.sharedUnits(&sig, &units); got < exact {
			t.Fatalf("bound %d < shared %d", got, exact)
		}
	}
}

func TestPostingTable(t *testing.T) {
	var pt postingTable[uint32]
	if pt.get(7) != nil {
		t.Fatal("empty table found a key")
	}
	want := map[uint32][]int32{}
	rng := rand.New(rand.NewPCG(3, 4))
	for slot := range int32(50000) {
		k := uint32(rng.IntN(20000)) << 7 // many keys with equal low bits
		if rng.IntN(10) == 0 {
			k = 0 // the zero key is a key like any other
		}
		pt.add(k, slot)
		want[k] = append(want[k], slot)
	}
	if pt.len() != len(want) {
		t.Errorf("len %d, want %d", pt.len(), len(want))
	}
	for k, w := range want {
		l, n := pt.find(k)
		if l < 0 || int(n) != len(w) || !slices.Equal(pt.lists[l], w) {
			t.Fatalf("key %d: list %d n %d, want %d slots", k, l, n, len(w))
		}
	}
	if l, _ := pt.find(1); l >= 0 {
		t.Error("found a key never added")
	}
}

// TestIndex_AgreesWithSame: with all labelled items (both sides) in one
// index, every item's lookup returns exactly the items Same merges with it
// among those sharing two features' weight with it: the candidate filter
// and the score bound drop no match. (The posting budget does not bind in
// an index this small.)
func TestIndex_AgreesWithSame(t *testing.T) {
	pairs := readPairs(t)
	var docs []Doc
	for _, p := range pairs {
		docs = append(docs, p.A.doc(int64(len(docs)+1)), p.B.doc(int64(len(docs)+2)))
	}
	// Also some synthetic rewrites, which share most of their text.
	c := newSynthCorpus(11, t0, time.Minute)
	for i := range 200 {
		d := c.doc(i)
		d.ID = int64(len(docs) + 1)
		r := c.rewrite(d)
		r.ID = int64(len(docs) + 2)
		docs = append(docs, d, r)
	}
	fps := make([]Fingerprint, len(docs))
	ix := NewIndex(DefaultOptions())
	for i, d := range docs {
		fps[i] = NewFingerprint(d)
		ix.Add(d.ID, d.Published, d.Lands, d.Place, fps[i])
	}
	o := DefaultOptions()
	merges := 0
	for i, d := range docs {
		var want []int64
		for j, e := range docs {
			if i == j || !sharesTwo(&fps[i], &fps[j]) {
				continue
			}
			v := judge(side{&fps[i], unixNano(d.Published), landMask(d.Lands), homeOf(d.Place)}, side{&fps[j], unixNano(e.Published), landMask(e.Lands), homeOf(e.Place)}, o)
			if v.Same {
				want = append(want, e.ID)
			}
		}
		var got []int64
		for _, m := range ix.Matches(d.Published, d.Lands, d.Place, fps[i]) {
			if m.ID != d.ID {
				got = append(got, m.ID)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%q: Matches %v, Same %v", d.Title, got, want)
		}
		merges += len(want)
	}
	t.Logf("%d docs, %d merges, all found", len(docs), merges)
}

// sharesTwo reports whether a and b share posted (non-weak) features of
// weight 2 or more, or share a title (the index's candidate rule when its
// budget does not bind).
func sharesTwo(a, b *Fingerprint) bool {
	if a.title != 0 && a.title == b.title {
		return true
	}
	w := 0.0
	for _, k := range a.keys {
		if k&classMask != classWeak {
			if _, ok := slices.BinarySearch(b.keys, k); ok {
				w += keyWeight(k)
			}
		}
	}
	return w >= 2
}

func TestBestFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		n := rng.IntN(300)
		k := 1 + rng.IntN(80)
		c := make([]candidate, n)
		perm := rng.Perm(n)
		for i := range c {
			// Few distinct bounds: many ties, broken by slot.
			c[i] = candidate{slot: int32(perm[i]), bound: float64(rng.IntN(5)) / 4}
		}
		want := slices.Clone(c)
		slices.SortFunc(want, func(a, b candidate) int {
			if a.before(b) {
				return -1
			}
			return 1
		})
		bestFirst(c, k)
		m := min(k, n)
		if !slices.Equal(c[:m], want[:m]) {
			t.Fatalf("n %d k %d: got %v, want %v", n, k, c[:m], want[:m])
		}
	}
}
