-- Reminder rules (issue 15 item 4, docs/DEVELOPING.md "Reminder sources"): each source of reminders
-- (an activity's start, a customer's next contact, no follow-up for N days, ...) is scanned for due
-- times in (scanned_to, now]; its cursor lives here, shared by every server process. A cursor is
-- only a bookmark: the notifications' unique keys make a window scanned twice notify once.
CREATE TABLE reminder_cursors (
    source TEXT PRIMARY KEY,
    scanned_to INTEGER NOT NULL
);
-- The administrator's rule settings (GET/PUT /api/v1/settings/reminders), one JSON document.
CREATE TABLE reminder_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rules TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);
-- Each user's channels (GET/PUT /api/v1/me/notification-settings): the kinds also sent by e-mail
-- (a JSON list; in-app is always on) and the daily digest's local time. next_digest_at is the next
-- digest's due time in the user's time zone, so the scan finds the users due by an index.
CREATE TABLE notification_preferences (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    email_kinds TEXT NOT NULL DEFAULT '[]',
    digest_enabled INTEGER NOT NULL DEFAULT 0,
    digest_time TEXT NOT NULL DEFAULT '08:00',
    next_digest_at INTEGER,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notification_preferences_digest ON notification_preferences(next_digest_at)
    WHERE digest_enabled = 1;
-- The scan's ranges: an activity's reminder time, activities changed since the last scan (a new
-- or rescheduled one whose reminder time has already passed), and a customer's last follow-up (or
-- creation) by category for "no follow-up for N days". next_contact_at has customers_live_next.
CREATE INDEX activities_remind_at ON activities(start_at - remind_before_minutes * 60)
    WHERE remind_before_minutes IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX activities_updated ON activities(updated_at);
CREATE INDEX customers_quiet_since ON customers(category, COALESCE(last_contact_at, created_at))
    WHERE deleted_at IS NULL;
