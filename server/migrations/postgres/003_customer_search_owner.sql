-- The bigram index keyed by owner (docs/adr/0002-customer-list-scope.md): a salesperson's search for
-- a 2-character term reads only their own postings (owner_key = owner_id, 0 for the public pool)
-- instead of the term's posting list over every customer. A trigger keeps owner_key in step with
-- every ownership change, so no write path can forget it.
ALTER TABLE customer_search ADD COLUMN owner_key BIGINT NOT NULL DEFAULT 0;
UPDATE customer_search s SET owner_key = c.owner_id
    FROM customers c WHERE c.id = s.customer_id AND c.owner_id IS NOT NULL;
ALTER TABLE customer_search DROP CONSTRAINT customer_search_pkey;
ALTER TABLE customer_search ADD PRIMARY KEY (gram, owner_key, customer_id);
CREATE FUNCTION customers_search_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE customer_search SET owner_key = coalesce(NEW.owner_id, 0) WHERE customer_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_search_owner AFTER UPDATE OF owner_id ON customers
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION customers_search_owner();
