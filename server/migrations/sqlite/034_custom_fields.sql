-- Custom fields (issue 13): an administrator's own fields on customers and on any kit record type.
-- A definition names its entity ("customers" or a kit type's name) and a key that never changes;
-- the values live under the record's `custom` object by that key, so a renamed label keeps them.
-- Keys are unique per entity among live definitions (a deleted one's key may be defined again).
CREATE TABLE custom_fields (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    type TEXT NOT NULL,
    label_zh_cn TEXT NOT NULL,
    label_en TEXT NOT NULL,
    required INTEGER NOT NULL DEFAULT 0,
    choices TEXT NOT NULL DEFAULT '[]',
    indexed INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields(entity, key) WHERE deleted_at IS NULL;
-- Every kit table holds its record's custom values (customers have had the column since 001).
-- A kit table added later has the column in its own migration (docs/DEVELOPING.md).
ALTER TABLE mailings ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE deals ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE prepayments ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
