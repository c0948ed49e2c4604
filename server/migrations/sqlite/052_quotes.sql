-- Products, price lists and quotes (issue 16, docs/QUOTES.md). Products and price lists are kit
-- types only administrators write (every role reads them, for quoting); a product's code is unique
-- among live products. A price list's lines and a quote's lines are rows of their own, written
-- whole by PUT .../lines. Amounts are integer cents, quantities thousandths, percentages
-- hundredths of a percent.
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT,
    unit TEXT,
    list_price INTEGER NOT NULL,
    cost INTEGER,
    active INTEGER NOT NULL DEFAULT 1,
    description TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX products_code ON products(code) WHERE deleted_at IS NULL;
CREATE INDEX products_name ON products(deleted_at, name);
CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    customer_category TEXT,
    region TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX price_lists_valid ON price_lists(deleted_at, valid_from);
CREATE TABLE price_list_lines (
    price_list_id INTEGER NOT NULL REFERENCES price_lists(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    price INTEGER NOT NULL,
    PRIMARY KEY (price_list_id, product_id)
);
CREATE INDEX price_list_lines_product ON price_list_lines(product_id, price_list_id);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    number TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    title TEXT,
    contact_id INTEGER REFERENCES contacts(id),
    owner_id INTEGER NOT NULL REFERENCES users(id),
    valid_until TEXT,
    currency TEXT NOT NULL DEFAULT 'CNY',
    status TEXT NOT NULL DEFAULT 'draft',
    needs_approval INTEGER NOT NULL DEFAULT 0,
    line_count INTEGER NOT NULL DEFAULT 0,
    subtotal INTEGER NOT NULL DEFAULT 0,
    tax_total INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    decided_by INTEGER REFERENCES users(id),
    decision_note TEXT,
    accepted_at INTEGER,
    previous_id INTEGER REFERENCES quotes(id),
    superseded_by INTEGER REFERENCES quotes(id),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
-- The customer's quotes (the kit's list), a quote's versions (same customer and number), and the
-- approvals waiting for someone.
CREATE INDEX quotes_customer ON quotes(customer_id, deleted_at, number);
CREATE INDEX quotes_status ON quotes(status, deleted_at);
CREATE TABLE quote_lines (
    quote_id INTEGER NOT NULL REFERENCES quotes(id),
    position INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    description TEXT NOT NULL,
    quantity_milli INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    discount_bp INTEGER NOT NULL,
    tax_rate_bp INTEGER NOT NULL,
    net INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    PRIMARY KEY (quote_id, position)
);
-- "What did we quote him before?": a product's lines, newest quote last.
CREATE INDEX quote_lines_product ON quote_lines(product_id, quote_id);
-- The largest discount each role may give without approval (hundredths of a percent; NULL: no
-- limit). A role without a row has its default (docs/QUOTES.md).
CREATE TABLE quote_discount_limits (
    role_id INTEGER PRIMARY KEY REFERENCES roles(id),
    max_discount_bp INTEGER,
    updated_at INTEGER NOT NULL
);
-- As a new installation's roles get them at first start: everyone reads products and price
-- lists, the administrator writes them; quotes as other customer records (admin and manager all
-- five, sales all but delete and export).
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'products.view')
WHERE json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'products.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'products.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'products.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'products.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'products.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'products.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'products.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'products.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'products.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'price_lists.view')
WHERE json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'price_lists.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'price_lists.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'price_lists.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'price_lists.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'price_lists.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'price_lists.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'price_lists.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'price_lists.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'price_lists.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'quotes.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'quotes.edit');
