// Package fetch gets feed bodies over HTTP with the limits a long-running
// aggregator needs: conditional GET, a whole-request timeout, a body cap
// after decompression, at most five redirects, per-host politeness and
// refusal of private addresses checked on the dialed IP.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MaxRedirects is how many redirects one fetch follows.
const MaxRedirects = 5

// Sentinel errors callers branch on (wrapped; test with errors.Is).
var (
	ErrBodyTooLarge     = errors.New("response body exceeds the size limit")
	ErrPrivateAddress   = errors.New("refusing to connect to a private, loopback or link-local address")
	ErrTooManyRedirects = errors.New("too many redirects")
)

// HTTPError is a response with a status other than 200 or 304.
type HTTPError struct {
	StatusCode int
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("HTTP %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Options configure a Client.
type Options struct {
	Timeout              time.Duration // whole request, body included
	MaxBody              int64         // bytes after decompression
	UserAgent            string
	PerHost              int // requests at once to one host
	AllowPrivateNetworks bool
	// Proxy, if set, is the HTTP(S) proxy every request goes through.
	// The private-address check then resolves the feed's host itself
	// before each request (and redirect): the proxy dials, so the check
	// cannot see the address dialed, and a name that resolves
	// differently for the proxy (DNS rebinding) gets past it.
	Proxy *url.URL
}

// Client fetches feeds. One Client, and so one connection pool, serves
// the whole process; it is safe for concurrent use.
type Client struct {
	hc   *http.Client
	opts Options

	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// New returns a Client with opts.
func New(opts Options) *Client {
	if opts.PerHost < 1 {
		opts.PerHost = 1
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	maxConns, idlePerHost := opts.PerHost, opts.PerHost
	var proxy func(*http.Request) (*url.URL, error)
	if opts.Proxy != nil {
		// Every connection goes to the proxy, which usually sits on a
		// private address. Plain-http feeds share one connection pool
		// there, so the transport must not limit connections per host:
		// AcquireHost keeps the per-host politeness.
		maxConns, idlePerHost = 0, 64
		proxy = func(req *http.Request) (*url.URL, error) {
			if !opts.AllowPrivateNetworks {
				if err := checkHost(req.Context(), req.URL.Hostname()); err != nil {
					return nil, err
				}
			}
			return opts.Proxy, nil
		}
	} else if !opts.AllowPrivateNetworks {
		// Control runs after DNS resolution on the address actually
		// dialed, so neither DNS rebinding nor a redirect gets around it.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
			}
			if !Public(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, ap.Addr())
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                  proxy, // not the environment's: see Options.Proxy
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    idlePerHost,
		MaxConnsPerHost:        maxConns,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	c := &Client{
		opts:  opts,
		hosts: map[string]chan struct{}{},
		hc: &http.Client{
			Transport: tr,
			Timeout:   opts.Timeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) > MaxRedirects {
					return fmt.Errorf("%w (%d)", ErrTooManyRedirects, len(via)-1)
				}
				return nil
			},
		},
	}
	return c
}

// checkHost refuses a host that is, or resolves to, an address that is
// not Public.
func checkHost(ctx context.Context, host string) error {
	if addr, err := netip.ParseAddr(host); err == nil {
		if !Public(addr) {
			return fmt.Errorf("%w: %s", ErrPrivateAddress, addr)
		}
		return nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if !Public(a) {
			return fmt.Errorf("%w: %s (%s)", ErrPrivateAddress, a, host)
		}
	}
	return nil
}

// Public reports whether addr is an address a public feed may live at.
// An IPv6 address that carries an IPv4 address for a translator or
// tunnel (NAT64, 6to4, IPv4-compatible, SIIT) is judged by that IPv4
// address: 64:ff9b::a9fe:a9fe reaches 169.254.169.254 through a NAT64
// gateway.
func Public(addr netip.Addr) bool {
	// A zone ("%eth0") would make every prefix test below false.
	addr = addr.WithZone("").Unmap()
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return false
		}
	}
	if v4, ok := embeddedIPv4(addr); ok {
		return Public(v4)
	}
	return true
}

// embeddedIPv4 returns the IPv4 address an IPv6 address of a translation
// or tunnelling prefix stands for.
func embeddedIPv4(addr netip.Addr) (netip.Addr, bool) {
	if !addr.Is6() {
		return netip.Addr{}, false
	}
	b := addr.As16()
	for _, p := range embeddingLast32 {
		if p.Contains(addr) {
			return netip.AddrFrom4([4]byte(b[12:16])), true
		}
	}
	if sixToFour.Contains(addr) {
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

var (
	// embeddingLast32 carry the IPv4 address in their last 32 bits.
	embeddingLast32 = []netip.Prefix{
		netip.MustParsePrefix("64:ff9b::/96"),    // NAT64, well-known (RFC 6052)
		netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated)
		netip.MustParsePrefix("::ffff:0:0:0/96"), // SIIT IPv4-translated (RFC 2765)
	}
	sixToFour = netip.MustParsePrefix("2002::/16") // 6to4: the IPv4 address follows the prefix
)

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"), // NAT64, local use (RFC 8215)
	netip.MustParsePrefix("2001::/32"),      // Teredo: the IPv4 address is obfuscated
	netip.MustParsePrefix("fec0::/10"),      // site-local (deprecated)
}

// Request is one conditional fetch.
type Request struct {
	URL          string
	ETag         string
	LastModified string
}

// Response is a successful fetch: 200 with a body, or 304.
type Response struct {
	StatusCode   int
	NotModified  bool
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	URL          string // after redirects
}

// Get fetches req.URL. Non-2xx/304 statuses return *HTTPError. Get does
// not wait for a host slot: callers hold one (AcquireHost) around it, and
// take it before any other limited resource, so that requests waiting for
// a busy host never hold what requests to other hosts need.
func (c *Client) Get(ctx context.Context, req Request) (*Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	hreq.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	out := &Response{
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		URL:          resp.Request.URL.String(),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		// Keep the validators we sent when the 304 repeats none.
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		return out, nil
	case resp.StatusCode != http.StatusOK:
		// Drain a little so the connection can be reused.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, &HTTPError{StatusCode: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	// The transport has already undone gzip, so the limit counts
	// decompressed bytes and a gzip bomb stops at MaxBody.
	// A declared length sizes the buffer once instead of by doubling.
	// It is only a hint, trusted up to 1 MiB (the reader stops at the
	// limit whatever it says); MinRead: bytes.Buffer grows when less than
	// that is free before a read.
	hint := min(max(resp.ContentLength, 0), 1<<20, c.opts.MaxBody)
	buf := bytes.NewBuffer(make([]byte, 0, hint+bytes.MinRead))
	// One byte over the limit tells a body of exactly MaxBody from a
	// longer one (capped: MaxInt64+1 would wrap and read nothing).
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, min(c.opts.MaxBody, math.MaxInt64-1)+1)); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	body := buf.Bytes()
	if int64(len(body)) > c.opts.MaxBody {
		return nil, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, c.opts.MaxBody)
	}
	out.Body = body
	return out, nil
}

// HostKey is what the per-host limit counts by: the URL's host and port,
// lower-cased ("" if the URL does not parse).
func HostKey(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// AcquireHost waits for one of the PerHost request slots of rawURL's
// host and returns the function that gives it back.
func (c *Client) AcquireHost(ctx context.Context, rawURL string) (release func(), err error) {
	sem := c.hostSlots(rawURL)
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TryAcquireHost takes a slot of rawURL's host if one is free.
func (c *Client) TryAcquireHost(rawURL string) (release func(), ok bool) {
	sem := c.hostSlots(rawURL)
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, true
	default:
		return nil, false
	}
}

func (c *Client) hostSlots(rawURL string) chan struct{} {
	host := HostKey(rawURL)
	c.mu.Lock()
	defer c.mu.Unlock()
	sem, ok := c.hosts[host]
	if !ok {
		sem = make(chan struct{}, c.opts.PerHost)
		c.hosts[host] = sem
	}
	return sem
}

// maxRetryAfter is the longest delay-seconds kept as given; larger
// values would overflow a time.Duration. Callers cap it further.
const maxRetryAfter = int64(math.MaxInt64 / time.Second)

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	switch n, err := strconv.ParseInt(v, 10, 64); {
	case err == nil && n >= 0:
		return time.Duration(min(n, maxRetryAfter)) * time.Second
	case errors.Is(err, strconv.ErrRange) && v[0] != '-':
		// Longer than a Duration holds: the server means "not soon".
		return time.Duration(maxRetryAfter) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
