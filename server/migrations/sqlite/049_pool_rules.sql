-- Issue 15 item 7: public-pool rules (公海规则, domains/customers/pool_rules.hpp). One row holds
-- the administrator's rules as JSON ('{}' = the defaults, rules off). owned_since is when the
-- customer's current owner got it: a customer claimed today is not recycled tonight for a last
-- contact months ago. A trigger keeps it on every change of owner, whichever path writes (claim,
-- transfer, handover, release, recycle, import); NULL on rows owned since their creation
-- (created_at stands in).
CREATE TABLE pool_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rules TEXT NOT NULL DEFAULT '{}',
    updated_at INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER REFERENCES users(id)
);
INSERT INTO pool_settings (id, rules, updated_at) VALUES (1, '{}', 0);

ALTER TABLE customers ADD COLUMN owned_since INTEGER;
CREATE TRIGGER customers_owned_since AFTER UPDATE OF owner_id ON customers
WHEN old.owner_id IS NOT new.owner_id BEGIN
    UPDATE customers SET owned_since = new.updated_at WHERE id = new.id;
END;

-- A user's claims today (the per-role daily cap) without reading every ownership change.
CREATE INDEX ownership_changes_by ON ownership_changes(by_user_id, at);
