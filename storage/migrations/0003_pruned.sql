-- Tombstones of pruned items: an item retention deleted while its feed
-- still lists it would otherwise be stored again as new (an undated one at
-- the top of every feed). A tombstone lives as long as the feed lists the
-- item: a changed feed body that no longer has the GUID removes it.
CREATE TABLE pruned (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid      TEXT NOT NULL,
    PRIMARY KEY (source_id, guid)
) WITHOUT ROWID;
