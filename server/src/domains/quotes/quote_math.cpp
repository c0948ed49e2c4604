#include "domains/quotes/quote_math.hpp"

namespace guanxi::quotes {

namespace {

// quantity × price × discount reaches 10^30: past int64, within 2^127 (__extension__: -Wpedantic).
__extension__ typedef __int128 Wide;

// Rounds numerator / denominator half up (both non-negative).
Wide DivideHalfUp(Wide numerator, Wide denominator) {
    return (numerator + denominator / 2) / denominator;
}

}  // namespace

std::optional<std::int64_t> ParseScaled(std::string_view text, int places) {
    const size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
    if (whole.empty() || whole.size() > 15) return std::nullopt;
    if (point != std::string_view::npos &&
        (fraction.empty() || fraction.size() > static_cast<size_t>(places))) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    for (int i = 0; i < places; ++i) {
        const char c = static_cast<size_t>(i) < fraction.size() ? fraction[i] : '0';
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::string FormatScaled(std::int64_t value, int places) {
    std::int64_t scale = 1;
    for (int i = 0; i < places; ++i) scale *= 10;
    std::string out = std::to_string(value / scale);
    std::string fraction = std::to_string(value % scale);
    fraction.insert(0, static_cast<size_t>(places) - fraction.size(), '0');
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    if (!fraction.empty()) out += "." + fraction;
    return out;
}

LineAmounts ComputeLine(const LineInput& line) {
    // qty/1000 × price × (10000 − discount)/10000, in cents, rounded half up.
    const Wide net = DivideHalfUp(
        Wide{line.quantity_milli} * line.unit_price_cents * (kHundredPercent - line.discount_bp),
        Wide{1000} * kHundredPercent);
    if (net > kMaxQuoteCents) return {.too_large = true};
    const Wide tax = DivideHalfUp(net * line.tax_rate_bp, Wide{kHundredPercent});
    LineAmounts out{static_cast<std::int64_t>(net), static_cast<std::int64_t>(tax),
                    static_cast<std::int64_t>(net + tax), false};
    out.too_large = out.total > kMaxQuoteCents;
    return out;
}

Totals ComputeTotals(const std::vector<LineInput>& lines) {
    Totals totals;
    for (size_t i = 0; i < lines.size(); ++i) {
        LineAmounts amounts = ComputeLine(lines[i]);
        if (amounts.too_large && totals.line_too_large < 0)
            totals.line_too_large = static_cast<int>(i);
        totals.lines.push_back(amounts);
        // Each line is at most 10^14 cents and there are at most a few hundred: no overflow.
        totals.subtotal += amounts.net;
        totals.tax += amounts.tax;
        totals.total += amounts.total;
    }
    totals.total_too_large = totals.line_too_large < 0 && totals.total > kMaxQuoteCents;
    return totals;
}

}  // namespace guanxi::quotes
