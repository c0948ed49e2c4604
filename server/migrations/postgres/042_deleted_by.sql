-- Who moved a customer to the recycle bin (issue 14): set with deleted_at, cleared on restore, and
-- read only by the recycle bin's list (the live list's tuned SELECT does not name it). NULL for
-- customers deleted before this column existed.
ALTER TABLE customers ADD COLUMN deleted_by BIGINT REFERENCES users(id);
