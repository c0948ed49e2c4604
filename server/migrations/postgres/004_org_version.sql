-- A counter of organisation changes (users' manager or department, the department tree). The access
-- gate caches each caller's owner set per (database epoch, version); triggers bump the version on
-- every write that could change an owner set, from any process. See the SQLite migration 005.
CREATE TABLE org_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO org_version (id, epoch, version) VALUES (1, floor(random() * 9007199254740991)::bigint, 0);
CREATE FUNCTION org_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_version SET version = version + 1;
    RETURN NULL;
END $$;
CREATE TRIGGER users_org_change AFTER INSERT OR DELETE OR UPDATE OF manager_id, department_id
    ON users FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump();
CREATE TRIGGER departments_org_change AFTER INSERT OR DELETE OR UPDATE OF parent_id
    ON departments FOR EACH STATEMENT EXECUTE FUNCTION org_version_bump();
