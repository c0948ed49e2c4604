#pragma once
// An accepted quote becomes a contract (issue 16 item 5): in the transaction that accepts it, a
// draft contract of the quote's customer and owner, for its total, signed today (the company's
// day), naming the quote (quote_id) and its opportunity. Registered as the quotes domain's
// accepted hook at wiring (QuoteService::OnAccepted).

#include "core/error.hpp"
#include "core/principal.hpp"
#include "db/database.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

namespace guanxi::contracts {

// The contract made from quote `quote_id` (through the kit: its rules, the gate and an audit row
// as the accepting user's); 403 when that user may not create contracts, 409 when the quote has
// a contract already.
Status ContractFromQuote(db::Connection& conn, const Principal& caller, kit::RecordService& records,
                         const kit::CompiledType& contracts, std::int64_t quote_id);

}  // namespace guanxi::contracts
