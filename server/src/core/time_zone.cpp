#include "core/time_zone.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

namespace guanxi::tz {

namespace {

constexpr std::size_t kMaxNameLength = 64;
// The tz database's list of location zones (one per place that has its own clock history).
constexpr const char* kZoneTab = "/usr/share/zoneinfo/zone.tab";

// The zone of the tz database named `name` (a zone or a link), or nullptr. date-tz reads the
// system's zoneinfo (Debian's tzdata, updated with the system) once, on first use; its lookups are
// safe from many threads. Names without a slash ("CST", "PRC", "GMT+8") are abbreviations or
// legacy names a person should not pick.
const date::time_zone* Find(std::string_view name) {
    if (name == "UTC") return date::locate_zone("UTC");
    if (name.empty() || name.size() > kMaxNameLength || name.find('/') == std::string_view::npos ||
        name.front() == '/' || name.find("..") != std::string_view::npos ||
        name.find(' ') != std::string_view::npos || name.rfind("posix/", 0) == 0 ||
        name.rfind("right/", 0) == 0) {
        return nullptr;
    }
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        return nullptr;
    }
}

// The zone to compute with: `name`'s, else the default's.
const date::time_zone& Zone(std::string_view name) {
    const date::time_zone* zone = Find(name);
    if (zone == nullptr) zone = Find(kDefaultTimeZone);
    if (zone == nullptr) zone = date::locate_zone("UTC");
    return *zone;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

bool IsTimeZoneName(std::string_view name) { return Find(name) != nullptr; }

const std::vector<std::string>& TimeZoneNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        std::ifstream tab(kZoneTab);
        std::string line;
        while (std::getline(tab, line)) {
            if (line.empty() || line.front() == '#') continue;
            // country code, coordinates, zone, comments: tab-separated
            std::istringstream fields(line);
            std::string country, coordinates, zone;
            if (std::getline(fields, country, '\t') && std::getline(fields, coordinates, '\t') &&
                std::getline(fields, zone, '\t') && Find(zone) != nullptr) {
                out.push_back(zone);
            }
        }
        std::sort(out.begin(), out.end());
        out.erase(std::unique(out.begin(), out.end()), out.end());
        out.insert(out.begin(), "UTC");
        return out;
    }();
    return names;
}

std::int64_t UtcOffsetAt(std::string_view zone, UnixSeconds t) {
    const date::sys_seconds at{std::chrono::seconds(t)};
    return Zone(zone).get_info(at).offset.count();
}

LocalTime ToLocal(std::string_view zone, UnixSeconds t) {
    const std::int64_t local = t + UtcOffsetAt(zone, t);
    const std::int64_t days = FloorDiv(local, 86400);
    const std::int64_t secs = local - days * 86400;
    const Civil c = CivilFromDays(days);
    return {c.year,
            c.month,
            c.day,
            static_cast<int>(secs / 3600),
            static_cast<int>(secs / 60 % 60),
            static_cast<int>(secs % 60)};
}

UnixSeconds FromLocal(std::string_view zone, const LocalTime& local) {
    // Normalise the month first (mktime-style), then count the rest in seconds.
    const std::int64_t months = std::int64_t{local.year} * 12 + local.month - 1;
    const int year = static_cast<int>(FloorDiv(months, 12));
    const auto month = static_cast<unsigned>(months - std::int64_t{year} * 12 + 1);
    const std::int64_t wall = (DaysFromCivil(year, month, 1) + local.day - 1) * 86400 +
                              std::int64_t{local.hour} * 3600 + std::int64_t{local.minute} * 60 +
                              local.second;
    // The offset in force before the change, for both: a skipped time read with it lands after
    // the change, shifted forward by the gap; a repeated time read with it is its first occurrence.
    const date::local_seconds at{std::chrono::seconds(wall)};
    const date::local_info info = Zone(zone).get_info(at);
    return wall - info.first.offset.count();
}

UnixSeconds StartOfDay(std::string_view zone, UnixSeconds t) {
    LocalTime day = ToLocal(zone, t);
    day.hour = day.minute = day.second = 0;
    return FromLocal(zone, day);
}

UnixSeconds StartOfMonth(std::string_view zone, UnixSeconds t) {
    LocalTime month = ToLocal(zone, t);
    month.day = 1;
    month.hour = month.minute = month.second = 0;
    return FromLocal(zone, month);
}

}  // namespace guanxi::tz
