#pragma once
// Parses a list request's query string (API.md "Lists"): page, page_size (1..500), sort
// ("-created_at,name"), q, and the resource's own filters. Anything the resource does not know is a
// 400 naming the parameter, never silently ignored.

#include "core/error.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace guanxi::http {

struct SortKey {
    std::string field;
    bool descending = false;
};

struct ListQuery {
    std::int64_t page = 1;
    std::int64_t page_size = 50;
    std::vector<SortKey> sort;
    std::optional<std::string> q;
    std::vector<std::pair<std::string, std::string>> filters;

    std::int64_t Offset() const { return (page - 1) * page_size; }
    std::optional<std::string> Filter(std::string_view name) const;
};

// "custom.<key>" with a key as custom fields' keys are (a-z, then a-z 0-9 _, at most 40): a
// custom field's name in filters and sorts.
bool IsCustomFieldName(std::string_view name);

struct ListSpec {
    std::set<std::string, std::less<>> filters;
    std::set<std::string, std::less<>> sorts;
    std::vector<SortKey> default_sort;
    bool searchable = true;
    // Also takes ?custom.<key>= filters and sort=custom.<key> (a key shaped as custom fields' keys
    // are: IsCustomFieldName), for the resource's custom fields to judge (domains/custom_fields).
    bool custom = false;
    // The page size when the request names none (0: 50).
    std::int64_t default_page_size = 0;
};

constexpr std::int64_t kMaxPageSize = 500;

// A positive integer id as sent in a query parameter ("42"); nullopt for anything else.
std::optional<std::int64_t> ParseId(std::string_view text);

Result<ListQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& query,
                                 const ListSpec& spec);

// `query` without the parameters a route takes besides the list's (an export's format and lang),
// to parse the rest with ParseListQuery.
std::vector<std::pair<std::string, std::string>> WithoutParams(
    const std::vector<std::pair<std::string, std::string>>& query,
    std::initializer_list<std::string_view> keys);

}  // namespace guanxi::http

#include <nlohmann/json.hpp>

namespace guanxi::http {

// {"items":[...],"total":N,"page":P,"page_size":S}
// The same page as JSON text, around items already written as a JSON array.
inline std::string ListPageText(std::string_view items_array, std::int64_t total,
                                const ListQuery& query) {
    return "{\"items\":" + std::string(items_array) + ",\"total\":" + std::to_string(total) +
           ",\"page\":" + std::to_string(query.page) +
           ",\"page_size\":" + std::to_string(query.page_size) + "}";
}

inline nlohmann::json ListPage(nlohmann::json items, std::int64_t total, const ListQuery& query) {
    return {{"items", std::move(items)},
            {"total", total},
            {"page", query.page},
            {"page_size", query.page_size}};
}

}  // namespace guanxi::http
