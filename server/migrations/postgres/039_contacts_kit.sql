-- Contacts become a record type of the kit (issue 13, docs/adr/0006-record-kit.md): the kit's
-- columns they lacked (created_by, custom). They keep the customer's permissions
-- (customers.view to read, customers.edit to write), so no role changes.
ALTER TABLE contacts ADD COLUMN created_by BIGINT REFERENCES users(id);
ALTER TABLE contacts ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
