package aggregator

import (
	"context"
	"sync"
	"time"

	"github.com/egovfeed/egovfeed/aggregator/fetch"
)

// dispatcher hands out FetchAll's sources to its workers, each with a
// slot of its host already taken: a worker never waits for a busy host
// while sources of other hosts are ready. Within a host, sources go in
// configuration order; hosts are served in the order they first appear.
type dispatcher struct {
	client *fetch.Client
	urls   []string

	mu     sync.Mutex
	groups [][]int // per host, the indexes of sources not handed out yet
	first  int     // groups before it are empty: with one source per host, scans stay short
	left   int
	freed  chan struct{} // closed (and replaced) when a host slot is given back
}

func newDispatcher(client *fetch.Client, sources []*source) *dispatcher {
	d := &dispatcher{client: client, left: len(sources), freed: make(chan struct{})}
	byHost := map[string]int{}
	for i, src := range sources {
		d.urls = append(d.urls, src.cfg.URL)
		h := fetch.HostKey(src.cfg.URL)
		g, ok := byHost[h]
		if !ok {
			g = len(d.groups)
			byHost[h] = g
			d.groups = append(d.groups, nil)
		}
		d.groups[g] = append(d.groups[g], i)
	}
	return d
}

// recheck bounds the wait for a host slot that is given back outside
// this dispatcher (a scheduled run of the same host).
const recheck = time.Second

// next returns a source to fetch and the release of its host slot, or
// false when every source has been handed out. Once ctx is done it hands
// out the rest without slots: fetchSource ends them at once.
func (d *dispatcher) next(ctx context.Context) (int, func(), bool) {
	for {
		d.mu.Lock()
		if d.left == 0 {
			d.mu.Unlock()
			return 0, nil, false
		}
		for g := d.first; g < len(d.groups); g++ {
			idx := d.groups[g]
			if len(idx) == 0 {
				continue
			}
			cancelled := ctx.Err() != nil
			var release func()
			if !cancelled {
				var ok bool
				if release, ok = d.client.TryAcquireHost(d.urls[idx[0]]); !ok {
					continue
				}
			}
			d.groups[g] = idx[1:]
			d.left--
			for d.first < len(d.groups) && len(d.groups[d.first]) == 0 {
				d.first++
			}
			d.mu.Unlock()
			if cancelled {
				return idx[0], func() {}, true
			}
			return idx[0], func() { release(); d.wake() }, true
		}
		d.compact()
		freed := d.freed
		d.mu.Unlock()
		t := time.NewTimer(recheck)
		select {
		case <-freed:
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}

func (d *dispatcher) wake() {
	d.mu.Lock()
	close(d.freed)
	d.freed = make(chan struct{})
	d.mu.Unlock()
}

// compact drops the hosts with nothing left, so that next scans only
// hosts that still have sources. d.mu is held.
func (d *dispatcher) compact() {
	kept := d.groups[:0]
	for _, idx := range d.groups {
		if len(idx) > 0 {
			kept = append(kept, idx)
		}
	}
	clear(d.groups[len(kept):])
	d.groups, d.first = kept, 0
}
