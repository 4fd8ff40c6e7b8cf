// Package aggregator pulls the configured sources on their schedules,
// parses, normalizes, tags and deduplicates their items and stores them.
package aggregator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/dedup"
	"github.com/egovfeed/egovfeed/aggregator/fetch"
	"github.com/egovfeed/egovfeed/aggregator/normalize"
	"github.com/egovfeed/egovfeed/config"
	"github.com/egovfeed/egovfeed/storage"
	"github.com/mmcdole/gofeed"
)

// backoffBase is the wait after the first failure; it doubles with each
// further failure up to fetch.max_backoff.
const backoffBase = 5 * time.Minute

// TagFunc returns the Länder an item's text concerns.
type TagFunc func(title, teaser string) []storage.LandTag

// Options are the aggregator's collaborators.
type Options struct {
	Logger *slog.Logger
	Tag    TagFunc // nil: only configured source Länder
	// OnCommit, when set, is called after a fetch stored new or changed
	// items (the republisher re-renders then).
	OnCommit func()
	Now      func() time.Time // for tests; time.Now by default
}

// Aggregator fetches and stores. It is safe for concurrent use.
type Aggregator struct {
	cfg      *config.Config
	store    *storage.Store
	client   *fetch.Client
	log      *slog.Logger
	tag      TagFunc
	onCommit func()
	now      func() time.Time
	sources  []*source

	// fetching bounds fetch+parse work (fetch.concurrency); storing
	// bounds parsed batches waiting for the writer, so a slow disk
	// holds back fetching instead of filling memory.
	fetching chan struct{}
	storing  chan struct{}

	index *dedup.Index // near-duplicates of the recent window
}

// maxPendingBatches bounds parsed batches waiting to be stored. In a
// first cycle the writer is the bottleneck and this queue stays full, so
// it only needs to be deeper than a group commit takes at once; every
// batch in it is heap the collector must keep (128 held about 7 MB more
// at no gain in speed).
const maxPendingBatches = 32

type source struct {
	cfg     config.Source
	id      int64
	running sync.Mutex // one fetch of a source at a time
}

// Result is the outcome of fetching one source.
type Result struct {
	Source      string
	SourceID    int64
	Status      int // HTTP status, 0 without a response
	NotModified bool
	Skipped     bool      // held off by backoff or Retry-After, or Busy
	Busy        bool      // skipped: the source's previous fetch was still running
	RetryAfter  time.Time // when Skipped, or after a failure
	// LastError is, when Skipped, the error of the fetch that put the
	// source into backoff: it is still failing as far as anyone knows.
	LastError string
	New       int
	Updated   int
	Bytes     int64
	Duration  time.Duration
	Err       error
}

// New returns an aggregator for cfg's sources, registering them in store.
func New(ctx context.Context, cfg *config.Config, store *storage.Store, opts Options) (*Aggregator, error) {
	var proxy *url.URL
	if cfg.Fetch.Proxy != "" {
		var err error
		if proxy, err = url.Parse(cfg.Fetch.Proxy); err != nil {
			return nil, fmt.Errorf("fetch.proxy: %w", err)
		}
	}
	a := &Aggregator{
		cfg:   cfg,
		store: store,
		client: fetch.New(fetch.Options{
			Timeout:              time.Duration(cfg.Fetch.Timeout),
			MaxBody:              int64(cfg.Fetch.MaxBody),
			UserAgent:            cfg.Fetch.UserAgent,
			PerHost:              cfg.Fetch.PerHost,
			AllowPrivateNetworks: cfg.Fetch.AllowPrivateNetworks,
			Proxy:                proxy,
		}),
		log:      opts.Logger,
		tag:      opts.Tag,
		onCommit: opts.OnCommit,
		now:      opts.Now,
		fetching: make(chan struct{}, cfg.Fetch.Concurrency),
		storing:  make(chan struct{}, maxPendingBatches),
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.log = a.log.With("component", "aggregator")
	if a.now == nil {
		a.now = time.Now
	}
	scs := make([]storage.SourceConfig, len(cfg.Sources))
	for i, s := range cfg.Sources {
		scs[i] = storage.SourceConfig{Name: s.Name, URL: s.URL, Land: s.Land, Priority: s.EffectivePriority(), Place: s.Place()}
	}
	if err := a.retagMovedSources(ctx, cfg, scs); err != nil {
		return nil, err
	}
	ids, err := store.SyncSources(ctx, scs)
	if err != nil {
		return nil, err
	}
	for i, s := range cfg.Sources {
		a.sources = append(a.sources, &source{cfg: s, id: ids[i]})
	}
	if n, err := store.RestoreSources(ctx, ids, a.now()); err != nil {
		return nil, err
	} else if n > 0 {
		a.log.Info("sources configured again: their stories are shown again", "sources", n)
	}
	if a.index, err = loadIndex(ctx, store, dedupOptions(cfg.Dedup), a.now()); err != nil {
		return nil, err
	}
	store.SetClusterer(clusterer{a.index})
	return a, nil
}

// RemoveUnconfigured takes the stored sources that the configuration no
// longer lists out of the outputs (see storage.RemoveUnconfigured). Only
// serve calls it: its configuration is the one that publishes.
func (a *Aggregator) RemoveUnconfigured(ctx context.Context) error {
	ids := make([]int64, len(a.sources))
	for i, src := range a.sources {
		ids[i] = src.id
	}
	n, err := a.store.RemoveUnconfigured(ctx, ids, a.now())
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.Info("sources no longer configured: their stories leave the feeds, their items stay until retention", "sources", n)
	}
	return nil
}

// ErrUnknownSource: FetchNamed was given a name no configured source has.
var ErrUnknownSource = errors.New("no configured source of that name")

// FetchAll fetches every source once, concurrently within the configured
// limits, ignoring backoff when force is set. progress, if not nil, is
// called after each source (from several goroutines, serialized).
func (a *Aggregator) FetchAll(ctx context.Context, force bool, progress func(Result)) []Result {
	return a.fetchSources(ctx, a.sources, force, progress)
}

// FetchNamed is FetchAll for the configured sources of the given names,
// in the configuration's order: an operator trying a new or failing
// source need not fetch every other one.
func (a *Aggregator) FetchNamed(ctx context.Context, names []string, force bool, progress func(Result)) ([]Result, error) {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var srcs []*source
	for _, src := range a.sources {
		if want[src.cfg.Name] {
			srcs = append(srcs, src)
			delete(want, src.cfg.Name)
		}
	}
	for _, n := range names {
		if want[n] {
			return nil, fmt.Errorf("%w: %q", ErrUnknownSource, n)
		}
	}
	return a.fetchSources(ctx, srcs, force, progress), nil
}

func (a *Aggregator) fetchSources(ctx context.Context, sources []*source, force bool, progress func(Result)) []Result {
	results := make([]Result, len(sources))
	// Every source's state in one query rather than one each. FetchAll
	// is the fetch command's one-shot cycle: nothing else fetches these
	// sources meanwhile, so the states stay current.
	states, err := a.store.SourceStates(ctx)
	if err != nil {
		for i, src := range sources {
			results[i] = Result{Source: src.cfg.Name, SourceID: src.id, Err: err}
		}
		return results
	}
	// Only as many workers as can make progress (fetching, or waiting
	// with a parsed batch for the writer): thousands of idle goroutines
	// would each keep the stack that SQLite and the parser grew. The
	// dispatcher hands a worker only a source whose host has a free
	// slot, so sources of one slow host never occupy every worker.
	d := newDispatcher(a.client, sources)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range min(len(sources), a.cfg.Fetch.Concurrency+maxPendingBatches) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, hostSlot, ok := d.next(ctx)
				if !ok {
					return
				}
				src := sources[i]
				var known *storage.Source
				if st, ok := states[src.id]; ok {
					known = &st
				}
				results[i] = a.fetchSource(ctx, src, force, known, hostSlot)
				if progress != nil {
					mu.Lock()
					progress(results[i])
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return results
}

// fetchSource runs one fetch → parse → normalize → store cycle. known is
// the source's stored state (validators, backoff) if the caller has read
// it; nil reads it here, once no other run of the source can change it.
// hostSlot releases a slot of the source's host the caller already
// holds; nil: fetchSource waits for one. The host slot is taken before
// the fetch slot: a source waiting for a busy host must not hold a slot
// that sources of other hosts could use.
func (a *Aggregator) fetchSource(ctx context.Context, src *source, force bool, known *storage.Source, hostSlot func()) Result {
	if hostSlot != nil {
		hostSlot = sync.OnceFunc(hostSlot)
		defer hostSlot()
	}
	res := Result{Source: src.cfg.Name, SourceID: src.id}
	if !src.running.TryLock() {
		res.Skipped, res.Busy = true, true
		return res
	}
	defer src.running.Unlock()
	state, err := a.sourceState(ctx, src, known)
	if err != nil {
		res.Err = err
		return res
	}
	start := a.now()
	if !force && start.Before(state.RetryAfter) {
		res.Skipped, res.RetryAfter, res.LastError = true, state.RetryAfter, state.LastError
		return res
	}
	rec := storage.Fetch{SourceID: src.id, StartedAt: start}
	var items []storage.NewItem
	if hostSlot == nil {
		release, err := a.client.AcquireHost(ctx, src.cfg.URL)
		if err != nil {
			res.Err = fmt.Errorf("fetch source %q: %w", src.cfg.Name, err)
			return res
		}
		hostSlot = sync.OnceFunc(release)
		defer hostSlot()
	}
	select {
	case a.fetching <- struct{}{}:
	case <-ctx.Done():
		res.Err = fmt.Errorf("fetch source %q: %w", src.cfg.Name, ctx.Err())
		return res
	}
	resp, err := a.client.Get(ctx, fetch.Request{URL: src.cfg.URL, ETag: state.ETag, LastModified: state.LastModified})
	hostSlot() // the exchange is over: parsing needs no host slot
	if err == nil {
		rec.Status = resp.StatusCode
		rec.Bytes = int64(len(resp.Body))
		rec.ETag, rec.LastModified = resp.ETag, resp.LastModified
		rec.NotModified = resp.NotModified
		if !resp.NotModified {
			items, rec.FeedTitle, rec.FeedLink, err = a.parse(src, resp, start)
		}
	}
	resp = nil
	if err != nil && ctx.Err() != nil {
		// Stopped by shutdown, not failed: nothing is recorded, so no
		// backoff keeps the source from the next start's first run.
		<-a.fetching
		res.Err = fmt.Errorf("fetch source %q: %w", src.cfg.Name, err)
		return res
	}
	// The store slot is taken before the fetch slot is given back, so
	// parsed batches never pile up beyond maxPendingBatches. A stop does
	// not wait for that backlog: a batch not yet stored is dropped with
	// its validators, so the next start fetches the feed again in full.
	select {
	case a.storing <- struct{}{}:
	case <-ctx.Done():
		<-a.fetching
		res.Err = fmt.Errorf("fetch source %q: not stored: %w", src.cfg.Name, ctx.Err())
		return res
	}
	<-a.fetching
	defer func() { <-a.storing }()
	res.Status, res.Bytes, res.NotModified = rec.Status, rec.Bytes, rec.NotModified
	if err != nil {
		var he *fetch.HTTPError
		var retry time.Duration
		if errors.As(err, &he) {
			rec.Status, res.Status = he.StatusCode, he.StatusCode
			retry = he.RetryAfter
		}
		retry = max(retry, a.backoff(state.ConsecutiveFailures+1))
		rec.RetryAfter = start.Add(min(retry, time.Duration(a.cfg.Fetch.MaxBackoff)))
		rec.Err = err.Error()
		res.Err, res.RetryAfter = fmt.Errorf("fetch source %q: %w", src.cfg.Name, err), rec.RetryAfter
	}
	rec.Duration = a.now().Sub(start)
	res.Duration = rec.Duration
	// A batch the writer has not begun when ctx is done is dropped there
	// (SaveFetch returns ctx's error); one it has begun is stored whole.
	st, serr := a.store.SaveFetch(ctx, rec, src.cfg.URL, items, a.now())
	if serr != nil {
		res.Err = errors.Join(res.Err, serr)
		return res
	}
	res.New, res.Updated = st.New, st.Updated
	if (st.New > 0 || st.Updated > 0) && a.onCommit != nil {
		a.onCommit()
	}
	a.log.Debug("fetched", "source", src.cfg.Name, "status", res.Status, "new", st.New, "updated", st.Updated,
		"rekeyed", st.Rekeyed, "bytes", res.Bytes, "duration", res.Duration, "error", rec.Err)
	return res
}

func (a *Aggregator) sourceState(ctx context.Context, src *source, known *storage.Source) (storage.Source, error) {
	if known != nil {
		return *known, nil
	}
	return a.store.SourceByID(ctx, src.id)
}

// ErrNotAFeed wraps parse failures of bodies that are not feeds.
var ErrNotAFeed = errors.New("not a feed")

func (a *Aggregator) parse(src *source, resp *fetch.Response, now time.Time) (items []storage.NewItem, title, link string, err error) {
	body := normalize.UTF8(resp.Body, resp.ContentType)
	feed, err := parseFeed(body)
	if err != nil {
		return nil, "", "", err
	}
	items = a.normalizeFeed(src, feed, resp.URL, now)
	// The feed's title and link are repeated in every entry of the
	// source (atom:source, RSS <source>), so they are bounded like an
	// item's: a 1 MB channel title would otherwise make every republished
	// page carry megabytes per entry.
	title = normalize.Cut(normalize.Title(feed.Title), titleMax)
	if l, err := normalize.CanonicalLink(feed.Link, nil); err == nil && len(l) <= linkMax {
		link = l
	}
	return items, title, link, nil
}

// rssTranslator skips gofeed's search for an item image in the item's
// HTML: a full HTML parse per item (a third of the parser's allocations)
// for a field nothing here reads.
var rssTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}

// parseFeed parses RSS, Atom or JSON Feed, turning a panic in the parser
// (third-party code fed hostile input) into an error.
func parseFeed(body []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if p := recover(); p != nil {
			feed, err = nil, fmt.Errorf("%w: parser panic: %v", ErrNotAFeed, p)
		}
	}()
	if d := xmlDepth(body, maxXMLDepth); d > maxXMLDepth {
		return nil, fmt.Errorf("%w: elements nested more than %d deep", ErrNotAFeed, maxXMLDepth)
	}
	p := gofeed.NewParser()
	p.RSSTranslator = rssTranslator
	feed, err = p.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotAFeed, err)
	}
	if err := checkFeed(feed); err != nil {
		return nil, err
	}
	return feed, nil
}

func (a *Aggregator) backoff(failures int) time.Duration {
	d := backoffBase
	for i := 1; i < failures && d < time.Duration(a.cfg.Fetch.MaxBackoff); i++ {
		d *= 2
	}
	return min(d, time.Duration(a.cfg.Fetch.MaxBackoff))
}
