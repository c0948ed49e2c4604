#pragma once
// Repeating activities (docs/DEVELOPING.md "Repeating activities"): a series is stored as its
// occurrences, each an activity of its own with the series' id (the first occurrence's) and its
// rule in `repeat`; created together, at most kMaxOccurrences, in the owner's time zone (09:00
// stays 09:00 across a daylight-saving change). A patch changes one occurrence; with
// "apply_to": "following" it changes the later ones of the series too (times moved by the same
// amount).

#include "core/time.hpp"
#include "kit/record_type.hpp"

#include <string_view>
#include <vector>

namespace guanxi::activities {

inline constexpr std::int64_t kMaxOccurrences = 500;

// A repeat rule: null, or {"freq": "daily"|"weekly"|"monthly", "interval": 1..99 (default 1),
// and "until": "YYYY-MM-DD" (the last day, in the owner's zone) or "count": 1..kMaxOccurrences}.
Status CheckRepeat(const nlohmann::json& repeat);

// The starts of a series' occurrences (the first is `start`), by `repeat` (checked), in `zone`:
// 422 too_many_occurrences when "until" makes more than kMaxOccurrences.
Result<std::vector<UnixSeconds>> Occurrences(const nlohmann::json& repeat, UnixSeconds start,
                                             std::string_view zone);

// The activity type's part of after_change: a created series' other occurrences, a patch's
// "apply_to": "following", and its rule, which stays as created.
Status SeriesAfterChange(const kit::Change& change);

// The user's IANA zone: their own, else the company's (accounts::store::TimeZoneOf).
Result<std::string> UserZone(db::Connection& conn, std::int64_t user_id);

}  // namespace guanxi::activities
