#pragma once
// A contract's payment plan (GET/PUT /api/v1/contracts/{id}/instalments, the contract type's
// item routes; contract_ledger.hpp has the rules), replaced whole. The kit reads the contract
// through the access gate first; a change needs contracts.edit and the gate's write rule (a
// contract of a pool customer: 403 claim_first). Writes are pieces of the group commit; the
// writes of one customer take turns (its row is locked on PostgreSQL). Payments are a kit type
// of their own (payment_type.hpp).

#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "kit/record_service.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::contracts {

// At most this many instalments in a plan.
inline constexpr std::size_t kMaxInstalments = 120;

class ContractService {
  public:
    using Clock = std::function<UnixSeconds()>;
    ContractService(db::Database& db, db::GroupCommit& writes, kit::RecordService& records,
                    const kit::CompiledType& contracts, Clock clock = NowSeconds)
        : db_(db), writes_(writes), records_(records), contracts_(contracts), clock_(clock) {}

    // The plan of a contract the caller has read through the gate (the kit's item route):
    // {"contract_id", "total", "items": [{"instalment_no","amount","due_on","note","paid",
    // "outstanding","overdue","overdue_since"}]}.
    Result<nlohmann::json> Plan(std::int64_t contract_id);
    // Replaces the plan of a contract of `customer_id` the caller has read. Body
    // {"instalments": [{"amount","due_on","note"}]}: 403 when the caller may not edit the
    // customer's contracts; 422 naming instalments when they don't add up to the contract's amount
    // (details: total, amount, difference), nothing changed.
    Result<nlohmann::json> SetPlan(const Principal& caller, std::int64_t customer_id,
                                   std::int64_t contract_id, const nlohmann::json& body);

    void SetClock(Clock clock) { clock_ = std::move(clock); }

  private:
    db::Database& db_;
    db::GroupCommit& writes_;
    kit::RecordService& records_;
    const kit::CompiledType& contracts_;
    Clock clock_;
};

}  // namespace guanxi::contracts
