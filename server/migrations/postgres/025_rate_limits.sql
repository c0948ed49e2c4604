-- Request counts per fixed window (db/rate_limit.hpp), shared by every app server. One row per
-- bucket (e.g. "duplicates:user:42"), reused window after window, so the table stays as small as
-- the number of users.
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
