#pragma once
// IANA time zones without a tz library (the standard library here has no std::chrono::tzdb): names
// are checked by form and, where the system's zoneinfo is installed, against its files; offsets are
// read from those TZif files (RFC 8536).

#include "core/time.hpp"

#include <optional>
#include <string_view>

namespace guanxi::accounts {

// The zone of a user who has not chosen one: the CRM's home market's.
inline constexpr std::string_view kDefaultTimeZone = "Asia/Shanghai";

// "UTC" or Area/Location[/More] with a known area (Asia, Europe, America, Etc, ...), and — when
// the system has a zoneinfo directory ($TZDIR or /usr/share/zoneinfo) — a zone file there.
bool IsTimeZoneName(std::string_view name);

// The zone's offset from UTC, in seconds, at `t`; nullopt when its file can't be read. After a
// zone's last listed transition the offset stays that transition's (the TZif footer's rule is read
// only when it has no daylight saving time; the system's "fat" files list transitions to 2037).
std::optional<std::int64_t> UtcOffsetAt(std::string_view zone, UnixSeconds t);

// The first second of the calendar day that contains `t` in `zone`. Without the zone's data, the
// day of UTC+08:00 (the default zone's offset).
UnixSeconds StartOfDay(std::string_view zone, UnixSeconds t);

}  // namespace guanxi::accounts
