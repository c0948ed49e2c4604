-- Issue 15: the company's settings (one row) with its IANA time zone — what "today" and "09:00"
-- mean for users who chose no zone of their own — and the job runner's recurring schedules
-- (jobs/scheduler.hpp). A schedule's row is written by the code that registers it; next_due_at
-- advances atomically with the enqueue of each due time (unique_key "<name>@<due unix time>").
CREATE TABLE company_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    updated_at INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER REFERENCES users(id)
);
INSERT INTO company_settings (id, time_zone, updated_at) VALUES (1, 'Asia/Shanghai', 0);

CREATE TABLE job_schedules (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    next_due_at INTEGER NOT NULL,
    last_due_at INTEGER,
    last_job_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
