package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// LandTag says an item concerns a Land, and why.
type LandTag struct {
	Land     string // "DE-HE", … or "DE" for Bund
	Rule     string // which rule produced it, e.g. "source", "gemeinde"
	Evidence string // the words that triggered the rule
}

// NewItem is a normalized item as the aggregator hands it to storage.
type NewItem struct {
	GUID           string // natural key within the source (GUID, else canonical link)
	Title          string
	Teaser         string
	Link           string // canonical
	OrigLink       string
	Published      time.Time // zero: use first-seen time
	DateFromSource bool
	Lands          []LandTag
	// Fingerprint holds the near-duplicate features the Clusterer reads.
	Fingerprint []byte
	// AltGUID, if set, is another key the item may be stored under: a
	// GUID-less item keyed by its link alone while it is the only one with
	// that link, and by link and title while others share it. The stored
	// item under AltGUID is the item when it has the same title and the
	// one under GUID has not (a feed going from two such items back to
	// one must not write the newer over the older); of several items
	// naming it, only one.
	AltGUID string
	// AltAlias marks an AltGUID that is the key the item will have once
	// other items share its link: it is kept with the item (alt_key), so
	// that the tombstone of the item, once retention pruned it, covers it
	// too. (While the item is stored, findMoved re-keys it.)
	AltAlias bool
}

// altKey is the item's alt_key column: see AltAlias.
func (it *NewItem) altKey() sql.NullString {
	if !it.AltAlias || it.AltGUID == "" || it.AltGUID == it.GUID {
		return sql.NullString{}
	}
	return sql.NullString{String: it.AltGUID, Valid: true}
}

// landCodes lists the codes of tags.
func landCodes(tags []LandTag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Land
	}
	return out
}

// ContentHash identifies the visible content of an item; a change of it
// is what makes an item "updated".
func (it *NewItem) ContentHash() []byte {
	h := sha256.New()
	h.Write([]byte(it.Title))
	h.Write([]byte{0})
	h.Write([]byte(it.Teaser))
	h.Write([]byte{0})
	h.Write([]byte(it.Link))
	return h.Sum(nil)[:16]
}

// ItemKey is an item's public, stable key: it depends only on the
// source URL and the item's natural key, so it never changes across
// restarts, re-fetches or edits.
func ItemKey(sourceURL, guid string) string {
	h := sha256.Sum256([]byte(sourceURL + "\n" + guid))
	return hex.EncodeToString(h[:12])
}

// SaveStats counts what a batch changed.
type SaveStats struct {
	New     int
	Updated int
	// Rekeyed counts stored items the source listed under another GUID
	// than before (see findMoved): they stay one item, one entry. Those
	// whose text or link changed too are also counted as Updated.
	Rekeyed int
}

// SaveFetch records a fetch and stores its items atomically: the new
// ETag/Last-Modified are committed with the items they cover, so a failed
// store makes the next fetch get the full body again. A failed fetch
// (f.Err set) stores only the record and the failure.
//
// Calls from many goroutines are funnelled to one writer goroutine, which
// commits the batches waiting at that moment in one transaction, each in
// its own savepoint: a batch that fails rolls back alone. A batch whose
// ctx is done before the writer comes to it is dropped, nothing of it
// written: a stop does not wait for a backlog of writes, and since its
// validators are not stored either, its feed is fetched in full next time.
func (s *Store) SaveFetch(ctx context.Context, f Fetch, sourceURL string, items []NewItem, now time.Time) (SaveStats, error) {
	if s.readOnly {
		return SaveStats{}, ErrReadOnly
	}
	req := &writeReq{ctx: ctx, f: f, sourceURL: sourceURL, items: items, now: now, done: make(chan writeRes, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return SaveStats{}, ErrClosed
	}
	s.writes <- req
	s.mu.RUnlock()
	res := <-req.done
	if res.err != nil {
		return SaveStats{}, fmt.Errorf("storage: save fetch of source %d: %w", f.SourceID, res.err)
	}
	return res.st, nil
}

// ErrClosed is returned by writes after Close.
var ErrClosed = errors.New("storage: closed")

type writeReq struct {
	ctx       context.Context
	f         Fetch
	sourceURL string
	items     []NewItem
	now       time.Time
	done      chan writeRes
}

type writeRes struct {
	st  SaveStats
	err error
}

// maxGroup bounds how many batches share one transaction.
const maxGroup = 64

func (s *Store) writer() {
	defer close(s.writerDone)
	for req := range s.writes {
		group := []*writeReq{req}
	drain:
		for len(group) < maxGroup {
			select {
			case r, ok := <-s.writes:
				if !ok {
					break drain
				}
				group = append(group, r)
			default:
				break drain
			}
		}
		s.commitGroup(group)
	}
}

func (s *Store) commitGroup(group []*writeReq) {
	results := make([]writeRes, len(group))
	s.indexed = s.indexed[:0]
	err := s.Transact(context.Background(), func(tx *sql.Tx) error {
		for i, r := range group {
			mark := len(s.indexed)
			if err := r.ctx.Err(); err != nil {
				results[i].err = err
				continue
			}
			if _, err := tx.Stmt(s.stmt.savepoint).Exec(); err != nil {
				return err
			}
			st, err := s.applyFetch(tx, r)
			if err != nil {
				results[i].err = err
				s.unindex(mark)
				if _, err := tx.Stmt(s.stmt.rollbackTo).Exec(); err != nil {
					return err
				}
			} else {
				results[i].st = st
			}
			if _, err := tx.Stmt(s.stmt.release).Exec(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.unindex(0)
	}
	errs := []error{err}
	for i := range results {
		errs = append(errs, results[i].err)
	}
	s.noteWrite(errs...)
	for i, r := range group {
		if err != nil && results[i].err == nil {
			results[i] = writeRes{err: err}
		}
		r.done <- results[i]
	}
}

// unindex takes the items indexed since mark out of the Clusterer again:
// their rows were rolled back, and SQLite may give their ids to others.
func (s *Store) unindex(mark int) {
	if s.clusterer != nil {
		for _, id := range s.indexed[mark:] {
			s.clusterer.Remove(id)
		}
	}
	s.indexed = s.indexed[:mark]
}

// applyFetch writes one batch. It uses a background context on purpose:
// a fetched body is stored even when the fetch's caller is shutting down.
func (s *Store) applyFetch(tx *sql.Tx, r *writeReq) (SaveStats, error) {
	ctx := context.Background()
	var st SaveStats
	if r.f.Err == "" && !r.f.NotModified && len(r.items) > 0 {
		var err error
		if st, err = s.saveItems(ctx, tx, r.f.SourceID, r.sourceURL, r.items, r.now); err != nil {
			return SaveStats{}, err
		}
	}
	return st, s.recordFetch(ctx, tx, r.f, st)
}

func (s *Store) recordFetch(ctx context.Context, tx *sql.Tx, f Fetch, st SaveStats) error {
	if _, err := tx.StmtContext(ctx, s.stmt.insertFetch).ExecContext(ctx,
		f.SourceID, toMillis(f.StartedAt), f.Status, f.Duration.Milliseconds(), f.Bytes, st.New, st.Updated, f.Err); err != nil {
		return fmt.Errorf("record fetch: %w", err)
	}
	var err error
	switch {
	case f.Err != "":
		_, err = tx.StmtContext(ctx, s.stmt.sourceFailed).ExecContext(ctx,
			toMillis(f.StartedAt), f.Status, f.Err, toMillis(f.RetryAfter), f.SourceID)
	case f.NotModified:
		_, err = tx.StmtContext(ctx, s.stmt.sourceNotModified).ExecContext(ctx,
			toMillis(f.StartedAt), toMillis(f.StartedAt), f.Status, toMillis(f.RetryAfter), f.SourceID)
	default:
		_, err = tx.StmtContext(ctx, s.stmt.sourceFetched).ExecContext(ctx,
			toMillis(f.StartedAt), toMillis(f.StartedAt), f.Status, toMillis(f.RetryAfter), f.ETag, f.LastModified,
			f.FeedTitle, f.FeedTitle, f.FeedLink, f.FeedLink, f.SourceID)
	}
	if err != nil {
		return fmt.Errorf("update source state: %w", err)
	}
	return nil
}

// tombstoneGrace is how long a pruned item's tombstone outlives the feed's
// listing of it: long enough for an item that leaves the feed for a while
// not to come back as new, short enough that the tombstones of a busy
// source do not pile up.
const tombstoneGrace = 30 * 24 * time.Hour

// existing is what storage knows of an item before a batch.
type existing struct {
	id        int64
	hash      []byte
	published int64 // the entry's date, which its Land rows carry
	pruned    bool  // retention deleted it; its tombstone is all there is
	title     string
}

// saveItems inserts new items and updates changed ones; re-storing an
// unchanged item writes nothing. Lookups are made per batch, not per
// item: one query finds the batch's stored items, one the stored links
// of its new items.
func (s *Store) saveItems(ctx context.Context, tx *sql.Tx, sourceID int64, sourceURL string, items []NewItem, now time.Time) (SaveStats, error) {
	var st SaveStats
	guids, old, err := s.lookupGUIDs(ctx, tx, sourceID, items)
	if err != nil {
		return st, err
	}
	src := batchSource{id: sourceID, url: sourceURL}
	if s.clusterer != nil {
		if err := tx.StmtContext(ctx, s.stmt.sourcePlace).QueryRowContext(ctx, sourceID).Scan(&src.place); err != nil {
			return st, fmt.Errorf("source place: %w", err)
		}
	}
	// An item stored under its other key (see AltGUID) is taken over by
	// one item of the batch at most: items that share a link and a title
	// ("Bekanntmachung") all name the bare link, and the stored one is
	// the one with its content, else the lowest in the feed (the oldest).
	claims := map[string]int{}
	for i := range items {
		it := &items[i]
		if it.AltGUID == "" {
			continue
		}
		alt, ok := old[it.AltGUID]
		if prev, found := old[it.GUID]; !ok || alt.pruned || alt.title != it.Title || (found && prev.title == it.Title) {
			continue
		}
		if j, taken := claims[it.AltGUID]; taken && bytes.Equal(items[j].ContentHash(), alt.hash) {
			continue
		}
		claims[it.AltGUID] = i
	}
	for alt, i := range claims {
		items[i].GUID = alt
	}
	// Tombstones of GUIDs the feed has not listed for tombstoneGrace are
	// done with. (The look-ups of tombstones are one index seek for a
	// source without any; another process may have pruned, so there is
	// no shortcut.)
	if _, err := tx.StmtContext(ctx, s.stmt.markUnlisted).ExecContext(ctx, sourceID, guids, toMillis(now)); err != nil {
		return st, fmt.Errorf("mark pruned items unlisted: %w", err)
	}
	if _, err := tx.StmtContext(ctx, s.stmt.forgetPruned).ExecContext(ctx, sourceID, toMillis(now.Add(-tombstoneGrace))); err != nil {
		return st, fmt.Errorf("forget pruned items: %w", err)
	}
	// A link several items of the batch share names a page, not one
	// article (see articleLink).
	perLink := make(map[string]int, len(items))
	for i := range items {
		perLink[items[i].Link]++
	}
	var links []string
	for i := range items {
		if l := items[i].Link; l != "" && perLink[l] == 1 && articleLink(l) {
			if _, ok := old[items[i].GUID]; !ok {
				links = append(links, l)
			}
		}
	}
	firstWith, err := s.lookupLinks(ctx, tx, sourceID, 0, links)
	if err != nil {
		return st, err
	}
	moved, err := s.findMoved(ctx, tx, sourceID, items, old)
	if err != nil {
		return st, err
	}
	// handled holds the items this batch has already stored or compared:
	// a feed that lists one item under two of its GUIDs (its own and an
	// alias) would otherwise have it updated back and forth.
	handled := make(map[int64]bool, len(items))
	for i := range items {
		it := &items[i]
		hash := it.ContentHash()
		prev, ok := old[it.GUID]
		if !ok {
			if prev, ok = moved[i]; ok {
				if err := s.addAlias(ctx, tx, sourceID, it.GUID, prev.id); err != nil {
					return st, fmt.Errorf("item %q: %w", it.GUID, err)
				}
				old[it.GUID] = prev
				st.Rekeyed++
			}
		}
		if ok && !prev.pruned {
			if handled[prev.id] {
				continue
			}
			handled[prev.id] = true
		}
		switch {
		case ok && prev.pruned:
			// Pruned while the feed still lists it: stays pruned.
		case !ok:
			id, err := s.insertItem(ctx, tx, src, it, hash, firstWith[it.Link], now)
			if err != nil {
				return st, fmt.Errorf("item %q: %w", it.GUID, err)
			}
			// A later item of the same batch with this link is a
			// duplicate only across sources, not within one.
			old[it.GUID] = existing{id: id, hash: hash}
			handled[id] = true
			st.New++
		case bytes.Equal(prev.hash, hash):
		default:
			if err := s.updateItem(ctx, tx, prev, it, hash, now); err != nil {
				return st, fmt.Errorf("item %q: %w", it.GUID, err)
			}
			st.Updated++
		}
	}
	return st, nil
}

// jsonArray encodes keys as a JSON array: the batch lookups pass their
// keys as one parameter to json_each, so that their statements are
// prepared once instead of once per batch size, and no batch meets
// SQLite's limit on variables.
func jsonArray(keys []string) (string, error) {
	b, err := json.Marshal(keys)
	return string(b), err
}

// lookupGUIDs returns the batch's GUIDs as a JSON array and what is
// stored of them: items, and tombstones of pruned ones.
func (s *Store) lookupGUIDs(ctx context.Context, tx *sql.Tx, sourceID int64, items []NewItem) (string, map[string]existing, error) {
	keys := make([]string, len(items))
	var alts []string
	for i := range items {
		keys[i] = items[i].GUID
		if items[i].AltGUID != "" {
			alts = append(alts, items[i].AltGUID)
		}
	}
	guids, err := jsonArray(keys)
	if err != nil {
		return "", nil, err
	}
	lookup := guids
	if len(alts) > 0 {
		if lookup, err = jsonArray(append(keys, alts...)); err != nil {
			return "", nil, err
		}
	}
	rows, err := tx.StmtContext(ctx, s.stmt.lookupGUIDs).QueryContext(ctx, sourceID, lookup)
	if err != nil {
		return "", nil, fmt.Errorf("look up items: %w", err)
	}
	defer rows.Close()
	out := make(map[string]existing, len(items))
	for rows.Next() {
		var g string
		var e existing
		if err := rows.Scan(&g, &e.id, &e.hash, &e.published, &e.pruned, &e.title); err != nil {
			return "", nil, err
		}
		if _, stored := out[g]; !stored || !e.pruned {
			out[g] = e
		}
	}
	return guids, out, rows.Err()
}

// lookupLinks maps each link that another source already has to the
// first cluster with it (its root), for links that name one article: a
// link the source itself has on another stored item, or another source
// on several items, names a page (a homepage, a news overview) that
// different stories link to, and joins nothing. self, if not 0, is the
// item being placed (a rebuild replays stored items): it is not counted,
// and only items stored before it are joined.
func (s *Store) lookupLinks(ctx context.Context, tx *sql.Tx, sourceID, self int64, links []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(links) == 0 {
		return out, nil
	}
	list, err := jsonArray(links)
	if err != nil {
		return nil, err
	}
	rows, err := tx.StmtContext(ctx, s.stmt.lookupLinks).QueryContext(ctx, list)
	if err != nil {
		return nil, fmt.Errorf("look up links: %w", err)
	}
	defer rows.Close()
	type seen struct {
		link   string
		source int64
	}
	count := map[seen]int{}
	page := map[string]bool{}
	for rows.Next() {
		var l string
		var id, src, root int64
		var lock int
		if err := rows.Scan(&l, &id, &src, &root, &lock); err != nil {
			return nil, err
		}
		switch {
		case id == self:
			continue
		case src == sourceID:
			page[l] = true
			continue
		case self != 0 && id > self:
			continue
		}
		if count[seen{l, src}]++; count[seen{l, src}] > 1 {
			page[l] = true
		}
		if lock != lockSplit && (out[l] == 0 || root < out[l]) {
			out[l] = root
		}
	}
	for l := range page {
		delete(out, l)
	}
	return out, rows.Err()
}

// articleLink reports whether a canonical link can name one article: a
// site's root ("https://stadt.example/") is what feeds without article
// pages link every item to.
func articleLink(link string) bool {
	_, rest, ok := strings.Cut(link, "://")
	if !ok {
		return false
	}
	_, path, _ := strings.Cut(rest, "/")
	return path != ""
}

// findMoved finds the batch's items that the source has given a new key:
// an item not stored under its GUID is a stored item of the source that
// the batch does not list (under its GUID or an alias) when both have the
// same title and two of: the same canonical link, the same date from the
// source, the same teaser. New GUIDs keep link and text (and mostly the
// date), a corrected link or a new domain keeps date and text; a recurring
// notice on one page ("Sitzung des Gemeinderats") shares title and link
// but not date and text, so it stays a new item even when the previous one
// has just left the feed. Two empty teasers are no shared text: a notice
// that has none would otherwise be taken for the previous one on title and
// link alone, and never appear. A stored item that is still listed is
// never taken. The result maps batch positions to the stored items.
func (s *Store) findMoved(ctx context.Context, tx *sql.Tx, sourceID int64, items []NewItem, old map[string]existing) (map[int]existing, error) {
	var fresh []int
	var links []string
	var dates []int64
	for i := range items {
		if _, ok := old[items[i].GUID]; !ok {
			fresh = append(fresh, i)
			if items[i].Link != "" {
				links = append(links, items[i].Link)
			}
			if items[i].DateFromSource {
				dates = append(dates, toMillis(items[i].Published))
			}
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	// A match shares the title and two of link, date and teaser, so it
	// shares the link or the date: both are indexed.
	linkList, err := jsonArray(links)
	if err != nil {
		return nil, err
	}
	dateList, err := json.Marshal(dates)
	if err != nil {
		return nil, err
	}
	listed := make(map[int64]bool, len(old))
	for _, e := range old {
		if !e.pruned {
			listed[e.id] = true
		}
	}
	type candidate struct {
		existing
		teaser, link string
		date         int64 // the source's date; 0 if it gave none
	}
	byTitle := map[string][]candidate{}
	rows, err := tx.StmtContext(ctx, s.stmt.lookupMoved).QueryContext(ctx, sourceID, linkList, string(dateList))
	if err != nil {
		return nil, fmt.Errorf("look up moved items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c candidate
		var title string
		if err := rows.Scan(&c.id, &title, &c.teaser, &c.link, &c.date, &c.hash, &c.published); err != nil {
			return nil, err
		}
		if !listed[c.id] {
			byTitle[title] = append(byTitle[title], c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[int]existing{}
	taken := map[int64]bool{}
	for _, i := range fresh {
		it := &items[i]
		for _, c := range byTitle[it.Title] { // newest first
			same := 0
			if it.Link != "" && it.Link == c.link {
				same++
			}
			if it.DateFromSource && c.date != 0 && c.date == toMillis(it.Published) {
				same++
			}
			if it.Teaser != "" && it.Teaser == c.teaser {
				same++
			}
			if !taken[c.id] && same >= 2 {
				out[i] = c.existing
				taken[c.id] = true
				break
			}
		}
	}
	return out, nil
}

// maxAliases is how many other GUIDs are kept per item: enough for a
// source that alternates between two spellings to cost no writes, few
// enough that one with per-request GUIDs does not grow the database.
const maxAliases = 3

// addAlias records that the source lists item under guid.
func (s *Store) addAlias(ctx context.Context, tx *sql.Tx, sourceID int64, guid string, item int64) error {
	if _, err := tx.StmtContext(ctx, s.stmt.insertAlias).ExecContext(ctx, sourceID, guid, item); err != nil {
		return fmt.Errorf("add alias: %w", err)
	}
	if _, err := tx.StmtContext(ctx, s.stmt.trimAliases).ExecContext(ctx, item, maxAliases); err != nil {
		return fmt.Errorf("trim aliases: %w", err)
	}
	return nil
}

// batchSource is the source of the items saveItems stores.
type batchSource struct {
	id    int64
	url   string
	place string // its place for the Clusterer (SourceConfig.Place)
}

// insertItem stores a new item. An item whose canonical link another
// source already has joins that item's cluster; otherwise the Clusterer,
// if any, may find an earlier item telling the same story.
func (s *Store) insertItem(ctx context.Context, tx *sql.Tx, src batchSource, it *NewItem, hash []byte, linkRoot int64, now time.Time) (int64, error) {
	sourceID, sourceURL := src.id, src.url
	published := toMillis(it.Published)
	if published == 0 {
		published = toMillis(now)
	}
	key := ItemKey(sourceURL, it.GUID)
	var join *clusterRef
	var layer string
	var score float64
	var err error
	switch {
	case linkRoot != 0:
		join, err = clusterOf(ctx, tx, linkRoot)
		layer, score = LayerLink, 1
	case s.clusterer != nil && len(it.Fingerprint) > 0:
		var m ClusterMatch
		var ok bool
		m, ok, err = s.findCluster(ctx, tx, s.clusterer, sourceID, ClusterDoc{fromMillis(published), landCodes(it.Lands), src.place, it.Fingerprint})
		if ok {
			join, err = clusterOf(ctx, tx, m.ID)
			layer, score = m.Layer, m.Score
		}
	}
	if err != nil {
		return 0, err
	}
	var clusterID sql.NullInt64
	entryKey, entryPublished := key, published
	if join != nil {
		clusterID = sql.NullInt64{Int64: join.root, Valid: true}
		entryKey, entryPublished = join.entryKey, join.entryPublished
	}
	insert := func(key, entryKey string) (sql.Result, error) {
		return tx.StmtContext(ctx, s.stmt.insertItem).ExecContext(ctx,
			sourceID, it.GUID, key, it.Title, it.Teaser, it.Link, it.OrigLink,
			published, it.DateFromSource, toMillis(now), toMillis(now), hash, it.Fingerprint,
			clusterID, layer, score, join == nil, entryKey, entryPublished, it.altKey())
	}
	res, err := insert(key, entryKey)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, err
	} else if n == 0 {
		// The key is taken: a source whose URL was corrected keeps the
		// keys made from its old URL, and a new source on that URL may
		// list the same GUIDs. The source's id tells them apart.
		alt := ItemKey(sourceURL+"\n"+strconv.FormatInt(sourceID, 10), it.GUID)
		if join == nil {
			entryKey = alt
		}
		if res, err = insert(alt, entryKey); err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, err
		} else if n == 0 {
			return 0, fmt.Errorf("keys %s and %s both taken", key, alt)
		}
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if err := s.insertLands(ctx, tx, id, entryPublished, it.Lands); err != nil {
		return 0, err
	}
	if s.clusterer != nil && len(it.Fingerprint) > 0 {
		s.clusterer.Add(id, ClusterDoc{fromMillis(published), landCodes(it.Lands), src.place, it.Fingerprint})
		s.indexed = append(s.indexed, id)
	}
	if join != nil {
		if err := electPrimary(ctx, tx, join.root, now); err != nil {
			return 0, err
		}
	}
	return id, nil
}

func (s *Store) updateItem(ctx context.Context, tx *sql.Tx, prev existing, it *NewItem, hash []byte, now time.Time) error {
	if _, err := tx.StmtContext(ctx, s.stmt.updateItem).ExecContext(ctx,
		it.Title, it.Teaser, it.Link, it.OrigLink, toMillis(now), hash, it.Fingerprint, it.altKey(), prev.id); err != nil {
		return err
	}
	if _, err := tx.StmtContext(ctx, s.stmt.deleteLands).ExecContext(ctx, prev.id); err != nil {
		return err
	}
	return s.insertLands(ctx, tx, prev.id, prev.published, it.Lands)
}

func (s *Store) insertLands(ctx context.Context, tx *sql.Tx, itemID, published int64, tags []LandTag) error {
	if len(tags) == 0 {
		return nil
	}
	stmt := tx.StmtContext(ctx, s.stmt.insertLand)
	for _, t := range tags {
		if _, err := stmt.ExecContext(ctx, itemID, t.Land, published, t.Rule, t.Evidence); err != nil {
			return fmt.Errorf("tag %s: %w", t.Land, err)
		}
	}
	return nil
}

// statements are prepared once on the writer connection; re-parsing SQL
// for every item costs more than storing it.
type statements struct {
	insertItem, updateItem, deleteLands, insertLand *sql.Stmt
	lookupGUIDs, lookupLinks, markUnlisted          *sql.Stmt
	forgetPruned, sourcePlace                       *sql.Stmt
	lookupMoved, insertAlias, trimAliases           *sql.Stmt
	savepoint, release, rollbackTo                  *sql.Stmt
	insertFetch                                     *sql.Stmt
	sourceFailed, sourceNotModified, sourceFetched  *sql.Stmt
}

func (s *Store) prepare(ctx context.Context) error {
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.stmt.updateItem, `UPDATE items SET title = ?, teaser = ?, link = ?, orig_link = ?, updated = ?, content_hash = ?,
			fingerprint = ?, alt_key = ? WHERE id = ?`},
		{&s.stmt.deleteLands, `DELETE FROM item_lands WHERE item_id = ?`},
		{&s.stmt.insertItem, `INSERT INTO items (source_id, guid, key, title, teaser, link, orig_link,
			published, date_from_source, first_seen, updated, content_hash, fingerprint,
			cluster_id, cluster_layer, cluster_score, visible, entry_key, entry_published, alt_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`},
		{&s.stmt.insertLand, `INSERT INTO item_lands (item_id, land, published, rule, evidence)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&s.stmt.lookupGUIDs, `WITH batch(guid) AS (SELECT value FROM json_each(?2))
			SELECT guid, id, content_hash, entry_published, 0, title FROM items WHERE source_id = ?1 AND guid IN batch
			UNION ALL SELECT a.guid, i.id, i.content_hash, i.entry_published, 0, i.title
				FROM item_aliases a JOIN items i ON i.id = a.item_id WHERE a.source_id = ?1 AND a.guid IN batch
			UNION ALL SELECT guid, 0, x'', 0, 1, '' FROM pruned WHERE source_id = ?1 AND guid IN batch`},
		{&s.stmt.lookupMoved, `SELECT id, title, teaser, link, CASE WHEN date_from_source THEN published ELSE 0 END,
			content_hash, entry_published FROM items
			WHERE link IN (SELECT value FROM json_each(?2)) AND +source_id = ?1 -- the link index, not a scan of the source
			UNION SELECT id, title, teaser, link, CASE WHEN date_from_source THEN published ELSE 0 END,
			content_hash, entry_published FROM items WHERE source_id = ?1 AND published IN (SELECT value FROM json_each(?3))
			ORDER BY id DESC`},
		{&s.stmt.insertAlias, `INSERT INTO item_aliases (source_id, guid, item_id) VALUES (?, ?, ?)`},
		{&s.stmt.trimAliases, `DELETE FROM item_aliases WHERE item_id = ?1 AND id NOT IN (
			SELECT id FROM item_aliases WHERE item_id = ?1 ORDER BY id DESC LIMIT ?2)`},
		{&s.stmt.markUnlisted, `UPDATE pruned SET unlisted_since = CASE WHEN unlisted_since = 0 THEN ?3 ELSE 0 END
			WHERE source_id = ?1 AND (guid IN (SELECT value FROM json_each(?2))) = (unlisted_since <> 0)`},
		{&s.stmt.forgetPruned, `DELETE FROM pruned WHERE source_id = ? AND unlisted_since <> 0 AND unlisted_since < ?`},
		{&s.stmt.lookupLinks, `SELECT link, id, source_id, coalesce(cluster_id, id), cluster_lock FROM items
			WHERE link IN (SELECT value FROM json_each(?))`},
		{&s.stmt.sourcePlace, `SELECT place FROM sources WHERE id = ?`},
		{&s.stmt.savepoint, `SAVEPOINT batch`},
		{&s.stmt.release, `RELEASE batch`},
		{&s.stmt.rollbackTo, `ROLLBACK TO batch`},
		{&s.stmt.insertFetch, `INSERT INTO fetches (source_id, started_at, status, duration_ms, bytes, items_new, items_updated, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.stmt.sourceFailed, `UPDATE sources SET last_fetch_at = ?, last_status = ?, last_error = ?,
			consecutive_failures = consecutive_failures + 1, retry_after = ? WHERE id = ?`},
		{&s.stmt.sourceNotModified, `UPDATE sources SET last_fetch_at = ?, last_success_at = ?, last_status = ?, last_error = '',
			consecutive_failures = 0, retry_after = ? WHERE id = ?`},
		{&s.stmt.sourceFetched, `UPDATE sources SET last_fetch_at = ?, last_success_at = ?, last_status = ?, last_error = '',
			consecutive_failures = 0, retry_after = ?, etag = ?, last_modified = ?,
			feed_title = CASE WHEN ? <> '' THEN ? ELSE feed_title END,
			feed_link = CASE WHEN ? <> '' THEN ? ELSE feed_link END WHERE id = ?`},
	} {
		st, err := s.w.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("storage: prepare: %w", err)
		}
		*p.dst = st
	}
	return nil
}
