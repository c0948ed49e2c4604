-- Contracts, their payment plans and payments (issue 16 item 6; docs/DEVELOPING.md "Contracts").
-- A contract is a kit record type under a customer; its instalments are replaced whole by
-- PUT /api/v1/contracts/{id}/instalments; payments are a ledger that is only ever added to (a
-- refund or a correction is an entry of its own). Money is INTEGER cents.
CREATE TABLE contracts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    number TEXT UNIQUE,
    title TEXT NOT NULL,
    owner_id INTEGER REFERENCES users(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    signed_on TEXT NOT NULL,
    start_on TEXT,
    end_on TEXT,
    status TEXT NOT NULL DEFAULT 'draft',
    notes TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
-- The customer's list and timeline; the owner's contracts (the to-do page's payments due).
CREATE INDEX contracts_customer ON contracts(customer_id, deleted_at, signed_on);
CREATE INDEX contracts_owner ON contracts(owner_id, deleted_at);
-- `paid`: what the payments cover of it (recomputed on every payment and plan write);
-- `overdue_at`: when it was first seen overdue and unpaid (the payment-due reminder's time).
CREATE TABLE contract_instalments (
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    seq INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    due_on TEXT NOT NULL,
    note TEXT,
    paid INTEGER NOT NULL DEFAULT 0,
    overdue_at INTEGER,
    PRIMARY KEY (contract_id, seq)
);
-- The overdue job (overdue_at IS NULL, due_on before today) and the reminder's window.
CREATE INDEX contract_instalments_overdue ON contract_instalments(overdue_at, due_on);
CREATE INDEX contract_instalments_due ON contract_instalments(due_on);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    contract_id INTEGER NOT NULL REFERENCES contracts(id),
    instalment_no INTEGER,
    kind TEXT NOT NULL,
    received_on TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    effect INTEGER NOT NULL,
    prepayment_draw INTEGER NOT NULL DEFAULT 0,
    method TEXT,
    note TEXT,
    corrects_id INTEGER REFERENCES payments(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX payments_contract ON payments(contract_id, id);
CREATE INDEX payments_customer ON payments(customer_id, received_on);
-- A customer marked payment_due (催款) by an overdue instalment, with the category it had, so
-- that full payment gives it back.
CREATE TABLE payment_due_marks (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
    previous_category TEXT NOT NULL,
    marked_at INTEGER NOT NULL
);
-- As a new installation's roles get them at first start: the administrator and the default
-- manager role every permission, the default sales role all but delete and export.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'contracts.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'contracts.edit');
