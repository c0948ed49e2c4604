-- Search terms of 3 or more characters (DESIGN.md "Chinese search"): an FTS5 trigram index over
-- customers.search_text, beside the bigram index that serves 1- and 2-character terms. External
-- content: the text lives once, in customers; triggers keep the index in step with every write.
-- Measured at 100k customers (docs/adr/0001-search-index.md): a 4-character term 0.2-1.5 ms, against
-- 2-3 ms narrowing by the rarest bigram and 33 ms intersecting all three posting lists.
CREATE VIRTUAL TABLE customer_fts USING fts5(
    search_text, content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO customer_fts (customer_fts) VALUES ('rebuild');
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO customer_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
