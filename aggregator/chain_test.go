package aggregator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/egovfeed/egovfeed/config"
)

// TestRecurringNoticeDoesNotChain: two sources repeat one notice (same
// title and text, new GUID and link each time). Each report is within the
// window of the previous one, so without a bound on the story's date they
// chain into one cluster for ever: one entry for months, whose new
// reports never show, and which retention never prunes.
func TestRecurringNoticeDoesNotChain(t *testing.T) {
	tests := []struct {
		name      string
		every     time.Duration // a new report of the notice
		window    time.Duration
		retention time.Duration
		days      int
	}{
		{"daily, one-week window", 24 * time.Hour, 7 * 24 * time.Hour, 7 * 24 * time.Hour, 40},
		{"every 3 days, default window", 3 * 24 * time.Hour, 0, 14 * 24 * time.Hour, 60},
		{"twice a day, two-day window", 12 * time.Hour, 2 * 24 * time.Hour, 3 * 24 * time.Hour, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *harness
			start := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
			feed := func(w http.ResponseWriter, r *http.Request) {
				n := int(h.now.Sub(start) / tt.every)
				var b strings.Builder
				b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><link>https://stadt.example/</link><description>x</description>`)
				for k := n; k > n-5 && k >= 0; k-- {
					fmt.Fprintf(&b, `<item><title>Öffentliche Bekanntmachung der Stadtverwaltung</title><link>https://stadt.example%s/bekanntmachung/%d</link><guid>bk-%d</guid><pubDate>%s</pubDate><description>Die Stadtverwaltung gibt eine öffentliche Bekanntmachung im Amtsblatt bekannt. Einzelheiten stehen auf der Internetseite.</description></item>`,
						r.URL.Path, k, k, start.Add(time.Duration(k)*tt.every).Format(time.RFC1123Z))
				}
				b.WriteString(`</channel></rss>`)
				w.Write([]byte(b.String()))
			}
			srv := httptest.NewServer(http.HandlerFunc(feed))
			defer srv.Close()
			h = newHarness(t, func(c *config.Config) {
				c.Dedup.Window = config.Duration(tt.window)
				c.Retention = config.Duration(tt.retention)
			}, src("stadt", srv.URL+"/stadt", "DE-HE"), src("kreis", srv.URL+"/kreis", "DE-HE"))
			window := tt.window
			if window == 0 {
				window = 168 * time.Hour // dedup's default
			}
			h.now = start
			ctx := context.Background()
			for h.now.Before(start.Add(time.Duration(tt.days) * 24 * time.Hour)) {
				for _, r := range h.fetch(t) {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
				}
				if _, err := h.store.Prune(ctx, h.now.Add(-tt.retention)); err != nil {
					t.Fatal(err)
				}
				h.now = h.now.Add(tt.every)
			}
			items := h.items(t)
			if len(items) == 0 {
				t.Fatal("nothing stored")
			}
			for _, it := range items {
				if apart := it.Published.Sub(it.EntryPublished).Abs(); apart > window {
					t.Errorf("%s (%s) shown in a story of %s: %s apart, window %s",
						it.GUID, it.Published.Format(time.DateOnly), it.EntryPublished.Format(time.DateOnly), apart, window)
				}
			}
			// Retention keeps a cluster whole, so a story lives at most
			// its window beyond the retention.
			oldest := h.now.Add(-tt.retention - window - tt.every)
			var old int
			for _, it := range items {
				if it.Published.Before(oldest) {
					old++
				}
			}
			if old > 0 {
				t.Errorf("%d of %d items older than retention plus window are still stored", old, len(items))
			}
		})
	}
}
