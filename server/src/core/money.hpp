#pragma once
// Money travels as a decimal string with at most two places ("1234.50", API.md) and is kept as
// integer cents: never a float, never a JSON number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guanxi {

// The largest amount ParseMoney reads: 9,999,999,999,999.99 (13 digits before the point).
inline constexpr std::int64_t kMaxMoneyCents = 999'999'999'999'999;
// The largest amount a money field holds: 1,000,000,000,000.00 (10^12 yuan; issue 16). The kit's
// kMoney fields refuse more (422 money_too_large naming the field), and so do the domain routes
// that take amounts outside the kit (payments, instalments, quote lines).
inline constexpr std::int64_t kMaxAmountCents = 100'000'000'000'000;

// "1234.5" / "1234.50" / "1234" → 123450; nullopt for anything else (a sign, more than two
// places, spaces, exponents, more than 13 digits before the point).
std::optional<std::int64_t> ParseMoney(std::string_view text);
// 123450 → "1234.50"; -5 → "-0.05".
std::string FormatMoney(std::int64_t cents);

}  // namespace guanxi
