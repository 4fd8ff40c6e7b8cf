package dedup

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func addDoc(ix *Index, d Doc) { ix.Add(d.ID, d.Published, d.Lands, d.Place, NewFingerprint(d)) }

func find(ix *Index, d Doc) (Match, bool) {
	return ix.Find(d.Published, d.Lands, d.Place, NewFingerprint(d))
}

func TestIndex_FindBest(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	template := doc("Sachsen: Breitbandausbau liegt im Plan", strings.ReplaceAll(pressRelease.Teaser, "Thüringer", "Sächsische"), 0)
	unrelated := doc("Neue Ausstellung im Landesmuseum", "Gezeigt werden Gemälde aus drei Jahrhunderten.", 0)
	rewrite := doc("Thüringer Breitbandausbau: 85 Prozent der Haushalte versorgt",
		"Beim Breitbandausbau liegt Thüringen laut Digitalministerium im Plan. 85 Prozent der Haushalte sind mit 100 Mbit/s versorgt, bis 2027 soll jeder Haushalt einen Gigabitanschluss erhalten.",
		5*time.Hour)
	for i, d := range []Doc{pressRelease, template, unrelated, rewrite} {
		d.ID = int64(i + 1)
		addDoc(ix, d)
	}
	if ix.Len() != 4 {
		t.Fatalf("Len = %d, want 4", ix.Len())
	}

	copyDoc := doc("Thüringen: Breitbandausbau liegt im Plan", "", 8*time.Hour)
	m, ok := find(ix, copyDoc)
	if !ok || m.ID != 1 || m.Layer != LayerTitle || m.Score != 1 {
		t.Errorf("Find(copy) = %+v, %v; want ID 1 by title", m, ok)
	}
	smallEdit := doc("Beim Breitbandausbau liegt Thüringen im Plan",
		"Laut Digitalministerium sind 85 Prozent der Haushalte mit 100 Mbit/s versorgt, bis 2027 soll jeder Haushalt einen Gigabitanschluss erhalten.",
		6*time.Hour)
	m, ok = find(ix, smallEdit)
	if !ok || m.ID != 4 || m.Layer != LayerSimilar {
		t.Errorf("Find(small edit of the rewrite) = %+v, %v; want ID 4, the closer text", m, ok)
	}
	all := ix.Matches(smallEdit.Published, nil, "", NewFingerprint(smallEdit))
	if len(all) != 2 || all[0].ID != 4 || all[1].ID != 1 || all[0].Score < all[1].Score {
		t.Errorf("Matches = %+v, want IDs 4 then 1", all)
	}
	if m, ok := find(ix, doc("Bayern: Breitbandausbau liegt im Plan", "", time.Hour)); ok {
		t.Errorf("template for another Land matched %+v", m)
	}
}

func TestIndex_TieBreak(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	for _, c := range []struct {
		id    int64
		after time.Duration
	}{{7, time.Hour}, {5, time.Hour}, {9, 2 * time.Hour}} {
		d := pressRelease
		d.ID, d.Published = c.id, t0.Add(c.after)
		addDoc(ix, d)
	}
	m, ok := find(ix, doc(pressRelease.Title, "", 3*time.Hour))
	if !ok || m.ID != 5 {
		t.Errorf("Find = %+v, %v; want ID 5 (earliest published, then lowest ID)", m, ok)
	}
	d := pressRelease
	d.ID, d.Published = 11, t0
	addDoc(ix, d)
	if m, _ := find(ix, doc(pressRelease.Title, "", 3*time.Hour)); m.ID != 11 {
		t.Errorf("Find = %+v; want ID 11, published earliest", m)
	}
}

func TestIndex_Window(t *testing.T) {
	ix := NewIndex(Options{Window: 48 * time.Hour})
	d := pressRelease
	d.ID = 1
	addDoc(ix, d)
	for _, tt := range []struct {
		after time.Duration
		want  bool
	}{{47 * time.Hour, true}, {-47 * time.Hour, true}, {49 * time.Hour, false}, {-49 * time.Hour, false}} {
		q := pressRelease
		q.Published = t0.Add(tt.after)
		if _, ok := find(ix, q); ok != tt.want {
			t.Errorf("Find at %v: found %v, want %v", tt.after, ok, tt.want)
		}
	}
}

func TestIndex_LandRule(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	d := pressRelease
	d.ID = 1
	addDoc(ix, d)
	q := pressRelease
	q.Lands = []string{"DE-SN"}
	if m, ok := find(ix, q); ok {
		t.Errorf("identical text with a disjoint Land set matched %+v", m)
	}
	q.Lands = nil
	if _, ok := find(ix, q); !ok {
		t.Error("identical text without Lands did not match")
	}
	// The Bund is no Land (pressRelease is tagged DE-TH).
	q.Lands = []string{"DE"}
	if _, ok := find(ix, q); !ok {
		t.Error("identical text tagged DE (Bund) did not match the DE-TH item")
	}
	q.Lands = []string{"DE", "DE-SN"}
	if m, ok := find(ix, q); ok {
		t.Errorf("identical text tagged DE, DE-SN matched the DE-TH item: %+v", m)
	}
}

func TestIndex_RemoveReplacePrune(t *testing.T) {
	ix := NewIndex(DefaultOptions())
	d := pressRelease
	d.ID = 1
	addDoc(ix, d)
	ix.Remove(1)
	ix.Remove(42) // unknown: ignored
	if _, ok := find(ix, pressRelease); ok || ix.Len() != 0 {
		t.Fatalf("removed doc still found (Len %d)", ix.Len())
	}

	addDoc(ix, d)
	other := doc("Neue Ausstellung im Landesmuseum", "Gezeigt werden Gemälde.", 0)
	other.ID = 1 // replaces the press release
	addDoc(ix, other)
	if _, ok := find(ix, pressRelease); ok || ix.Len() != 1 {
		t.Errorf("replaced doc still found (Len %d)", ix.Len())
	}

	c := newSynthCorpus(1, t0, time.Minute)
	docs := c.docs(5000)
	for _, d := range docs {
		addDoc(ix, d)
	}
	ix.Prune(t0.Add(3000 * time.Minute)) // drops docs 0..2999 and the one at t0
	if got := ix.Len(); got != 2000 {
		t.Fatalf("Len after Prune = %d, want 2000", got)
	}
	if ix.dead != 0 {
		t.Errorf("no compaction after pruning 3001 of 5001 docs (dead %d)", ix.dead)
	}
	for i, d := range docs {
		m, ok := find(ix, c.rewrite(d))
		if i < 3000 && ok && m.ID <= 3000 {
			t.Errorf("pruned doc %d found: %+v", d.ID, m)
		}
		if i >= 3000 && (!ok || m.ID != d.ID) {
			t.Errorf("rewrite of doc %d: Find = %+v, %v", d.ID, m, ok)
		}
	}
}

// TestIndex_FindsRewrites: in a window of unrelated synthetic items, the
// rewrite of each item finds exactly that item.
func TestIndex_FindsRewrites(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	c := newSynthCorpus(2, t0, 6*time.Second)
	docs := c.docs(n)
	ix := NewIndex(DefaultOptions())
	for _, d := range docs {
		if m, ok := find(ix, d); ok {
			t.Errorf("unrelated synthetic doc %d matched %+v", d.ID, m)
		}
		addDoc(ix, d)
	}
	missed := 0
	for i := 0; i < n; i += 7 {
		d := docs[i]
		if m, ok := find(ix, c.rewrite(d)); !ok || m.ID != d.ID {
			missed++
			if missed < 5 {
				t.Logf("rewrite of %d: Find = %+v, %v", d.ID, m, ok)
			}
		}
	}
	if missed > 0 {
		t.Errorf("%d rewrites of %d not found", missed, (n+6)/7)
	}
}

func TestIndex_Concurrent(t *testing.T) {
	c := newSynthCorpus(3, t0, time.Minute)
	docs := c.docs(2000)
	ix := NewIndex(DefaultOptions())
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(docs); i += 4 {
				d := docs[i]
				find(ix, d)
				addDoc(ix, d)
				if i%10 == 0 {
					ix.Remove(d.ID)
				}
				ix.Len()
			}
		})
	}
	wg.Wait()
	if got, want := ix.Len(), 2000-200; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}

func TestIndex_EmptyFingerprint(t *testing.T) {
	ix := NewIndex(Options{})
	ix.Add(1, t0, nil, "", Fingerprint{})
	if _, ok := ix.Find(t0, nil, "", Fingerprint{}); ok {
		t.Error("empty fingerprint matched")
	}
	if ix.Len() != 1 || ix.Options() != DefaultOptions() {
		t.Errorf("Len %d, Options %+v", ix.Len(), ix.Options())
	}
}
