#pragma once
// IANA time zones from the system's tz database (date-tz; docs/adr/0007-time-zones.md): which names
// are zones, a zone's offset at an instant, and the instants of local calendar boundaries (a day's,
// a month's start, a wall-clock time), daylight-saving changes included. All functions are
// thread-safe.
//
// An unknown or empty zone name is never an error here: it is treated as kDefaultTimeZone, so a
// stale name in the database cannot stop a page or a job. Names are checked where they come in
// (IsTimeZoneName).

#include "core/time.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guanxi::tz {

// The company's zone until an administrator picks one, and so every user's who chose none: the
// CRM's home market's.
inline constexpr std::string_view kDefaultTimeZone = "Asia/Shanghai";

// "UTC" or an IANA Area/Location name the tz database knows (including links such as
// "Asia/Calcutta"); abbreviations ("CST"), bare offsets ("+08:00") and unknown names are not zones.
bool IsTimeZoneName(std::string_view name);

// The canonical IANA names (one per location, no links), sorted, plus "UTC": what a zone picker
// offers. Computed once.
const std::vector<std::string>& TimeZoneNames();

// The zone's offset from UTC in seconds at `t` (Berlin: 3600 in winter, 7200 in summer).
std::int64_t UtcOffsetAt(std::string_view zone, UnixSeconds t);

// A wall-clock date and time, as read on a clock in some zone.
struct LocalTime {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
    int hour = 0;
    int minute = 0;
    int second = 0;
};

// What a clock in `zone` shows at `t`.
LocalTime ToLocal(std::string_view zone, UnixSeconds t);

// The instant a clock in `zone` shows `local`. A time that does not exist (it falls in the hour
// skipped when the clocks go forward: Berlin's 02:30 on 2026-03-29) is shifted forward by the gap
// (03:30 CEST, 01:30Z); a time that happens twice (the hour repeated when the clocks go back:
// Berlin's 02:30 on 2026-10-25) is the first of the two (02:30 CEST, 00:30Z). Out-of-range
// fields (month 13, day 32) roll over as in mktime.
UnixSeconds FromLocal(std::string_view zone, const LocalTime& local);

// The first instant of the calendar day (month) in `zone` that contains `t`. Where a zone's
// clocks skip midnight itself, the day starts at the first instant that exists.
UnixSeconds StartOfDay(std::string_view zone, UnixSeconds t);
UnixSeconds StartOfMonth(std::string_view zone, UnixSeconds t);

}  // namespace guanxi::tz
