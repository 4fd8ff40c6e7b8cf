package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// How rendered documents are cached
//
// Every document (feed page, HTML page, OPML) is rendered once and then
// served from memory: a request is a map lookup and a write. An entry
// remembers the generation it was rendered in; Invalidate (called after
// every ingest commit) bumps the generation, which makes every entry
// stale at once without touching it. A stale entry is re-rendered by
// the next request for it (concurrent requests wait for one rendering),
// and the default views that are in the cache are re-rendered eagerly
// in the background shortly after an invalidation (those requested since
// the previous such pass, and the main feeds always). A re-render that
// produces the same bytes keeps the ETag and Last-Modified, so
// subscribers keep getting 304s.
//
// The cache is bounded in entries and bytes; when full, the least
// recently used entries are evicted. Keys are canonical paths plus the
// normalized known query parameters, so unknown parameters cannot grow
// it, and known ones are bounded by the limits.

// entry is one rendered document with its precomputed headers.
type entry struct {
	key     string
	view    *view
	gen     uint64
	expires time.Time // zero: until the next invalidation
	body    []byte
	gz      []byte // nil when gzip would not be smaller
	etag    string
	etagGz  string
	next    string // absolute URL of the next page, or ""
	lastMod time.Time
	// lmShared: an earlier, different version was served with the same
	// Last-Modified (both rendered within one second), so that date
	// cannot tell a client which one it holds.
	lmShared bool

	// Header values, built once and shared by every response.
	hType, hETag, hETagGz, hLastMod, hLen, hLenGz, hLink []string

	used atomic.Int64 // LRU clock value of the last use
}

func (e *entry) size() int64 { return int64(len(e.body) + len(e.gz) + len(e.key) + 256) }

func (e *entry) fresh(gen uint64, now func() time.Time) bool {
	return e.gen == gen && (e.expires.IsZero() || now().Before(e.expires))
}

func newEntry(v *view, key string, gen uint64, r rendered, prev *entry, now time.Time) *entry {
	body := r.body
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:12])
	e := &entry{key: key, view: v, gen: gen, expires: r.expires, body: body, next: r.next,
		etag: `"` + tag + `"`, etagGz: `"` + tag + `-gz"`}
	if r.next != "" {
		// Every format gets the next page as an HTTP link (RFC 8288) too:
		// the plain text has no place for one in its body.
		e.hLink = []string{"<" + r.next + `>; rel="next"`}
	}
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	if zb.Len() < len(body) {
		e.gz = zb.Bytes()
	}
	second := now.UTC().Truncate(time.Second)
	switch {
	case prev != nil && prev.etag == e.etag && !(prev.lmShared && second.After(prev.lastMod)):
		// Same bytes: unchanged for conditional GETs.
		e.lastMod, e.lmShared = prev.lastMod, prev.lmShared
	case prev != nil && prev.etag != e.etag && !second.After(prev.lastMod):
		// Changed within the second of the previous version: a later
		// date would be in the future, which Last-Modified must not be
		// (RFC 9110, 8.8.2.1); the date is shared instead.
		e.lastMod, e.lmShared = prev.lastMod, true
	default:
		// New, changed, or the same bytes as a version whose date was
		// shared, which now gets a date of its own.
		e.lastMod = second
	}
	e.hType = []string{v.format.contentType()}
	if v.kind == kindSourcesOPML || v.kind == kindFeedsOPML {
		e.hType = []string{"text/x-opml; charset=utf-8"}
	}
	e.hETag = []string{e.etag}
	e.hETagGz = []string{e.etagGz}
	e.hLastMod = []string{e.lastMod.Format(http.TimeFormat)}
	e.hLen = []string{strconv.Itoa(len(e.body))}
	e.hLenGz = []string{strconv.Itoa(len(e.gz))}
	return e
}

// cache is a bounded map of entries with approximate LRU eviction.
type cache struct {
	mu         sync.RWMutex
	entries    map[string]*entry
	bytes      int64
	maxEntries int
	maxBytes   int64
	clock      atomic.Int64
}

func newCache(maxEntries int, maxBytes int64) *cache {
	return &cache{entries: map[string]*entry{}, maxEntries: maxEntries, maxBytes: maxBytes}
}

// get returns the entry of key and marks it used.
func (c *cache) get(key string) *entry {
	e := c.peek(key)
	if e != nil {
		e.used.Store(c.clock.Add(1))
	}
	return e
}

// peek returns the entry of key without marking it used.
func (c *cache) peek(key string) *entry {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	return e
}

// put stores e, replacing the entry of the same key (whose last use it
// inherits: a re-rendering is no use), and evicts the least recently
// used entries while the cache is over its bounds.
func (c *cache) put(e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[e.key]; old != nil {
		c.bytes -= old.size()
		e.used.Store(old.used.Load())
	} else {
		e.used.Store(c.clock.Add(1))
	}
	c.entries[e.key] = e
	c.bytes += e.size()
	for len(c.entries) > 1 && (len(c.entries) > c.maxEntries || c.bytes > c.maxBytes) {
		var victim *entry
		for _, x := range c.entries {
			if x != e && (victim == nil || x.used.Load() < victim.used.Load()) {
				victim = x
			}
		}
		delete(c.entries, victim.key)
		c.bytes -= victim.size()
	}
}

// defaultsUsedSince returns the cached entries of default views (no
// query parameters) requested after the LRU clock showed mark, for
// eager re-rendering: a feed nobody asked for since the last pass is
// left to render when it is next requested.
func (c *cache) defaultsUsedSince(mark int64) []*entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []*entry
	for _, e := range c.entries {
		if e.view.params == (params{}) && e.used.Load() > mark {
			out = append(out, e)
		}
	}
	return out
}

func (c *cache) len() (int, int64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries), c.bytes
}

// call is one rendering in flight; requests for the same document and
// generation wait for it instead of rendering again.
type call struct {
	done chan struct{}
	e    *entry
	err  error
}

// renderTimeout bounds one rendering, which outlives the request that
// started it (others may be waiting for it).
const renderTimeout = 30 * time.Second

// lookup returns the current rendering of v, rendering it if the cached
// one is missing or stale, and marks it used.
func (s *Server) lookup(ctx context.Context, v *view) (*entry, error) {
	key := v.key()
	if e := s.cache.get(key); e != nil && e.fresh(s.gen.Load(), s.now) {
		return e, nil
	}
	return s.refresh(ctx, v, key)
}

// prerender is lookup without marking the entry used.
func (s *Server) prerender(ctx context.Context, v *view) (*entry, error) {
	key := v.key()
	if e := s.cache.peek(key); e != nil && e.fresh(s.gen.Load(), s.now) {
		return e, nil
	}
	return s.refresh(ctx, v, key)
}

func (s *Server) refresh(ctx context.Context, v *view, key string) (*entry, error) {
	gen := s.gen.Load()
	fk := key + "#" + strconv.FormatUint(gen, 10)
	s.flightMu.Lock()
	if c, ok := s.flight[fk]; ok {
		s.flightMu.Unlock()
		select {
		case <-c.done:
			return c.e, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &call{done: make(chan struct{})}
	s.flight[fk] = c
	s.flightMu.Unlock()
	defer func() {
		s.flightMu.Lock()
		delete(s.flight, fk)
		s.flightMu.Unlock()
		close(c.done)
	}()

	prev := s.cache.peek(key)
	if prev != nil && prev.fresh(gen, s.now) {
		c.e = prev // rendered by a call that just finished
		return c.e, nil
	}
	rctx, cancel := context.WithTimeout(s.life, renderTimeout)
	defer cancel()
	start := time.Now()
	s.renders.Add(1)
	r, err := s.render(rctx, v)
	if err != nil {
		c.err = err
		if s.life.Err() != nil {
			// The server is closing: the render was cut short, not failed.
			return nil, err
		}
		if prev != nil {
			// Serve what we had rather than an error; the next request
			// tries again.
			s.log.Warn("render failed, serving the previous version", "path", key, "err", err)
			c.e, c.err = prev, nil
		}
		return c.e, c.err
	}
	c.e = newEntry(v, key, gen, r, prev, s.now())
	s.cache.put(c.e)
	s.log.Debug("rendered", "path", key, "bytes", len(r.body), "took", time.Since(start))
	return c.e, nil
}
