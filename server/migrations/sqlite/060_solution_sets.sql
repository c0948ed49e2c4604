-- A solution names the needs it answers and the products it offers as sets of records (kit
-- FieldType::kRecords, issue 16 item 3), each kept in a side table (record_id, ref_id) as a set of
-- users is: need_ids was a text list of ids, products free text (kept as the products' notes).
CREATE TABLE opportunity_solutions_need_ids (
    record_id INTEGER NOT NULL REFERENCES opportunity_solutions(id),
    ref_id INTEGER NOT NULL REFERENCES opportunity_needs(id),
    PRIMARY KEY (record_id, ref_id)
);
CREATE INDEX opportunity_solutions_need_ids_ref ON opportunity_solutions_need_ids(ref_id, record_id);
CREATE TABLE opportunity_solutions_product_ids (
    record_id INTEGER NOT NULL REFERENCES opportunity_solutions(id),
    ref_id INTEGER NOT NULL REFERENCES products(id),
    PRIMARY KEY (record_id, ref_id)
);
CREATE INDEX opportunity_solutions_product_ids_ref
    ON opportunity_solutions_product_ids(ref_id, record_id);
-- The needs each solution named, where they still are needs.
INSERT OR IGNORE INTO opportunity_solutions_need_ids (record_id, ref_id)
SELECT s.id, n.id
FROM opportunity_solutions s,
     json_each(CASE WHEN json_valid(s.need_ids) THEN s.need_ids ELSE '[]' END) j
JOIN opportunity_needs n ON CAST(n.id AS TEXT) = j.value;
ALTER TABLE opportunity_solutions DROP COLUMN need_ids;
