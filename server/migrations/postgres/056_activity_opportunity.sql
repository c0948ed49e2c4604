-- Issue 16 item 7: an activity (a call, a visit, a meeting) may be for an opportunity; it then joins
-- the opportunity's timeline.
ALTER TABLE activities ADD COLUMN opportunity_id INTEGER REFERENCES opportunities(id);
CREATE INDEX activities_opportunity ON activities(opportunity_id);
