-- Lists sorted by name or by creation read by owner too (owner_page.cpp; docs/PERFORMANCE.md,
-- "Sorted by name or creation"): before these, such a page sorted the caller's whole scope — 4 s
-- for an administrator sorting a million customers by name, 0.6 s (15 s from a cold cache) for a
-- salesperson's list with the public pool sorted by creation. Per owner, and for every live
-- customer with the owner alongside (a scope of many owners filters one ordered scan), as
-- migrations 002 and 011 do for next contact and last change. A follow-up changes none of these
-- columns, so it writes none of these indexes.
CREATE INDEX customers_owner_name ON customers(owner_id, deleted_at, name);
CREATE INDEX customers_live_name ON customers(deleted_at, name, id, owner_id);
CREATE INDEX customers_owner_created ON customers(owner_id, deleted_at, created_at);
CREATE INDEX customers_live_created ON customers(deleted_at, created_at, id, owner_id);
