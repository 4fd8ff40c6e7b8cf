-- Sources are keyed by URL, their natural key; names may be edited in
-- config without losing history.
CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    land                 TEXT NOT NULL DEFAULT '',
    feed_title           TEXT NOT NULL DEFAULT '',
    feed_link            TEXT NOT NULL DEFAULT '',
    etag                 TEXT NOT NULL DEFAULT '',
    last_modified        TEXT NOT NULL DEFAULT '',
    last_fetch_at        INTEGER NOT NULL DEFAULT 0, -- unix ms
    last_status          INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    retry_after          INTEGER NOT NULL DEFAULT 0, -- unix ms; no fetch before this
    priority             INTEGER NOT NULL DEFAULT 0  -- higher wins as a cluster's primary
);

CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    started_at    INTEGER NOT NULL, -- unix ms
    status        INTEGER NOT NULL, -- HTTP status, 0 when no response
    duration_ms   INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    items_new     INTEGER NOT NULL,
    items_updated INTEGER NOT NULL,
    error         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fetches_by_source ON fetches(source_id, started_at);

-- guid is the item's natural key within its source: the feed's GUID, or
-- the canonical link when there is none. published never changes after
-- the first store, so an edited item keeps its place in every feed.
--
-- Clusters: items telling the same story share cluster_id, the id of the
-- cluster's root (its first item); a root and a lone item have NULL. One
-- member, the primary, is visible. entry_key and entry_published are the
-- cluster's: the root's key and date, so a subscriber's entry keeps its id
-- and place when another member becomes primary.
CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES sources(id),
    guid             TEXT NOT NULL,
    key              TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    teaser           TEXT NOT NULL,
    link             TEXT NOT NULL,
    orig_link        TEXT NOT NULL,
    published        INTEGER NOT NULL, -- unix ms
    date_from_source INTEGER NOT NULL, -- 1 if published came from the feed
    first_seen       INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    content_hash     BLOB NOT NULL,
    fingerprint      BLOB,             -- near-duplicate features (aggregator/dedup)
    cluster_id       INTEGER REFERENCES items(id),
    cluster_layer    TEXT NOT NULL DEFAULT '', -- link, title, similar or merge
    cluster_score    REAL NOT NULL DEFAULT 0,
    cluster_lock     INTEGER NOT NULL DEFAULT 0, -- 1 split by an editor, 2 merged by an editor
    visible          INTEGER NOT NULL DEFAULT 1,
    entry_key        TEXT NOT NULL,
    entry_published  INTEGER NOT NULL,
    UNIQUE (source_id, guid)
);
CREATE INDEX items_visible ON items(entry_published DESC, id DESC) WHERE visible = 1;
CREATE INDEX items_by_link ON items(link);
CREATE INDEX items_by_cluster ON items(cluster_id) WHERE cluster_id IS NOT NULL;

-- Many-to-many: an item may concern several Länder. rule and evidence
-- explain the tag. published (the item's entry_published) is copied here
-- so "newest N of a Land" is one index range scan.
CREATE TABLE item_lands (
    item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    land      TEXT NOT NULL,
    published INTEGER NOT NULL,
    rule      TEXT NOT NULL,
    evidence  TEXT NOT NULL,
    PRIMARY KEY (item_id, land)
) WITHOUT ROWID;
CREATE INDEX item_lands_by_land ON item_lands(land, published DESC, item_id DESC);
