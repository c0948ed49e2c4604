-- Activities (日程活动, issue 15): calls, visits, incoming visits, meetings and tasks, a kit record
-- type of its own owner (kOwnScope) that its participants see too. Participants are a kit kUsers
-- field, kept in the side table activities_participants (record_id, user_id). A repeating
-- activity is stored as its occurrences, each with the series' id (the first occurrence's).
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(id),
    contact_id INTEGER REFERENCES contacts(id),
    owner_id INTEGER REFERENCES users(id),
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    all_day INTEGER NOT NULL DEFAULT 0,
    location TEXT,
    status TEXT NOT NULL DEFAULT 'planned',
    outcome TEXT,
    remind_before_minutes INTEGER,
    repeat TEXT,
    series_id INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    deleted_at INTEGER,
    custom TEXT NOT NULL DEFAULT '{}'
);
-- The calendar's range by owner (own scope), the customer's timeline, a series' later
-- occurrences, and a range over everyone's (the "all" scope).
CREATE INDEX activities_owner ON activities(owner_id, deleted_at, start_at);
CREATE INDEX activities_customer ON activities(customer_id, deleted_at, start_at);
CREATE INDEX activities_series ON activities(series_id, start_at);
CREATE INDEX activities_start ON activities(deleted_at, start_at);
CREATE TABLE activities_participants (
    record_id INTEGER NOT NULL REFERENCES activities(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (record_id, user_id)
);
-- "Activities I take part in" (the visibility's EXISTS and the participants filter).
CREATE INDEX activities_participants_user ON activities_participants(user_id, record_id);
-- Each user's iCalendar feed (GET /calendar/<secret>.ics): the secret's SHA-256 only, so that a
-- copy of the database does not open anyone's calendar.
CREATE TABLE calendar_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    secret_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
-- As a new installation's roles get them at first start: the administrator and the default
-- manager role every permission, the default sales role all but delete and export.
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.view')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.create')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.edit')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.delete')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.export')
WHERE name = 'admin' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.view')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.create')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.edit')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.edit');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.delete')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.delete');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.export')
WHERE name = 'manager' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.export');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.view')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.view');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.create')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.create');
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'activities.edit')
WHERE name = 'sales' AND json_valid(permissions)
  AND NOT EXISTS (SELECT 1 FROM json_each(roles.permissions) WHERE value = 'activities.edit');
