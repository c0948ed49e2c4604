// The quote arithmetic alone (quote_math.hpp): parsing and formatting scaled decimals, and the
// shared table of totals (server/tests/api/quote_totals_cases.json) the web checks too.

#include "domains/quotes/quote_math.hpp"

#include "core/money.hpp"
#include "test_paths.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace guanxi::quotes {
namespace {

TEST(QuoteMathTest, ScaledDecimals) {
    EXPECT_EQ(ParseScaled("2.5", 3), 2500);
    EXPECT_EQ(ParseScaled("0.001", 3), 1);
    EXPECT_EQ(ParseScaled("12", 2), 1200);
    EXPECT_EQ(ParseScaled("1.001", 2), std::nullopt);
    EXPECT_EQ(ParseScaled("-1", 3), std::nullopt);
    EXPECT_EQ(ParseScaled("1e3", 3), std::nullopt);
    EXPECT_EQ(ParseScaled("1.", 3), std::nullopt);
    EXPECT_EQ(ParseScaled("", 3), std::nullopt);
    EXPECT_EQ(ParseScaled(" 1", 3), std::nullopt);
    EXPECT_EQ(FormatScaled(2500, 3), "2.5");
    EXPECT_EQ(FormatScaled(1, 3), "0.001");
    EXPECT_EQ(FormatScaled(1200, 2), "12");
    EXPECT_EQ(FormatScaled(0, 2), "0");
}

TEST(QuoteMathTest, TheSharedTable) {
    std::ifstream file(testing::kQuoteTotalsCases);
    ASSERT_TRUE(file);
    const nlohmann::json table = nlohmann::json::parse(file);
    for (const auto& c : table["cases"]) {
        std::vector<LineInput> lines;
        for (const auto& l : c["lines"]) {
            lines.push_back({*ParseScaled(l["quantity"].get<std::string>(), 3),
                             *ParseMoney(l["unit_price"].get<std::string>()),
                             *ParseScaled(l["discount"].get<std::string>(), 2),
                             *ParseScaled(l["tax_rate"].get<std::string>(), 2)});
        }
        const Totals totals = ComputeTotals(lines);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            EXPECT_EQ(FormatMoney(totals.lines[i].net), c["lines"][i]["net"]) << c["name"];
            EXPECT_EQ(FormatMoney(totals.lines[i].tax), c["lines"][i]["tax"]) << c["name"];
        }
        EXPECT_EQ(FormatMoney(totals.subtotal), c["subtotal"]) << c["name"];
        EXPECT_EQ(FormatMoney(totals.tax), c["tax"]) << c["name"];
        EXPECT_EQ(FormatMoney(totals.total), c["total"]) << c["name"];
        EXPECT_EQ(totals.line_too_large, -1);
        EXPECT_FALSE(totals.total_too_large);
    }
}

TEST(QuoteMathTest, PastTheMaximum) {
    const std::int64_t max = kMaxQuoteCents;
    EXPECT_FALSE(ComputeLine({1000, max, 0, 0}).too_large);
    EXPECT_TRUE(ComputeLine({1000, max, 0, 1}).too_large);  // the tax takes it past
    EXPECT_TRUE(ComputeLine({2000, max, 0, 0}).too_large);
    // The largest quantity times the largest price does not overflow.
    EXPECT_TRUE(ComputeLine({kMaxQuantityMilli, max, 0, kHundredPercent}).too_large);
    const Totals two = ComputeTotals({{1000, max / 2 + 1, 0, 0}, {1000, max / 2 + 1, 0, 0}});
    EXPECT_EQ(two.line_too_large, -1);
    EXPECT_TRUE(two.total_too_large);
}

}  // namespace
}  // namespace guanxi::quotes
