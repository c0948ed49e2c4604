-- Idempotency keys ride in the transaction of the write they guard (ADR 0006, "Idempotency keys"):
-- `outcomes` holds, as a JSON array, what each of the request's committed writes returned, written
-- in that write's own transaction; NULL when no write committed under the key. A row with
-- outcomes but status 0 is a request whose write committed before its answer was kept: a retry
-- is answered by running it again with those results instead of writing again.
ALTER TABLE idempotency_keys ADD COLUMN outcomes TEXT;
