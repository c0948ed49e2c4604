-- The lists across customers (GET /api/v1/quotes, /api/v1/contracts; kit RecordType::listed_across)
-- read the caller's customers first, then their records (docs/PERFORMANCE.md "Quotes"): the public
-- pool's customers by their last owner come from this partial index, and a whole-company reader's
-- page walks the records in their list order.
CREATE INDEX customers_pool_last ON customers(last_owner_id) WHERE owner_id IS NULL AND deleted_at IS NULL;
CREATE INDEX quotes_live_number ON quotes(deleted_at, number);
CREATE INDEX contracts_live_signed ON contracts(deleted_at, signed_on);
