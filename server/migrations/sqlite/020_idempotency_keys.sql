-- Idempotency-Key (API.md): the first answer to a POST sent with a key, kept 24 h per user, so a
-- client retrying a request it got no answer to gets that answer instead of acting twice.
-- status 0: the first request is still being answered (or its server stopped before answering).
-- Numbered 020 so that migrations added meanwhile on other branches keep their own numbers.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
