#pragma once
// A customer's 360° timeline (GET /api/v1/customers/{id}/timeline): follow-ups, ownership changes
// and the records of every kit type that declares a `timeline` (kit/record_type.hpp) — deals,
// prepayments, mailings, and each type added later — merged newest first and paged by cursor.
//
// Who sees what: the timeline is the customer's history, so it is read by those who may read that
// history (the gate's SeesFollowups, as the kit reads a customer's records); a customer they may
// not is 404. Each kind needs its own view permission (customers.view for follow-ups and ownership
// changes, <type>.view for a kit type); kinds the caller lacks are left out, not refused.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "domains/customers/timeline_store.hpp"
#include "kit/registry.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string_view>
#include <utility>
#include <vector>

namespace guanxi::customers {

// The `limit` a page has when the query names none, and the most it may ask for.
inline constexpr std::int64_t kTimelineDefaultLimit = 50;
inline constexpr std::int64_t kTimelineMaxLimit = 200;

// A cursor is opaque to clients: the base64url (no padding) of "<at>:<kind>:<id>", the key of the
// last entry of the page before. nullopt for anything that is not one.
std::string EncodeTimelineCursor(const timeline::Key& key);
std::optional<timeline::Key> DecodeTimelineCursor(std::string_view text);

// A timeline page's query (the customer's timeline and an opportunity's): ?limit= (1..200,
// default 50), ?cursor= (a page's next_cursor), ?kinds= (comma-separated).
struct TimelineQuery {
    std::int64_t limit = kTimelineDefaultLimit;
    std::optional<timeline::Key> after;
    std::optional<std::set<std::string, std::less<>>> kinds;  // nullopt: every kind
};
// Reads it against the timeline's `kinds`: 422 naming limit, cursor (not one, or of a kind it
// has not) or kinds (one unknown); 400 for another parameter or one given twice.
Result<TimelineQuery> ParseTimelineQuery(
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::string>& kinds);

// The timeline's sources: follow-ups, then every type of `registry` that declares a timeline, in
// the registry's order, then ownership changes. The registry outlives them.
std::vector<timeline::Source> TimelineSources(const kit::Registry& registry);

class TimelineService {
  public:
    // Serves TimelineSources(registry); the registry outlives the service.
    TimelineService(db::Database& db, const kit::Registry& registry)
        : db_(db), sources_(TimelineSources(registry)) {}

    // A page: {"items":[entry...], "next_cursor": "..." | null, "kinds":[{kind, label,
    // record_type, fields}...] (the kinds the caller may see)}. An entry: {"kind","id","at",
    // "on" (the date, for kinds ordered by one, else null), "actor":{"id","name"} | null,
    // "summary":{...}, "record_type"}. Query parameters: limit (1..200, default 50), cursor (a
    // page's next_cursor), kinds (comma-separated). 403 without customers.view; 404 when the
    // customer is absent, deleted or its history not visible; 422 naming limit, cursor or kinds
    // for a bad value; 400 for another parameter or one given twice.
    Result<nlohmann::json> Page(const Principal& caller, std::int64_t customer_id,
                                const std::vector<std::pair<std::string, std::string>>& query);

  private:
    db::Database& db_;
    std::vector<timeline::Source> sources_;
};

}  // namespace guanxi::customers
