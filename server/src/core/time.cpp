#include "core/time.hpp"

#include <chrono>
#include <cstdio>

namespace guanxi {

namespace {

bool ReadDigits(std::string_view text, size_t pos, size_t count, int& out) {
    if (pos + count > text.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

unsigned DaysInMonth(int year, unsigned month) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the times RFC 3339 can write.
constexpr UnixSeconds kFirstSecond = -62135596800;
constexpr UnixSeconds kLastSecond = 253402300799;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

// Howard Hinnant's days-from-civil inverse.
Civil CivilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), m, d};
}

std::int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

UnixSeconds NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t NowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string FormatRfc3339(UnixSeconds t) {
    const std::int64_t days = FloorDiv(t, 86400);
    const std::int64_t secs = t - days * 86400;
    const Civil c = CivilFromDays(days);
    if (c.year < 0 || c.year > 9999) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", c.year, c.month, c.day,
                      static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                      static_cast<int>(secs % 60));
        return buf;
    }
    // Written digit by digit: lists format several times per row, and snprintf was a visible
    // share of a list request's profile.
    std::string out = "0000-00-00T00:00:00Z";
    const auto put = [&](size_t at, unsigned value, int width) {
        for (int k = width - 1; k >= 0; --k, value /= 10)
            out[at + k] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(c.year), 4);
    put(5, c.month, 2);
    put(8, c.day, 2);
    put(11, static_cast<unsigned>(secs / 3600), 2);
    put(14, static_cast<unsigned>(secs / 60 % 60), 2);
    put(17, static_cast<unsigned>(secs % 60), 2);
    return out;
}

std::optional<std::int64_t> ParseDate(std::string_view text) {
    int year = 0, month = 0, day = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!ReadDigits(text, 0, 4, year) || !ReadDigits(text, 5, 2, month) ||
        !ReadDigits(text, 8, 2, day)) {
        return std::nullopt;
    }
    // Year 0000 is not a year of the calendar (1 BC is followed by AD 1).
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
        return std::nullopt;
    }
    return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string FormatDate(std::int64_t days) {
    const Civil c = CivilFromDays(days);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
}

std::optional<UnixSeconds> ParseRfc3339(std::string_view text) {
    if (text.size() < 20 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) {
        return std::nullopt;
    }
    auto days = ParseDate(text.substr(0, 10));
    int hour = 0, minute = 0, second = 0;
    if (!days || text[13] != ':' || text[16] != ':' || !ReadDigits(text, 11, 2, hour) ||
        !ReadDigits(text, 14, 2, minute) || !ReadDigits(text, 17, 2, second) || hour > 23 ||
        minute > 59 || second > 60) {
        return std::nullopt;
    }
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos >= text.size()) return std::nullopt;
    int offset_minutes = 0;
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        int oh = 0, om = 0;
        if (pos + 6 != text.size() || text[pos + 3] != ':' || !ReadDigits(text, pos + 1, 2, oh) ||
            !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    const UnixSeconds t = *days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    // An offset can carry a time out of the four-digit years ("0001-01-01T00:00:00+01:00" is in
    // year 0 in UTC), which FormatRfc3339 could not write back as RFC 3339.
    if (t < kFirstSecond || t > kLastSecond) return std::nullopt;
    return t;
}

}  // namespace guanxi
