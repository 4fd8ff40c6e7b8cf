-- An editor's decision to take a story out of every feed (egovfeed hide):
-- a cluster with a hidden member has no visible member, so the outputs,
-- which show visible items only, need no change. Reports that join the
-- story later are hidden with it; unhide clears the whole cluster.
ALTER TABLE items ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
