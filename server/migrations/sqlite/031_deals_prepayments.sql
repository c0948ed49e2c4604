-- Deals (成交记录) and prepayments (预收款), record types of the kit (docs/adr/0006-record-kit.md).
-- Money is integer cents. A deal's prepayment_draw is paid from the customer's prepayment balance
-- (live prepayments less live deals' draws), which the server keeps at or above zero.
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    closed_on TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    prepayment_draw INTEGER NOT NULL DEFAULT 0 CHECK (prepayment_draw >= 0),
    owner_id INTEGER REFERENCES users(id),
    description TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX deals_customer ON deals(customer_id, deleted_at, closed_on);
CREATE INDEX deals_owner ON deals(owner_id, closed_on);
CREATE TABLE prepayments (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    received_on TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    method TEXT NOT NULL DEFAULT 'bank_transfer',
    note TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX prepayments_customer ON prepayments(customer_id, deleted_at, received_on);
-- Permissions as a new installation's roles get them: admin and manager all, sales all but delete.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.edit');
