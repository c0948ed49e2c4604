-- Public-pool rules (公海规则): see the SQLite migration 049.
CREATE TABLE pool_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    rules TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL DEFAULT 0,
    updated_by BIGINT REFERENCES users(id)
);
INSERT INTO pool_settings (id, rules, updated_at) VALUES (1, '{}', 0);

ALTER TABLE customers ADD COLUMN owned_since BIGINT;
CREATE FUNCTION customers_owned_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.owned_since := NEW.updated_at;
    RETURN NEW;
END $$;
CREATE TRIGGER customers_owned_since BEFORE UPDATE OF owner_id ON customers
    FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
    EXECUTE FUNCTION customers_owned_since();

CREATE INDEX ownership_changes_by ON ownership_changes(by_user_id, at);
