-- The entry of the story an editor split this report off (NULL: none). The
-- report stays one of the story's for "added since": a story does not
-- become new to a newsletter because its first report was split off.
-- Only split reports are in the index.
ALTER TABLE items ADD COLUMN split_entry TEXT;
CREATE INDEX items_by_split_entry ON items(split_entry) WHERE split_entry IS NOT NULL;
