-- When serve found the source gone from its configuration (0: configured).
-- A removed source's items stay until retention, so that adding it back
-- brings them back under their entry ids, but none of them is shown: a
-- story it reported with others is shown by another source's report.
ALTER TABLE sources ADD COLUMN removed_at INTEGER NOT NULL DEFAULT 0;
