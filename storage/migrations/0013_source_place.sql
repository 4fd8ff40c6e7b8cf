-- The place a source speaks for (its title_prefix, written by every
-- command from the configuration like land): near-duplicate detection
-- keeps two towns' reports from one template apart.
ALTER TABLE sources ADD COLUMN place TEXT NOT NULL DEFAULT '';
