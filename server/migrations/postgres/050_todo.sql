-- The to-do page's "newly assigned to me" (issue 15 item 6): the ownership changes that gave
-- customers to one user in the last days, read by recipient and time instead of scanning them all.
CREATE INDEX ownership_changes_to ON ownership_changes(to_user_id, at);
