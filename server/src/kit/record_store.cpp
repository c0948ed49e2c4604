#include "kit/record_store.hpp"

#include "core/money.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/sql_builder.hpp"

#include <algorithm>

namespace guanxi::kit::store {

namespace {

// A derived field's expression, or null for a stored column.
const Field* Derived(const CompiledType& type, std::string_view column) {
    for (const Field& field : type.type.fields) {
        if (field.def.name == column && !field.derived_sql.empty()) return &field;
    }
    return nullptr;
}

// The column of a field (or of a kit column) named `name`.
std::string ColumnOf(const CompiledType& type, std::string_view name) {
    for (const Field& field : type.type.fields) {
        if (field.def.name == name) return field.Column();
    }
    return std::string(name);
}

// Whether a field is a set kept in a side table (kUsers, kRecords).
bool IsSet(FieldType type) { return type == FieldType::kUsers || type == FieldType::kRecords; }

// The side table's column holding a set's members.
const char* MemberColumn(const Field& field) {
    return field.def.type == FieldType::kUsers ? "user_id" : "ref_id";
}

// A set field (kUsers, kRecords) of the type named `name`, if it is one.
const Field* UsersField(const CompiledType& type, std::string_view name) {
    for (const Field& field : type.type.fields) {
        if (field.def.name == name && IsSet(field.def.type)) return &field;
    }
    return nullptr;
}

// A derived field's SQL with {now} as the current Unix seconds (a flag that compares a stored time
// with the clock, such as an opportunity past its stage's limit, reads the same on both backends).
std::string DerivedSql(const Field& field) {
    std::string sql = field.derived_sql;
    for (std::size_t at = sql.find("{now}"); at != std::string::npos; at = sql.find("{now}")) {
        sql.replace(at, 5, std::to_string(NowSeconds()));
    }
    return sql;
}

std::string SelectList(const CompiledType& type, db::Backend backend) {
    std::string out;
    for (const std::string& column : type.columns) {
        out += out.empty() ? "" : ", ";
        const Field* derived = Derived(type, column);
        if (const Field* users = UsersField(type, column)) {
            // The set as one text ("3,5"; Read sorts it), read with the row.
            const std::string member = std::string("s.") + MemberColumn(*users);
            out +=
                std::string("(SELECT ") +
                (backend == db::Backend::kPostgres ? "string_agg(CAST(" + member + " AS TEXT), ',')"
                                                   : "group_concat(" + member + ", ',')") +
                " FROM " + SideTable(type, *users) + " s WHERE s.record_id = t.id)";
            continue;
        }
        out += derived ? "(" + DerivedSql(*derived) + ")" : "t." + ColumnOf(type, column);
    }
    for (const CompiledType::NameOf& name : type.names) {
        if (name.set_side_table.empty()) {
            out += ", " + name.sql;
            continue;
        }
        out += ", " + SetNamesSql(name, backend);
    }
    return out;
}

std::string Select(const CompiledType& type, db::Backend backend) {
    return "SELECT " + SelectList(type, backend) + " FROM " + type.type.table + " t";
}

// Replaces the members of a record's sets (kUsers, kRecords) that `body` sends.
Status WriteUsers(db::Connection& conn, const CompiledType& type, std::int64_t id,
                  const nlohmann::json& body, bool replace) {
    for (const Field& field : type.type.fields) {
        if (!IsSet(field.def.type)) continue;
        auto it = body.find(field.def.name);
        if (it == body.end()) continue;
        const std::string table = SideTable(type, field);
        if (replace) GX_TRY(conn.Execute("DELETE FROM " + table + " WHERE record_id = ?", {id}));
        if (!it->is_array() || it->empty()) continue;
        db::Params params;
        std::string values;
        for (const auto& user : *it) {
            values += values.empty() ? "(?, ?)" : ", (?, ?)";
            params.push_back(id);
            params.push_back(user.get<std::int64_t>());
        }
        GX_TRY(conn.Execute(
            "INSERT INTO " + table + " (record_id, " + MemberColumn(field) + ") VALUES " + values,
            params));
    }
    return {};
}

}  // namespace

db::Value Bind(const FieldDef& field, const nlohmann::json& value) {
    if (value.is_null()) return nullptr;
    switch (field.type) {
        case FieldType::kDatetime:
            return ParseRfc3339(value.get<std::string>()).value_or(0);
        case FieldType::kInteger:
            return value.get<std::int64_t>();
        case FieldType::kBoolean:
            return std::int64_t{value.get<bool>() ? 1 : 0};
        case FieldType::kTags:
        case FieldType::kStringList:
        case FieldType::kObject:
            return value.dump();
        case FieldType::kMoney: {
            // A computed amount may be negative (a refund's effect); a body's never is (validated).
            const std::string text = value.get<std::string>();
            if (text.starts_with('-')) return -ParseMoney(text.substr(1)).value_or(0);
            return ParseMoney(text).value_or(0);
        }
        case FieldType::kUser:
        case FieldType::kDepartment:
            return value.get<std::int64_t>();
        default:
            return text::Trim(value.get<std::string>());
    }
}

namespace {

nlohmann::json Read(const FieldDef& field, const db::Row& row, std::size_t i) {
    if (IsSet(field.type)) {
        std::vector<std::int64_t> ids;
        if (!row.IsNull(i)) {
            const std::string text = row.Text(i);
            std::size_t start = 0;
            while (start < text.size()) {
                std::size_t end = text.find(',', start);
                if (end == std::string::npos) end = text.size();
                ids.push_back(std::stoll(text.substr(start, end - start)));
                start = end + 1;
            }
        }
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    if (row.IsNull(i)) return nullptr;
    switch (field.type) {
        case FieldType::kDatetime:
            return FormatRfc3339(row.Int(i));
        case FieldType::kInteger:
        case FieldType::kUser:
        case FieldType::kDepartment:
            return row.Int(i);
        case FieldType::kMoney:
            return FormatMoney(row.Int(i));
        case FieldType::kBoolean:
            return row.Int(i) != 0;
        case FieldType::kTags:
        case FieldType::kStringList:
        case FieldType::kObject: {
            nlohmann::json v = nlohmann::json::parse(row.Text(i), nullptr, false);
            return v.is_discarded() ? nlohmann::json() : v;
        }
        default:
            return row.Text(i);
    }
}

const FieldDef* FindField(const CompiledType& type, std::string_view name) {
    return type.meta.Find(name);
}

// A filter's text as the column's value; nullopt when the field can't hold it.
std::optional<db::Value> FilterValue(const FieldDef& field, const std::string& text) {
    switch (field.type) {
        case FieldType::kInteger:
        case FieldType::kUser:
        case FieldType::kDepartment: {
            std::int64_t v = 0;
            if (text.empty() || text.size() > 18) return std::nullopt;
            for (char c : text) {
                if (c < '0' || c > '9') return std::nullopt;
                v = v * 10 + (c - '0');
            }
            return v;
        }
        case FieldType::kBoolean:
            if (text != "true" && text != "false") return std::nullopt;
            return std::int64_t{text == "true" ? 1 : 0};
        case FieldType::kDate:
            if (!ParseDate(text)) return std::nullopt;
            return text;
        case FieldType::kEnum:
            if (std::find(field.options.begin(), field.options.end(), text) ==
                field.options.end()) {
                return std::nullopt;
            }
            return text;
        case FieldType::kDatetime: {
            auto t = ParseRfc3339(text);
            if (!t) return std::nullopt;
            return *t;
        }
        default:
            return text;
    }
}

}  // namespace

std::string SideTable(const CompiledType& type, const Field& field) {
    return type.type.table + "_" + field.Column();
}

std::size_t Column(const CompiledType& type, std::string_view name) {
    auto it = std::find(type.columns.begin(), type.columns.end(), name);
    return static_cast<std::size_t>(it - type.columns.begin());
}

Result<std::int64_t> Insert(db::Connection& conn, const CompiledType& type, Parent customer_id,
                            const nlohmann::json& body, std::int64_t created_by, std::int64_t now) {
    std::string columns;
    db::Params params;
    if (customer_id) {
        columns = "customer_id";
        params.push_back(*customer_id);
    }
    for (const Field& field : type.type.fields) {
        auto it = body.find(field.def.name);
        if (it == body.end() || !field.derived_sql.empty()) continue;
        if (IsSet(field.def.type)) continue;  // its side table, below
        columns += (columns.empty() ? "" : ", ") + field.Column();
        params.push_back(Bind(field.def, *it));
    }
    for (const StoredColumn& stored : type.type.stored) {
        columns += (columns.empty() ? "" : ", ") + stored.name;
        params.push_back(stored.value(body));
    }
    if (auto custom = body.find("custom"); custom != body.end() && custom->is_object()) {
        columns += ", custom";
        params.push_back(custom->dump());
    }
    columns += ", created_by, created_at, updated_at, version";
    params.insert(params.end(), {created_by, now, now, std::int64_t{1}});
    GX_TRY_ASSIGN(std::int64_t id,
                  conn.InsertReturningId("INSERT INTO " + type.type.table + " (" + columns +
                                             ") VALUES (" + db::Placeholders(params.size()) + ")",
                                         params));
    GX_TRY(WriteUsers(conn, type, id, body, false));
    return id;
}

Result<std::optional<db::Row>> Get(db::Connection& conn, const CompiledType& type,
                                   Parent customer_id, std::int64_t id) {
    if (!customer_id) return conn.QueryOne(Select(type, conn.backend()) + " WHERE t.id = ?", {id});
    return conn.QueryOne(Select(type, conn.backend()) + " WHERE t.id = ? AND t.customer_id = ?",
                         {id, *customer_id});
}

Result<db::Rows> GetMany(db::Connection& conn, const CompiledType& type, std::int64_t customer_id,
                         const std::vector<std::int64_t>& ids) {
    if (ids.empty()) return db::Rows();
    db::Params params = {customer_id};
    params.insert(params.end(), ids.begin(), ids.end());
    return conn.Query(Select(type, conn.backend()) + " WHERE t.customer_id = ? AND t.id IN (" +
                          db::Placeholders(ids.size()) + ")",
                      params);
}

Result<bool> Update(db::Connection& conn, const CompiledType& type, std::int64_t id,
                    const nlohmann::json& body, const nlohmann::json& record, std::int64_t version,
                    std::int64_t now) {
    std::string set;
    db::Params params;
    for (const Field& field : type.type.fields) {
        auto it = body.find(field.def.name);
        if (it == body.end() || !field.derived_sql.empty()) continue;
        if (IsSet(field.def.type)) continue;  // its side table, below
        set += field.Column() + " = ?, ";
        params.push_back(Bind(field.def, *it));
    }
    for (const StoredColumn& stored : type.type.stored) {
        set += stored.name + " = ?, ";
        params.push_back(stored.value(record));
    }
    if (auto custom = body.find("custom"); custom != body.end() && custom->is_object()) {
        set += "custom = ?, ";
        params.push_back(custom->dump());
    }
    set += "updated_at = ?, version = version + 1";
    params.insert(params.end(), {now, id, version});
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn.Execute("UPDATE " + type.type.table + " SET " + set +
                                   " WHERE id = ? AND version = ? AND deleted_at IS NULL",
                               params));
    if (changed != 1) return false;
    GX_TRY(WriteUsers(conn, type, id, body, true));
    return true;
}

Result<bool> SetDeleted(db::Connection& conn, const CompiledType& type, std::int64_t id,
                        bool deleted, std::int64_t now) {
    const std::string sql =
        "UPDATE " + type.type.table +
        (deleted ? " SET deleted_at = ?, updated_at = ?, version = version + 1 "
                   "WHERE id = ? AND deleted_at IS NULL"
                 : " SET deleted_at = NULL, updated_at = ?, version = version + 1 "
                   "WHERE id = ? AND deleted_at IS NOT NULL");
    db::Params params = deleted ? db::Params{now, now, id} : db::Params{now, id};
    GX_TRY_ASSIGN(std::int64_t changed, conn.Execute(sql, params));
    return changed == 1;
}

namespace {

// The WHERE and ORDER BY of a customer's records as the query says (List and ForEach).
struct Selection {
    db::Where where;
    std::string order;
};

Result<Selection> Filtered(const CompiledType& type, const db::Where& scope,
                           const http::ListQuery& query, bool deleted,
                           const custom_fields::ListSql* custom) {
    Selection out;
    out.where = scope;
    db::Where& where = out.where;
    where.Add(deleted ? "t.deleted_at IS NOT NULL" : "t.deleted_at IS NULL");
    for (const auto& [name, value] : query.filters) {
        if (name == "deleted") continue;
        const FieldDef* field = FindField(type, name);
        // A range of a date or time field: <field>_from (on or after), <field>_to (before).
        std::string op = " = ?";
        std::string_view base = name;
        if (field == nullptr && (name.ends_with("_from") || name.ends_with("_to"))) {
            const bool from = name.ends_with("_from");
            base = std::string_view(name).substr(0, name.size() - (from ? 5 : 3));
            field = FindField(type, base);
            op = from ? " >= ?" : " < ?";
            // Every record's creation time takes a range too.
            static const FieldDef kCreatedAt{.name = "created_at", .type = FieldType::kDatetime};
            if (field == nullptr && base == "created_at") field = &kCreatedAt;
        }
        if (field == nullptr) continue;  // the list spec has refused unknown names already
        if (IsSet(field->type)) {
            auto user = FilterValue(FieldDef{.type = FieldType::kUser}, value);
            if (!user) {
                return Error{ErrorCode::kBadRequest,
                             "The filter " + name + " does not fit its field.",
                             {{"parameter", name}},
                             {}};
            }
            const Field* users = UsersField(type, name);
            where.Add("EXISTS (SELECT 1 FROM " + SideTable(type, *users) +
                          " s WHERE s.record_id = t.id AND s." + MemberColumn(*users) + " = ?)",
                      {*user});
            continue;
        }
        auto bound = FilterValue(*field, value);
        if (!bound) {
            return Error{ErrorCode::kBadRequest,
                         "The filter " + name + " does not fit its field.",
                         {{"parameter", name}},
                         {}};
        }
        where.Add("t." + ColumnOf(type, base) + op, {*bound});
    }
    if (query.q && !text::Trim(*query.q).empty()) {
        std::string any;
        db::Params params;
        const std::string pattern = db::ContainsPattern(text::AsciiLower(text::Trim(*query.q)));
        for (const Field& field : type.type.fields) {
            if (!field.search) continue;
            any += (any.empty() ? "" : " OR ") + db::LikeClause("LOWER(t." + field.Column() + ")");
            params.push_back(pattern);
        }
        if (!any.empty()) where.Add(any, params);
    }
    if (custom != nullptr) GX_TRY(custom->AddFilters(query, where));
    const auto& keys = query.sort.empty() ? type.list.default_sort : query.sort;
    out.order = " ORDER BY ";
    for (const auto& key : keys) {
        if (custom != nullptr && key.field.rfind("custom.", 0) == 0) {
            GX_TRY_ASSIGN(std::string term, custom->OrderTerm(key));
            out.order += term + ", ";
            continue;
        }
        out.order += "t." + ColumnOf(type, key.field) + (key.descending ? " DESC, " : " ASC, ");
    }
    // Ties last by id, which is creation order: the way created_at runs when the order ends
    // with it (a ledger oldest first), else newest first.
    const bool oldest_first =
        !keys.empty() && keys.back().field == "created_at" && !keys.back().descending;
    out.order += oldest_first ? "t.id ASC" : "t.id DESC";
    return out;
}

}  // namespace

Result<Page> List(db::Connection& conn, const CompiledType& type, const db::Where& scope,
                  const http::ListQuery& query, bool deleted,
                  const custom_fields::ListSql* custom) {
    GX_TRY_ASSIGN(Selection selection, Filtered(type, scope, query, deleted, custom));
    const db::Where& where = selection.where;
    Page page;
    GX_TRY_ASSIGN(auto count,
                  conn.QueryOne("SELECT COUNT(*) FROM " + type.type.table + " t" + where.Sql(),
                                where.params()));
    page.total = count ? count->Int(0) : 0;
    db::Params params = where.params();
    params.push_back(query.page_size);
    params.push_back(query.Offset());
    GX_TRY_ASSIGN(page.rows, conn.Query(Select(type, conn.backend()) + where.Sql() +
                                            selection.order + " LIMIT ? OFFSET ?",
                                        params));
    return page;
}

Status ForEach(db::Connection& conn, const CompiledType& type, const db::Where& scope,
               const http::ListQuery& query, bool deleted, const db::RowCallback& callback,
               const custom_fields::ListSql* custom) {
    GX_TRY_ASSIGN(Selection selection, Filtered(type, scope, query, deleted, custom));
    return conn.ForEach(Select(type, conn.backend()) + selection.where.Sql() + selection.order,
                        selection.where.params(), callback);
}

std::string SetNamesSql(const CompiledType::NameOf& name, db::Backend backend) {
    // One text in id order, split by SetNames (\x1f: never in a name, control characters are
    // refused).
    const std::string join = " FROM " + name.set_side_table + " s JOIN " + name.table +
                             " x ON x.id = s.ref_id WHERE s.record_id = t.id";
    return backend == db::Backend::kPostgres
               ? "(SELECT string_agg(" + name.sql + ", chr(31) ORDER BY s.ref_id)" + join + ")"
               : "(SELECT group_concat(n, char(31)) FROM (SELECT " + name.sql + " AS n" + join +
                     " ORDER BY s.ref_id))";
}

nlohmann::json SetNames(const db::Row& row, std::size_t i) {
    nlohmann::json names = nlohmann::json::array();
    const std::string text = row.IsNull(i) ? std::string() : row.Text(i);
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\x1f', start);
        if (end == std::string::npos) end = text.size();
        names.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return names;
}

nlohmann::json ToJson(const CompiledType& type, const db::Row& row) {
    nlohmann::json out = nlohmann::json::object();
    out["id"] = row.Int(Column(type, "id"));
    if (type.type.UnderCustomer()) out["customer_id"] = row.Int(Column(type, "customer_id"));
    // The fields stand in definition order after id (and customer_id; registry.cpp).
    const std::size_t first = type.first_field;
    for (std::size_t i = 0; i < type.type.fields.size(); ++i) {
        out[type.type.fields[i].def.name] = Read(type.type.fields[i].def, row, first + i);
    }
    const std::size_t created_by = Column(type, "created_by");
    out["created_by"] =
        row.IsNull(created_by) ? nlohmann::json() : nlohmann::json(row.Int(created_by));
    out["created_at"] = FormatRfc3339(row.Int(Column(type, "created_at")));
    out["updated_at"] = FormatRfc3339(row.Int(Column(type, "updated_at")));
    out["version"] = row.Int(Column(type, "version"));
    for (size_t i = 0; i < type.names.size(); ++i) {
        const size_t at = type.columns.size() + i;
        if (!type.names[i].set_side_table.empty()) {
            out[type.names[i].member] = SetNames(row, at);
            continue;
        }
        out[type.names[i].member] =
            row.IsNull(at) ? nlohmann::json() : nlohmann::json(row.Text(at));
    }
    const std::size_t deleted_at = Column(type, "deleted_at");
    out["deleted_at"] = row.IsNull(deleted_at) ? nlohmann::json()
                                               : nlohmann::json(FormatRfc3339(row.Int(deleted_at)));
    nlohmann::json custom = nlohmann::json::parse(row.Text(Column(type, "custom")), nullptr, false);
    out["custom"] = custom.is_object() ? custom : nlohmann::json::object();
    return out;
}

nlohmann::json FieldsJson(const CompiledType& type, const db::Row& row,
                          const nlohmann::json& only) {
    nlohmann::json out = nlohmann::json::object();
    const std::size_t first = type.first_field;
    for (std::size_t i = 0; i < type.type.fields.size(); ++i) {
        const std::string& name = type.type.fields[i].def.name;
        if (only.contains(name)) out[name] = Read(type.type.fields[i].def, row, first + i);
    }
    for (size_t i = 0; i < type.names.size(); ++i) {
        if (!only.contains(type.names[i].field)) continue;
        const size_t at = type.columns.size() + i;
        out[type.names[i].member] =
            row.IsNull(at) ? nlohmann::json() : nlohmann::json(row.Text(at));
    }
    return out;
}

}  // namespace guanxi::kit::store
