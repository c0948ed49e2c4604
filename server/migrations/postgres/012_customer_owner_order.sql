-- The per-owner indexes of the list by owner, in the list's exact order on PostgreSQL: deleted_at
-- before the sort column (the page's ORDER BY names it, being constant, so PostgreSQL can read the
-- range in order) and id last as the tie-break, so one owner's page is an index range without a
-- sort or an incremental sort per owner (docs/PERFORMANCE.md, "Open now" H). SQLite needs neither:
-- it treats `deleted_at IS NULL` as constant when ordering, and every index ends with the rowid.
DROP INDEX customers_owner_live;
CREATE INDEX customers_owner_live ON customers(owner_id, deleted_at, next_contact_at, id);
DROP INDEX customers_owner_updated;
CREATE INDEX customers_owner_updated ON customers(owner_id, deleted_at, updated_at, id);
