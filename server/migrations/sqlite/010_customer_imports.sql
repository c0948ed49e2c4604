-- Customer imports (POST /api/v1/customers/import): one row per uploaded file, its progress saved
-- with every committed batch (resume_position = where the reader resumes), and the rows it could not
-- import or skipped, for the error report. Numbered 010 so that migrations added meanwhile on other
-- branches keep their own numbers.
CREATE TABLE customer_imports (
    id INTEGER PRIMARY KEY,
    job_id INTEGER REFERENCES jobs(id),
    created_by INTEGER NOT NULL REFERENCES users(id),
    filename TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    duplicates TEXT NOT NULL CHECK (duplicates IN ('skip', 'create', 'update')),
    dry_run INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    rows_read INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    percent INTEGER NOT NULL DEFAULT 0,
    resume_position INTEGER NOT NULL DEFAULT 0,
    last_row INTEGER NOT NULL DEFAULT 0,
    column_map TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX customer_imports_creator ON customer_imports(created_by, id);

CREATE TABLE customer_import_errors (
    import_id INTEGER NOT NULL REFERENCES customer_imports(id),
    row_number INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('failed', 'skipped')),
    field TEXT,
    reason TEXT NOT NULL,
    cells TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (import_id, row_number)
);

-- Duplicate checks look contacts up by e-mail too (the import does it for a whole batch at once);
-- until now only their phones had an index.
CREATE INDEX IF NOT EXISTS contacts_email_norm ON contacts(email_norm);
