package tagging

import (
	"runtime"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/internal/cputime"
)

// benchItems are typical items: a title of about 60 characters and a
// teaser of about 300.
var benchItems = [][2]string{
	{"Lüneburg: Digitale Bauanträge ab März für alle Bürgerinnen",
		"Die Hansestadt Lüneburg bietet ab März digitale Bauanträge an. Das Verfahren läuft über das Portal des Landes Niedersachsen und soll die Bearbeitung deutlich beschleunigen. Bürgermeisterin Claudia Kalisch sieht darin einen wichtigen Schritt für die Verwaltungsdigitalisierung in der Region."},
	{"Bund und Länder einigen sich auf gemeinsame Cloud-Strategie",
		"Der IT-Planungsrat hat in seiner Sitzung eine gemeinsame Cloud-Strategie beschlossen. Bayern, Sachsen und Thüringen wollen als erste Länder Dienste in die Deutsche Verwaltungscloud verlagern. Die FITKO koordiniert die Umsetzung, das BSI prüft die Sicherheitsanforderungen der beteiligten Rechenzentren."},
	{"Neues Onlineportal für Wohngeldanträge geht an den Start",
		"Ab sofort können Wohngeldanträge vollständig online gestellt werden. Der Dienst wurde nach dem Einer-für-Alle-Prinzip entwickelt und steht bundesweit zur Nachnutzung bereit. Erste Kommunen haben den Dienst bereits angebunden, weitere sollen in den kommenden Monaten folgen, heißt es."},
	{"Kölner Stadtverwaltung setzt auf künstliche Intelligenz",
		"Die Stadt Köln testet einen KI-Assistenten für Bürgeranfragen. Nach Angaben der Verwaltung beantwortet das System bereits einfache Fragen zu Öffnungszeiten und Terminen. Auch Essen und Düsseldorf prüfen den Einsatz ähnlicher Lösungen, die Landesregierung in Nordrhein-Westfalen fördert das Projekt."},
}

func BenchmarkTag(b *testing.B) {
	tg := newTagger(b, nil)
	bytes := 0
	for _, it := range benchItems {
		bytes += len(it[0]) + len(it[1])
	}
	b.SetBytes(int64(bytes / len(benchItems)))
	b.ReportAllocs()
	b.ResetTimer()
	start, startCPU := time.Now(), cputime.Process()
	for i := 0; b.Loop(); i++ {
		it := benchItems[i%len(benchItems)]
		tg.Tag(it[0], it[1])
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "items/s")
	// Items per CPU-second is what one core achieves, even when other
	// processes share the machine.
	if cpu := cputime.Process() - startCPU; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "items/cpu-s")
	}
}

// BenchmarkLoad measures parsing the embedded gazetteer (load-ms) and
// the heap it keeps alive (heap-MB); the forced collections needed for the
// heap figure are not timed.
func BenchmarkLoad(b *testing.B) {
	var keep *gazetteer
	var heap uint64
	var elapsed, elapsedCPU time.Duration
	for b.Loop() {
		var before, after runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start, startCPU := time.Now(), cputime.Process()
		gz, err := loadGazetteer()
		elapsed += time.Since(start)
		elapsedCPU += cputime.Process() - startCPU
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.StartTimer()
		keep = gz
		heap = after.HeapAlloc - before.HeapAlloc
	}
	runtime.KeepAlive(keep)
	b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(b.N), "load-ms")
	b.ReportMetric(float64(elapsedCPU.Microseconds())/1000/float64(b.N), "load-cpu-ms")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

// TestLoadFootprint logs the load time and retained heap of the
// gazetteer; it asserts nothing about time, which depends on the machine.
func TestLoadFootprint(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	gz, err := loadGazetteer()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("gazetteer: %d forms, load %v, heap %.1f MB", len(gz.groups), elapsed,
		float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	runtime.KeepAlive(gz)
}
