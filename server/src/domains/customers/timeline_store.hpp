#pragma once
// The SQL of a customer's 360° timeline: the newest entries of several sources merged, and the
// details of the entries of one page. Runs on the caller's connection; permissions and the gate
// are the service's job (timeline_service.hpp).

#include "db/database.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::customers::timeline {

// An entry's place in the timeline. Entries run newest first: by `at` descending, then `kind`
// descending, then `id` descending — a total order, so a cursor (the last entry's key) is stable
// however many entries are added before or after it.
struct Key {
    std::int64_t at = 0;  // Unix seconds; a date counts as 00:00 UTC of that day
    std::string kind;
    std::int64_t id = 0;

    // Whether this entry comes before `other` (is newer) in the timeline.
    bool Before(const Key& other) const;
};

// What an entry shows besides its key.
struct Detail {
    std::int64_t id = 0;
    std::optional<std::int64_t> actor_id;
    nlohmann::json summary = nlohmann::json::object();
};

// One kind of entry and where its rows are. Its table has `id`, `customer_id` and `at_column`,
// with an index that leads with customer_id and ends with at_column (after `deleted_at`, when
// `soft_deleted`), so that each source reads only the rows a page needs.
struct Source {
    std::string kind;         // the ?kinds= name: "followup", "deal", ...
    std::string permission;   // needed to see entries of this kind
    std::string record_type;  // the route segment under the customer ("deals"); "" when none
    nlohmann::json label;     // {"zh-CN": ..., "en": ...}
    nlohmann::json fields;    // the summary's fields: [{"name","type","label"}], for the web
    std::string table;
    std::string at_column;
    bool at_is_date = false;   // TEXT 'YYYY-MM-DD', else INTEGER Unix seconds
    bool soft_deleted = true;  // a deleted_at column: entries in the recycle bin are left out
    // The details of the entries `ids` of the customer (ids absent or deleted meanwhile are left
    // out).
    std::function<Result<std::vector<Detail>>(db::Connection& conn, std::int64_t customer_id,
                                              const std::vector<std::int64_t>& ids)>
        details;
};

// Up to `limit` keys of the customer's entries from `sources`, newest first, after `after` when
// given (exclusive). One statement: each source's newest `limit` rows past the cursor, read along
// its index (ORDER BY ... LIMIT), joined with UNION ALL and merged here.
Result<std::vector<Key>> Newest(db::Connection& conn, const std::vector<const Source*>& sources,
                                std::int64_t customer_id, const std::optional<Key>& after,
                                std::int64_t limit);

// The built-in sources' details: follow-ups (kind, content, next_contact_at; actor: who wrote it)
// and ownership changes (change, from/to user, reason; actor: who made it).
Result<std::vector<Detail>> FollowupDetails(db::Connection& conn, std::int64_t customer_id,
                                            const std::vector<std::int64_t>& ids);
Result<std::vector<Detail>> OwnershipDetails(db::Connection& conn, std::int64_t customer_id,
                                             const std::vector<std::int64_t>& ids);

// The names of users (display name, else username), by id.
Result<std::vector<std::pair<std::int64_t, std::string>>> UserNames(
    db::Connection& conn, const std::vector<std::int64_t>& ids);

}  // namespace guanxi::customers::timeline
