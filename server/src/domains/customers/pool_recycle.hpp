#pragma once
// The public pool's recycle job (公海回收, pool_rules.hpp): daily at 02:00 in the company's time
// zone (jobs::Scheduler::DailyAt, once per day across processes), it returns to the pool every
// owned customer the rules recycle at that moment and warns the owners of those the rules will
// recycle within K days. Set-based: the customers are read in id ranges, each range one write
// transaction (a scan of its rows, an UPDATE of those that go, their history and audit rows in
// multi-row INSERTs), so other writers wait for one range at most.
//
// A follow-up racing the job: a range's candidates are read and locked (PostgreSQL: FOR NO KEY
// UPDATE, which re-checks each row's conditions on its newest version) before they change, and a
// follow-up locks its customer before checking who owns it — so either the follow-up committed
// first and the customer is no longer a candidate, or the job did and the follow-up finds a pool
// customer (403 claim_first). SQLite has one writer at a time.

#include "core/time.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::customers {

inline constexpr std::string_view kPoolRecycleJob = "pool.recycle";
inline constexpr std::string_view kPoolRecycleTime = "02:00";  // company time zone

// The recycle job's first run at or after `rule_at` (when a customer's rule time has come).
UnixSeconds RecycleRunAt(std::string_view company_zone, UnixSeconds rule_at);

struct RecycleOptions {
    std::int64_t range = 100'000;  // customer ids per write transaction
};

// One run at `now`: recycles, then warns. Each recycled customer gets an ownership change (kind
// "recycle", reason no_followup | no_deal, by nobody) and an audit entry (customer.recycle); each
// warning is a notification (kind pool_warning) keyed "pool_warning:<customer>:<recycle date>",
// so a second run, or a second process, warns once per planned date. Nothing happens while the
// rules are off. Returns {"enabled", "recycled", "warned", "ms"}.
Result<nlohmann::json> RunPoolRecycle(db::Database& db, UnixSeconds now,
                                      const RecycleOptions& options = {});

}  // namespace guanxi::customers
