#include "domains/accounts/time_zone.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace guanxi::accounts {
namespace {

bool HaveZoneInfo() { return std::filesystem::exists("/usr/share/zoneinfo/Asia/Shanghai"); }

TEST(TimeZone, NamesAreCheckedByFormAndAgainstTheSystemsZones) {
    EXPECT_TRUE(IsTimeZoneName("UTC"));
    EXPECT_TRUE(IsTimeZoneName("Asia/Shanghai"));
    EXPECT_TRUE(IsTimeZoneName("America/Argentina/Buenos_Aires"));
    for (const char* bad : {"", "Mars/Olympus", "Asia", "Asia/", "/etc/passwd", "Asia/../../etc",
                            "Asia/Shang hai", "+08:00", "CST"}) {
        EXPECT_FALSE(IsTimeZoneName(bad)) << bad;
    }
    if (HaveZoneInfo()) {
        EXPECT_FALSE(IsTimeZoneName("Asia/Atlantis"));
    }
}

TEST(TimeZone, StartOfDayIsLocalMidnight) {
    // 2026-12-06T23:00:00Z is already 07:00 on the 7th in Shanghai, still the 6th in London.
    const UnixSeconds t = *ParseRfc3339("2026-12-06T23:00:00Z");
    EXPECT_EQ(StartOfDay("Asia/Shanghai", t), *ParseRfc3339("2026-12-07T00:00:00+08:00"));
    EXPECT_EQ(StartOfDay("UTC", t), *ParseRfc3339("2026-12-06T00:00:00Z"));
    if (!HaveZoneInfo()) return;
    EXPECT_EQ(StartOfDay("Europe/London", t), *ParseRfc3339("2026-12-06T00:00:00Z"));
    // Daylight saving time: New York is UTC−4 in July, UTC−5 in December.
    EXPECT_EQ(*UtcOffsetAt("America/New_York", *ParseRfc3339("2026-07-01T12:00:00Z")), -4 * 3600);
    EXPECT_EQ(*UtcOffsetAt("America/New_York", t), -5 * 3600);
    EXPECT_EQ(StartOfDay("America/New_York", t), *ParseRfc3339("2026-12-06T00:00:00-05:00"));
}

TEST(TimeZone, AnUnknownZoneCountsDaysAtTheDefaultOffset) {
    const UnixSeconds t = *ParseRfc3339("2026-12-06T23:00:00Z");
    EXPECT_EQ(StartOfDay("Mars/Olympus", t), *ParseRfc3339("2026-12-07T00:00:00+08:00"));
}

}  // namespace
}  // namespace guanxi::accounts
