#include "core/time.hpp"

#include <gtest/gtest.h>

#include <ctime>

namespace guanxi {
namespace {

TEST(TimeTest, RoundTripsRfc3339) {
    const auto t = ParseRfc3339("2026-11-28T08:00:00Z");
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(FormatRfc3339(*t), "2026-11-28T08:00:00Z");
    EXPECT_EQ(*ParseRfc3339("2026-11-28T16:00:00+08:00"), *t);
    EXPECT_EQ(*ParseRfc3339("2026-11-28T08:00:00.123Z"), *t);
}

TEST(TimeTest, RejectsImpossibleTimes) {
    EXPECT_FALSE(ParseRfc3339("2026-02-30T08:00:00Z"));
    EXPECT_FALSE(ParseRfc3339("2026-11-28 08:00"));
    EXPECT_FALSE(ParseRfc3339("2026-11-28T25:00:00Z"));
    EXPECT_FALSE(ParseRfc3339("2026-11-28T08:00:00"));
    EXPECT_FALSE(ParseDate("2025-02-29"));
    EXPECT_TRUE(ParseDate("2024-02-29"));
}

TEST(TimeTest, RejectsYearZeroAndTimesOutsideFourDigitYears) {
    EXPECT_FALSE(ParseDate("0000-01-01"));
    EXPECT_FALSE(ParseDate("0000-12-31"));
    EXPECT_FALSE(ParseRfc3339("0000-06-15T12:00:00Z"));
    EXPECT_FALSE(ParseDate("2026-02-30"));
    EXPECT_FALSE(ParseDate("2026-04-31"));
    EXPECT_FALSE(ParseDate("2026-00-10"));
    EXPECT_FALSE(ParseDate("2026-13-01"));
    // In range written, out of range in UTC.
    EXPECT_FALSE(ParseRfc3339("0001-01-01T00:00:00+01:00"));
    EXPECT_FALSE(ParseRfc3339("9999-12-31T23:30:00-01:00"));
    // The ends of the range round-trip.
    for (const char* edge : {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
        auto t = ParseRfc3339(edge);
        ASSERT_TRUE(t) << edge;
        EXPECT_EQ(FormatRfc3339(*t), edge);
    }
    EXPECT_EQ(FormatDate(*ParseDate("0001-01-01")), "0001-01-01");
}

TEST(TimeTest, FormatsEveryFieldAsTheCLibraryDoes) {
    // Every 7,919,993 s (~92 days, co-prime with days and minutes) from 1900 to 2200.
    for (std::int64_t t = -2208988800; t < 7258118400; t += 7919993) {
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        char expected[40];
        std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%SZ", &tm);
        ASSERT_EQ(FormatRfc3339(t), expected) << t;
    }
}

TEST(TimeTest, FormatsDatesBeforeTheEpoch) {
    EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
    EXPECT_EQ(FormatDate(*ParseDate("1999-12-31")), "1999-12-31");
}

}  // namespace
}  // namespace guanxi
