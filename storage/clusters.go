package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Cluster layers: why an item joined its cluster.
const (
	LayerLink  = "link"  // same canonical link as an item of another source
	LayerMerge = "merge" // joined by an editor
)

// Cluster locks set by editors; they survive re-fetches and rebuilds.
const (
	lockNone   = 0
	lockSplit  = 1 // never joins a cluster by itself
	lockMerged = 2 // stays in the cluster an editor put it in
)

// ClusterMatch is an earlier item a new item repeats.
type ClusterMatch struct {
	ID    int64
	Score float64
	Layer string
}

// ClusterDoc is an item as the Clusterer sees it.
type ClusterDoc struct {
	Published time.Time
	Lands     []string
	// Place is the place the item's source speaks for
	// (SourceConfig.Place).
	Place       string
	Fingerprint []byte
}

// Clusterer finds near-duplicates. Storage calls it from its one writer,
// so an implementation sees Add for every item stored, in order.
type Clusterer interface {
	// Matches returns the earlier items judged the same story, best first.
	Matches(d ClusterDoc) []ClusterMatch
	Add(id int64, d ClusterDoc)
	Remove(id int64)
	// Window is how far apart in time two reports of one story may be.
	Window() time.Duration
}

// SetClusterer installs c; nil turns near-duplicate detection off (the
// canonical-link layer always runs). Call before the first write.
func (s *Store) SetClusterer(c Clusterer) { s.clusterer = c }

// findCluster returns the best match from another source than sourceID
// that an editor has not split off (a split item stays alone), in a
// cluster without a report of sourceID.
// Within one source the GUID decides what is one item: a source's own
// similar items ("Newsletter KW 12", "KW 13") are never clustered.
//
// The match's cluster must also be within the window of the story's date
// (its entry's), not only the matched report: otherwise a notice that
// two sources repeat every few days chains into one cluster forever,
// whose new reports never show as new entries and which retention never
// prunes, as its newest report is always recent.
//
// A source that speaks for a place (d.Place) joins no story with a report
// of another place's source that the Clusterer did not judge the same
// story as the new item: a report of no place (a news site's) that one
// town's report joined must not bridge to another town's.
func (s *Store) findCluster(ctx context.Context, tx *sql.Tx, c Clusterer, sourceID int64, d ClusterDoc) (ClusterMatch, bool, error) {
	window := c.Window()
	published := d.Published
	matches := c.Matches(d)
	for _, m := range matches {
		var src, storyMillis, root int64
		var lock int
		err := tx.QueryRowContext(ctx, `SELECT source_id, cluster_lock, entry_published, coalesce(cluster_id, id) FROM items WHERE id = ?`, m.ID).
			Scan(&src, &lock, &storyMillis, &root)
		if err == sql.ErrNoRows {
			continue // pruned meanwhile
		}
		if err != nil {
			return ClusterMatch{}, false, err
		}
		if apart := published.Sub(fromMillis(storyMillis)).Abs(); window > 0 && apart > window {
			continue
		}
		if src == sourceID || lock == lockSplit {
			continue
		}
		// Nor through another source's report: a story the source
		// reported already is not the one its new item tells (the new
		// item would be shown instead of the source's first report, or be
		// swallowed by it, and the source's story leave every feed).
		// (+source_id: the story's members are found by id and cluster
		// index; without statistics SQLite would otherwise read every
		// item of the source.)
		var own bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM items WHERE (id = ?1 OR cluster_id = ?1) AND +source_id = ?2)`,
			root, sourceID).Scan(&own); err != nil {
			return ClusterMatch{}, false, err
		}
		if own {
			continue
		}
		if d.Place != "" {
			bridged, err := bridgesPlaces(ctx, tx, root, d.Place, matches)
			if err != nil {
				return ClusterMatch{}, false, err
			}
			if bridged {
				continue
			}
		}
		return m, true, nil
	}
	return ClusterMatch{}, false, nil
}

// bridgesPlaces reports whether the story root has a report from a source
// of another place than place that is not among matches.
func bridgesPlaces(ctx context.Context, tx *sql.Tx, root int64, place string, matches []ClusterMatch) (bool, error) {
	others, err := queryIDs(ctx, tx, `SELECT i.id FROM items i JOIN sources s ON s.id = i.source_id
		WHERE (i.id = ?1 OR i.cluster_id = ?1) AND s.place <> '' AND s.place <> ?2`, root, place)
	if err != nil {
		return false, err
	}
	for _, id := range others {
		if !slices.ContainsFunc(matches, func(m ClusterMatch) bool { return m.ID == id }) {
			return true, nil
		}
	}
	return false, nil
}

type clusterRef struct {
	root           int64
	entryKey       string
	entryPublished int64
}

// clusterOf returns the cluster item id belongs to.
func clusterOf(ctx context.Context, tx *sql.Tx, id int64) (*clusterRef, error) {
	var ref clusterRef
	err := tx.QueryRowContext(ctx, `SELECT coalesce(cluster_id, id), entry_key, entry_published FROM items WHERE id = ?`, id).
		Scan(&ref.root, &ref.entryKey, &ref.entryPublished)
	if err == sql.ErrNoRows {
		return nil, nil // pruned meanwhile: no cluster to join
	}
	if err != nil {
		return nil, fmt.Errorf("cluster of %d: %w", id, err)
	}
	return &ref, nil
}

// electPrimary makes the member of root's cluster with the highest source
// priority, then the earliest date, then the lowest id, its one visible
// item, whatever the visibility of its members was before (a merge or a
// rebuild brings several visible members together). When the shown item
// changes, it gets updated = now: the entry's content changed. A cluster
// with a hidden member (see Hide) has no visible item, and all its
// members become hidden. A report of a source removed from the
// configuration (RemoveUnconfigured) is never shown: a cluster of only
// such reports has no visible item.
func electPrimary(ctx context.Context, tx *sql.Tx, root int64, now time.Time) error {
	var best int64
	var bestRemoved bool
	err := tx.QueryRowContext(ctx, `SELECT i.id, s.removed_at <> 0 FROM items i JOIN sources s ON s.id = i.source_id
		WHERE i.id = ? OR i.cluster_id = ? ORDER BY s.removed_at <> 0, s.priority DESC, i.published, i.id LIMIT 1`,
		root, root).Scan(&best, &bestRemoved)
	if err != nil {
		return fmt.Errorf("elect primary of %d: %w", root, err)
	}
	var visible, bestVisible, hidden int
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(visible), 0), coalesce(max(CASE WHEN id = ? THEN visible ELSE 0 END), 0),
		coalesce(max(hidden), 0) FROM items WHERE id = ? OR cluster_id = ?`, best, root, root).Scan(&visible, &bestVisible, &hidden)
	if err != nil {
		return fmt.Errorf("elect primary of %d: %w", root, err)
	}
	if hidden != 0 {
		// Hidden is the story's state: a report that joined it (or a
		// story merged into it) carries it too, also when split off.
		_, err := tx.ExecContext(ctx, `UPDATE items SET visible = 0, hidden = 1
			WHERE (id = ? OR cluster_id = ?) AND (visible <> 0 OR hidden <> 1)`, root, root)
		return err
	}
	if bestRemoved {
		// Every report is from a source no longer configured.
		if _, err := tx.ExecContext(ctx, `UPDATE items SET visible = 0 WHERE (id = ? OR cluster_id = ?) AND visible <> 0`,
			root, root); err != nil {
			return fmt.Errorf("elect primary of %d: %w", root, err)
		}
		return nil
	}
	if visible == 1 && bestVisible == 1 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET visible = (id = ?) WHERE id = ? OR cluster_id = ?`, best, root, root); err != nil {
		return fmt.Errorf("elect primary of %d: %w", root, err)
	}
	if bestVisible == 0 && visible > 0 {
		// Another report was shown: the entry's content changed. A story
		// none of whose reports was shown (hidden, or of removed sources
		// only) comes back as it was, unless another report is shown now,
		// whose updated is its own.
		if _, err := tx.ExecContext(ctx, `UPDATE items SET updated = max(updated, ?) WHERE id = ?`, toMillis(now), best); err != nil {
			return fmt.Errorf("elect primary of %d: %w", root, err)
		}
	}
	return nil
}

// sourceConfigured is true for an item (of the items table; prefix it with
// the table's alias where there is one) whose source is configured: a report of a removed source is never shown
// (RemoveUnconfigured), also when a split or a rebuild puts it on its own.
const sourceConfigured = `source_id NOT IN (SELECT id FROM sources WHERE removed_at <> 0)`

// setEntry gives every member of root's cluster the cluster's entry key
// and date (item_lands carries the date too).
func setEntry(ctx context.Context, tx *sql.Tx, root int64, key string, published int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE items SET entry_key = ?, entry_published = ? WHERE id = ? OR cluster_id = ?`,
		key, published, root, root); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE item_lands SET published = ? WHERE item_id IN
		(SELECT id FROM items WHERE id = ? OR cluster_id = ?)`, published, root, root)
	return err
}

// Split takes an item out of its cluster and keeps it out: it never joins
// a cluster again by itself. The rest of the cluster keeps its entry; the
// split item becomes an entry of its own. An item split off before is
// ErrSplitAlready.
func (s *Store) Split(ctx context.Context, id int64, now time.Time) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		var key string
		var published int64
		var cluster sql.NullInt64
		var wasShown bool
		err := tx.QueryRowContext(ctx, `SELECT key, published, cluster_id, visible FROM items WHERE id = ?`, id).Scan(&key, &published, &cluster, &wasShown)
		if err == sql.ErrNoRows {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		ref, err := clusterOf(ctx, tx, id)
		if err != nil {
			return err
		}
		root := ref.root
		var members int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE cluster_id = ?`, id).Scan(&members); err != nil {
			return err
		}
		if !cluster.Valid && members == 0 {
			// Alone already: it only has to stay so; its entry keeps its
			// id. Split before, nothing changes.
			res, err := tx.ExecContext(ctx, `UPDATE items SET cluster_lock = ? WHERE id = ? AND cluster_lock <> ?`, lockSplit, id, lockSplit)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return ErrSplitAlready
			}
			return nil
		}
		if !cluster.Valid {
			// id is the root: the earliest other member becomes the root
			// and keeps the cluster's entry.
			var next int64
			err := tx.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM items WHERE cluster_id = ?`, id).Scan(&next)
			if err != nil {
				return err
			}
			if next != 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = CASE WHEN id = ? THEN NULL ELSE ? END WHERE cluster_id = ?`, next, next, id); err != nil {
					return err
				}
			}
			root = next
		}
		entryKey := key
		if entryKey == ref.entryKey && root != 0 {
			// The cluster keeps the entry subscribers know; the split
			// item needs an id of its own.
			entryKey = key + "-split"
		}
		// The report remains one of the story's for added-since queries:
		// the story was in the feeds since this report came.
		var splitFrom sql.NullString
		if root != 0 {
			splitFrom = sql.NullString{String: ref.entryKey, Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = NULL, cluster_layer = '', cluster_score = 0,
			cluster_lock = ?, visible = (hidden = 0 AND `+sourceConfigured+`), updated = ?, split_entry = coalesce(?, split_entry)
			WHERE id = ?`, lockSplit, toMillis(now), splitFrom, id); err != nil {
			return err
		}
		if err := setEntry(ctx, tx, id, entryKey, published); err != nil {
			return err
		}
		if root == 0 {
			return nil
		}
		if err := electPrimary(ctx, tx, root, now); err != nil {
			return err
		}
		if wasShown {
			// The story's entry shows another report now.
			_, err := tx.ExecContext(ctx, `UPDATE items SET updated = max(updated, ?) WHERE (id = ? OR cluster_id = ?) AND visible = 1`,
				toMillis(now), root, root)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: split %d: %w", id, err)
	}
	return nil
}

// Merge puts b, with its whole cluster, into a's cluster; the decision
// survives re-fetches and rebuilds. When a and b are in one cluster
// already (or are one item) it changes nothing and returns ErrSameCluster,
// so an editor learns the merge had no effect.
func (s *Store) Merge(ctx context.Context, a, b int64, now time.Time) error {
	err := s.Transact(ctx, func(tx *sql.Tx) error {
		ra, err := clusterOf(ctx, tx, a)
		if err != nil {
			return err
		}
		rb, err := clusterOf(ctx, tx, b)
		if err != nil {
			return err
		}
		if ra == nil || rb == nil {
			return ErrNotFound
		}
		if ra.root == rb.root {
			return ErrSameCluster
		}
		// The report a's entry shows now (none if its story is hidden or
		// of removed sources only).
		var shown int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items WHERE (id = ? OR cluster_id = ?) AND visible = 1`,
			ra.root, ra.root).Scan(&shown); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = ?,
			cluster_layer = CASE WHEN id = ? THEN ? ELSE cluster_layer END, cluster_score = CASE WHEN id = ? THEN 1 ELSE cluster_score END
			WHERE id = ? OR cluster_id = ?`, ra.root, b, LayerMerge, b, rb.root, rb.root); err != nil {
			return err
		}
		// The whole merged cluster, a's side too, is locked: a rebuild
		// must neither take its root into another cluster (the merged
		// members would point at a member) nor break it up.
		if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_lock = ? WHERE id = ? OR cluster_id = ?`,
			lockMerged, ra.root, ra.root); err != nil {
			return err
		}
		if err := setEntry(ctx, tx, ra.root, ra.entryKey, ra.entryPublished); err != nil {
			return err
		}
		if err := electPrimary(ctx, tx, ra.root, now); err != nil {
			return err
		}
		// A report of b's side shown under a's entry is new content for
		// it (electPrimary sees two shown reports and cannot tell which
		// one the entry had).
		_, err = tx.ExecContext(ctx, `UPDATE items SET updated = max(updated, ?) WHERE (id = ? OR cluster_id = ?) AND visible = 1 AND id <> ?`,
			toMillis(now), ra.root, ra.root, shown)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: merge %d into %d: %w", b, a, err)
	}
	return nil
}

// FingerprintsSince streams items published at or after since (in id
// order) to fn, for loading the near-duplicate index at start-up.
func (s *Store) FingerprintsSince(ctx context.Context, since time.Time, fn func(id int64, d ClusterDoc)) error {
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.published, i.fingerprint,
		(SELECT group_concat(land) FROM item_lands l WHERE l.item_id = i.id), s.place
		FROM items i JOIN sources s ON s.id = i.source_id
		WHERE i.published >= ? AND i.fingerprint IS NOT NULL ORDER BY i.id`, toMillis(since))
	if err != nil {
		return fmt.Errorf("storage: fingerprints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, pub int64
		var d ClusterDoc
		var lands sql.NullString
		if err := rows.Scan(&id, &pub, &d.Fingerprint, &lands, &d.Place); err != nil {
			return fmt.Errorf("storage: fingerprints: %w", err)
		}
		d.Published = fromMillis(pub)
		d.Lands = splitComma(lands.String)
		fn(id, d)
	}
	return rows.Err()
}

func splitComma(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

// rebuildBatch is how many items share one transaction in a rebuild's
// replay, dissolveBatch in its first step, which takes every item out of
// its cluster: larger, as it only rewrites rows (10,000 items write a few
// MB of WAL; 100,000 items in one transaction wrote most of the pages).
const (
	rebuildBatch  = 1000
	dissolveBatch = 10000
)

// ErrRebuildConflict is returned by RebuildClusters when an editor split,
// merged, hid or unhid a story, retention pruned items, or serve took
// sources out of the feeds or back while it ran: nothing was changed, and
// the rebuild can be run again.
var ErrRebuildConflict = errors.New("the stories changed while the rebuild ran: nothing changed, run it again")

// RebuildClusters recomputes all clusters with c, which must be empty:
// every item not locked by an editor leaves its cluster, then the items
// are replayed in the order they were stored, as ingest saw them.
// Editorial splits stay alone and editorial merges stay merged.
//
// The replay runs on a copy of the database beside it (VACUUM INTO; with
// its WAL it needs about 1.2 times the database's size in free space),
// and the result replaces the clusters in
// one transaction: readers never see a story's reports apart while it
// runs, and a rebuild that fails or is stopped changes nothing. Items
// stored meanwhile keep the stories they joined (as rebuilt).
func (s *Store) RebuildClusters(ctx context.Context, c Clusterer, now time.Time) (seen, joined int, err error) {
	if s.file == nil {
		// An in-memory database has no file to copy: in place.
		return s.rebuildInPlace(ctx, c, now)
	}
	// DATABASE.rebuild-*: dedup -rebuild removes copies by that name that a
	// killed rebuild left (cmd/egovfeed lockRebuild).
	f, err := os.CreateTemp(filepath.Dir(s.path), filepath.Base(s.path)+".rebuild-*")
	if err != nil {
		return 0, 0, fmt.Errorf("storage: rebuild clusters: %w", err)
	}
	tmp := f.Name()
	f.Close()
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm", tmp + "-journal"} {
			os.Remove(p)
		}
	}()
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return 0, 0, fmt.Errorf("storage: rebuild clusters: copy: %w", err)
	}
	cp, err := Open(ctx, tmp)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: rebuild clusters: %w", err)
	}
	// What the apply compares: the editorial state and the sources'
	// removal at the start, as the copy has them. The clusters too: only
	// an edit moves a stored item to another cluster (ingest places new
	// items only), and a merge of two stories merged before changes no
	// lock.
	_, err = cp.w.ExecContext(ctx, `CREATE TABLE rebuild_start AS SELECT id, key, cluster_id, cluster_lock, hidden FROM items;
		CREATE TABLE rebuild_sources AS SELECT id, removed_at <> 0 AS removed FROM sources`)
	if err == nil {
		seen, joined, err = cp.rebuildInPlace(ctx, c, now)
	}
	if cerr := cp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, 0, err
	}
	if err := s.applyRebuild(ctx, tmp, now); err != nil {
		return 0, 0, fmt.Errorf("storage: rebuild clusters: %w", err)
	}
	return seen, joined, nil
}

// applyRebuild takes the clusters of the rebuilt copy at path in one
// transaction (see RebuildClusters).
func (s *Store) applyRebuild(ctx context.Context, path string, now time.Time) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// ATTACH is not allowed in a transaction; the writer's one
	// connection is held until DETACH.
	if _, err := conn.ExecContext(ctx, "ATTACH DATABASE ? AS rb", path); err != nil {
		return fmt.Errorf("attach copy: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DETACH DATABASE rb")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var changed bool
	if err := tx.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM rb.rebuild_start r LEFT JOIN items i ON i.id = r.id
			WHERE i.id IS NULL OR i.key <> r.key OR i.cluster_id IS NOT r.cluster_id OR i.cluster_lock <> r.cluster_lock OR i.hidden <> r.hidden)
		OR EXISTS (SELECT 1 FROM rb.rebuild_sources r JOIN sources s ON s.id = r.id WHERE (s.removed_at <> 0) <> r.removed)`).
		Scan(&changed); err != nil {
		return err
	}
	if changed {
		return ErrRebuildConflict
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM rb.items`).Scan(&last); err != nil {
		return err
	}
	// updated: the larger, so neither a change of the shown report (the
	// copy's) nor an edit stored meanwhile (the live row's) is lost.
	if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = r.cluster_id, cluster_layer = r.cluster_layer,
		cluster_score = r.cluster_score, visible = r.visible, hidden = r.hidden, entry_key = r.entry_key,
		entry_published = r.entry_published, updated = max(items.updated, r.updated)
		FROM rb.items r WHERE r.id = items.id AND (items.cluster_id IS NOT r.cluster_id OR items.cluster_layer <> r.cluster_layer
			OR items.cluster_score <> r.cluster_score OR items.visible <> r.visible OR items.hidden <> r.hidden
			OR items.entry_key <> r.entry_key OR items.entry_published <> r.entry_published OR items.updated < r.updated)`); err != nil {
		return fmt.Errorf("apply clusters: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE item_lands SET published = r.published FROM rb.item_lands r
		WHERE r.item_id = item_lands.item_id AND r.land = item_lands.land AND r.published <> item_lands.published`); err != nil {
		return fmt.Errorf("apply clusters: %w", err)
	}
	// Items stored meanwhile joined stories as they were: into the
	// story their cluster's root is in now, under its entry. (A report
	// points at its story's root, and a root at none, so the new root is
	// one step away.)
	if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = (SELECT coalesce(r.cluster_id, r.id) FROM items r WHERE r.id = items.cluster_id)
		WHERE id > ? AND cluster_id IS NOT NULL`, last); err != nil {
		return fmt.Errorf("move items stored meanwhile: %w", err)
	}
	roots, err := queryIDs(ctx, tx, `SELECT DISTINCT cluster_id FROM items WHERE id > ? AND cluster_id IS NOT NULL`, last)
	if err != nil {
		return err
	}
	for _, root := range roots {
		ref, err := clusterOf(ctx, tx, root)
		if err != nil {
			return err
		}
		if ref == nil {
			continue // cannot be: cluster_id is a foreign key
		}
		if err := setEntry(ctx, tx, root, ref.entryKey, ref.entryPublished); err != nil {
			return err
		}
	}
	if err := electPrimaries(ctx, tx, roots, now); err != nil {
		return err
	}
	return tx.Commit()
}

// rebuildInPlace is RebuildClusters on s itself, in transactions of
// rebuildBatch items: on a database nobody else reads (the rebuild's
// copy, or one in memory).
func (s *Store) rebuildInPlace(ctx context.Context, c Clusterer, now time.Time) (seen, joined int, err error) {
	// Which report each entry shows: one that shows another afterwards
	// changed its content, and readers must see it updated.
	var shown map[string]int64
	var last int64
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if shown, err = shownReports(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM items`).Scan(&last)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("storage: rebuild clusters: %w", err)
	}
	// Every item leaves its cluster, dissolveBatch items per transaction:
	// the database is the rebuild's own copy (RebuildClusters), so nobody
	// sees it half done, and small transactions keep its WAL small (one
	// for all would write most of the copy's pages into it once more).
	// Split items keep their entry (its id may be key-split), and so do
	// the roots of clusters: after an editor split off a story's first
	// report, the next one is the root and carries the story's entry,
	// which readers know; its own key would be a new entry. (The
	// expressions read each row as it was before the update.)
	for lo := int64(0); lo < last; lo += dissolveBatch {
		err = s.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = NULL, cluster_layer = '', cluster_score = 0,
				visible = (hidden = 0 AND `+sourceConfigured+`),
				entry_key = CASE WHEN cluster_lock = ?1 OR cluster_id IS NULL THEN entry_key ELSE key END,
				entry_published = CASE WHEN cluster_lock = ?1 OR cluster_id IS NULL THEN entry_published ELSE published END
				WHERE cluster_lock <> ?2 AND id > ?3 AND id <= ?4`, lockSplit, lockMerged, lo, lo+dissolveBatch); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE item_lands SET published = (SELECT entry_published FROM items WHERE id = item_id)
				WHERE item_id > ? AND item_id <= ?`, lo, lo+dissolveBatch)
			return err
		})
		if err != nil {
			return 0, 0, fmt.Errorf("storage: rebuild clusters: %w", err)
		}
	}
	var after int64
	for {
		n, j, last, err := s.rebuildBatch(ctx, c, after, now)
		if err != nil {
			return seen, joined, fmt.Errorf("storage: rebuild clusters: %w", err)
		}
		if n == 0 {
			break
		}
		seen, joined, after = seen+n, joined+j, last
	}
	// Editorial merges: their primaries may have changed with the rest.
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		roots, err := queryIDs(ctx, tx, `SELECT DISTINCT cluster_id FROM items WHERE cluster_lock = ? AND cluster_id IS NOT NULL`, lockMerged)
		if err != nil {
			return err
		}
		if err := electPrimaries(ctx, tx, roots, now); err != nil {
			return err
		}
		after, err := shownReports(ctx, tx)
		if err != nil {
			return err
		}
		for key, id := range after {
			if was, ok := shown[key]; ok && was != id {
				if _, err := tx.ExecContext(ctx, `UPDATE items SET updated = max(updated, ?) WHERE id = ?`, toMillis(now), id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return seen, joined, fmt.Errorf("storage: rebuild clusters: %w", err)
	}
	return seen, joined, nil
}

// shownReports returns the report each entry shows, by entry key.
func shownReports(ctx context.Context, tx *sql.Tx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT entry_key, id FROM items WHERE visible = 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			return nil, err
		}
		m[key] = id
	}
	return m, rows.Err()
}

type rebuildItem struct {
	id, sourceID int64
	link         string
	lock         int
	doc          ClusterDoc
}

func (s *Store) rebuildBatch(ctx context.Context, c Clusterer, after int64, now time.Time) (n, joined int, last int64, err error) {
	rows, err := s.r.QueryContext(ctx, `SELECT i.id, i.source_id, i.published, i.link, i.cluster_lock, i.fingerprint,
		(SELECT group_concat(land) FROM item_lands l WHERE l.item_id = i.id), s.place
		FROM items i JOIN sources s ON s.id = i.source_id WHERE i.id > ? ORDER BY i.id LIMIT ?`, after, rebuildBatch)
	if err != nil {
		return 0, 0, 0, err
	}
	var batch []rebuildItem
	for rows.Next() {
		var it rebuildItem
		var published int64
		var lands sql.NullString
		if err := rows.Scan(&it.id, &it.sourceID, &published, &it.link, &it.lock, &it.doc.Fingerprint, &lands, &it.doc.Place); err != nil {
			rows.Close()
			return 0, 0, 0, err
		}
		it.doc.Published = fromMillis(published)
		it.doc.Lands = splitComma(lands.String)
		batch = append(batch, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return 0, 0, 0, err
	}
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		joined = 0
		for _, it := range batch {
			if it.lock == lockNone {
				ok, err := s.rejoin(ctx, tx, c, it, now)
				if err != nil {
					return fmt.Errorf("item %d: %w", it.id, err)
				}
				if ok {
					joined++
				}
			}
			if len(it.doc.Fingerprint) > 0 {
				c.Add(it.id, it.doc)
			}
		}
		return nil
	})
	return len(batch), joined, batch[len(batch)-1].id, err
}

// rejoin puts a replayed item into the cluster ingest would have put it.
func (s *Store) rejoin(ctx context.Context, tx *sql.Tx, c Clusterer, it rebuildItem, now time.Time) (bool, error) {
	var target int64
	layer, score := LayerLink, 1.0
	if it.link != "" && articleLink(it.link) {
		roots, err := s.lookupLinks(ctx, tx, it.sourceID, it.id, []string{it.link})
		if err != nil {
			return false, err
		}
		target = roots[it.link]
	}
	if target == 0 && len(it.doc.Fingerprint) > 0 {
		m, ok, err := s.findCluster(ctx, tx, c, it.sourceID, it.doc)
		if err != nil || !ok {
			return false, err
		}
		target, layer, score = m.ID, m.Layer, m.Score
	}
	if target == 0 {
		return false, nil
	}
	ref, err := clusterOf(ctx, tx, target)
	if err != nil || ref == nil || ref.root == it.id {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE items SET cluster_id = ?, cluster_layer = ?, cluster_score = ? WHERE id = ?`,
		ref.root, layer, score, it.id); err != nil {
		return false, err
	}
	if err := setEntry(ctx, tx, ref.root, ref.entryKey, ref.entryPublished); err != nil {
		return false, err
	}
	return true, electPrimary(ctx, tx, ref.root, now)
}

// ErrUnchanged is returned by Hide when the story already is as asked.
var ErrUnchanged = errors.New("storage: nothing changed")

// Hide takes the story of item id out of every feed (hidden true) or puts
// it back (false): an editor's decision that survives re-fetches, rebuilds
// and reports joining the story later. It marks every report of the
// story and returns how many there are; ErrUnchanged if the story already
// was hidden (or shown). A story shown again keeps its entry id and date.
func (s *Store) Hide(ctx context.Context, id int64, hidden bool, now time.Time) (reports int, err error) {
	err = s.Transact(ctx, func(tx *sql.Tx) error {
		ref, err := clusterOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if ref == nil {
			return ErrNotFound
		}
		var anyHidden int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(hidden), 0) FROM items WHERE id = ? OR cluster_id = ?`,
			ref.root, ref.root).Scan(&reports, &anyHidden); err != nil {
			return err
		}
		if (anyHidden != 0) == hidden {
			return ErrUnchanged
		}
		if _, err := tx.ExecContext(ctx, `UPDATE items SET hidden = ? WHERE id = ? OR cluster_id = ?`, hidden, ref.root, ref.root); err != nil {
			return err
		}
		return electPrimary(ctx, tx, ref.root, now)
	})
	if err != nil {
		return 0, fmt.Errorf("storage: hide %d: %w", id, err)
	}
	return reports, nil
}
