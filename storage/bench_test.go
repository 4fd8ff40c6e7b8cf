package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/storage"
)

// BenchmarkSaveFetch stores the first cycle of n sources × 50 items into a
// fresh database per iteration, all batches waiting for the writer at
// once, as in a first cycle, where the writer is the bottleneck: the SQL
// cost of ingest without parsing or near-duplicate detection (no
// Clusterer).
func BenchmarkSaveFetch(b *testing.B) {
	const n, m = 400, 50
	words := strings.Fields("Digitalisierung Verwaltung Bürgerportal Onlinezugangsgesetz Bauantrag Kommune Landkreis Förderung Breitband Rechenzentrum Schnittstelle Datenschutz Signatur Registermodernisierung Wohngeld Antrag Behörde Ministerium Stadtverwaltung Gemeinderat")
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(k int) string {
		var sb strings.Builder
		for i := range k {
			if i > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(words[rng.IntN(len(words))])
			fmt.Fprint(&sb, rng.IntN(1000))
		}
		return sb.String()
	}
	batches := make([][]storage.NewItem, n)
	srcs := make([]storage.SourceConfig, n)
	for i := range batches {
		srcs[i] = storage.SourceConfig{Name: fmt.Sprint("Quelle ", i), URL: fmt.Sprintf("https://quelle%d.example/feed", i)}
		for j := range m {
			it := storage.NewItem{
				GUID:      fmt.Sprintf("farm-%d-%d", i, j),
				Title:     text(8),
				Teaser:    text(40),
				Link:      fmt.Sprintf("https://quelle%d.example/meldung/%d-%d", i, j, rng.Int()),
				Published: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(1e6)) * time.Second),
			}
			if j%3 == 0 {
				it.Lands = []storage.LandTag{{Land: "DE-HE", Rule: "ort", Evidence: "Wiesbaden"}}
			}
			it.OrigLink = it.Link
			batches[i] = append(batches[i], it)
		}
	}
	ctx := context.Background()
	now := time.Date(2025, 2, 11, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		st, err := storage.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
		if err != nil {
			b.Fatal(err)
		}
		ids, err := st.SyncSources(ctx, srcs)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				f := storage.Fetch{SourceID: ids[i], StartedAt: now, Status: 200, ETag: "x"}
				if _, err := st.SaveFetch(ctx, f, srcs[i].URL, batches[i], now); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n*m), "µs/item")
}
