#include "domains/accounts/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace guanxi::accounts {

namespace {

constexpr std::int64_t kFallbackOffset = 8 * 3600;
constexpr std::size_t kMaxNameLength = 64;
constexpr std::string_view kAreas[] = {"Africa", "America",  "Antarctica", "Arctic",
                                       "Asia",   "Atlantic", "Australia",  "Europe",
                                       "Indian", "Pacific",  "Etc"};

std::filesystem::path ZoneInfoDir() {
    if (const char* dir = std::getenv("TZDIR"); dir != nullptr && *dir != '\0') return dir;
    return "/usr/share/zoneinfo";
}

bool WellFormed(std::string_view name) {
    if (name == "UTC") return true;
    if (name.empty() || name.size() > kMaxNameLength) return false;
    if (name.find("..") != std::string_view::npos || name.front() == '/' || name.back() == '/')
        return false;
    const bool chars = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' ||
               c == '+';
    });
    const auto slash = name.find('/');
    if (!chars || slash == std::string_view::npos) return false;
    const std::string_view area = name.substr(0, slash);
    return std::find(std::begin(kAreas), std::end(kAreas), area) != std::end(kAreas);
}

// A zone's transitions and their offsets, from its TZif file.
struct Zone {
    std::vector<std::int64_t> at;         // transition times, ascending
    std::vector<std::int64_t> offset_of;  // the offset from each transition on
    std::int64_t initial = 0;             // before the first transition
    std::optional<std::int64_t> footer;   // a footer rule without daylight saving time
};

std::uint32_t Be32(const std::string& s, std::size_t at) {
    return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

std::int64_t Be64(const std::string& s, std::size_t at) {
    return static_cast<std::int64_t>((std::uint64_t{Be32(s, at)} << 32) | Be32(s, at + 4));
}

// "CST-8" → +8 h; nullopt for a rule with daylight saving time ("EST5EDT,M3.2.0,M11.1.0") or
// anything not understood. POSIX offsets are west-positive, hence the sign.
std::optional<std::int64_t> FooterOffset(std::string_view rule) {
    if (rule.empty() || rule.find(',') != std::string_view::npos) return std::nullopt;
    std::size_t i = 0;
    if (rule[0] == '<') {
        i = rule.find('>');
        if (i == std::string_view::npos) return std::nullopt;
        ++i;
    } else {
        while (i < rule.size() && std::isalpha(static_cast<unsigned char>(rule[i]))) ++i;
    }
    if (i == 0 || i >= rule.size()) return std::nullopt;
    int sign = 1;
    if (rule[i] == '+' || rule[i] == '-') sign = rule[i++] == '-' ? -1 : 1;
    std::int64_t parts[3] = {0, 0, 0};
    int part = 0;
    bool digits = false;
    for (; i < rule.size(); ++i) {
        const char c = rule[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            parts[part] = parts[part] * 10 + (c - '0');
            digits = true;
        } else if (c == ':' && part < 2) {
            ++part;
        } else {
            return std::nullopt;  // a daylight-saving name follows
        }
    }
    if (!digits) return std::nullopt;
    return -sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

std::optional<Zone> ParseTzif(const std::string& s) {
    constexpr std::size_t kHeader = 44;
    if (s.size() < kHeader || s.compare(0, 4, "TZif") != 0) return std::nullopt;
    std::size_t base = 0;
    int time_bytes = 4;
    const auto counts = [&](std::size_t at, std::uint32_t(&c)[6]) {
        for (int k = 0; k < 6; ++k) c[k] = Be32(s, at + 20 + 4 * k);
    };
    std::uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
    counts(0, c);
    if (s[4] >= '2') {
        // Skip the 32-bit block for the 64-bit one after it.
        base = kHeader + c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
        if (s.size() < base + kHeader || s.compare(base, 4, "TZif") != 0) return std::nullopt;
        counts(base, c);
        time_bytes = 8;
    }
    const std::size_t times = base + kHeader;
    const std::size_t indices = times + c[3] * time_bytes;
    const std::size_t types = indices + c[3];
    const std::size_t end = types + c[4] * 6 + c[5] + c[2] * (time_bytes + 4) + c[1] + c[0];
    if (c[4] == 0 || s.size() < end) return std::nullopt;
    const auto utoff = [&](std::size_t type) {
        return static_cast<std::int64_t>(static_cast<std::int32_t>(Be32(s, types + type * 6)));
    };
    Zone zone;
    zone.initial = utoff(0);
    for (std::uint32_t k = 0; k < c[3]; ++k) {
        const std::size_t type = static_cast<unsigned char>(s[indices + k]);
        if (type >= c[4]) return std::nullopt;
        zone.at.push_back(time_bytes == 8 ? Be64(s, times + k * 8)
                                          : static_cast<std::int32_t>(Be32(s, times + k * 4)));
        zone.offset_of.push_back(utoff(type));
    }
    if (time_bytes == 8 && s.size() > end + 1 && s[end] == '\n') {
        const std::size_t close = s.find('\n', end + 1);
        if (close != std::string::npos)
            zone.footer = FooterOffset(std::string_view(s).substr(end + 1, close - end - 1));
    }
    return zone;
}

// Parsed zones, read once each (a handful in practice: the users' own).
std::shared_ptr<const Zone> LoadZone(std::string_view name) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Zone>, std::less<>> zones;
    std::lock_guard lock(mutex);
    if (auto it = zones.find(name); it != zones.end()) return it->second;
    std::shared_ptr<const Zone> zone;
    if (WellFormed(name)) {
        std::ifstream in(ZoneInfoDir() / std::string(name), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (auto parsed = ParseTzif(bytes)) zone = std::make_shared<const Zone>(std::move(*parsed));
    }
    if (zones.size() < 1000) zones.emplace(std::string(name), zone);
    return zone;
}

}  // namespace

bool IsTimeZoneName(std::string_view name) {
    if (!WellFormed(name)) return false;
    std::error_code ec;
    if (!std::filesystem::is_directory(ZoneInfoDir(), ec)) return true;  // nothing to ask
    return name == "UTC" || LoadZone(name) != nullptr;
}

std::optional<std::int64_t> UtcOffsetAt(std::string_view zone_name, UnixSeconds t) {
    if (zone_name == "UTC") return 0;
    const auto zone = LoadZone(zone_name);
    if (!zone) return std::nullopt;
    const auto next = std::upper_bound(zone->at.begin(), zone->at.end(), t);
    if (next == zone->at.begin()) return zone->initial;
    if (next == zone->at.end() && zone->footer) return *zone->footer;
    return zone->offset_of[static_cast<std::size_t>(next - zone->at.begin() - 1)];
}

UnixSeconds StartOfDay(std::string_view zone, UnixSeconds t) {
    const std::int64_t offset = UtcOffsetAt(zone, t).value_or(kFallbackOffset);
    const std::int64_t local = t + offset;
    const std::int64_t day = (local >= 0 ? local : local - 86399) / 86400;
    return day * 86400 - offset;
}

}  // namespace guanxi::accounts
