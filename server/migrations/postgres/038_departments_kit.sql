-- Departments become a record type of the kit (issue 13, docs/adr/0006-record-kit.md): the kit's
-- columns they lacked (created_by, custom), and permissions of their own instead of users.manage.
ALTER TABLE departments ADD COLUMN created_by BIGINT REFERENCES users(id);
ALTER TABLE departments ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
-- Everyone could read the organisation (owner pickers): every role reads departments; those who
-- managed users change them, as a new installation's roles get them at first start.
UPDATE roles SET permissions = (permissions::jsonb || '["departments.view"]'::jsonb)::text
WHERE NOT (permissions::jsonb @> '["departments.view"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["departments.create"]'::jsonb)::text
WHERE permissions::jsonb @> '["users.manage"]'::jsonb
  AND NOT (permissions::jsonb @> '["departments.create"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["departments.edit"]'::jsonb)::text
WHERE permissions::jsonb @> '["users.manage"]'::jsonb
  AND NOT (permissions::jsonb @> '["departments.edit"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["departments.delete"]'::jsonb)::text
WHERE permissions::jsonb @> '["users.manage"]'::jsonb
  AND NOT (permissions::jsonb @> '["departments.delete"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["departments.export"]'::jsonb)::text
WHERE permissions::jsonb @> '["users.manage"]'::jsonb
  AND NOT (permissions::jsonb @> '["departments.export"]'::jsonb);
