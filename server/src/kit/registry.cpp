#include "kit/registry.hpp"

#include <algorithm>
#include <cstdlib>

namespace guanxi::kit {

namespace {

// The columns every kit table has besides its fields (the migration's contract): id, then
// customer_id for a type under a customer, then the fields, then these.
constexpr const char* kAfter[] = {"created_by", "created_at", "updated_at",
                                  "version",    "deleted_at", "custom"};

// How the name of what an id field names is read (Field::shows): the SQL over the row `t` and
// the table it names (empty for a user); no SQL for a field that names nothing. `english`: the
// English name, when `shows` names its column after a bar ("pipeline_stages.name|name_en").
std::pair<std::string, std::string> NameSql(const Field& field, bool english = false) {
    const std::string column = "t." + field.Column();
    if (english && field.def.type == FieldType::kUser) return {};
    if (field.def.type == FieldType::kUser) {
        return {
            "(SELECT COALESCE(NULLIF(u.display_name, ''), u.username) FROM users u WHERE "
            "u.id = " +
                column + ")",
            ""};
    }
    std::string shows = field.shows;
    if (shows.empty() && !field.references.empty()) shows = field.references + ".name";
    if (shows.empty() && field.def.type == FieldType::kDepartment) shows = "departments.name";
    if (shows.empty()) return {};
    const std::size_t dot = shows.find('.');
    if (dot == std::string::npos) std::abort();
    std::string table = shows.substr(0, dot);
    std::string name = shows.substr(dot + 1);
    const std::size_t bar = name.find('|');
    if (english && bar == std::string::npos) return {};
    name = english ? name.substr(bar + 1) : name.substr(0, bar);
    return {"(SELECT x." + name + " FROM " + table + " x WHERE x.id = " + column + ")", table};
}

}  // namespace

void Registry::Add(RecordType type) {
    if (Find(type.name) != nullptr) std::abort();
    auto compiled = std::make_unique<CompiledType>();
    compiled->meta.entity = type.name;
    compiled->columns.emplace_back("id");
    if (type.UnderCustomer()) compiled->columns.emplace_back("customer_id");
    compiled->first_field = compiled->columns.size();
    // An own-scope type is judged by its owner_id user field (record_type.hpp).
    if (type.visibility == Visibility::kOwnScope) {
        const bool owned = std::any_of(type.fields.begin(), type.fields.end(), [](const Field& f) {
            return f.def.name == "owner_id" && f.def.type == FieldType::kUser && !f.def.required;
        });
        if (!owned) std::abort();
    }
    // Participants are a kUsers field of an own-scope type.
    if (!type.participants.empty()) {
        const bool listed =
            std::any_of(type.fields.begin(), type.fields.end(), [&](const Field& f) {
                return f.def.name == type.participants && f.def.type == FieldType::kUsers;
            });
        if (!listed || type.visibility != Visibility::kOwnScope) std::abort();
    }
    for (const Field& field : type.fields) {
        compiled->meta.fields.push_back(field.def);
        compiled->columns.push_back(field.def.name);
        if (field.def.type == FieldType::kRecords) {
            // A set of records: their names, a list beside it ("product_ids" → "product_names").
            const std::string shows =
                field.shows.empty() ? field.references + ".name" : field.shows;
            const std::size_t dot = shows.find('.');
            if (field.references.empty() || dot == std::string::npos) std::abort();
            const std::string& name = field.def.name;
            const bool ids = name.size() > 4 && name.compare(name.size() - 4, 4, "_ids") == 0;
            const std::string member = (ids ? name.substr(0, name.size() - 4) : name) + "_names";
            for (const Field& other : type.fields) {
                if (other.def.name == member) std::abort();
            }
            compiled->names.push_back({name, member, "x." + shows.substr(dot + 1),
                                       shows.substr(0, dot), type.table + "_" + field.Column()});
        } else if (auto [sql, table] = NameSql(field); !sql.empty()) {
            const std::string& name = field.def.name;
            const bool id = name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0;
            std::string member = (id ? name.substr(0, name.size() - 3) : name) + "_name";
            // A name member must not hide a field.
            for (const Field& other : type.fields) {
                if (other.def.name == member) std::abort();
            }
            auto [sql_en, table_en] = NameSql(field, true);
            compiled->names.push_back({name, member, std::move(sql), std::move(table)});
            // The English name beside it ("stage_name_en"), for a record that has one.
            if (!sql_en.empty()) {
                compiled->names.push_back(
                    {name, member + "_en", std::move(sql_en), std::move(table_en)});
            }
        }
        if (field.def.filter) compiled->list.filters.insert(field.def.name);
        // A date or time that filters takes a range too (record_store.cpp: from on, to before).
        if (field.def.filter &&
            (field.def.type == FieldType::kDate || field.def.type == FieldType::kDatetime)) {
            compiled->list.filters.insert(field.def.name + "_from");
            compiled->list.filters.insert(field.def.name + "_to");
        }
        if (field.def.sort) compiled->list.sorts.insert(field.def.name);
    }
    for (const char* column : kAfter) compiled->columns.emplace_back(column);
    compiled->list.filters.insert("deleted");  // the recycle bin: ?deleted=true
    compiled->list.sorts.insert({"created_at", "updated_at"});
    // When records were made: a range, as a time field's (record_store.cpp).
    compiled->list.filters.insert({"created_at_from", "created_at_to"});
    compiled->list.custom = true;  // custom fields (domains/custom_fields)
    compiled->list.default_sort = type.default_sort;
    compiled->list.default_page_size = type.default_page_size;
    // Then newest first, unless the type orders by creation itself (a ledger: oldest first).
    if (std::none_of(type.default_sort.begin(), type.default_sort.end(),
                     [](const http::SortKey& key) { return key.field == "created_at"; })) {
        compiled->list.default_sort.push_back({"created_at", true});
    }
    compiled->list.searchable = std::any_of(type.fields.begin(), type.fields.end(),
                                            [](const Field& f) { return f.search; });
    compiled->type = std::move(type);
    types_.push_back(std::move(compiled));
}

const CompiledType* Registry::Find(std::string_view name) const {
    for (const auto& t : types_) {
        if (t->type.name == name) return t.get();
    }
    return nullptr;
}

std::vector<std::string> Registry::Permissions() const {
    std::vector<std::string> out;
    for (const auto& t : types_) {
        for (std::string_view action : kActions) {
            if (!t->type.permission_of.count(action)) out.push_back(t->type.Permission(action));
        }
    }
    return out;
}

}  // namespace guanxi::kit
