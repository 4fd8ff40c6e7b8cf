package aggregator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/aggregator"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

func rssFeed(title string, items ...string) string {
	return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>` + title +
		`</title><link>https://` + strings.ToLower(strings.Fields(title)[0]) + `.example/</link>` + strings.Join(items, "") + `</channel></rss>`
}

func rssItem(guid, title, link, date, teaser string) string {
	return fmt.Sprintf(`<item><guid>%s</guid><title>%s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item>`,
		guid, title, link, date, teaser)
}

// TestOneStoryOneEntry feeds one story from three sources (a Land's press
// office and two news sites rewriting it) plus a same-template story of
// another Land.
func TestOneStoryOneEntry(t *testing.T) {
	press := rssFeed("Thüringer Landesportal",
		rssItem("th-1", "Thüringen: Breitbandausbau im Plan", "https://thueringen.example/pm/1", "Mon, 03 Mar 2025 09:00:00 +0100",
			"Der Freistaat Thüringen liegt beim Glasfaserausbau im Plan. Bis Ende 2025 sollen 412 Schulen und 38 Gewerbegebiete angeschlossen sein, teilte das Digitalministerium in Erfurt mit."))
	news1 := rssFeed("Kommune21",
		rssItem("k21-1", "Thüringen: Breitbandausbau liegt im Plan", "https://k21.example/news/55?utm_source=rss", "Mon, 03 Mar 2025 14:00:00 +0100",
			"Beim Glasfaserausbau liegt der Freistaat Thüringen im Plan: Bis Ende 2025 sollen 412 Schulen und 38 Gewerbegebiete angeschlossen sein, so das Digitalministerium in Erfurt."),
		rssItem("k21-2", "Sachsen: Breitbandausbau im Plan", "https://k21.example/news/56", "Tue, 04 Mar 2025 10:00:00 +0100",
			"Der Freistaat Sachsen liegt beim Glasfaserausbau im Plan. Bis Ende 2025 sollen 290 Schulen und 51 Gewerbegebiete angeschlossen sein, teilte das Wirtschaftsministerium in Dresden mit."))
	news2 := rssFeed("eGovernment",
		rssItem("eg-1", "Glasfaser: Thüringen liegt beim Breitbandausbau im Plan", "https://egov.example/a/9", "Tue, 04 Mar 2025 08:00:00 +0100",
			"Thüringen liegt beim Glasfaserausbau im Plan. Laut Digitalministerium in Erfurt sollen bis Ende 2025 insgesamt 412 Schulen und 38 Gewerbegebiete angeschlossen sein."))
	_, u1 := serveBytes(t, []byte(news1), "")
	_, u2 := serveBytes(t, []byte(news2), "")
	_, u0 := serveBytes(t, []byte(press), "")
	// The news sites are fetched first: priority, not arrival, picks the primary.
	h := newHarness(t, nil, src("Kommune21", u1, ""), src("eGovernment", u2, ""))
	tag, err := aggregator.NewTagFunc(nil)
	if err != nil {
		t.Fatal(err)
	}
	reopen := func(sources ...config.Source) *aggregator.Aggregator {
		h.cfg.Sources = sources
		agg, err := aggregator.New(context.Background(), h.cfg, h.store, aggregator.Options{Tag: tag, Now: func() time.Time { return h.now }})
		if err != nil {
			t.Fatal(err)
		}
		return agg
	}
	reopen(src("Kommune21", u1, "")).FetchAll(context.Background(), false, nil)
	h.now = h.now.Add(time.Minute)
	reopen(src("Kommune21", u1, ""), src("eGovernment", u2, "")).FetchAll(context.Background(), false, nil)
	h.now = h.now.Add(time.Minute)
	all := []config.Source{src("Kommune21", u1, ""), src("eGovernment", u2, ""), src("Thüringer Landesportal", u0, "DE-TH")}
	agg := reopen(all...)
	agg.FetchAll(context.Background(), false, nil)

	entries := func() []storage.Item {
		t.Helper()
		items, err := h.store.Items(context.Background(), storage.Query{})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	got := entries()
	if len(got) != 2 {
		for _, it := range got {
			t.Logf("entry: %s (%s)", it.Title, it.SourceName)
		}
		t.Fatalf("%d entries, want 2 (one story, one hard negative)", len(got))
	}
	var th, sn storage.Item
	for _, it := range got {
		if strings.HasPrefix(it.Title, "Sachsen") {
			sn = it
		} else {
			th = it
		}
	}
	if th.SourceName != "Thüringer Landesportal" {
		t.Errorf("primary is from %q, want the official source", th.SourceName)
	}
	var related []string
	for _, r := range th.Related {
		related = append(related, r.SourceName)
	}
	if strings.Join(related, ",") != "Kommune21,eGovernment" {
		t.Errorf("related = %v, want both news sites", related)
	}
	if len(sn.Related) != 0 || sn.SourceName != "Kommune21" {
		t.Errorf("the Sachsen story must stay separate: %+v", sn)
	}
	// The entry keeps the id and date of the story's first report.
	first, _ := h.store.ItemByKey(context.Background(), storage.ItemKey(u1, "k21-1"))
	if th.EntryKey != first.Key || !th.EntryPublished.Equal(first.Published) {
		t.Errorf("entry key/date = %s/%v, want the first report's %s/%v", th.EntryKey, th.EntryPublished, first.Key, first.Published)
	}
	// Each Land feed shows the story once.
	for _, land := range []string{"DE-TH", "DE-SN"} {
		items, _ := h.store.Items(context.Background(), storage.Query{Lands: []string{land}})
		if len(items) != 1 {
			t.Errorf("%s feed has %d entries, want 1", land, len(items))
		}
	}

	// An editor splits one news copy out; it stays out across re-fetches
	// and a rebuild.
	copy2, _ := h.store.ItemByKey(context.Background(), storage.ItemKey(u2, "eg-1"))
	if err := h.store.Split(context.Background(), copy2.ID, h.now); err != nil {
		t.Fatal(err)
	}
	if n := len(entries()); n != 3 {
		t.Errorf("after split: %d entries, want 3", n)
	}
	if _, _, err := agg.RebuildClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	agg.FetchAll(context.Background(), true, nil)
	if got := entries(); len(got) != 3 {
		for _, it := range got {
			t.Logf("entry: %s (%s), cluster %d", it.Title, it.SourceName, it.ClusterID)
		}
		t.Errorf("after rebuild and re-fetch: %d entries, want the split kept (3)", len(got))
	}
	// Merging the hard negative in by hand sticks too.
	if err := h.store.Merge(context.Background(), th.ID, sn.ID, h.now); err != nil {
		t.Fatal(err)
	}
	if _, _, err := agg.RebuildClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(entries()); n != 2 {
		t.Errorf("after merge and rebuild: %d entries, want 2", n)
	}
}

// TestSameSourceNeverClustered: within one source the GUID decides what is
// one item, however alike two items read.
func TestSameSourceNeverClustered(t *testing.T) {
	teaser := "Der Kreistag tagt öffentlich im Sitzungssaal des Landratsamts. Auf der Tagesordnung stehen der Haushalt und die Digitalstrategie."
	feed := rssFeed("Landkreis Musterland",
		rssItem("a", "Sitzung des Kreistags", "https://lk.example/a", "Mon, 03 Feb 2025 09:00:00 +0100", teaser),
		rssItem("b", "Sitzung des Kreistags", "https://lk.example/b", "Mon, 03 Feb 2025 10:00:00 +0100", teaser))
	_, u := serveBytes(t, []byte(feed), "")
	h := newHarness(t, nil, src("LK", u, "DE-NI"))
	h.fetch(t)
	items, err := h.store.Items(context.Background(), storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Errorf("%d entries, want 2: one source's items are not clustered", len(items))
	}
}

// TestTownsOfOneTemplateStayApart: towns publish from one template, often
// without naming themselves in the text; their sources' places
// (title_prefix) tell the stories apart, at ingest, after a restart (the
// index loaded from the database) and in a rebuild.
func TestTownsOfOneTemplateStayApart(t *testing.T) {
	const title = "Neues Serviceportal der Verwaltung ist online"
	teaserA := "Über 80 Verwaltungsleistungen der Gemeinde können ab sofort über das neue Serviceportal online beantragt werden – von der Meldebescheinigung bis zur Hundesteuer."
	teaserB := "Das neue Serviceportal der Gemeinde bündelt mehr als 80 Online-Leistungen, von der Meldebescheinigung bis zur Hundesteuer-Anmeldung."
	joint := "Gemeinsam mit der Nachbargemeinde Stockelsdorf bündelt das neue Serviceportal mehr als 80 Online-Leistungen, von der Meldebescheinigung bis zur Hundesteuer-Anmeldung."
	for _, tc := range []struct {
		name             string
		prefixA, prefixB string
		teaserB          string
		entries          int
	}{
		{"two towns", "Stockelsdorf", "Ratekau", teaserB, 2},
		{"two towns, a colon in the prefix", "Stockelsdorf:", "Gemeinde Ratekau", teaserB, 2},
		{"the other town named", "Stockelsdorf", "Ratekau", joint, 1},
		{"one town, two feeds", "Stockelsdorf", "Gemeinde Stockelsdorf", teaserB, 1},
		{"a news site without a place", "Stockelsdorf", "", teaserB, 1},
		{"no places configured", "", "", teaserB, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ua := serveBytes(t, []byte(rssFeed("Stockelsdorf", rssItem("a1", title, "https://stockelsdorf.example/a/serviceportal",
				"Mon, 19 May 2025 08:00:00 +0200", teaserA))), "")
			_, ub := serveBytes(t, []byte(rssFeed("Ratekau", rssItem("b1", title, "https://ratekau.example/n/serviceportal-online",
				"Mon, 19 May 2025 09:30:00 +0200", tc.teaserB))), "")
			a, b := src("A", ua, "DE-SH"), src("B", ub, "DE-SH")
			a.TitlePrefix, b.TitlePrefix = tc.prefixA, tc.prefixB
			// A alone first; B from a new process, whose index is loaded
			// from the database.
			h := newHarness(t, nil, a)
			h.fetch(t)
			h2 := newHarnessOn(t, h, a, b)
			h2.fetch(t)
			checkEntries(t, h2, "after a restart", tc.entries)
			if _, _, err := h2.agg.RebuildClusters(context.Background()); err != nil {
				t.Fatal(err)
			}
			checkEntries(t, h2, "after dedup -rebuild", tc.entries)
			// Both in one run: the index as ingest fills it.
			h3 := newHarness(t, nil, a, b)
			h3.fetch(t)
			checkEntries(t, h3, "fetched together", tc.entries)
		})
	}
}

func checkEntries(t *testing.T, h *harness, when string, want int) {
	t.Helper()
	got, err := h.store.Items(context.Background(), storage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != want {
		for _, it := range got {
			t.Logf("entry: %s (%s)", it.Title, it.SourceName)
		}
		t.Errorf("%s: %d entries, want %d", when, len(got), want)
	}
}

// TestPlacelessReportBridgesNoTowns: a news site's report without a place
// that one town's report joined does not carry another town's report of
// the same template into that story.
func TestPlacelessReportBridgesNoTowns(t *testing.T) {
	const title = "Neues Serviceportal der Verwaltung ist online"
	teaser := "Über 80 Verwaltungsleistungen der Gemeinde können ab sofort online beantragt werden."
	feed := func(guid string) []byte {
		return []byte(rssFeed("Feed "+guid, rssItem(guid, title, "https://"+guid+".example/serviceportal", "Mon, 19 May 2025 08:00:00 +0200", teaser)))
	}
	_, news := serveBytes(t, feed("news"), "")
	_, ua := serveBytes(t, feed("a"), "")
	_, ub := serveBytes(t, feed("b"), "")
	town := func(name, url string) config.Source {
		s := src(name, url, "DE-SH")
		s.TitlePrefix = name
		return s
	}
	n, a, b := src("Kommune21", news, ""), town("Stockelsdorf", ua), town("Ratekau", ub)
	h := newHarness(t, nil, n)
	h.fetch(t)
	h = newHarnessOn(t, h, n, a)
	h.fetch(t)
	checkEntries(t, h, "the news site and one town", 1)
	h = newHarnessOn(t, h, n, a, b)
	h.fetch(t)
	checkEntries(t, h, "and the other town", 2)
	if _, _, err := h.agg.RebuildClusters(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkEntries(t, h, "after dedup -rebuild", 2)
}
