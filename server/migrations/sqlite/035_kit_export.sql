-- Every record type gets <name>.export (kit export, issue 13) and a record's history reads its
-- audit rows through the customer they are filed under: audit_log_entity finds them (and serves
-- the audit log's entity_id filter).
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
-- As a new installation's roles get them at first start: the administrator and the default manager
-- role export every type; the default sales role does not (as with customers.export).
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'mailings.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'mailings.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'deals.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'deals.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'prepayments.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'prepayments.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'documents.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'documents.export');
