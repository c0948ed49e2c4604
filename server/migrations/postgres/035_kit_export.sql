-- Every record type gets <name>.export (kit export, issue 13) and a record's history reads its
-- audit rows through the customer they are filed under: audit_log_entity finds them (and serves
-- the audit log's entity_id filter).
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
-- As a new installation's roles get them at first start: the administrator and the default manager
-- role export every type; the default sales role does not (as with customers.export).
UPDATE roles SET permissions = (permissions::jsonb || '["mailings.export"]'::jsonb)::text
WHERE name = 'admin' AND NOT (permissions::jsonb @> '["mailings.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["deals.export"]'::jsonb)::text
WHERE name = 'admin' AND NOT (permissions::jsonb @> '["deals.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["prepayments.export"]'::jsonb)::text
WHERE name = 'admin' AND NOT (permissions::jsonb @> '["prepayments.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["documents.export"]'::jsonb)::text
WHERE name = 'admin' AND NOT (permissions::jsonb @> '["documents.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["mailings.export"]'::jsonb)::text
WHERE name = 'manager' AND NOT (permissions::jsonb @> '["mailings.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["deals.export"]'::jsonb)::text
WHERE name = 'manager' AND NOT (permissions::jsonb @> '["deals.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["prepayments.export"]'::jsonb)::text
WHERE name = 'manager' AND NOT (permissions::jsonb @> '["prepayments.export"]'::jsonb);
UPDATE roles SET permissions = (permissions::jsonb || '["documents.export"]'::jsonb)::text
WHERE name = 'manager' AND NOT (permissions::jsonb @> '["documents.export"]'::jsonb);
