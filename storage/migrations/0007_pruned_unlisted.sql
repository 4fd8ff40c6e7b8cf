-- When the feed stopped listing a pruned item (0: it still lists it). A
-- tombstone is kept for a while after that, so that an item that leaves its
-- feed for a fetch or two (a feed that shuffles, a server that briefly sends
-- fewer items) does not come back as new afterwards.
ALTER TABLE pruned ADD COLUMN unlisted_since INTEGER NOT NULL DEFAULT 0;
