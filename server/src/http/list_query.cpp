#include "http/list_query.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace guanxi::http {

namespace {

std::optional<std::int64_t> ParsePositive(const std::string& s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v > 0 ? std::optional(v) : std::nullopt;
}

Error BadParam(ErrorCode code, const std::string& name, std::string message) {
    Error e{code, std::move(message), nlohmann::json::object(), {}};
    e.details["parameter"] = name;
    return e;
}

}  // namespace

bool IsCustomFieldName(std::string_view name) {
    constexpr std::string_view kPrefix = "custom.";
    if (name.substr(0, kPrefix.size()) != kPrefix) return false;
    const std::string_view key = name.substr(kPrefix.size());
    if (key.empty() || key.size() > 40 || key[0] < 'a' || key[0] > 'z') return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::optional<std::int64_t> ParseId(std::string_view text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    std::int64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v > 0 ? std::optional(v) : std::nullopt;
}

std::optional<std::string> ListQuery::Filter(std::string_view name) const {
    for (const auto& [k, v] : filters) {
        if (k == name) return v;
    }
    return std::nullopt;
}

Result<ListQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& query,
                                 const ListSpec& spec) {
    ListQuery out;
    out.sort = spec.default_sort;
    if (spec.default_page_size > 0) out.page_size = spec.default_page_size;
    std::set<std::string, std::less<>> seen;
    for (const auto& [key, value] : query) {
        // Query values are used as text (search, filters); a control character in one is never
        // a real value (a NUL is refused when the target is decoded).
        if (text::HasControlCharacters(value, false)) {
            return BadParam(ErrorCode::kBadRequest, key,
                            "Parameter '" + key + "' must not contain control characters.");
        }
        if (!seen.insert(key).second) {
            return BadParam(ErrorCode::kBadRequest, key, "Parameter '" + key + "' is given twice.");
        }
        if (key == "page") {
            auto v = ParsePositive(value);
            if (!v)
                return BadParam(ErrorCode::kBadRequest, key, "page must be a positive integer.");
            out.page = *v;
        } else if (key == "page_size") {
            auto v = ParsePositive(value);
            if (!v || *v > kMaxPageSize) {
                return BadParam(ErrorCode::kBadRequest, key,
                                "page_size must be between 1 and 500.");
            }
            out.page_size = *v;
        } else if (key == "q" && spec.searchable) {
            std::string q = text::Trim(value);
            if (text::CodePointCount(q) > 100) {
                return BadParam(ErrorCode::kBadRequest, key, "q must be at most 100 characters.");
            }
            if (!q.empty()) out.q = std::move(q);
        } else if (key == "sort") {
            out.sort.clear();
            size_t start = 0;
            while (start <= value.size()) {
                const size_t comma = value.find(',', start);
                std::string item = value.substr(
                    start, comma == std::string::npos ? std::string::npos : comma - start);
                start = comma == std::string::npos ? value.size() + 1 : comma + 1;
                SortKey sk;
                if (!item.empty() && (item[0] == '-' || item[0] == '+')) {
                    sk.descending = item[0] == '-';
                    item.erase(0, 1);
                }
                if (spec.sorts.count(item) == 0 && !(spec.custom && IsCustomFieldName(item))) {
                    return BadParam(ErrorCode::kUnknownSort, item,
                                    "Cannot sort by '" + item + "'.");
                }
                sk.field = std::move(item);
                out.sort.push_back(std::move(sk));
            }
            if (out.sort.size() > 3) {
                return BadParam(ErrorCode::kBadRequest, key, "At most 3 sort fields.");
            }
        } else if (spec.filters.count(key) > 0 || (spec.custom && IsCustomFieldName(key))) {
            if (text::CodePointCount(value) > 200) {
                return BadParam(ErrorCode::kBadRequest, key, "Filter value is too long.");
            }
            out.filters.emplace_back(key, value);
        } else {
            return BadParam(ErrorCode::kUnknownFilter, key, "Unknown filter '" + key + "'.");
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> WithoutParams(
    const std::vector<std::pair<std::string, std::string>>& query,
    std::initializer_list<std::string_view> keys) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : query) {
        if (std::find(keys.begin(), keys.end(), kv.first) == keys.end()) out.push_back(kv);
    }
    return out;
}

}  // namespace guanxi::http
