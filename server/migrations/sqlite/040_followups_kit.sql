-- Follow-ups become a record type of the kit (issue 13, docs/adr/0006-record-kit.md): the kit's
-- columns they lacked. created_by is set by every new follow-up (its author, user_id); older rows
-- keep NULL rather than rewriting millions of rows here. They keep the customer's permissions.
ALTER TABLE followups ADD COLUMN created_by INTEGER REFERENCES users(id);
ALTER TABLE followups ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
