-- Lists sorted by category, industry or region over a large scope (a manager's, everyone's) read
-- the page from one ordered scan (owner_page.cpp; docs/PERFORMANCE.md, "Sorted by name or
-- creation"): before this an administrator's such page sorted a million customers, 343–476 ms on
-- PostgreSQL (3–3.8 s on SQLite). These columns take few values and a small scope sorts fast, so
-- there is no per-owner index. A follow-up changes none of them.
CREATE INDEX customers_live_category ON customers(deleted_at, category, id, owner_id);
CREATE INDEX customers_live_industry ON customers(deleted_at, industry, id, owner_id);
CREATE INDEX customers_live_region ON customers(deleted_at, region, id, owner_id);
