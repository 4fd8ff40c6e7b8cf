-- The key a GUID-less item alone on its link will have once other items
-- share the link (link and title; NULL for other items): retention's
-- tombstone covers it too, so that a pruned item its feed still lists does
-- not come back as new when a second item appears on its link.
ALTER TABLE items ADD COLUMN alt_key TEXT;
