-- The in-app notifications (提醒, issue 15): one row per reminder per recipient. unique_key is the
-- reminder's identity given by the rule that made it ("activity:42:start", ...): a second insert
-- with the same key is a no-op, so a rule that runs twice, or in two processes, notifies once.
-- visible_at is when it shows (its due time, or the end of a snooze); unread is read_at IS NULL.
-- Only its recipient reads it (docs/adr/0008-notifications.md).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    unique_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    link TEXT,
    entity TEXT,
    entity_id INTEGER,
    due_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    dismissed_at INTEGER
);
-- A user's list and unread count, newest first.
CREATE INDEX notifications_user ON notifications(user_id, visible_at);
-- What became visible in a time window (the live channel's scan, across all users).
CREATE INDEX notifications_visible ON notifications(visible_at);
