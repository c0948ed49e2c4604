#include "domains/customers/customer_import.hpp"

#include "core/text.hpp"
#include "domains/customers/customer.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace guanxi::customers {

namespace {

using nlohmann::json;

// Header texts per field, after HeaderKey(). The first is the field's own name.
struct Alias {
    std::string_view field;
    std::vector<std::string_view> names;
};
const std::vector<Alias>& Aliases() {
    static const std::vector<Alias> kAliases = {
        {"name",
         {"name", "customer", "customer_name", "company", "名称", "客户名称", "客户", "公司名称",
          "公司", "企业名称"}},
        {"category", {"category", "分类", "客户分类", "类别", "客户类别"}},
        {"phone",
         {"phone", "telephone", "mobile", "电话", "手机", "手机号", "联系电话", "电话号码"}},
        {"email", {"email", "e_mail", "mail", "邮箱", "电子邮件", "电子邮箱", "邮件"}},
        {"industry", {"industry", "行业", "所属行业"}},
        {"region", {"region", "地区", "区域", "省份"}},
        {"source", {"source", "来源", "客户来源"}},
        {"address", {"address", "地址", "详细地址"}},
        {"tags", {"tags", "tag", "标签"}},
        {"owner", {"owner", "owner_username", "owner_name", "负责人", "所有者", "归属人", "销售"}},
        {"next_contact_at", {"next_contact_at", "next_contact", "下次联系", "下次联系时间"}},
    };
    return kAliases;
}

// Category values by their English or Chinese label.
const std::vector<std::pair<std::string_view, std::string_view>>& CategoryLabels() {
    static const std::vector<std::pair<std::string_view, std::string_view>> kLabels = {
        {"核心", "core"},
        {"核心客户", "core"},
        {"潜在", "potential"},
        {"潜在客户", "potential"},
        {"有意向", "interested"},
        {"意向", "interested"},
        {"无意向", "not_interested"},
        {"已成交", "closed"},
        {"成交", "closed"},
        {"催款", "payment_due"},
        {"待回款", "payment_due"},
        {"not interested", "not_interested"},
        {"payment due", "payment_due"},
    };
    return kLabels;
}

// A header cell as compared: trimmed, ASCII lower-cased, spaces and dashes as underscores, a
// trailing "*" (templates mark required columns so) and a bracketed hint such as "(必填)" dropped.
std::string HeaderKey(std::string_view raw) {
    std::string key = text::AsciiLower(text::Trim(raw));
    for (std::string_view bracket : {"(", "（"}) {
        const size_t open = key.find(bracket);
        if (open != std::string::npos && open > 0) key = text::Trim(key.substr(0, open));
    }
    while (!key.empty() && key.back() == '*') key.pop_back();
    for (char& c : key) {
        if (c == ' ' || c == '-') c = '_';
    }
    return key;
}

// "2026-11-28" → "2026-11-28T00:00:00Z"; "2026-11-28 09:30[:00]" → "2026-11-28T09:30:00Z";
// anything else as it is (RFC 3339, or something validation will refuse).
std::string TimeText(const std::string& cell) {
    const auto digits = [&](size_t from, size_t n) {
        if (cell.size() < from + n) return false;
        return std::all_of(cell.begin() + static_cast<std::ptrdiff_t>(from),
                           cell.begin() + static_cast<std::ptrdiff_t>(from + n),
                           [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string date = cell.substr(0, 10);
    std::replace(date.begin(), date.end(), '/', '-');
    const bool is_date =
        digits(0, 4) && digits(5, 2) && digits(8, 2) && date[4] == '-' && date[7] == '-';
    if (!is_date) return cell;
    if (cell.size() == 10) return date + "T00:00:00Z";
    if (cell[10] == ' ' && digits(11, 2) && cell.size() >= 16 && cell[13] == ':' && digits(14, 2)) {
        if (cell.size() == 16) return date + "T" + cell.substr(11, 5) + ":00Z";
        if (cell.size() == 19 && cell[16] == ':' && digits(17, 2))
            return date + "T" + cell.substr(11, 8) + "Z";
    }
    return cell;
}

std::string CategoryValue(const std::string& cell) {
    const std::string lowered = text::AsciiLower(cell);
    for (const auto& [label, value] : CategoryLabels()) {
        if (lowered == label) return std::string(value);
    }
    return lowered;  // "Core" → "core"; unknown values are validation's to refuse
}

}  // namespace

std::optional<DuplicateMode> ParseDuplicateMode(std::string_view name) {
    if (name == "skip") return DuplicateMode::kSkip;
    if (name == "create") return DuplicateMode::kCreate;
    if (name == "update") return DuplicateMode::kUpdate;
    return std::nullopt;
}

std::string_view DuplicateModeName(DuplicateMode mode) {
    switch (mode) {
        case DuplicateMode::kSkip:
            return "skip";
        case DuplicateMode::kCreate:
            return "create";
        case DuplicateMode::kUpdate:
            return "update";
    }
    return "skip";
}

json ColumnMap::ToJson() const {
    json mapped = json::array();
    for (const auto& f : fields) mapped.push_back(f.empty() ? json() : json(f));
    return {{"fields", mapped}, {"ignored", ignored}};
}

Result<ColumnMap> MapColumns(const std::vector<std::string>& header,
                             const std::vector<custom_fields::Definition>& custom) {
    ColumnMap map;
    Error error{ErrorCode::kValidationFailed,
                "The file's first row must name the columns.",
                json::object(),
                {}};
    for (const auto& cell : header) {
        const std::string key = text::IsValidUtf8(cell) ? HeaderKey(cell) : std::string();
        std::string field;
        for (const auto& alias : Aliases()) {
            // The export's header in either language reads back as its fields.
            if (std::find(alias.names.begin(), alias.names.end(), key) != alias.names.end() ||
                (!key.empty() && (key == HeaderKey(CustomerFieldLabel(alias.field, true)) ||
                                  key == HeaderKey(CustomerFieldLabel(alias.field, false))))) {
                field = alias.field;
                break;
            }
        }
        for (size_t i = 0; field.empty() && !key.empty() && i < custom.size(); ++i) {
            const custom_fields::Definition& def = custom[i];
            if (key == def.key || key == HeaderKey(def.label_en) ||
                key == HeaderKey(def.label_zh_cn) || key == def.Path()) {
                field = def.Path();
                map.custom.emplace(def.key, def);
            }
        }
        if (!field.empty() &&
            std::find(map.fields.begin(), map.fields.end(), field) != map.fields.end()) {
            error.message = "Two columns are both the customer's " + field + ".";
            return error.FieldCode("file", "two_columns", {{"column", field}});
        }
        if (field.empty() && !key.empty()) {
            map.ignored.push_back(text::IsValidUtf8(cell) ? cell : std::string("?"));
        }
        map.fields.push_back(std::move(field));
    }
    if (std::find(map.fields.begin(), map.fields.end(), "name") == map.fields.end()) {
        return error.Field("file", "has no name column (name or 名称)");
    }
    return map;
}

RowBody RowToBody(const ColumnMap& map, const std::vector<std::string>& cells) {
    RowBody row;
    const size_t n = std::min(map.fields.size(), cells.size());
    for (size_t i = 0; i < n; ++i) {
        const std::string& field = map.fields[i];
        if (field.empty()) continue;
        if (!text::IsValidUtf8(cells[i])) {
            row.bad_field = field;
            return row;
        }
        std::string cell = text::Trim(cells[i]);
        // The export writes '+86 ... and '=... so spreadsheets do not run them: undo that.
        if (cell.size() > 1 && cell[0] == '\'' &&
            (cell[1] == '=' || cell[1] == '+' || cell[1] == '-' || cell[1] == '@')) {
            cell.erase(0, 1);
        }
        if (cell.empty()) continue;
        if (field.rfind("custom.", 0) == 0) {
            const std::string key = field.substr(7);
            row.body["custom"][key] = custom_fields::CellValue(map.custom.at(key), cell);
        } else if (field == "owner") {
            row.owner = std::move(cell);
        } else if (field == "tags") {
            row.body["tags"] = text::SplitListCell(cell);
        } else if (field == "next_contact_at") {
            row.body[field] = TimeText(cell);
        } else if (field == "category") {
            row.body[field] = CategoryValue(cell);
        } else {
            row.body[field] = std::move(cell);
        }
    }
    return row;
}

const std::vector<std::string>& ImportTemplateHeader() {
    static const std::vector<std::string> kHeader = {
        "name",   "category", "phone", "email", "industry",       "region",
        "source", "address",  "tags",  "owner", "next_contact_at"};
    return kHeader;
}

}  // namespace guanxi::customers
