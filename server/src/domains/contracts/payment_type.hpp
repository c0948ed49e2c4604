#pragma once
// Payments (回款, issue 16 item 6): a kit record type under a customer that is only added to
// (RecordType::append_only) — a payment received, a refund, or a correction of an earlier entry
// (contract_ledger.hpp has the rules). Listed across customers (GET /api/v1/payments, filtered by
// contract_id) and created there (POST /api/v1/payments) under the customer of the contract it
// names (RecordType::customer_from); read and written with the contract's permissions
// (contracts.view, contracts.edit). Each entry's effect and prepayment draw are computed from the
// contract's ledger in the write transaction, the customer's writes taking turns.

#include "kit/record_type.hpp"

namespace guanxi::contracts {

kit::RecordType PaymentType();

}  // namespace guanxi::contracts
