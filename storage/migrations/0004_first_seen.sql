-- "since" selects entries by when egovfeed first stored a report of their
-- story, not by the date a source gave it: a newsletter pulling "what is
-- new since my last pull" must get an item that was published before
-- that pull but fetched after it. first_seen only grows, so this index is
-- appended to, not written all over.
CREATE INDEX items_by_first_seen ON items(first_seen);
