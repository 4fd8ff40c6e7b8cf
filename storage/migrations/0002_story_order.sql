-- Entries are ordered newest first by their story's date, ties broken by
-- the story's root id (coalesce(cluster_id, id)), not by the id of the
-- report currently shown: that changes when a better source joins the
-- story, and a paging cursor taken before would then skip or repeat it.
DROP INDEX items_visible;
CREATE INDEX items_visible ON items(entry_published DESC, coalesce(cluster_id, id) DESC) WHERE visible = 1;
