#pragma once
// Times are stored as integer seconds since the Unix epoch (UTC) and travel as RFC 3339 strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guanxi {

using UnixSeconds = std::int64_t;

UnixSeconds NowSeconds();
std::int64_t NowMillis();

// "2026-11-28T08:00:00Z". Always UTC, whole seconds.
std::string FormatRfc3339(UnixSeconds t);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt for anything else, including impossible
// dates.
std::optional<UnixSeconds> ParseRfc3339(std::string_view text);

// "YYYY-MM-DD" ↔ days since the epoch.
std::optional<std::int64_t> ParseDate(std::string_view text);
std::string FormatDate(std::int64_t days);

std::int64_t DaysFromCivil(int year, unsigned month, unsigned day);

struct Civil {
    int year;
    unsigned month;
    unsigned day;
};
// Days since the epoch → the proleptic Gregorian date.
Civil CivilFromDays(std::int64_t days);

}  // namespace guanxi
