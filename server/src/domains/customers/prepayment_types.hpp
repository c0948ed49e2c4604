#pragma once
// Deals (成交记录) and prepayments (预收款) of a customer — record types of the kit
// (docs/adr/0006-record-kit.md) bound by one rule: a deal may draw on the customer's prepayment
// balance (prepayment_draw), and the balance — live prepayments less live deals' draws, in integer
// cents — never goes below zero, whatever is created, changed, deleted or restored, and however
// many requests draw at once (the customer's row is locked while the balance is checked).

#include "kit/record_type.hpp"

namespace guanxi::customers {

kit::RecordType DealType();
kit::RecordType PrepaymentType();

// The customer's prepayment balance in cents (live prepayments less live deals' draws).
Result<std::int64_t> PrepaymentBalance(db::Connection& conn, std::int64_t customer_id);

}  // namespace guanxi::customers
