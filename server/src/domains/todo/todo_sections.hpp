#pragma once
// The to-do page's sections. A section is one function that reads the caller's items of one kind
// and one entry in Sections(): adding a section (the public pool's warning, payments due) is
// exactly that. Every section answers
//   {"key", "count", "items": [first `limit`], ...its own totals}
// and every item
//   {"entity": "customer"|"activity", "id", "title", "customer_id", "customer_name", "category",
//    "phone", "due_at", "overdue", "link", ...its own members}
// so the web shows a new section with no code of its own (a title per key in the locales).

#include "core/error.hpp"
#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "domains/access/access_gate.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string_view>

namespace guanxi::todo {

// The caller's calendar day, [start, end), in their time zone.
struct Day {
    UnixSeconds start = 0;
    UnixSeconds end = 0;
};

struct SectionContext {
    db::Connection& conn;
    const access::Gate& gate;
    const Principal& caller;
    Day today;
    UnixSeconds now = 0;
    std::int64_t limit = 0;
};

struct Section {
    std::string_view key;
    std::string_view permission;  // a caller without it gets no such section
    Result<nlohmann::json> (*read)(const SectionContext&);
};

// In the order the page shows them.
std::span<const Section> Sections();

// How far back a newly assigned customer counts as new.
inline constexpr std::int64_t kNewlyAssignedDays = 7;
// How far back an activity may have started and still run into today (a multi-day visit): bounds
// the index range each read scans.
inline constexpr std::int64_t kLongestActivityDays = 31;

}  // namespace guanxi::todo
