package aggregator

import (
	"testing"
	"time"
)

// TestItemDate parses real feed items through gofeed and checks the date
// each one is stored with. Dates that name no zone are Berlin time: gofeed
// alone would read "13.07.2025 10:30" as 10:30 UTC.
func TestItemDate(t *testing.T) {
	now := time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, pubDate, updated string // updated: Atom <updated> when set (the feed is then Atom)
		want                   time.Time
		fromSource             bool
	}{
		{"RFC 822", "Sun, 13 Jul 2025 10:30:00 +0200", "", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
		{"RFC 822 GMT", "Sun, 13 Jul 2025 10:30:00 GMT", "", time.Date(2025, 7, 13, 10, 30, 0, 0, time.UTC), true},
		{"German numeric", "13.07.2025 10:30", "", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
		{"German numeric, winter", "13.01.2025 10:30", "", time.Date(2025, 1, 13, 9, 30, 0, 0, time.UTC), true},
		{"German long", "Sonntag, 13. Juli 2025 - 10:30", "", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
		{"ISO without zone", "2025-07-13T10:30:00", "", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
		{"ISO with Z", "2025-07-13T10:30:00Z", "", time.Date(2025, 7, 13, 10, 30, 0, 0, time.UTC), true},
		{"ISO with offset", "2025-07-13T10:30:00+02:00", "", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
		{"garbage", "gestern", "", time.Time{}, false},
		{"future", "Sun, 13 Jul 2031 10:30:00 +0200", "", time.Time{}, false},
		{"Atom updated only, no zone", "", "2025-07-13T10:30:00", time.Date(2025, 7, 13, 8, 30, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body string
			if tt.updated != "" {
				body = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><id>urn:x</id><updated>` + tt.updated + `</updated></entry></feed>`
			} else {
				body = `<rss version="2.0"><channel><title>t</title><item><title>x</title><pubDate>` + tt.pubDate + `</pubDate></item></channel></rss>`
			}
			feed, err := parseFeed([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := itemDate(feed.Items[0], now)
			if ok != tt.fromSource || !got.Equal(tt.want) {
				t.Errorf("itemDate = %v, %v; want %v, %v", got, ok, tt.want, tt.fromSource)
			}
		})
	}
}
