-- A counter of organisation changes (users' manager or department, the department tree). The access
-- gate caches each caller's owner set per (database epoch, version), so a manager's request no
-- longer resolves the department tree and the manager chain with recursive queries every time.
-- Triggers bump the version on every write that could change an owner set, whichever code path
-- (or process) makes it. The epoch tells apart two databases served by one process (tests).
CREATE TABLE org_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch INTEGER NOT NULL,
    version INTEGER NOT NULL
);
INSERT INTO org_version (id, epoch, version) VALUES (1, abs(random() % 9007199254740991), 0);
CREATE TRIGGER users_org_insert AFTER INSERT ON users BEGIN
    UPDATE org_version SET version = version + 1;
END;
CREATE TRIGGER users_org_update AFTER UPDATE OF manager_id, department_id ON users
WHEN old.manager_id IS NOT new.manager_id OR old.department_id IS NOT new.department_id BEGIN
    UPDATE org_version SET version = version + 1;
END;
CREATE TRIGGER users_org_delete AFTER DELETE ON users BEGIN
    UPDATE org_version SET version = version + 1;
END;
CREATE TRIGGER departments_org_insert AFTER INSERT ON departments BEGIN
    UPDATE org_version SET version = version + 1;
END;
CREATE TRIGGER departments_org_update AFTER UPDATE OF parent_id ON departments
WHEN old.parent_id IS NOT new.parent_id BEGIN
    UPDATE org_version SET version = version + 1;
END;
CREATE TRIGGER departments_org_delete AFTER DELETE ON departments BEGIN
    UPDATE org_version SET version = version + 1;
END;
