-- The trigram index's triggers skip an empty search_text (docs/PERFORMANCE.md, 2026-12-06 "customer
-- writes"): a customer create inserts its row with search_text '' and writes the text at the end
-- of the group commit's batch, in one UPDATE for the whole batch (search::IndexNew), so FTS5 writes
-- one segment per batch instead of one per create. An empty text has no trigrams, so skipping it
-- changes no search; every committed customer has a name, hence a non-empty text.
DROP TRIGGER customers_fts_insert;
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers WHEN new.search_text <> '' BEGIN
    INSERT INTO customer_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
DROP TRIGGER customers_fts_delete;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers WHEN old.search_text <> '' BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
DROP TRIGGER customers_fts_update;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text)
    SELECT 'delete', old.id, old.search_text WHERE old.search_text <> '';
    INSERT INTO customer_fts (rowid, search_text)
    SELECT new.id, new.search_text WHERE new.search_text <> '';
END;
