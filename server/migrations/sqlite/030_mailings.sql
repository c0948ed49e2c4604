-- Postal-mail records (邮寄记录), the first record type of the kit (docs/adr/0006-record-kit.md):
-- the kit's columns (id, customer_id, created_by, created_at, updated_at, version, deleted_at)
-- around the type's fields. Numbered 030 so that migrations added meanwhile keep their numbers.
CREATE TABLE mailings (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    item TEXT NOT NULL,
    carrier TEXT,
    tracking_number TEXT,
    sent_on TEXT NOT NULL,
    received_on TEXT,
    note TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX mailings_customer ON mailings(customer_id, deleted_at, sent_on);
-- The administrator holds every permission; the default manager role all four, the default sales
-- role all but delete — as a new installation's roles get them at first start.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.edit');
