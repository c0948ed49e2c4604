#pragma once
// Text helpers shared by validation, duplicate checks and the search index.

#include <string>
#include <string_view>
#include <vector>

namespace guanxi::text {

bool IsValidUtf8(std::string_view s);

// Number of Unicode code points; assumes valid UTF-8.
size_t CodePointCount(std::string_view s);

// Splits valid UTF-8 into its code points (each a view into `s`).
std::vector<std::string_view> CodePoints(std::string_view s);

// ASCII letters lower-cased; other bytes (Chinese included) unchanged.
std::string AsciiLower(std::string_view s);

std::string Trim(std::string_view s);

// A spreadsheet cell holding a list (tags, a multi-choice): its items, trimmed, empty ones left
// out, split at ; , | and their full-width forms ；，、 (how people type lists in Chinese).
std::vector<std::string> SplitListCell(std::string_view cell);

// Whether `s` holds a control character: C0 (NUL included), DEL or C1 (U+0080–U+009F). Tab, line
// feed and carriage return are allowed when `multiline` (notes, addresses), never in one-line text.
// PostgreSQL cuts text at NUL and the others garble exports and logs, so no stored text has them.
bool HasControlCharacters(std::string_view s, bool multiline);

// Whether `s` looks like a telephone number: an optional leading +, 5 to 20 digits in groups
// separated by single spaces, dashes or dots, an optional area code in one pair of parentheses,
// and an optional extension ("ext 12", "ext. 12", "x12", "#12", "转12"). No letters otherwise, and
// nothing shaped like a calendar date ("2026-11-28", "2026/11/28", "2026.11.28").
bool IsPhoneNumber(std::string_view s);

// Phone numbers compare by digits: spaces, dashes, dots, brackets and a leading +86 / 0086 are
// dropped.
// "+86 138-0013-8000" → "13800138000". Returns "" when nothing digit-like remains.
std::string NormalizePhone(std::string_view phone);

// E-mail addresses compare trimmed and lower-cased.
std::string NormalizeEmail(std::string_view email);

// Company names compare without case, spaces, punctuation and legal-form suffixes
// (有限公司, 股份有限公司, 集团, Co., Ltd., Inc., LLC, ...). "深圳华强科技有限公司" →
// "深圳华强科技".
std::string NormalizeCompanyName(std::string_view name);

// The search index's keys for one text: every pair of adjacent code points, and the last code point
// alone (so a one-character query finds a text that ends in it). ASCII is lower-cased first.
// Whitespace splits the text into separate words. Duplicates are removed.
std::vector<std::string> SearchGrams(std::string_view text);

}  // namespace guanxi::text
