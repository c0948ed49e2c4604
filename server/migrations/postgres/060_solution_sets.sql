-- A solution names the needs it answers and the products it offers as sets of records (kit
-- FieldType::kRecords, issue 16 item 3), each kept in a side table (record_id, ref_id) as a set of
-- users is: need_ids was a text list of ids, products free text (kept as the products' notes).
CREATE TABLE opportunity_solutions_need_ids (
    record_id BIGINT NOT NULL REFERENCES opportunity_solutions(id),
    ref_id BIGINT NOT NULL REFERENCES opportunity_needs(id),
    PRIMARY KEY (record_id, ref_id)
);
CREATE INDEX opportunity_solutions_need_ids_ref ON opportunity_solutions_need_ids(ref_id, record_id);
CREATE TABLE opportunity_solutions_product_ids (
    record_id BIGINT NOT NULL REFERENCES opportunity_solutions(id),
    ref_id BIGINT NOT NULL REFERENCES products(id),
    PRIMARY KEY (record_id, ref_id)
);
CREATE INDEX opportunity_solutions_product_ids_ref
    ON opportunity_solutions_product_ids(ref_id, record_id);
-- The needs each solution named, where they still are needs.
INSERT INTO opportunity_solutions_need_ids (record_id, ref_id)
SELECT DISTINCT s.id, n.id
FROM opportunity_solutions s
CROSS JOIN LATERAL jsonb_array_elements_text(s.need_ids::jsonb) AS j(value)
JOIN opportunity_needs n ON CAST(n.id AS TEXT) = j.value
WHERE s.need_ids IS NOT NULL AND s.need_ids LIKE '[%'
ON CONFLICT DO NOTHING;
ALTER TABLE opportunity_solutions DROP COLUMN need_ids;
