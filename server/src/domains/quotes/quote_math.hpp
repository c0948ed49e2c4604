#pragma once
// A quote's arithmetic, in integers only (docs/QUOTES.md "Totals"): quantities in thousandths,
// amounts in cents, discounts and tax rates in hundredths of a percent. Per line, the net amount
// is quantity × unit price × (1 − discount) rounded half up to a cent, and its tax is net × tax
// rate rounded half up to a cent; the quote's subtotal, tax and total are the sums of the lines'
// rounded amounts (never a rounding of the sum). The web's editor computes the same
// (web/src/modules/quotes/quoteMath.ts) and both are tested against one table of cases
// (server/tests/api/quote_totals_cases.json).

#include "core/money.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::quotes {

// The largest amount a quote holds anywhere (a unit price, a line, a total): every money field's
// limit, 1,000,000,000,000.00 (core/money.hpp).
inline constexpr std::int64_t kMaxQuoteCents = kMaxAmountCents;
// The largest quantity: 1,000,000,000 units (in thousandths).
inline constexpr std::int64_t kMaxQuantityMilli = 1'000'000'000'000;
// 100 % in hundredths of a percent.
inline constexpr std::int64_t kHundredPercent = 10'000;

// A non-negative decimal with at most `places` decimals ("2.5", "12", "0.125") scaled to an
// integer (places 3: "2.5" → 2500); nullopt for anything else (a sign, spaces, exponents, more
// places, more than 15 digits before the point).
std::optional<std::int64_t> ParseScaled(std::string_view text, int places);
// 2500 at 3 places → "2.5"; 1250 at 2 → "12.5"; 300 at 2 → "3": trailing zeros dropped.
std::string FormatScaled(std::int64_t value, int places);

struct LineInput {
    std::int64_t quantity_milli = 0;
    std::int64_t unit_price_cents = 0;
    std::int64_t discount_bp = 0;  // 0 … 10000
    std::int64_t tax_rate_bp = 0;  // 0 … 10000
};

// A line's rounded amounts; `too_large` when the net or total passes kMaxQuoteCents (the amounts
// are then meaningless).
struct LineAmounts {
    std::int64_t net = 0;
    std::int64_t tax = 0;
    std::int64_t total = 0;
    bool too_large = false;
};

LineAmounts ComputeLine(const LineInput& line);

struct Totals {
    std::vector<LineAmounts> lines;
    std::int64_t subtotal = 0;
    std::int64_t tax = 0;
    std::int64_t total = 0;
    // The first line whose amounts pass the maximum, or -1; `total_too_large` when the lines are
    // each within it but their sum is not.
    int line_too_large = -1;
    bool total_too_large = false;
};

Totals ComputeTotals(const std::vector<LineInput>& lines);

}  // namespace guanxi::quotes
