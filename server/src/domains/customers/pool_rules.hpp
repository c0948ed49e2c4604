#pragma once
// Public-pool rules (公海规则, issue 15 item 7; docs/DEVELOPING.md "Public-pool rules"). Per
// customer category, a customer goes back to the public pool after N days without a follow-up or
// M days without a deal; the owner is warned K days before; whoever it came from may not claim it
// back for P days; each role may cap the customers a user owns and the claims a user makes a day.
//
// What counts:
//   * a follow-up: the customer's last_contact_at (every follow-up moves it, both write paths);
//   * a deal: a live row of the deals record type (成交记录, prepayment_types.cpp), dated by its
//     closed_on, a calendar date read in the company's time zone, whoever's deal it is;
//   * the days count from the later of that and the day the current owner got the customer
//     (owned_since, migration 049; its created_at when it has had one owner since creation), so a
//     customer just claimed or transferred gets the full N (M) days.
// Off until an administrator enables the rules: then recycling, warnings, the reclaim block and
// the caps all apply. Defaults (DefaultPoolRules): warn 3 days before, no reclaim for 7 days;
// core 60 days without a follow-up / 180 without a deal, potential and interested 30 / 90,
// not_interested 15 / none, closed and payment_due exempt; no caps.

#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::customers {

struct CategoryRule {
    std::optional<int> no_followup_days;  // nullopt: this reason never recycles
    std::optional<int> no_deal_days;
    bool exempt = false;  // never recycled, whatever the days say

    bool Recycles() const { return !exempt && (no_followup_days || no_deal_days); }
};

struct RoleCap {
    std::optional<std::int64_t> max_owned;           // live customers a user may own
    std::optional<std::int64_t> max_claims_per_day;  // claims a day, in the user's time zone
};

struct PoolRules {
    bool enabled = false;
    int warn_days = 3;                                            // K
    int reclaim_after_days = 7;                                   // P
    std::map<std::string, CategoryRule, std::less<>> categories;  // every customer category
    std::map<std::int64_t, RoleCap> role_caps;                    // roles without a cap: absent
};

PoolRules DefaultPoolRules();

// The rules in force, read inside the caller's transaction.
Result<PoolRules> LoadPoolRules(db::Connection& conn);

// Why a customer is (to be) recycled.
inline constexpr std::string_view kReasonNoFollowup = "no_followup";
inline constexpr std::string_view kReasonNoDeal = "no_deal";

// When the rules would recycle one customer, from its row's facts: nullopt when its category
// does not recycle. `last_deal_on` is its latest live deal's closed_on ("YYYY-MM-DD") if any.
struct RecycleDue {
    UnixSeconds at = 0;  // the rule's time; the job recycles at its first run at or after it
    std::string_view reason;
};
std::optional<RecycleDue> RecycleDueAt(const PoolRules& rules, std::string_view category,
                                       std::optional<UnixSeconds> last_contact_at,
                                       UnixSeconds owned_since,
                                       const std::optional<std::string>& last_deal_on,
                                       std::string_view company_zone);

// The columns of customers `c` RecycleDueAt reads, in its order: category, last_contact_at,
// owned_since (or created_at), the latest live deal's closed_on.
extern const std::string_view kRecycleFacts;
// `t`'s calendar date in `zone`, "YYYY-MM-DD".
std::string LocalDateOf(std::string_view zone, UnixSeconds t);

// The SQL predicate over customers `c` true when the rules recycle the customer at time `at`
// (bound to `params`, appended in order). "1 = 0" when no category recycles. The caller adds
// ownership, deletion and range conditions.
std::string RecyclePredicate(const PoolRules& rules, UnixSeconds at, std::string_view company_zone,
                             db::Params& params);

// A customer of a user that will fall into the pool soon (the to-do page's "about to fall into
// the pool").
struct UpcomingRecycle {
    std::int64_t id = 0;
    std::string name;
    UnixSeconds recycle_at = 0;  // the recycle job's run that would take it
    std::string reason;          // no_followup | no_deal
};

// The customers `user_id` owns that the recycle job would return to the pool within `days` days
// of `now` unless followed up (or, for no_deal, a deal is closed), all of them, soonest first.
// Empty when the rules are off. Reads in the caller's connection; checks no permission (the
// caller asks for its own user's).
Result<std::vector<UpcomingRecycle>> UpcomingRecycles(db::Connection& conn, std::int64_t user_id,
                                                      int days, UnixSeconds now);

// In the claim's write transaction, before the customer changes hands: {} when the rules allow
// `caller` to claim customer `customer_id` at `now`; otherwise 403 forbidden with
// details.reason "reclaim_too_soon" and "until" when it went back to the pool from the caller less
// than P days ago, or 429 rate_limited (a quota) with details.limit naming the cap (max_owned |
// max_claims_per_day), max, used, left, a field code for it, and for the daily cap
// retry_after_seconds (the start of the caller's tomorrow), when the caller's role caps them and
// they reached it.
Status CheckClaim(db::Connection& conn, const Principal& caller, std::int64_t customer_id,
                  UnixSeconds now);

// What the caller may still claim: {"enabled", "max_owned", "owned", "max_claims_per_day",
// "claims_today", "left"} (nulls where no cap; "left" the smaller of the two remainders, null when
// neither caps).
Result<nlohmann::json> ClaimQuota(db::Connection& conn, const Principal& caller, UnixSeconds now);

class PoolRulesService {
  public:
    explicit PoolRulesService(db::Database& db) : db_(db) {}

    // GET /settings/pool-rules (users.manage): the rules with every category and every role.
    Result<nlohmann::json> Get(const Principal& caller);
    // PUT /settings/pool-rules (users.manage): the whole rules; 422 naming each bad field
    // ("categories.potential.no_followup_days", "role_caps.0.max_owned", ...); audited
    // (pool_rules.update with the changes).
    Result<nlohmann::json> Put(const Principal& caller, const nlohmann::json& body);
    // GET /pool/quota: the caller's ClaimQuota.
    Result<nlohmann::json> Quota(const Principal& caller);

  private:
    db::Database& db_;
};

}  // namespace guanxi::customers
