-- Payments become a kit record type (domains/contracts/payment_type.hpp): a ledger only added to,
-- so the kit's columns are added with what they would hold — each entry as it was made, never
-- changed (version 1, updated when created, never deleted). from_prepayment is stored (it was
-- read from the draw); custom holds custom field values as every kit type's.
ALTER TABLE payments ADD COLUMN from_prepayment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE payments ADD COLUMN deleted_at INTEGER;
ALTER TABLE payments ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
UPDATE payments SET from_prepayment = CASE WHEN prepayment_draw <> 0 THEN 1 ELSE 0 END,
                    updated_at = created_at;
-- A customer's ledger in the order it was entered (the kit's list under a customer), and the
-- lists across customers by contract in the same order.
CREATE INDEX payments_customer_entered ON payments(customer_id, deleted_at, created_at);
DROP INDEX payments_contract;
CREATE INDEX payments_contract ON payments(contract_id, created_at, id);
