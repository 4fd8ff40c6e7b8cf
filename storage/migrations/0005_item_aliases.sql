-- Other GUIDs under which a source has listed a stored item. A source that
-- gives its items new GUIDs (a CMS migration, GUIDs built per request) or
-- corrects the link of a GUID-less item (whose key is its link) would
-- otherwise bring each item back as a second entry, "unread" again.
-- A few per item are kept (storage/items.go); they go with their item.
CREATE TABLE item_aliases (
    id        INTEGER PRIMARY KEY, -- order of arrival: the oldest go first
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    guid      TEXT NOT NULL,
    item_id   INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    UNIQUE (source_id, guid)
);
CREATE INDEX item_aliases_by_item ON item_aliases(item_id);
-- A new GUID is matched to a stored item of its source with the same link
-- (items_by_link) or the same date: without this index that look-up reads
-- every item of the source. An integer key costs ingest less than the
-- title would.
CREATE INDEX items_by_source_date ON items(source_id, published);
