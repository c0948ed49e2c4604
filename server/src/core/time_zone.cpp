#include "core/time_zone.hpp"

#include <unicode/basictz.h>
#include <unicode/strenum.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace guanxi::tz {

namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr double kMillis = 1000.0;

icu::UnicodeString Ustr(std::string_view s) {
    return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

// ICU knows the name as a zone of the tz database (or an alias of one). Its own IDs without a
// slash ("CST", "PRC", "GMT+8") are abbreviations or legacy names a person should not pick.
bool KnownToIcu(std::string_view name) {
    if (name == "UTC") return true;
    if (name.empty() || name.size() > kMaxNameLength || name.find('/') == std::string_view::npos)
        return false;
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString canonical;
    UBool system = false;
    icu::TimeZone::getCanonicalID(Ustr(name), canonical, system, status);
    return U_SUCCESS(status) && system && canonical != icu::UnicodeString(u"Etc/Unknown");
}

// A zone object per name, made once: ICU reads its data on the first use of each zone. The const
// methods of an ICU time zone are safe to call from many threads. Only known names are kept, so
// the map is bounded by the tz database.
const icu::BasicTimeZone& Zone(std::string_view name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<icu::BasicTimeZone>, std::less<>> zones;
    const std::string_view key = KnownToIcu(name) ? name : kDefaultTimeZone;
    std::lock_guard lock(mutex);
    if (auto it = zones.find(key); it != zones.end()) return *it->second;
    std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(Ustr(key)));
    // Every zone ICU builds from its tz data is an OlsonTimeZone, a BasicTimeZone.
    auto* basic = dynamic_cast<icu::BasicTimeZone*>(zone.get());
    if (basic == nullptr) std::abort();
    zone.release();
    return *zones.emplace(std::string(key), std::unique_ptr<icu::BasicTimeZone>(basic))
                .first->second;
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

bool IsTimeZoneName(std::string_view name) { return KnownToIcu(name); }

const std::vector<std::string>& TimeZoneNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out{"UTC"};
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::StringEnumeration> ids(icu::TimeZone::createTimeZoneIDEnumeration(
            UCAL_ZONE_TYPE_CANONICAL_LOCATION, nullptr, nullptr, status));
        if (U_FAILURE(status) || !ids) return out;
        while (const icu::UnicodeString* id = ids->snext(status)) {
            if (U_FAILURE(status)) break;
            std::string name;
            id->toUTF8String(name);
            out.push_back(std::move(name));
        }
        std::sort(out.begin() + 1, out.end());
        return out;
    }();
    return names;
}

std::int64_t UtcOffsetAt(std::string_view zone, UnixSeconds t) {
    int32_t raw = 0;
    int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    Zone(zone).getOffset(static_cast<double>(t) * kMillis, false, raw, dst, status);
    if (U_FAILURE(status)) return 0;
    return (std::int64_t{raw} + dst) / 1000;
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
    // FORMER for both: a skipped time is read with the offset before the change (so it lands
    // after it, shifted forward by the gap), a repeated time with the offset before the change
    // too (its first occurrence).
    int32_t raw = 0;
    int32_t dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    Zone(zone).getOffsetFromLocal(static_cast<double>(wall) * kMillis, UCAL_TZ_LOCAL_FORMER,
                                  UCAL_TZ_LOCAL_FORMER, raw, dst, status);
    if (U_FAILURE(status)) return wall;
    return wall - (std::int64_t{raw} + dst) / 1000;
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
