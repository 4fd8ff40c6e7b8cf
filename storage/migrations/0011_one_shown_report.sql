-- Early builds could leave a cluster with two shown reports after an
-- editor's merge, so its entry appeared twice until dedup -rebuild. Keep
-- one per cluster: the one electPrimary would choose among them (a
-- configured source first, then priority, then the earliest).
UPDATE items SET visible = 0 WHERE id IN (
    SELECT id FROM (
        SELECT i.id, row_number() OVER (PARTITION BY coalesce(i.cluster_id, i.id)
            ORDER BY s.removed_at <> 0, s.priority DESC, i.published, i.id) AS n
        FROM items i JOIN sources s ON s.id = i.source_id
        WHERE i.visible = 1
    ) WHERE n > 1
);
