-- A user's own profile (issue 14, PATCH /api/v1/me): the language the UI and the server's texts use
-- (zh-CN or en) and the IANA time zone that decides what "today" is for them (a next contact before
-- the start of today is refused). NULL: not chosen yet — the browser's language, Asia/Shanghai.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;
