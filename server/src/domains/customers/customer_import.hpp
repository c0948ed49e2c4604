#pragma once
// Customer imports: how a spreadsheet's header maps to customer fields, how one row becomes the
// body POST /customers would receive, and the JSON form of an import.

#include "db/database.hpp"
#include "domains/custom_fields/custom_field.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::customers {

// What to do with a row whose phone or e-mail matches an existing customer (or an earlier row).
enum class DuplicateMode { kSkip, kCreate, kUpdate };
std::optional<DuplicateMode> ParseDuplicateMode(std::string_view name);
std::string_view DuplicateModeName(DuplicateMode mode);

// The import's columns: per column the customer field it fills ("name", "phone", ..., "owner" for
// the owner's username or display name), or "" when the column is ignored.
struct ColumnMap {
    std::vector<std::string> fields;
    std::vector<std::string> ignored;  // header texts of ignored columns
    // The custom fields mapped ("custom.<key>" in `fields`), by key: their cells are read by type.
    std::map<std::string, custom_fields::Definition, std::less<>> custom;

    nlohmann::json ToJson() const;
};

// Maps a header row. A column is known by the field's English name (any case, spaces or dashes for
// underscores) or by a Chinese label such as the UI and its templates use (名称, 电话, 邮箱,
// 负责人,
// ...). 422 (naming the field "file") when no column holds the name or two columns fill one field.
// A custom field's column (`custom`: the customers' custom fields) is known by its key or either of
// its labels, after the built-in fields' names.
Result<ColumnMap> MapColumns(const std::vector<std::string>& header,
                             const std::vector<custom_fields::Definition>& custom = {});

// One data row as a create body: the non-empty cells of mapped columns. Cells are converted the way
// a person fills a spreadsheet — tags separated by ; , or |, categories by their Chinese or English
// label, times as a date or "date time" (UTC) — and anything else is left for the API's validation
// to judge. The owner cell is returned apart, since the body names owners by id.
struct RowBody {
    nlohmann::json body = nlohmann::json::object();
    std::optional<std::string> owner;
    // Set when a cell cannot even be turned into JSON (not UTF-8).
    std::optional<std::string> bad_field;
};
RowBody RowToBody(const ColumnMap& map, const std::vector<std::string>& cells);

// The header line of the CSV template (English field names; Chinese labels work too).
const std::vector<std::string>& ImportTemplateHeader();

}  // namespace guanxi::customers
