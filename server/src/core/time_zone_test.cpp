#include "core/time_zone.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace guanxi::tz {
namespace {

UnixSeconds At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

TEST(TimeZone, NamesAreTheTzDatabasesZones) {
    for (const char* good : {"UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York",
                             "America/Argentina/Buenos_Aires", "Asia/Calcutta", "Etc/GMT-8"}) {
        EXPECT_TRUE(IsTimeZoneName(good)) << good;
    }
    for (const char* bad :
         {"", "Mars/Olympus", "Asia", "Asia/", "/etc/passwd", "Asia/../../etc", "Asia/Shang hai",
          "Asia/Atlantis", "+08:00", "CST", "PRC", "Etc/Unknown"}) {
        EXPECT_FALSE(IsTimeZoneName(bad)) << bad;
    }
}

TEST(TimeZone, TheRulesAreTheCurrentTzDatabases) {
    // Rules changed since 2022 (ICU 72's own copy of the tz data is 2022e and has each of these
    // an hour off in 2026; the system's tzdata is current): Mexico City keeps standard time all
    // year since 2022f, Egypt has summer time again since 2023, Kazakhstan is +05 since 2024,
    // Paraguay is -03 all year since 2024.
    EXPECT_EQ(UtcOffsetAt("America/Mexico_City", At("2026-07-01T12:00:00Z")), -6 * 3600);
    EXPECT_EQ(UtcOffsetAt("Africa/Cairo", At("2026-07-01T12:00:00Z")), 3 * 3600);
    EXPECT_EQ(UtcOffsetAt("Asia/Almaty", At("2026-07-01T12:00:00Z")), 5 * 3600);
    EXPECT_EQ(UtcOffsetAt("America/Asuncion", At("2026-07-01T12:00:00Z")), -3 * 3600);
    EXPECT_EQ(StartOfDay("America/Mexico_City", At("2026-07-01T12:00:00Z")),
              At("2026-07-01T00:00:00-06:00"));
}

TEST(TimeZone, ThePickersListIsSortedCanonicalZones) {
    const auto& names = TimeZoneNames();
    ASSERT_GT(names.size(), 300u);
    EXPECT_EQ(names.front(), "UTC");
    EXPECT_TRUE(std::is_sorted(names.begin() + 1, names.end()));
    for (const char* zone : {"Asia/Shanghai", "Europe/Berlin", "America/New_York"}) {
        EXPECT_TRUE(std::binary_search(names.begin() + 1, names.end(), zone)) << zone;
    }
    // Links are accepted as input but not offered beside their zone (Chongqing is Shanghai).
    EXPECT_TRUE(IsTimeZoneName("Asia/Chongqing"));
    EXPECT_FALSE(std::binary_search(names.begin() + 1, names.end(), "Asia/Chongqing"));
    EXPECT_TRUE(std::adjacent_find(names.begin(), names.end()) == names.end());
    for (const auto& name : names) EXPECT_TRUE(IsTimeZoneName(name)) << name;
}

TEST(TimeZone, OffsetsFollowBerlinsDaylightSavingTimeAndShanghaisNone) {
    // 2026: Berlin goes to summer time on 29 March at 01:00Z and back on 25 October at 01:00Z.
    EXPECT_EQ(UtcOffsetAt("Europe/Berlin", At("2026-03-29T00:59:59Z")), 3600);
    EXPECT_EQ(UtcOffsetAt("Europe/Berlin", At("2026-03-29T01:00:00Z")), 7200);
    EXPECT_EQ(UtcOffsetAt("Europe/Berlin", At("2026-10-25T00:59:59Z")), 7200);
    EXPECT_EQ(UtcOffsetAt("Europe/Berlin", At("2026-10-25T01:00:00Z")), 3600);
    for (const char* t : {"2026-01-15T12:00:00Z", "2026-03-29T01:00:00Z", "2026-07-01T00:00:00Z"})
        EXPECT_EQ(UtcOffsetAt("Asia/Shanghai", At(t)), 8 * 3600) << t;
    EXPECT_EQ(UtcOffsetAt("UTC", At("2026-07-01T00:00:00Z")), 0);
}

TEST(TimeZone, StartOfDayIsLocalMidnightOnEitherSideOfAChange) {
    // 2026-12-06T23:00:00Z is already 07:00 on the 7th in Shanghai, still the 6th in London.
    const UnixSeconds t = At("2026-12-06T23:00:00Z");
    EXPECT_EQ(StartOfDay("Asia/Shanghai", t), At("2026-12-07T00:00:00+08:00"));
    EXPECT_EQ(StartOfDay("UTC", t), At("2026-12-06T00:00:00Z"));
    EXPECT_EQ(StartOfDay("Europe/London", t), At("2026-12-06T00:00:00Z"));
    // The day of the spring change is 23 hours long, the autumn one's 25.
    EXPECT_EQ(StartOfDay("Europe/Berlin", At("2026-03-29T12:00:00Z")),
              At("2026-03-29T00:00:00+01:00"));
    EXPECT_EQ(StartOfDay("Europe/Berlin", At("2026-03-30T12:00:00Z")),
              At("2026-03-30T00:00:00+02:00"));
    EXPECT_EQ(StartOfDay("Europe/Berlin", At("2026-10-25T22:59:59Z")),
              At("2026-10-25T00:00:00+02:00"));
    EXPECT_EQ(StartOfDay("Europe/Berlin", At("2026-10-25T23:00:00Z")),
              At("2026-10-26T00:00:00+01:00"));
    // A zone whose clocks skip midnight itself: Santiago, 2026-09-06 00:00 → 01:00.
    EXPECT_EQ(StartOfDay("America/Santiago", At("2026-09-06T12:00:00Z")),
              At("2026-09-06T01:00:00-03:00"));
}

TEST(TimeZone, StartOfMonthAcrossAMonthBoundary) {
    // 2026-03-31T22:30:00Z is still March in UTC, already 00:30 on 1 April in Berlin.
    const UnixSeconds t = At("2026-03-31T22:30:00Z");
    EXPECT_EQ(StartOfMonth("Europe/Berlin", t), At("2026-04-01T00:00:00+02:00"));
    EXPECT_EQ(StartOfMonth("UTC", t), At("2026-03-01T00:00:00Z"));
    // Shanghai's April starts at 2026-03-31T16:00Z, Berlin's March started in winter time.
    EXPECT_EQ(StartOfMonth("Asia/Shanghai", At("2026-03-31T15:59:59Z")),
              At("2026-03-01T00:00:00+08:00"));
    EXPECT_EQ(StartOfMonth("Asia/Shanghai", At("2026-03-31T16:00:00Z")),
              At("2026-04-01T00:00:00+08:00"));
    EXPECT_EQ(StartOfMonth("Europe/Berlin", At("2026-03-31T21:59:59Z")),
              At("2026-03-01T00:00:00+01:00"));
}

TEST(TimeZone, WallClockTimesInGapsShiftForwardAndInOverlapsTakeTheFirst) {
    // An ordinary time on either side of a change.
    EXPECT_EQ(FromLocal("Europe/Berlin", {2026, 3, 28, 9, 0, 0}), At("2026-03-28T08:00:00Z"));
    EXPECT_EQ(FromLocal("Europe/Berlin", {2026, 3, 29, 9, 0, 0}), At("2026-03-29T07:00:00Z"));
    EXPECT_EQ(FromLocal("Asia/Shanghai", {2026, 3, 29, 9, 0, 0}), At("2026-03-29T01:00:00Z"));
    // 02:30 does not exist on 29 March in Berlin: it is 03:30 CEST.
    EXPECT_EQ(FromLocal("Europe/Berlin", {2026, 3, 29, 2, 30, 0}), At("2026-03-29T03:30:00+02:00"));
    // 02:30 happens twice on 25 October: the first, still in summer time.
    EXPECT_EQ(FromLocal("Europe/Berlin", {2026, 10, 25, 2, 30, 0}),
              At("2026-10-25T02:30:00+02:00"));
    // Round trip through ToLocal, and mktime-style roll-over.
    const LocalTime l = ToLocal("Europe/Berlin", At("2026-10-25T01:30:00Z"));
    EXPECT_EQ(l.year, 2026);
    EXPECT_EQ(l.month, 10u);
    EXPECT_EQ(l.day, 25u);
    EXPECT_EQ(l.hour, 2);
    EXPECT_EQ(l.minute, 30);
    EXPECT_EQ(FromLocal("Asia/Shanghai", {2026, 12, 32, 0, 0, 0}), At("2027-01-01T00:00:00+08:00"));
    EXPECT_EQ(FromLocal("Asia/Shanghai", {2026, 13, 1, 0, 0, 0}), At("2027-01-01T00:00:00+08:00"));
}

TEST(TimeZone, AnUnknownZoneCountsInTheDefaultZone) {
    const UnixSeconds t = At("2026-12-06T23:00:00Z");
    EXPECT_EQ(StartOfDay("Mars/Olympus", t), At("2026-12-07T00:00:00+08:00"));
    EXPECT_EQ(StartOfDay("", t), At("2026-12-07T00:00:00+08:00"));
    EXPECT_EQ(UtcOffsetAt("CST", t), 8 * 3600);
}

}  // namespace
}  // namespace guanxi::tz
