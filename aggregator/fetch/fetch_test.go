package fetch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync"
	"testing"
	"time"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"2a00:1450:4001:80b::200e", true},
		{"127.0.0.1", false},
		{"10.1.2.3", false},
		{"169.254.169.254", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::1", false},
		{"::", false},
		{"::ffff:127.0.0.1", false},
		{"fd00::1", false},
		{"fe80::1", false},
		// IPv4 inside IPv6: judged by the IPv4 address.
		{"64:ff9b::a9fe:a9fe", false},                   // NAT64 → 169.254.169.254
		{"64:ff9b::a00:1", false},                       // NAT64 → 10.0.0.1
		{"64:ff9b::7f00:1", false},                      // NAT64 → 127.0.0.1
		{"64:ff9b::808:808", true},                      // NAT64 → 8.8.8.8
		{"2002:7f00:1::1", false},                       // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false},                    // 6to4 of 169.254.169.254
		{"2002:808:808::1", true},                       // 6to4 of 8.8.8.8
		{"::7f00:1", false},                             // IPv4-compatible 127.0.0.1
		{"::ffff:0:7f00:1", false},                      // SIIT 127.0.0.1
		{"::ffff:0:a00:1", false},                       // SIIT 10.0.0.1
		{"64:ff9b:1::1", false},                         // local-use NAT64
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, // Teredo
		{"fec0::1", false},                              // site-local
		// A zone must not hide the address from the prefix tests.
		{"64:ff9b::a9fe:a9fe%eth0", false},
		{"2002:a9fe:a9fe::1%eth0", false},
		{"fe80::1%eth0", false},
		{"2001::1%1", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

// TestProxy: with fetch.proxy every request goes to the proxy, and the
// private-address check, which cannot see what the proxy dials, judges
// the feed's host (its addresses, for a name) before each request and
// each redirect.
func TestProxy(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.String())
		mu.Unlock()
		switch {
		case !r.URL.IsAbs():
			http.Error(w, "not a proxy request", http.StatusBadRequest)
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "http://127.0.0.1:9/feed", http.StatusFound)
		default:
			w.Write([]byte("<rss/>"))
		}
	}))
	defer proxy.Close()
	pu, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	strict := New(Options{Timeout: 5 * time.Second, MaxBody: 1 << 20, PerHost: 2, Proxy: pu})
	open := New(Options{Timeout: 5 * time.Second, MaxBody: 1 << 20, PerHost: 2, Proxy: pu, AllowPrivateNetworks: true})
	tests := []struct {
		name    string
		c       *Client
		url     string
		wantErr error
		want    []string // requests the proxy got
	}{
		{"a public address, through the proxy", strict, "http://203.0.113.7/feed", nil, []string{"http://203.0.113.7/feed"}},
		{"loopback, refused before the proxy", strict, "http://127.0.0.1:9/feed", ErrPrivateAddress, nil},
		{"a name that resolves to loopback", strict, "http://localhost:9/feed", ErrPrivateAddress, nil},
		{"a redirect to loopback", strict, "http://203.0.113.7/moved", ErrPrivateAddress, []string{"http://203.0.113.7/moved"}},
		{"loopback allowed", open, "http://127.0.0.1:9/feed", nil, []string{"http://127.0.0.1:9/feed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			seen = nil
			mu.Unlock()
			resp, err := tt.c.Get(context.Background(), Request{URL: tt.url})
			if !errors.Is(err, tt.wantErr) || (err == nil && string(resp.Body) != "<rss/>") {
				t.Errorf("Get(%s) = %v, want error %v", tt.url, err, tt.wantErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(seen) != fmt.Sprint(tt.want) {
				t.Errorf("proxy got %v, want %v", seen, tt.want)
			}
		})
	}
}

// TestBodyLimit: a body of exactly MaxBody is read whole, one byte more is
// refused, and the largest limit does not wrap around to read nothing.
func TestBodyLimit(t *testing.T) {
	const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feed)) }))
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		maxBody int64
		tooBig  bool
	}{
		{"exactly the body", int64(len(feed)), false},
		{"one byte short", int64(len(feed)) - 1, true},
		{"the largest limit", math.MaxInt64, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Options{Timeout: 5 * time.Second, MaxBody: tc.maxBody, AllowPrivateNetworks: true, PerHost: 1})
			resp, err := c.Get(context.Background(), Request{URL: srv.URL})
			if tc.tooBig {
				if !errors.Is(err, ErrBodyTooLarge) {
					t.Errorf("err = %v, want ErrBodyTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != feed {
				t.Errorf("body = %q (%d bytes), want the %d-byte feed", resp.Body, len(resp.Body), len(feed))
			}
		})
	}
}
