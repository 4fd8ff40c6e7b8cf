// Package feeds republishes stored items as Atom, RSS, JSON Feed, an
// HTML page, plain text and OPML, and serves them over HTTP.
//
// Every document is rendered once per change of its content and served
// from memory (see cache.go); the item selection is in select.go, the
// per-item presentation (titles, dates, safe links, sanitizing) in
// present.go and one file per format.
package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
)

// Server is the HTTP handler of the republished feeds.
type Server struct {
	cfg     *config.Config
	store   *storage.Store
	log     *slog.Logger
	mux     *http.ServeMux
	base    string // base_url without a trailing slash
	pres    *presenter
	outputs map[string]*config.Output
	now     func() time.Time

	gen      atomic.Uint64 // bumped by Invalidate
	renders  atomic.Int64  // documents rendered, for tests and logs
	cache    *cache
	flightMu sync.Mutex
	flight   map[string]*call

	eager    bool
	debounce time.Duration
	kick     chan struct{}
	stop     context.CancelFunc
	// life is cancelled by Close: renders outlive the request that
	// started them (others may wait for the same one) but not the server.
	life context.Context
	wg   sync.WaitGroup
}

// Option adjusts a Server.
type Option func(*Server)

// WithClock sets the clock used for max_age and Last-Modified (tests).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithoutPrerender turns off the background re-rendering of default
// views after Invalidate (for one-shot use such as the export command).
func WithoutPrerender() Option { return func(s *Server) { s.eager = false } }

// WithCacheLimits bounds the rendered-document cache.
func WithCacheLimits(entries int, bytes int64) Option {
	return func(s *Server) { s.cache = newCache(max(entries, 1), max(bytes, 1)) }
}

// WithDebounce sets how long the background re-rendering waits after an
// invalidation for further ones (ingests commit in bursts).
func WithDebounce(d time.Duration) Option { return func(s *Server) { s.debounce = d } }

// Default cache bounds: a few hundred documents, 64 MiB.
const (
	DefaultCacheEntries = 512
	DefaultCacheBytes   = 64 << 20
)

// NewServer returns the handler for cfg's outputs over store. Background
// re-rendering runs until ctx is cancelled or Close is called.
func NewServer(ctx context.Context, cfg *config.Config, store *storage.Store, logger *slog.Logger, opts ...Option) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:      cfg,
		store:    store,
		log:      logger.With("component", "feeds"),
		mux:      http.NewServeMux(),
		base:     strings.TrimRight(cfg.BaseURL, "/"),
		pres:     newPresenter(cfg),
		outputs:  map[string]*config.Output{},
		now:      time.Now,
		cache:    newCache(DefaultCacheEntries, DefaultCacheBytes),
		flight:   map[string]*call{},
		eager:    true,
		debounce: time.Second,
		kick:     make(chan struct{}, 1),
	}
	for i := range cfg.Outputs {
		s.outputs[cfg.Outputs[i].Name] = &cfg.Outputs[i]
	}
	for _, o := range opts {
		o(s)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /feeds/{file}", s.serveFeed)
	s.mux.HandleFunc("GET /feeds/land/{file}", s.serveLandFeed)
	s.mux.HandleFunc("GET /{$}", s.servePage)
	s.mux.HandleFunc("GET /land/{code}", s.servePage)
	s.mux.HandleFunc("GET /outputs/{name}", s.servePage)
	s.mux.HandleFunc("GET /sources.opml", s.serveOPML)
	s.mux.HandleFunc("GET /feeds.opml", s.serveOPML)

	ctx, s.stop = context.WithCancel(ctx)
	s.life = ctx
	if s.eager {
		s.kick <- struct{}{} // warm the default views
		s.wg.Add(1)
		go s.prerenderLoop(ctx)
	}
	return s, nil
}

// Close stops the background re-rendering and waits for it.
func (s *Server) Close() error {
	s.stop()
	s.wg.Wait()
	return nil
}

// Invalidate marks every rendered document stale after an ingest
// committed: the next request re-renders it, and the cached default
// views are re-rendered in the background soon after.
func (s *Server) Invalidate() {
	s.gen.Add(1)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// warmViews are rendered at start even before anyone asks for them.
func (s *Server) warmViews() []*view {
	return []*view{
		{kind: kindAll, format: FormatAtom},
		{kind: kindAll, format: FormatRSS},
		{kind: kindAll, format: FormatJSON},
		{kind: kindAll, format: FormatHTML},
	}
}

func (s *Server) prerenderLoop(ctx context.Context) {
	defer s.wg.Done()
	var mark int64 // LRU clock when the previous pass began
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kick:
		}
		// Ingests of several sources commit one after another: wait for
		// the burst to end before rendering.
		if s.debounce > 0 {
			t := time.NewTimer(s.debounce)
			for waiting := true; waiting; {
				select {
				case <-ctx.Done():
					t.Stop()
					return
				case <-s.kick:
					t.Reset(s.debounce)
				case <-t.C:
					waiting = false
				}
			}
		}
		views := s.warmViews()
		for _, e := range s.cache.defaultsUsedSince(mark) {
			views = append(views, e.view)
		}
		mark = s.cache.clock.Load()
		seen := map[string]bool{}
		for _, v := range views {
			if ctx.Err() != nil {
				return
			}
			if k := v.key(); !seen[k] {
				seen[k] = true
				if _, err := s.prerender(ctx, v); err != nil && ctx.Err() == nil {
					s.log.Warn("prerender failed", "path", k, "err", err)
				}
			}
		}
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// healthz answers 200 "ok" while the server runs and its database can
// serve and store, else 503 with the reason: monitoring must hear of a
// database deleted under the running service or a full disk, which
// would otherwise lose every new item without a sign.
//
// With fresh=DURATION it is also 503 when no source has been fetched
// successfully for that long: a network or proxy that stopped working
// leaves the feeds stale without a failing request of their own. It is
// a parameter, not the default, because a load balancer must keep
// sending readers to a server whose feeds are merely old.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var fresh time.Duration
	if v := r.URL.Query().Get("fresh"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, "fresh: want a duration of at least 1m (fresh=2h), got %q\n", v)
			return
		}
		fresh = d
	}
	unhealthy := func(format string, args ...any) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "unhealthy: "+format+"\n", args...)
	}
	if err := s.store.Health(r.Context()); err != nil {
		unhealthy("%v", err)
		return
	}
	if fresh > 0 {
		last, err := s.store.LastSuccess(r.Context())
		switch age := s.now().Sub(last); {
		case err != nil:
			unhealthy("%v", err)
			return
		case last.IsZero():
			unhealthy("no source fetched successfully yet")
			return
		case age > fresh:
			unhealthy("no source fetched successfully for %s (last at %s)", age.Round(time.Second), last.Format(time.RFC3339))
			return
		}
	}
	w.Write([]byte("ok\n"))
}

// Errors of Export and of view resolution.
var (
	// ErrUnknownFeed: no such Land, output or format (HTTP 404).
	ErrUnknownFeed = errors.New("unknown feed")
	// ErrBadParameter: a query parameter is malformed (HTTP 400).
	ErrBadParameter = errBadParam
)

// feedView resolves /feeds/{name}{.ext} to a view.
func (s *Server) feedView(name string, f Format) (*view, error) {
	name = strings.ToLower(name)
	if name == "all" {
		return &view{kind: kindAll, format: f}, nil
	}
	if land, ok := strings.CutPrefix(name, "land/"); ok {
		code, ok := landCodeOf(land)
		if !ok {
			return nil, ErrUnknownFeed
		}
		return &view{kind: kindLand, land: code, format: f}, nil
	}
	if o := s.outputs[name]; o != nil {
		return &view{kind: kindOutput, output: o, format: f}, nil
	}
	return nil, ErrUnknownFeed
}

// splitExt splits "he.atom" into "he" and FormatAtom.
func splitExt(file string) (string, Format, bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return "", 0, false
	}
	f, ok := extensions[strings.ToLower(file[i:])]
	return file[:i], f, ok
}

var (
	hCacheControl = []string{"public, max-age=300"}
	hVary         = []string{"Accept-Encoding"}
	hGzip         = []string{"gzip"}
	hNoSniff      = []string{"nosniff"}
)

func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request) {
	// Fast path: a default view whose path is its cache key.
	if r.URL.RawQuery == "" {
		if e := s.cache.get(r.URL.Path); e != nil && e.fresh(s.gen.Load(), s.now) {
			serveEntry(w, r, e)
			return
		}
	}
	name, f, ok := splitExt(r.PathValue("file"))
	if !ok {
		notFound(w)
		return
	}
	v, err := s.feedView(name, f)
	s.serveView(w, r, v, err)
}

func (s *Server) serveLandFeed(w http.ResponseWriter, r *http.Request) {
	name, f, ok := splitExt(r.PathValue("file"))
	if !ok {
		notFound(w)
		return
	}
	v, err := s.feedView("land/"+name, f)
	s.serveView(w, r, v, err)
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	var v *view
	var err error
	switch {
	case r.PathValue("code") != "":
		v, err = s.feedView("land/"+r.PathValue("code"), FormatHTML)
	case r.PathValue("name") != "":
		name := strings.ToLower(r.PathValue("name"))
		if name == "all" || strings.Contains(name, "/") {
			err = ErrUnknownFeed
		} else {
			v, err = s.feedView(name, FormatHTML)
		}
	default:
		v = &view{kind: kindAll, format: FormatHTML}
	}
	s.serveView(w, r, v, err)
}

func (s *Server) serveOPML(w http.ResponseWriter, r *http.Request) {
	v := &view{kind: kindFeedsOPML}
	if r.URL.Path == "/sources.opml" {
		v.kind = kindSourcesOPML
	}
	s.serveView(w, r, v, nil)
}

func (s *Server) serveView(w http.ResponseWriter, r *http.Request, v *view, err error) {
	if err != nil {
		notFound(w)
		return
	}
	if v.kind != kindSourcesOPML && v.kind != kindFeedsOPML {
		// url.Query would drop what does not parse ("limit=%zz",
		// "limit=5;since=x") and serve the default page as if asked for.
		q, qerr := url.ParseQuery(r.URL.RawQuery)
		if qerr != nil {
			textError(w, http.StatusBadRequest, "malformed query string")
			return
		}
		if v.params, err = parseParams(q); err != nil {
			textError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), errBadParam.Error()+": "))
			return
		}
	}
	e, err := s.lookup(r.Context(), v)
	if err != nil {
		if r.Context().Err() == nil && s.life.Err() == nil {
			s.log.Error("render failed", "path", v.key(), "err", err)
		}
		textError(w, http.StatusServiceUnavailable, "feed temporarily unavailable, please retry")
		return
	}
	serveEntry(w, r, e)
}

func notFound(w http.ResponseWriter) { textError(w, http.StatusNotFound, "unknown feed") }

func textError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	io.WriteString(w, msg+"\n")
}

// serveEntry writes a cached document: conditional GET on ETag and
// Last-Modified, gzip when accepted, no body for HEAD.
func serveEntry(w http.ResponseWriter, r *http.Request, e *entry) {
	h := w.Header()
	h["Content-Type"] = e.hType
	h["Cache-Control"] = hCacheControl
	h["Vary"] = hVary
	h["Last-Modified"] = e.hLastMod
	h["X-Content-Type-Options"] = hNoSniff
	if e.hLink != nil {
		h["Link"] = e.hLink
	}
	gz := e.gz != nil && acceptsGzip(r.Header["Accept-Encoding"])
	if gz {
		h["Etag"] = e.hETagGz
	} else {
		h["Etag"] = e.hETag
	}
	if notModified(r, e) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	if gz {
		body = e.gz
		h["Content-Encoding"] = hGzip
		h["Content-Length"] = e.hLenGz
	} else {
		h["Content-Length"] = e.hLen
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified evaluates If-None-Match (which wins when present) and
// If-Modified-Since (RFC 9110, 13.2.2). Either representation's ETag
// matches: they differ only in their content coding.
func notModified(r *http.Request, e *entry) bool {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for _, line := range inm {
			for _, t := range strings.Split(line, ",") {
				t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
				if t == "*" || t == e.etag || t == e.etagGz {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		if err != nil || e.lmShared && t.Equal(e.lastMod) {
			return false // the client may hold the other version of that second
		}
		return !e.lastMod.After(t)
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding allows gzip: named with
// q > 0, or not named and "*" with q > 0. Codings and parameter names
// are case-insensitive (RFC 9110, 12.5.3).
func acceptsGzip(values []string) bool {
	star := false
	for _, line := range values {
		line = strings.ToLower(line)
		if !strings.Contains(line, "gzip") && !strings.Contains(line, "*") {
			continue
		}
		for _, part := range strings.Split(line, ",") {
			coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
			coding = strings.TrimSpace(coding)
			ok := qNonZero(q)
			switch {
			case coding == "gzip" || coding == "x-gzip":
				return ok
			case coding == "*":
				star = ok
			}
		}
	}
	return star
}

// qNonZero reads the parameters after a coding: false only for q=0.
func qNonZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
			return strings.Trim(strings.TrimSpace(v), "0.") != ""
		}
	}
	return true
}

// Export writes the document the server would serve for target ("all",
// "land/he" or an output's name) in format f with query parameters q:
// the same bytes as over HTTP. next holds the paging parameters of the
// next page (before, and until in a since pull); nil on the last page.
func (s *Server) Export(ctx context.Context, w io.Writer, target string, f Format, q url.Values) (next url.Values, err error) {
	v, err := s.feedView(strings.TrimSuffix(strings.TrimPrefix(target, "/"), "/"), f)
	if err != nil {
		return nil, err
	}
	if v.params, err = parseParams(q); err != nil {
		return nil, err
	}
	e, err := s.lookup(ctx, v)
	if err != nil {
		return nil, err
	}
	if e.next != "" {
		if u, err := url.Parse(e.next); err == nil {
			next = url.Values{}
			for _, k := range []string{"before", "until"} {
				if v := u.Query().Get(k); v != "" {
					next.Set(k, v)
				}
			}
		}
	}
	_, err = w.Write(e.body)
	return next, err
}

// HTTPServer wraps h with the timeouts and limits a public server needs.
func HTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}
