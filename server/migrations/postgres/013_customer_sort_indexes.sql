-- Lists sorted by name or by creation read by owner too (owner_page.cpp; docs/PERFORMANCE.md,
-- "Sorted by name or creation"): before these, such a page sorted the caller's whole scope. Per
-- owner in the list's exact order (deleted_at before the sort column and id last, as migration 012
-- explains), and for every live customer with the owner alongside, as migration 011 does for next
-- contact and last change. A follow-up changes none of these columns.
CREATE INDEX customers_owner_name ON customers(owner_id, deleted_at, name, id);
CREATE INDEX customers_live_name ON customers(deleted_at, name, id, owner_id);
CREATE INDEX customers_owner_created ON customers(owner_id, deleted_at, created_at, id);
CREATE INDEX customers_live_created ON customers(deleted_at, created_at, id, owner_id);
