-- Departments become a record type of the kit (issue 13, docs/adr/0006-record-kit.md): the kit's
-- columns they lacked (created_by, custom), and permissions of their own instead of users.manage.
ALTER TABLE departments ADD COLUMN created_by INTEGER REFERENCES users(id);
ALTER TABLE departments ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
-- Everyone could read the organisation (owner pickers): every role reads departments; those who
-- managed users change them, as a new installation's roles get them at first start.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'departments.view')
WHERE json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'departments.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'departments.create')
WHERE json_valid(permissions)
  AND EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'users.manage')
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'departments.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'departments.edit')
WHERE json_valid(permissions)
  AND EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'users.manage')
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'departments.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'departments.delete')
WHERE json_valid(permissions)
  AND EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'users.manage')
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'departments.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'departments.export')
WHERE json_valid(permissions)
  AND EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'users.manage')
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'departments.export');
