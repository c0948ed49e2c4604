-- Live customers per owner (owner_key 0 = the public pool), kept exact by a trigger, and every live
-- customer ordered by next contact and by last change with its owner alongside: the customer list's page and count
-- without sorting or counting the caller's whole scope. See the SQLite migration 011.
CREATE TABLE customer_owner_counts (
    owner_key BIGINT PRIMARY KEY,
    live BIGINT NOT NULL
);
INSERT INTO customer_owner_counts (owner_key, live)
SELECT coalesce(owner_id, 0), COUNT(*) FROM customers WHERE deleted_at IS NULL GROUP BY 1;

CREATE FUNCTION customer_owner_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        UPDATE customer_owner_counts SET live = live - 1 WHERE owner_key = coalesce(OLD.owner_id, 0);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.deleted_at IS NULL THEN
        INSERT INTO customer_owner_counts (owner_key, live) VALUES (coalesce(NEW.owner_id, 0), 1)
        ON CONFLICT (owner_key) DO UPDATE SET live = customer_owner_counts.live + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_count_change AFTER INSERT OR DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customer_owner_count();
CREATE TRIGGER customers_count_update AFTER UPDATE OF owner_id, deleted_at ON customers
    FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
    EXECUTE FUNCTION customer_owner_count();

CREATE INDEX customers_live_next ON customers(deleted_at, next_contact_at, id, owner_id);
CREATE INDEX customers_live_updated ON customers(deleted_at, updated_at, id, owner_id);
