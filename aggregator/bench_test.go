package aggregator_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/internal/farm"
	"github.com/egovfeed/egovfeed/storage"
)

// BenchmarkFirstCycle stores 200×50 farm items into a fresh database per
// iteration (in-process; the full figures come from internal/bench/ingest).
func BenchmarkFirstCycle(b *testing.B) { benchFirstCycle(b, 200, 50) }

// BenchmarkFirstCycle1000 is the 1000×50 farm, in-process.
func BenchmarkFirstCycle1000(b *testing.B) { benchFirstCycle(b, 1000, 50) }

func benchFirstCycle(b *testing.B, n, m int) {
	f := farm.New(n, m, 1)
	if err := f.Start(8); err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cfg := config.Default()
		cfg.Database = filepath.Join(b.TempDir(), "b.db")
		cfg.Fetch.AllowPrivateNetworks = true
		for j := range f.N {
			cfg.Sources = append(cfg.Sources, config.Source{Name: fmt.Sprint(j), URL: f.URL(j)})
		}
		ctx := context.Background()
		st, err := storage.Open(ctx, cfg.Database)
		if err != nil {
			b.Fatal(err)
		}
		agg, err := aggregator.New(ctx, &cfg, st, aggregator.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, r := range agg.FetchAll(ctx, false, nil) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		b.StopTimer()
		st.Close()
	}
	b.ReportMetric(float64(f.N*f.M*b.N)/b.Elapsed().Seconds(), "items/s")
}
