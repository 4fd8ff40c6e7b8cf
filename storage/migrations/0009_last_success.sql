-- When the source was last fetched successfully (200 or 304; 0: never):
-- how long a failing source has been failing, and for /healthz?fresh=,
-- whether egovfeed still gets anything at all. A source whose last fetch
-- succeeded has it already; one failing now, from its fetch records (kept
-- 30 days).
ALTER TABLE sources ADD COLUMN last_success_at INTEGER NOT NULL DEFAULT 0;
UPDATE sources SET last_success_at = last_fetch_at WHERE consecutive_failures = 0;
UPDATE sources SET last_success_at = coalesce((SELECT max(f.started_at) FROM fetches f
    WHERE f.source_id = sources.id AND f.error = ''), 0)
    WHERE consecutive_failures > 0;
