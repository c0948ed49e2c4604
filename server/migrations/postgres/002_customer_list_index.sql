-- The access gate's predicate (owner_id IS NULL OR owner_id IN (...)) AND deleted_at IS NULL, as an
-- index that answers it without reading the customers rows (index-only scans once vacuumed): the
-- COUNT(*) of a list and the search filters. Same index as SQLite's 002; numbers in
-- docs/PERFORMANCE.md.
CREATE INDEX customers_owner_live ON customers(owner_id, deleted_at, next_contact_at);
