-- Message templates (issue 17 item 1, docs/MESSAGES.md): SMS and e-mail texts with variables, a kit
-- type every role reads (to send with) and the administrator writes. length, segments, encoding and
-- variables are derived from the text on every write; an e-mail body is stored sanitised.
CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    signature TEXT,
    approved INTEGER NOT NULL DEFAULT 0,
    gateway_template_code TEXT,
    length INTEGER,
    segments INTEGER,
    encoding TEXT,
    variables TEXT NOT NULL DEFAULT '[]',
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX templates_channel_name ON templates(deleted_at, channel, name);
-- As a new installation's roles get them at first start: everyone reads templates, the
-- administrator writes them.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'templates.view')
WHERE json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'templates.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'templates.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'templates.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'templates.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'templates.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'templates.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'templates.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'templates.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'templates.export');
