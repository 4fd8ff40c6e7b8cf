// Package farm serves many synthetic feeds on loopback for benchmarks and
// load tests: N sources × M items, RSS 2.0 and Atom mixed, with ETag
// support, and texts that are not near-duplicates of each other.
package farm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Farm is a set of feeds served by one or more loopback listeners.
type Farm struct {
	N, M    int
	bodies  [][]byte
	etags   []string
	servers []*http.Server
	addrs   []string

	Requests    atomic.Int64
	NotModified atomic.Int64
}

// New renders n feeds of m items each, deterministically from seed.
func New(n, m int, seed uint64) *Farm {
	f := &Farm{N: n, M: m, bodies: make([][]byte, n), etags: make([]string, n)}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var b bytes.Buffer
		atom := i%2 == 1
		if atom {
			fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Quelle %d</title><id>urn:farm:%d</id><updated>2025-03-01T00:00:00Z</updated><link href="https://quelle%d.example/"/>
`, i, i, i)
		} else {
			fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Quelle %d</title><link>https://quelle%d.example/</link><description>Meldungen</description>
`, i, i)
		}
		for j := range m {
			title := Sentence(rng, 5+rng.IntN(5))
			teaser := Sentence(rng, 20+rng.IntN(25)) + " " + Sentence(rng, 10+rng.IntN(15))
			when := base.Add(time.Duration(i*m+j) * time.Minute)
			link := fmt.Sprintf("https://quelle%d.example/meldung/%d?utm_source=rss", i, j)
			if atom {
				fmt.Fprintf(&b, "<entry><title>%s</title><id>urn:farm:%d:%d</id><link href=\"%s\"/><updated>%s</updated><published>%s</published><summary type=\"html\">&lt;p&gt;%s&lt;/p&gt;</summary></entry>\n",
					title, i, j, strings.ReplaceAll(link, "&", "&amp;"), when.Format(time.RFC3339), when.Format(time.RFC3339), teaser)
			} else {
				fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">farm-%d-%d</guid><pubDate>%s</pubDate><description><![CDATA[<p>%s</p>]]></description></item>\n",
					title, link, i, j, when.Format(time.RFC1123Z), teaser)
			}
		}
		if atom {
			b.WriteString("</feed>\n")
		} else {
			b.WriteString("</channel></rss>\n")
		}
		f.bodies[i] = b.Bytes()
		f.etags[i] = `"` + strconv.FormatUint(rng.Uint64(), 36) + `"`
	}
	return f
}

var words = strings.Fields(`Verwaltung Digitalisierung Bürgerportal Onlinedienst Bauantrag Breitband Glasfaser Förderung
Landkreis Gemeinde Stadtrat Kreistag Ministerium Staatskanzlei Rechenzentrum Cloud Sicherheit Datenschutz Register
Modernisierung Antrag Bescheid Schule Tablet Netz Ausbau Strategie Projekt Pilot Plattform Schnittstelle Standard Akte
Wohngeld Elterngeld Kfz Zulassung Meldewesen Personalausweis Signatur Postfach Konto Service Bürgeramt Termin Karte
Geodaten Klima Energie Mobilität Verkehr Radweg Haushalt Investition Personal Ausbildung Fachkräfte Wettbewerb Preis
Umfrage Studie Bericht Konferenz Kongress Messe Workshop Leitfaden Gesetz Verordnung Beschluss Kabinett Landtag
Open Data Smart City Sensor Plattform Künstliche Intelligenz Chatbot Assistent Formular Prozess Workflow Archiv
neue digitale schnelle sichere offene gemeinsame regionale kommunale landesweite erste weitere moderne einfache
startet beschließt fördert erweitert testet veröffentlicht eröffnet plant stellt vor berichtet bündelt verbessert`)

// lexicon is a larger vocabulary of made-up content words: real news
// texts share few content words, and a small shared word list would make
// every generated item look like every other to the duplicate detector.
var lexicon = func() []string {
	syl := strings.Fields(`ver wal tung dig ital isie rung bür ger por tal on line dien st bau an trag breit band glas fa ser för de land kreis ge mein rat mi nis ter sch ule netz aus kar te klima ener gie mo bil ität ver kehr haus halt pro jekt pi lot platt form stand ard ak te wohn geld el tern zu las sung mel de we sen per so nal sig na tur post fach kon to ser vice amt ter min geo da ten`)
	seen := map[string]bool{}
	var out []string
	rng := rand.New(rand.NewPCG(7, 11))
	for len(out) < 6000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syl[rng.IntN(len(syl))])
		}
		w := strings.ToUpper(b.String()[:1]) + b.String()[1:]
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}()

// Word returns a random word of the made-up lexicon.
func Word(rng *rand.Rand) string { return lexicon[rng.IntN(len(lexicon))] }

// Sentence returns n words, about a third from a pool of domain-common
// words and the rest from the lexicon, with one number, ending in ".":
// the text of every farm title and teaser.
func Sentence(rng *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		// About a third common words, the rest from the large lexicon.
		if rng.IntN(3) == 0 {
			parts[i] = words[rng.IntN(len(words))]
		} else {
			parts[i] = lexicon[rng.IntN(len(lexicon))]
		}
	}
	// A number per sentence keeps generated texts apart.
	parts[rng.IntN(n)] += " " + strconv.Itoa(rng.IntN(100000))
	return strings.Join(parts, " ") + "."
}

// Bytes is the total size of all feed bodies.
func (f *Farm) Bytes() int64 {
	var n int64
	for _, b := range f.bodies {
		n += int64(len(b))
	}
	return n
}

// Body returns feed i's body.
func (f *Farm) Body(i int) []byte { return f.bodies[i] }

func (f *Farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.Requests.Add(1)
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if err != nil || i < 0 || i >= f.N {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("If-None-Match") == f.etags[i] {
		f.NotModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", f.etags[i])
	if i%2 == 1 {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(f.bodies[i])))
	w.Write(f.bodies[i])
}

// Start listens on `hosts` loopback addresses (127.0.0.1, 127.0.0.2, …),
// so per-host politeness limits apply as they would across many sites.
func (f *Farm) Start(hosts int) error {
	for h := range max(hosts, 1) {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", h+1))
		if err != nil {
			f.Close()
			return err
		}
		srv := &http.Server{Handler: f, ReadHeaderTimeout: 5 * time.Second}
		f.servers = append(f.servers, srv)
		f.addrs = append(f.addrs, ln.Addr().String())
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				panic(err)
			}
		}()
	}
	return nil
}

// URL is feed i's address; feeds are spread round-robin over the hosts.
func (f *Farm) URL(i int) string {
	return fmt.Sprintf("http://%s/feed/%d", f.addrs[i%len(f.addrs)], i)
}

// Close stops the listeners.
func (f *Farm) Close() {
	for _, s := range f.servers {
		s.Shutdown(context.Background())
	}
}
