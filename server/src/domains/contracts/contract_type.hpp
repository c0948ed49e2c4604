#pragma once
// Contracts (合同, issue 16 item 6): a kit record type under a customer (visible through it, routes
// /api/v1/customers/{id}/contracts) with an owner. Its payment plan and payments are the ledger's
// (contract_ledger.hpp); the contract's JSON answers what they add up to (paid, outstanding,
// overdue), and its list the customer's totals.

#include "kit/record_type.hpp"

namespace guanxi::contracts {

// The largest amount a contract, an instalment or a payment may hold: 10^12 yuan, in cents.
inline constexpr std::int64_t kMaxAmountCents = 100'000'000'000'000;

kit::RecordType ContractType();

// "HT-<year>-<id, six digits at least>", the number a contract created without one is given.
std::string GeneratedNumber(std::string_view signed_on, std::int64_t id);

}  // namespace guanxi::contracts
