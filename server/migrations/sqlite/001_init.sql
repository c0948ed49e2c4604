-- Guanxi schema, SQLite. Times are integer seconds since the epoch (UTC); booleans are 0/1;
-- lists and objects are JSON text. Soft-deleted rows carry deleted_at.

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES departments(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX departments_parent ON departments(parent_id);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    data_scope TEXT NOT NULL CHECK (data_scope IN ('self', 'department', 'department_tree', 'all')),
    permissions TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    department_id INTEGER REFERENCES departments(id),
    role_id INTEGER NOT NULL REFERENCES roles(id),
    manager_id INTEGER REFERENCES users(id),
    active INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_department ON users(department_id);
CREATE INDEX users_manager ON users(manager_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed logins per key ("user:<name>" or "ip:<address>"), shared by every server process.
CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    owner_id INTEGER REFERENCES users(id),
    last_owner_id INTEGER REFERENCES users(id),
    department_id INTEGER REFERENCES departments(id),
    industry TEXT,
    region TEXT,
    source TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    custom TEXT NOT NULL DEFAULT '{}',
    last_contact_at INTEGER,
    next_contact_at INTEGER,
    phone_norm TEXT,
    email_norm TEXT,
    name_norm TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX customers_owner_next ON customers(owner_id, next_contact_at);
CREATE INDEX customers_owner_updated ON customers(owner_id, updated_at);
CREATE INDEX customers_updated ON customers(updated_at);
CREATE INDEX customers_phone_norm ON customers(phone_norm);
CREATE INDEX customers_email_norm ON customers(email_norm);
CREATE INDEX customers_name_norm ON customers(name_norm);
CREATE INDEX customers_department ON customers(department_id);

-- The bigram search index (DESIGN.md "Chinese search"): every adjacent pair of code points of a
-- customer's name, phones, e-mails and contact names, plus each word's last code point.
CREATE TABLE customer_search (
    gram TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    PRIMARY KEY (gram, customer_id)
) WITHOUT ROWID;
CREATE INDEX customer_search_customer ON customer_search(customer_id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    title TEXT,
    phone TEXT,
    email TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    phone_norm TEXT,
    email_norm TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE INDEX contacts_phone_norm ON contacts(phone_norm);

CREATE TABLE followups (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    contacted_at INTEGER NOT NULL,
    next_contact_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER
);
CREATE INDEX followups_customer ON followups(customer_id, contacted_at);

CREATE TABLE ownership_changes (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    from_user_id INTEGER REFERENCES users(id),
    to_user_id INTEGER REFERENCES users(id),
    by_user_id INTEGER REFERENCES users(id),
    reason TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX ownership_changes_customer ON ownership_changes(customer_id, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,
    action TEXT NOT NULL,
    entity TEXT,
    entity_id INTEGER,
    ip TEXT,
    request_id TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, at);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    unique_key TEXT UNIQUE,
    due_at INTEGER NOT NULL,
    lease_until INTEGER,
    lease_owner TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    last_error TEXT,
    result TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs(status, due_at);
