-- The customer list's page and count without sorting or counting the caller's whole scope
-- (docs/PERFORMANCE.md, "List by owner"):
--   * customer_owner_counts holds the number of live (not deleted) customers per owner, owner_key 0
--     standing for the public pool. Triggers keep it exact on every insert, delete, transfer,
--     release, claim, soft delete and restore, whichever code path or process writes.
--   * customers_live_next and customers_live_updated order every live customer by next contact or
--     last change (then id) with the owner alongside, so a page for a scope of many owners is the
--     first matches of one index scan.
CREATE TABLE customer_owner_counts (
    owner_key INTEGER PRIMARY KEY,
    live INTEGER NOT NULL
);
INSERT INTO customer_owner_counts (owner_key, live)
SELECT coalesce(owner_id, 0), COUNT(*) FROM customers WHERE deleted_at IS NULL GROUP BY 1;

CREATE TRIGGER customers_count_insert AFTER INSERT ON customers WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO customer_owner_counts (owner_key, live) VALUES (coalesce(new.owner_id, 0), 1)
    ON CONFLICT (owner_key) DO UPDATE SET live = live + 1;
END;
CREATE TRIGGER customers_count_delete AFTER DELETE ON customers WHEN old.deleted_at IS NULL BEGIN
    UPDATE customer_owner_counts SET live = live - 1 WHERE owner_key = coalesce(old.owner_id, 0);
END;
CREATE TRIGGER customers_count_update AFTER UPDATE OF owner_id, deleted_at ON customers
WHEN old.owner_id IS NOT new.owner_id OR (old.deleted_at IS NULL) <> (new.deleted_at IS NULL) BEGIN
    UPDATE customer_owner_counts SET live = live - 1
    WHERE old.deleted_at IS NULL AND owner_key = coalesce(old.owner_id, 0);
    INSERT INTO customer_owner_counts (owner_key, live)
    SELECT coalesce(new.owner_id, 0), 1 WHERE new.deleted_at IS NULL
    ON CONFLICT (owner_key) DO UPDATE SET live = live + 1;
END;

CREATE INDEX customers_live_next ON customers(deleted_at, next_contact_at, id, owner_id);
CREATE INDEX customers_live_updated ON customers(deleted_at, updated_at, id, owner_id);
