// Money as API.md has it: a decimal string with at most two places, kept as integer cents.

#include "core/money.hpp"

#include <gtest/gtest.h>

namespace guanxi {
namespace {

TEST(MoneyTest, ParsesDecimalStringsWithAtMostTwoPlaces) {
    EXPECT_EQ(ParseMoney("1234.50"), 123450);
    EXPECT_EQ(ParseMoney("1234.5"), 123450);
    EXPECT_EQ(ParseMoney("1234"), 123400);
    EXPECT_EQ(ParseMoney("0.01"), 1);
    EXPECT_EQ(ParseMoney("9999999999999.99"), kMaxMoneyCents);
    for (const char* bad : {"", "1.234", "-1.00", "+1", "1e3", " 1", "1 ", "1.", ".5", "1,000.00",
                            "12345678901234", "０.５", "NaN"}) {
        EXPECT_FALSE(ParseMoney(bad)) << bad;
    }
}

TEST(MoneyTest, FormatsCentsWithTwoPlaces) {
    EXPECT_EQ(FormatMoney(123450), "1234.50");
    EXPECT_EQ(FormatMoney(7), "0.07");
    EXPECT_EQ(FormatMoney(0), "0.00");
    EXPECT_EQ(FormatMoney(-5), "-0.05");
    EXPECT_EQ(FormatMoney(kMaxMoneyCents), "9999999999999.99");
}

}  // namespace
}  // namespace guanxi
