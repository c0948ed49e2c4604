#include "domains/customers/customer_export.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"
#include "domains/custom_fields/custom_field.hpp"
#include "domains/customers/customer.hpp"

namespace guanxi::customers {

std::vector<std::string> ExportHeader(const CustomColumns& custom, bool english) {
    std::vector<std::string> header;
    for (const std::string& column : ExportColumns())
        header.push_back(CustomerFieldLabel(column, english));
    header.insert(header.end(), custom.header.begin(), custom.header.end());
    return header;
}

std::vector<std::string> ExportCells(const db::Row& row, const CustomColumns& custom) {
    std::vector<std::string> cells = ExportCells(row);
    if (custom.keys.empty()) return cells;
    const nlohmann::json values = db::JsonDoc(row, 14, nlohmann::json::object());
    for (const std::string& key : custom.keys) {
        auto it = values.find(key);
        cells.push_back(it == values.end() ? std::string() : custom_fields::CellText(*it));
    }
    return cells;
}

const std::vector<std::string>& ExportColumns() {
    static const std::vector<std::string> kHeader = {
        "id",       "name",   "category",        "owner",           "department",
        "industry", "region", "source",          "phone",           "email",
        "address",  "tags",   "last_contact_at", "next_contact_at", "created_at"};
    return kHeader;
}

std::vector<std::string> ExportCells(const db::Row& r) {
    std::string tags;
    for (const auto& t : db::JsonDoc(r, 13, nlohmann::json::array())) {
        if (!tags.empty()) tags += ";";
        tags += t.get<std::string>();
    }
    const auto time = [&](size_t i) {
        return r.IsNull(i) ? std::string() : FormatRfc3339(r.Int(i));
    };
    return {std::to_string(r.Int(0)),
            r.Text(1),
            r.Text(2),
            r.Text(4),
            r.Text(6),
            r.Text(7),
            r.Text(8),
            r.Text(9),
            r.Text(10),
            r.Text(11),
            r.Text(12),
            tags,
            time(15),
            time(16),
            time(18)};
}

}  // namespace guanxi::customers
