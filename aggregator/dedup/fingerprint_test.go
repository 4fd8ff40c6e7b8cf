package dedup

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func equalFingerprints(a, b Fingerprint) bool {
	return a.title == b.title && slices.Equal(a.keys, b.keys) && slices.Equal(a.nums, b.nums) && a.flags == b.flags
}

func TestFingerprint_RoundTrip(t *testing.T) {
	c := newSynthCorpus(5, t0, time.Minute)
	docs := append(c.docs(200), pressRelease, Doc{}, Doc{Title: "Nur ein Titel"},
		Doc{Teaser: "Zahlen: 1,2 Mio. Euro, 85 %, 04.03.2025, KW 12, 9:30 Uhr."},
		Doc{Title: "Gemeinsames Serviceportal", Teaser: "Die Gemeinde und ihre Nachbargemeinde starten ein Portal."})
	total := 0
	for _, d := range docs {
		f := NewFingerprint(d)
		data, err := f.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		total += len(data)
		var g Fingerprint
		if err := g.UnmarshalBinary(data); err != nil {
			t.Fatalf("UnmarshalBinary(%q): %v", d.Title, err)
		}
		if !equalFingerprints(f, g) {
			t.Errorf("round trip of %q: %v became %v", d.Title, f, g)
		}
	}
	t.Logf("%.0f bytes per stored fingerprint on average", float64(total)/float64(len(docs)))
}

func TestFingerprint_UnmarshalErrors(t *testing.T) {
	good, _ := NewFingerprint(pressRelease).MarshalBinary()
	wrongVersion := slices.Clone(good)
	wrongVersion[0] = 99
	unknownFlag := slices.Clone(good)
	unknownFlag[len(unknownFlag)-1] = 0x80
	// The structural cases are version 2 (no flags byte): each fails for
	// its own reason, not the version's.
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", good[:5]},
		{"version", wrongVersion},
		{"version 1", append([]byte{1}, good[1:]...)},
		{"truncated keys", good[:12]},
		{"trailing", append(slices.Clone(good), 0)},
		{"no flags", good[:len(good)-1]},
		{"unknown flag", unknownFlag},
		{"huge count", []byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0x03}},
		{"keys not ascending", []byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 5, 0, 0}},
		{"key overflow", []byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 0}},
		{"numbers not ascending", []byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5, 2, 4, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFingerprint(pressRelease)
			before := f
			err := f.UnmarshalBinary(tt.data)
			if !errors.Is(err, ErrFingerprint) {
				t.Errorf("err = %v, want ErrFingerprint", err)
			}
			if !equalFingerprints(f, before) {
				t.Error("a failed UnmarshalBinary changed the fingerprint")
			}
		})
	}
}

// TestFingerprint_Version2: fingerprints stored before the flags byte
// (version 2) read as the same text features, with flagJoint: whether
// their text speaks of working together is unknown, and the homes rule
// must not split what the previous build merged.
func TestFingerprint_Version2(t *testing.T) {
	f := NewFingerprint(Doc{Title: "Gemeinsames Serviceportal ist online", Teaser: "Zusammen mit der Nachbarstadt: 40 Leistungen."})
	if f.flags&flagJoint == 0 {
		t.Fatal("a joint announcement has no flagJoint")
	}
	data, _ := f.MarshalBinary()
	v2 := append([]byte{2}, data[1:len(data)-1]...)
	var g Fingerprint
	if err := g.UnmarshalBinary(v2); err != nil {
		t.Fatal(err)
	}
	if !equalFingerprints(f, g) {
		t.Errorf("version 2: %v, want %v", g, f)
	}
	// A text without cooperation words too: version 2 did not record it.
	plain := NewFingerprint(pressRelease)
	data, _ = plain.MarshalBinary()
	if err := g.UnmarshalBinary(append([]byte{2}, data[1:len(data)-1]...)); err != nil {
		t.Fatal(err)
	}
	if plain.flags != 0 || g.flags != flagJoint {
		t.Errorf("flags %#x, read as version 2 %#x; want 0 and flagJoint", plain.flags, g.flags)
	}
	plain.flags = flagJoint
	if !equalFingerprints(plain, g) {
		t.Errorf("version 2: %v, want %v", g, plain)
	}
}

func TestFingerprint_TitleLayerNeedsThreeFeatures(t *testing.T) {
	for _, tt := range []struct {
		title string
		want  bool
	}{
		{"Pressemitteilung", false},
		{"Newsletter Digitales", false},
		{"Die neue Verordnung", false}, // stop words do not count
		{"Newsletter KW 12", true},
		{"Thüringen: Breitbandausbau im Plan", true},
	} {
		if got := NewFingerprint(Doc{Title: tt.title}).title != 0; got != tt.want {
			t.Errorf("title layer for %q = %v, want %v", tt.title, got, tt.want)
		}
	}
}

func TestFingerprint_LongInputIsBounded(t *testing.T) {
	long := ""
	for i := range 5000 {
		long += "Wort" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + " "
	}
	f := NewFingerprint(Doc{Title: long, Teaser: long})
	if f.Len() > 700 {
		t.Errorf("%d features from clipped input", f.Len())
	}
}

// FuzzFingerprint: any text signs without panic, survives a marshal round
// trip, and a doc with any feature is the same story as itself.
func FuzzFingerprint(f *testing.F) {
	for _, s := range []string{
		pressRelease.Title, pressRelease.Teaser, "", "Bürger*innen", "1.234,5 Mio.", "Thu\u0308ringen",
		"04.03.2025 9:30", "-", "'", "a-", "\u00AD", "x:in", "KW12", "\xff\xfe", "ẞ", "99999999999999999999",
		"2,5 Mrd. 999999999999999 Mrd.",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, teaser string) {
		d := Doc{Title: title, Teaser: teaser, Published: t0}
		fp := NewFingerprint(d)
		data, err := fp.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var g Fingerprint
		if err := g.UnmarshalBinary(data); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		if !equalFingerprints(fp, g) {
			t.Fatalf("round trip: %v became %v", fp, g)
		}
		if !slices.IsSorted(fp.keys) {
			t.Fatal("keys not sorted")
		}
		score, layer, ok := Same(d, d, DefaultOptions())
		if ok != !fp.IsZero() {
			t.Fatalf("Same(d, d) = %v (score %v, layer %q) for %v", ok, score, layer, fp)
		}
		var h Fingerprint
		_ = h.UnmarshalBinary([]byte(title)) // arbitrary bytes: no panic
	})
}
