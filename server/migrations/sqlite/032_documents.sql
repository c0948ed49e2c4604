-- Documents (文档) of a customer, a record type of the kit (docs/adr/0006-record-kit.md): files
-- uploaded as multipart forms. The row holds the name and what the server found out about the
-- content (its sniffed content_type, size in bytes, SHA-256); the bytes are a file named by that
-- hash under the documents folder (OPERATIONS.md), shared by every record with the same content.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    note TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'  -- custom fields (migration 034)
);
CREATE INDEX documents_customer ON documents(customer_id, deleted_at, created_at);
-- Which records use a stored file (before it could ever be removed).
CREATE INDEX documents_sha256 ON documents(sha256);
-- Permissions as a new installation's roles get them: admin and manager all, sales all but delete.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.edit');
