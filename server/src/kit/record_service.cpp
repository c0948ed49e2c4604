#include "kit/record_service.hpp"

#include "core/time.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/audit/audit_service.hpp"
#include "kit/record_store.hpp"

#include <cstdio>
#include <map>

namespace guanxi::kit {

namespace {

using nlohmann::json;

// The customer a record belongs to, as the gate judges it.
struct Owners {
    std::optional<std::int64_t> owner_id;
    std::optional<std::int64_t> last_owner_id;
    bool history_hidden = false;  // kList: the customer is visible, its records are not
};

// kRead: one record; kList: a list or an export (of a customer whose history the caller may not
// read, an empty one — the customer itself is visible); kWrite: a change.
enum class Access { kRead, kList, kWrite };

// The customer's owners when the caller may read (or write) its records of this type; 404 when
// the customer is absent, deleted or not visible, 403 claim_first to write to a pool customer.
Result<Owners> CustomerFor(db::Connection& conn, const access::Gate& gate, const Principal& caller,
                           const CompiledType& type, std::int64_t customer_id, Access access) {
    // A type whose writes touch the customer's own state (after_write: a rule over all of its
    // records; after_record_write: e.g. a contact re-indexes the customer, a follow-up moves its
    // last contact) has its writes to one customer take turns: on PostgreSQL the customer's row
    // is locked first, before the write's own foreign-key lock on it (taken later, two writers
    // each holding the key-share lock deadlock on the upgrade — contact_writes_test found it);
    // FOR NO KEY UPDATE leaves other writers' references to the customer alone. SQLite has one
    // writer already.
    const bool serialise = access == Access::kWrite &&
                           (type.type.after_write || type.type.after_record_write) &&
                           conn.backend() == db::Backend::kPostgres;
    GX_TRY_ASSIGN(auto row, conn.QueryOne(std::string("SELECT owner_id, last_owner_id FROM "
                                                      "customers WHERE id = ? AND deleted_at IS "
                                                      "NULL") +
                                              (serialise ? " FOR NO KEY UPDATE" : ""),
                                          {customer_id}));
    if (!row) return Error::NotFound("Customer");
    Owners owners{row->OptInt(0), row->OptInt(1)};
    if (!gate.SeesCustomer(owners.owner_id)) return Error::NotFound("Customer");
    if (access != Access::kWrite && !type.type.read_with_customer &&
        !gate.SeesFollowups(owners.owner_id, owners.last_owner_id)) {
        if (access == Access::kRead) return Error::NotFound("Customer");
        owners.history_hidden = true;
    }
    if (access == Access::kWrite && !owners.owner_id && !caller.Can("pool.manage")) {
        return Error{ErrorCode::kClaimFirst,
                     "This customer is in the public pool: claim it before changing it.",
                     {{"permission", "pool.manage"}},
                     {}};
    }
    return owners;
}

using store::Parent;

// The gate's judgement before any row is read: for a type under a customer, whether the caller
// may read (list, write) that customer's records (CustomerFor) — true when a list must come out
// empty (a pool customer's history hidden from the caller); the other types are judged by their
// rows (RowVisible) and their permissions alone.
Result<bool> ParentFor(db::Connection& conn, const access::Gate& gate, const Principal& caller,
                       const CompiledType& type, Parent parent, Access access) {
    if (!type.type.UnderCustomer()) return false;
    if (!parent) return Error::NotFound("Customer");
    GX_TRY_ASSIGN(Owners owners, CustomerFor(conn, gate, caller, type, *parent, access));
    return owners.history_hidden;
}

// Whether the gate shows this stored record: an own-scope record when its owner is in the
// caller's owner set; the others once ParentFor has let the caller in.
bool RowVisible(const access::Gate& gate, const CompiledType& type, const db::Row& row) {
    if (type.type.visibility != Visibility::kOwnScope) return true;
    const std::size_t owner = store::Column(type, "owner_id");
    if (!row.IsNull(owner) && gate.owners().Contains(row.Int(owner))) return true;
    if (type.type.participants.empty()) return false;
    // A participant sees it too (the set is read with the row).
    const json participants = store::FieldsJson(type, row, {{type.type.participants, true}});
    for (const json& user : participants[type.type.participants]) {
        if (user.get<std::int64_t>() == gate.caller().user_id) return true;
    }
    return false;
}

// An own-scope record may be given only to an owner in the caller's owner set (a manager to the
// team, a salesperson to no one else).
Status OwnerInScope(const access::Gate& gate, const CompiledType& type, const json& record) {
    if (type.type.visibility != Visibility::kOwnScope) return {};
    const auto owner = record.find("owner_id");
    if (owner == record.end() || !owner->is_number_integer()) {
        return Error::Validation("owner_id", "is required");
    }
    if (!gate.owners().Contains(owner->get<std::int64_t>())) {
        return Error::Validation("owner_id", "must be you or a user in your data scope");
    }
    return {};
}

// The records a list or export covers before its filters: one customer's, the caller's owner
// set's, or all.
db::Where Scope(const access::Gate& gate, const CompiledType& type, Parent parent) {
    db::Where scope;
    switch (type.type.visibility) {
        case Visibility::kThroughCustomer:
            scope.Add("t.customer_id = ?", {parent.value_or(0)});
            break;
        case Visibility::kOwnScope: {
            access::Predicate owned = gate.OwnerIn("t.owner_id");
            if (!type.type.participants.empty()) {
                // ... or the caller is one of its participants (RowVisible's rule, as SQL).
                const Field* field = nullptr;
                for (const Field& f : type.type.fields) {
                    if (f.def.name == type.type.participants) field = &f;
                }
                owned.sql = "(" + owned.sql + ") OR EXISTS (SELECT 1 FROM " +
                            store::SideTable(type, *field) +
                            " p WHERE p.record_id = t.id AND p.user_id = ?)";
                owned.params.emplace_back(gate.caller().user_id);
            }
            scope.Add(owned.sql, owned.params);
            break;
        }
        case Visibility::kAdminOnly:
            break;
    }
    return scope;
}

Error NotFound(const CompiledType& type) { return Error::NotFound(type.type.label.en); }

// A record named by a reference field (Field::references) that the caller can see; 422 naming
// the field otherwise. `record`: the whole record as it would be stored.
Status CheckRecordReference(db::Connection& conn, const access::Gate& gate, const Field& field,
                            std::int64_t id, const json& record) {
    if (field.references == "customers") {
        GX_TRY_ASSIGN(auto customer,
                      conn.QueryOne("SELECT owner_id FROM customers WHERE id = ? AND "
                                    "deleted_at IS NULL",
                                    {id}));
        if (!customer || !gate.SeesCustomer(customer->OptInt(0))) {
            return Error::ValidationCode(field.def.name, "not_a_visible_customer");
        }
        return {};
    }
    // A record of a type under a customer: visible when its customer is.
    GX_TRY_ASSIGN(auto row,
                  conn.QueryOne("SELECT r.customer_id, c.owner_id FROM " + field.references +
                                    " r JOIN customers c ON c.id = r.customer_id "
                                    "WHERE r.id = ? AND r.deleted_at IS NULL AND "
                                    "c.deleted_at IS NULL",
                                {id}));
    if (!row || !gate.SeesCustomer(row->OptInt(1))) {
        return Error::ValidationCode(field.def.name, "not_a_visible_record");
    }
    const json customer = record.value("customer_id", json());
    if (customer.is_number_integer() && customer.get<std::int64_t>() != row->Int(0)) {
        return Error::ValidationCode(field.def.name, "not_of_customer");
    }
    return {};
}

// A set of records (kRecords, ids already checked as a set of distinct positive ids): every one
// live, of a customer the caller sees, and of the record's customer — in one query.
Status CheckRecordSet(db::Connection& conn, const access::Gate& gate, const Field& field,
                      const json& ids, const json& record) {
    if (ids.empty()) return {};
    db::Params params;
    for (const json& id : ids) params.emplace_back(id.get<std::int64_t>());
    if (field.catalogue) {
        GX_TRY_ASSIGN(auto live, conn.QueryOne("SELECT COUNT(*) FROM " + field.references +
                                                   " WHERE deleted_at IS NULL AND id IN (" +
                                                   db::Placeholders(params.size()) + ")",
                                               params));
        if (!live || live->Int(0) != static_cast<std::int64_t>(params.size()))
            return Error::ValidationCode(field.def.name, "not_a_visible_record");
        return {};
    }
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT r.customer_id, c.owner_id FROM " + field.references +
                                 " r JOIN customers c ON c.id = r.customer_id WHERE "
                                 "r.deleted_at IS NULL AND c.deleted_at IS NULL AND r.id IN (" +
                                 db::Placeholders(params.size()) + ")",
                             params));
    const json customer = record.value("customer_id", json());
    bool visible = rows.size() == params.size();
    bool ours = true;
    for (const db::Row& row : rows) {
        visible = visible && gate.SeesCustomer(row.OptInt(1));
        ours =
            ours && !(customer.is_number_integer() && customer.get<std::int64_t>() != row.Int(0));
    }
    if (!visible) return Error::ValidationCode(field.def.name, "not_a_visible_record");
    if (!ours) return Error::ValidationCode(field.def.name, "not_of_customer");
    return {};
}

// Every user named in the body is an active user, and every record a reference field names one
// the caller can see (422 naming the field otherwise). `record`: the whole record as it would be
// stored (references are checked against each other — a contact of the customer named).
Status CheckReferences(db::Connection& conn, const access::Gate& gate, const CompiledType& type,
                       const json& body, const json& record) {
    bool references_sent = false;
    for (const Field& field : type.type.fields) {
        if (!field.references.empty() && body.contains(field.def.name)) references_sent = true;
    }
    for (const Field& field : type.type.fields) {
        if (!field.references.empty() && references_sent) {
            const json value = record.value(field.def.name, json());
            if (value.is_number_integer()) {
                GX_TRY(CheckRecordReference(conn, gate, field, value.get<std::int64_t>(), record));
            }
            if (value.is_array()) GX_TRY(CheckRecordSet(conn, gate, field, value, record));
            continue;
        }
        if (field.def.type != FieldType::kUser && field.def.type != FieldType::kUsers) continue;
        auto it = body.find(field.def.name);
        if (it == body.end() || it->is_null()) continue;
        const json ids = it->is_array() ? *it : json::array({*it});
        if (ids.empty()) continue;
        db::Params params;
        for (const json& user : ids) params.push_back(user.get<std::int64_t>());
        GX_TRY_ASSIGN(auto active,
                      conn.QueryOne("SELECT COUNT(*) FROM users WHERE active = 1 AND id IN (" +
                                        db::Placeholders(params.size()) + ")",
                                    params));
        if (!active || active->Int(0) != static_cast<std::int64_t>(params.size())) {
            return Error::Validation(field.def.name, "is not an active user");
        }
    }
    return {};
}

// No other live record holds the value of a unique field (Field::unique) that `record` holds: 422
// naming the field otherwise. `id`: the record's own (0 on a create).
Status CheckUnique(db::Connection& conn, const CompiledType& type, std::int64_t id,
                   const json& record) {
    for (const Field& field : type.type.fields) {
        if (!field.unique) continue;
        const json value = record.value(field.def.name, json());
        if (value.is_null()) continue;
        GX_TRY_ASSIGN(auto other,
                      conn.QueryOne("SELECT id FROM " + type.type.table + " WHERE " +
                                        field.Column() + " = ? AND deleted_at IS NULL AND id <> ?",
                                    {store::Bind(field.def, value), id}));
        if (other) {
            return Error::ValidationCode(field.def.name, "not_unique", {{"id", other->Int(0)}});
        }
    }
    return {};
}

// The type's rule over the customer's records, after a write.
Status AfterWrite(db::Connection& conn, const CompiledType& type, Parent customer_id) {
    return type.type.after_write ? type.type.after_write(conn, customer_id.value_or(0)) : Status();
}

// The type's work after a write to one record, with the record as it now stands.
Status AfterRecordWrite(db::Connection& conn, const CompiledType& type, Parent parent,
                        std::int64_t id) {
    if (!type.type.after_record_write) return {};
    GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
    if (!row) return Error::Internal("a record vanished inside its own transaction");
    return type.type.after_record_write(conn, parent.value_or(0), id, store::ToJson(type, *row));
}

Error Stale(std::int64_t current) {
    return Error{ErrorCode::kStaleVersion,
                 "Someone else changed this record; reload it and try again.",
                 {{"current_version", current}},
                 {}};
}

// The actions of a type's audit rows about one record (its history).
constexpr std::string_view kRecordActions[] = {"create", "update", "delete", "restore"};

// The member an id field's name is answered in ("owner_id" → "owner_name", "stage_id" →
// "stage_name"); empty for a field that names nothing.
std::string_view NameMember(const CompiledType& type, const std::string& field) {
    for (const CompiledType::NameOf& name : type.names) {
        if (name.field == field) return name.member;
    }
    return {};
}

// The fields a write changed, {field: {"before", "after"}}, from the written fields as answered
// before and after it (store::FieldsJson; a create's "before" is {}): values as the API writes
// them; an id field also has the names of what it named ("before_name", "after_name"), which a
// later rename does not change here. Only the written fields are read, so the writer makes little
// JSON.
json Changes(const CompiledType& type, const json& before, const json& after) {
    json changes = json::object();
    for (const Field& field : type.type.fields) {
        const std::string& name = field.def.name;
        const json old_value = before.value(name, json());
        const json new_value = after.value(name, json());
        if (old_value == new_value) continue;
        json change = {{"before", old_value}, {"after", new_value}};
        // Its name, then its English name when it has one (CompiledType::names, in that order).
        const char* suffix = "";
        for (const CompiledType::NameOf& named : type.names) {
            if (named.field != name) continue;
            change[std::string("before_name") + suffix] = before.value(named.member, json());
            change[std::string("after_name") + suffix] = after.value(named.member, json());
            suffix = "_en";
        }
        changes[name] = std::move(change);
    }
    return changes;
}

// Where a record's audit rows are filed: under its customer (entity "customer"), or under the
// record itself (entity <singular>); its details name it either way ("<singular>_id").
std::pair<std::string, std::int64_t> AuditEntity(const CompiledType& type, Parent parent,
                                                 std::int64_t id) {
    if (parent) return {"customer", *parent};
    return {type.type.singular, id};
}

// `changes` (Changes) is kept in the row's details when a write changed fields.
Status Audit(db::Connection& conn, const Principal& caller, const CompiledType& type,
             std::string_view action, Parent parent, std::int64_t id,
             json changes = json::object()) {
    json details = {{type.type.singular + "_id", id}};
    if (!changes.empty()) details["changes"] = std::move(changes);
    auto [entity, entity_id] = AuditEntity(type, parent, id);
    return audit::Record(conn, caller,
                         {type.type.singular + "." + std::string(action), std::move(entity),
                          entity_id, std::move(details)});
}

// Whether a list or export reads the recycle bin (?deleted=true, which needs <name>.delete).
Result<bool> InBin(const Principal& caller, const CompiledType& type,
                   const http::ListQuery& query) {
    const auto deleted_filter = query.Filter("deleted");
    if (deleted_filter && *deleted_filter != "true" && *deleted_filter != "false") {
        return Error{ErrorCode::kBadRequest,
                     "deleted must be true or false.",
                     {{"parameter", "deleted"}},
                     {}};
    }
    const bool deleted = deleted_filter == "true";
    if (deleted) GX_TRY(RequirePermission(caller, type.type.Permission("delete")));
    return deleted;
}

// The record as the caller may read it: 404 when its customer is not visible, when it is absent,
// or when it is in the recycle bin and the caller lacks <name>.delete.
Result<db::Row> Readable(db::Connection& conn, const Principal& caller, const CompiledType& type,
                         Parent parent, std::int64_t id) {
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
    GX_TRY(ParentFor(conn, gate, caller, type, parent, Access::kRead));
    GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
    if (!row || !RowVisible(gate, type, *row)) return NotFound(type);
    const bool deleted = !row->IsNull(store::Column(type, "deleted_at"));
    if (deleted && !caller.Can(type.type.Permission("delete"))) return NotFound(type);
    return std::move(*row);
}

// One exported cell of a field, from the record as the API answers it: money and dates as their
// text, a user as the user's name, tags joined by ';', a yes/no in `language`.
std::string Cell(const CompiledType& type, const Field& field, const json& record,
                 Language language) {
    const std::string_view member = NameMember(type, field.def.name);
    const json& value = member.empty() ? record[field.def.name] : record[std::string(member)];
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) {
        static const Labels kYes{"是", "Yes"};
        static const Labels kNo{"否", "No"};
        return (value.get<bool>() ? kYes : kNo).In(language);
    }
    if (value.is_array()) {
        std::string joined;
        for (const json& item : value) {
            if (!joined.empty()) joined += ";";
            joined += item.is_string() ? item.get<std::string>() : item.dump();
        }
        return joined;
    }
    return value.dump();
}

// The columns an export has besides the fields.
const Labels kIdLabel{"编号", "ID"};
const Labels kCreatedLabel{"创建时间", "Created at"};
const Labels kUpdatedLabel{"更新时间", "Updated at"};

// The built-in columns, then one per custom field of the type (`custom`: their definitions, in
// their order), headed by its label in `language`.
std::vector<std::string> ExportHeader(const CompiledType& type, Language language,
                                      const std::vector<custom_fields::Definition>& custom) {
    std::vector<std::string> header = {kIdLabel.In(language)};
    for (const Field& field : type.type.fields) header.push_back(field.label.In(language));
    header.push_back(kCreatedLabel.In(language));
    header.push_back(kUpdatedLabel.In(language));
    for (const auto& def : custom)
        header.push_back(language == Language::kEn ? def.label_en : def.label_zh_cn);
    return header;
}

std::vector<std::string> ExportCells(const CompiledType& type, const db::Row& row,
                                     Language language,
                                     const std::vector<custom_fields::Definition>& custom) {
    const json record = store::ToJson(type, row);
    std::vector<std::string> cells = {record["id"].dump()};
    for (const Field& field : type.type.fields)
        cells.push_back(Cell(type, field, record, language));
    cells.push_back(record["created_at"].get<std::string>());
    cells.push_back(record["updated_at"].get<std::string>());
    const json& values = record["custom"];
    for (const auto& def : custom) {
        auto it = values.find(def.key);
        cells.push_back(it == values.end() ? std::string() : custom_fields::CellText(*it));
    }
    return cells;
}

// The record read back after a write, in its transaction (the answer's JSON is made from it after
// the commit, off the writer).
Result<db::Row> Reread(db::Connection& conn, const CompiledType& type, Parent parent,
                       std::int64_t id) {
    GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
    if (!row) return Error::Internal("a record vanished inside its own transaction");
    return std::move(*row);
}

}  // namespace

Result<json> RecordService::List(const Principal& caller, const CompiledType& type, Parent parent,
                                 const http::ListQuery& query) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(const bool deleted, InBin(caller, type, query));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY_ASSIGN(const bool hidden, ParentFor(*conn, gate, caller, type, parent, Access::kList));
    std::optional<custom_fields::ListSql> custom;
    if (custom_ != nullptr) {
        custom = custom_fields::ListSql{custom_->Current(), type.type.name, "t", conn->backend()};
    }
    db::Where scope = Scope(gate, type, parent);
    if (hidden) scope.Add("1 = 0");
    GX_TRY_ASSIGN(store::Page page,
                  store::List(*conn, type, scope, query, deleted, custom ? &*custom : nullptr));
    json items = json::array();
    for (const db::Row& row : page.rows) items.push_back(store::ToJson(type, row));
    json out = http::ListPage(std::move(items), page.total, query);
    if (type.type.list_extra && !hidden) {  // (a hidden history's sums are hidden too)
        GX_TRY_ASSIGN(json extra, type.type.list_extra(*conn, parent.value_or(0)));
        out.update(extra);
    }
    return out;
}

namespace {

// The records' customers a list across customers reads (CustomerFor's reading rule: a live
// customer the caller sees, whose history the caller may read unless the type is read with the
// customer), as a condition on t.customer_id that starts from the customers: those of the
// caller's owners (their owner index), then the public pool's whose last owner is one of them or
// none (customers_pool_last) — not a check of every record's customer. A whole-company reader
// reads every record whose customer is not deleted. docs/PERFORMANCE.md "Quotes": 520–760 ms →
// 4–25 ms at 100k quotes.
access::Predicate AcrossCustomers(const access::Gate& gate, const CompiledType& type,
                                  db::Backend backend) {
    const access::CustomerOwners owners = gate.CustomerOwnersOf(access::Pool::kInclude);
    if (owners.None()) return {"1 = 0", {}};
    if (owners.every_owner) {
        // Every owner's and the whole pool's history (FollowupsVisible holds for all of them).
        return {"t.customer_id NOT IN (SELECT id FROM customers WHERE deleted_at IS NOT NULL)", {}};
    }
    const std::string pool =
        std::string("SELECT c.id FROM customers c ") +
        (backend == db::Backend::kSqlite ? "INDEXED BY customers_pool_last " : "") +
        "WHERE c.owner_id IS NULL AND c.deleted_at IS NULL";
    std::vector<std::string> parts;
    db::Params params;
    const std::string in = db::Placeholders(owners.owner_ids.size());
    if (!owners.owner_ids.empty()) {
        parts.push_back("SELECT c.id FROM customers c WHERE c.owner_id IN (" + in +
                        ") AND c.deleted_at IS NULL");
        params.insert(params.end(), owners.owner_ids.begin(), owners.owner_ids.end());
    }
    if (type.type.read_with_customer) {
        parts.push_back(pool);
    } else {
        if (!owners.owner_ids.empty()) {
            parts.push_back(pool + " AND c.last_owner_id IN (" + in + ")");
            params.insert(params.end(), owners.owner_ids.begin(), owners.owner_ids.end());
        }
        parts.push_back(pool + " AND c.last_owner_id IS NULL");
    }
    std::string sql;
    for (const std::string& part : parts) sql += (sql.empty() ? "" : " UNION ALL ") + part;
    return {"t.customer_id IN (" + sql + ")", std::move(params)};
}

}  // namespace

Result<json> RecordService::ListAcross(const Principal& caller, const CompiledType& type,
                                       const http::ListQuery& query) {
    if (!type.type.listed_across) return Error::NotFound(type.type.label.en);
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(const bool deleted, InBin(caller, type, query));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    db::Where scope;
    const access::Predicate customers = AcrossCustomers(gate, type, conn->backend());
    scope.Add(customers.sql, customers.params);
    std::optional<custom_fields::ListSql> custom;
    if (custom_ != nullptr) {
        custom = custom_fields::ListSql{custom_->Current(), type.type.name, "t", conn->backend()};
    }
    GX_TRY_ASSIGN(store::Page page,
                  store::List(*conn, type, scope, query, deleted, custom ? &*custom : nullptr));
    // The page's customers' names, in one query.
    std::vector<json> items;
    db::Params ids;
    for (const db::Row& row : page.rows) {
        items.push_back(store::ToJson(type, row));
        ids.emplace_back(items.back().value("customer_id", std::int64_t{0}));
    }
    std::map<std::int64_t, std::string> names;
    if (!ids.empty()) {
        GX_TRY_ASSIGN(db::Rows rows, conn->Query("SELECT id, name FROM customers WHERE id IN (" +
                                                     db::Placeholders(ids.size()) + ")",
                                                 ids));
        for (const db::Row& r : rows) names[r.Int(0)] = r.Text(1);
    }
    for (json& item : items) {
        auto it = names.find(item.value("customer_id", std::int64_t{0}));
        item["customer_name"] = it == names.end() ? json() : json(it->second);
    }
    return http::ListPage(json(std::move(items)), page.total, query);
}

Status RecordService::Each(const Principal& caller, const CompiledType& type, Parent parent,
                           const http::ListQuery& query,
                           const std::function<bool(const json& record)>& callback) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY_ASSIGN(const bool hidden, ParentFor(*conn, gate, caller, type, parent, Access::kList));
    if (hidden) return {};
    return store::ForEach(*conn, type, Scope(gate, type, parent), query, false,
                          [&](const db::Row& row) { return callback(store::ToJson(type, row)); });
}

Result<json> RecordService::Get(const Principal& caller, const CompiledType& type, Parent parent,
                                std::int64_t id) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Row row, Readable(*conn, caller, type, parent, id));
    return store::ToJson(type, row);
}

Result<json> RecordService::GetById(const Principal& caller, const CompiledType& type,
                                    std::int64_t id) {
    if (!type.type.UnderCustomer()) return Get(caller, type, std::nullopt, id);
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    std::int64_t customer_id = 0;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(
            auto row,
            conn->QueryOne("SELECT customer_id FROM " + type.type.table + " WHERE id = ?", {id}));
        if (!row) return NotFound(type);
        customer_id = row->Int(0);
    }
    return Get(caller, type, customer_id, id);
}

Result<std::int64_t> RecordService::ReadableCustomerOf(const Principal& caller,
                                                       const CompiledType& type, std::int64_t id) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne("SELECT customer_id FROM " + type.type.table +
                                               " WHERE id = ? AND deleted_at IS NULL",
                                           {id}));
    if (!row) return NotFound(type);
    const std::int64_t customer_id = row->Int(0);
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    auto parent = ParentFor(*conn, gate, caller, type, customer_id, Access::kRead);
    if (!parent.ok()) {
        // Its customer not visible: the record is absent to the caller.
        if (parent.error().code == ErrorCode::kNotFound) return NotFound(type);
        return parent.error();
    }
    return customer_id;
}

Result<json> RecordService::NewRecord(const Principal& caller, const CompiledType& type,
                                      const json& body, const json& computed) {
    GX_TRY(RequirePermission(caller, type.type.Permission("create")));
    GX_TRY(custom_fields::ValidateBody(type.meta, custom_, type.type.name, body, true,
                                       type.type.create_options));
    for (const std::string& option : type.type.create_options) {
        if (body.contains(option) && !body[option].is_boolean()) {
            return Error::Validation(option, "must be true or false");
        }
    }
    json record = body;
    if (computed.is_object()) record.update(computed);
    if (body.contains("custom")) {
        record["custom"] =
            custom_fields::Merge(custom_, type.type.name, json::object(), body["custom"]);
    }
    if (type.type.fill_defaults) type.type.fill_defaults(caller, record);
    if (type.type.visibility == Visibility::kOwnScope && record.value("owner_id", json()).is_null())
        record["owner_id"] = caller.user_id;
    if (type.type.derive) type.type.derive(json(), record);
    return record;
}

Result<db::Row> RecordService::InsertRecord(db::Connection& conn, const Principal& caller,
                                            const CompiledType& type, Parent parent,
                                            const json& record, const json& body) {
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
    GX_TRY(ParentFor(conn, gate, caller, type, parent, Access::kWrite));
    GX_TRY(OwnerInScope(gate, type, record));
    // A record under a customer is that customer's: its references are checked against it
    // (a contact or an opportunity of another customer is refused, not_of_customer).
    json placed = record;
    if (parent) placed["customer_id"] = *parent;
    GX_TRY(CheckReferences(conn, gate, type, record, placed));
    if (type.type.check_record) GX_TRY(type.type.check_record(record));
    GX_TRY(CheckUnique(conn, type, 0, record));
    if (type.type.check_stored) GX_TRY(type.type.check_stored(conn, 0, record));
    if (type.type.before_create) GX_TRY(type.type.before_create(conn, parent.value_or(0), record));
    // With the fields the domain computes, when it does (a copy only then).
    json computed;
    if (type.type.compute_create) {
        computed = record;
        GX_TRY(type.type.compute_create(conn, parent.value_or(0), computed));
    }
    const json& stored = type.type.compute_create ? computed : record;
    GX_TRY_ASSIGN(std::int64_t id,
                  store::Insert(conn, type, parent, stored, caller.user_id, NowSeconds()));
    GX_TRY(AfterRecordWrite(conn, type, parent, id));
    GX_TRY(AfterWrite(conn, type, parent));
    GX_TRY_ASSIGN(db::Row created, Reread(conn, type, parent, id));
    if (type.type.after_change) {
        const json none;
        GX_TRY(type.type.after_change(
            {conn, caller, type, id, none, store::ToJson(type, created), body}));
        GX_TRY_ASSIGN(created, Reread(conn, type, parent, id));  // the hook may have changed it
    }
    GX_TRY(Audit(conn, caller, type, "create", parent, id,
                 Changes(type, json::object(), store::FieldsJson(type, created, stored))));
    return created;
}

Result<json> RecordService::Create(const Principal& caller, const CompiledType& type, Parent parent,
                                   const json& body, const json& computed) {
    GX_TRY_ASSIGN(json record, NewRecord(caller, type, body, computed));
    GX_TRY_ASSIGN(db::Row row, writes_.Transact([&](db::Connection& conn) {
        return InsertRecord(conn, caller, type, parent, record, body);
    }));
    return store::ToJson(type, row);
}

Result<json> RecordService::CreateIn(db::Connection& conn, const Principal& caller,
                                     const CompiledType& type, Parent parent, const json& body) {
    GX_TRY_ASSIGN(json record, NewRecord(caller, type, body, nullptr));
    GX_TRY_ASSIGN(db::Row row, InsertRecord(conn, caller, type, parent, record, body));
    return store::ToJson(type, row);
}

Status RecordService::CheckCreate(const Principal& caller, const CompiledType& type,
                                  Parent parent) {
    GX_TRY(RequirePermission(caller, type.type.Permission("create")));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY(ParentFor(*conn, gate, caller, type, parent, Access::kWrite));
    return {};
}

Status RecordService::CheckWrite(const Principal& caller, const CompiledType& type, Parent parent,
                                 std::string_view action) {
    GX_TRY(RequirePermission(caller, type.type.Permission(action)));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY(ParentFor(*conn, gate, caller, type, parent, Access::kWrite));
    return {};
}

Result<json> RecordService::Update(const Principal& caller, const CompiledType& type, Parent parent,
                                   std::int64_t id, const json& body) {
    GX_TRY(RequirePermission(caller, type.type.Permission("edit")));
    if (body.contains("version") && !body["version"].is_number_integer()) {
        return Error::Validation("version", "must be an integer");
    }
    std::set<std::string, std::less<>> options = type.type.update_options;
    options.insert("version");
    GX_TRY(custom_fields::ValidateBody(type.meta, custom_, type.type.name, body, false, options));
    GX_TRY_ASSIGN(db::Row row, writes_.Transact([&](db::Connection& conn) -> Result<db::Row> {
        GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
        GX_TRY(ParentFor(conn, gate, caller, type, parent, Access::kWrite));
        GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
        if (!row || !RowVisible(gate, type, *row) ||
            !row->IsNull(store::Column(type, "deleted_at"))) {
            return NotFound(type);
        }
        const std::int64_t version = row->Int(store::Column(type, "version"));
        if (body.contains("version") && body["version"].get<std::int64_t>() != version) {
            return Stale(version);
        }
        json patch = body;
        for (const std::string& option : type.type.update_options) patch.erase(option);
        if (body.contains("custom")) {
            // Keys the patch names change; the others stay (null clears one; a null object, all).
            patch["custom"] =
                body["custom"].is_null()
                    ? json::object()
                    : custom_fields::Merge(custom_, type.type.name,
                                           store::ToJson(type, *row)["custom"], body["custom"]);
        }
        json merged = store::ToJson(type, *row);
        for (const auto& [key, value] : patch.items()) merged[key] = value;
        if (type.type.derive) {
            // What the domain derives changes as if the patch had sent it.
            json derived = merged;
            type.type.derive(store::ToJson(type, *row), derived);
            for (const auto& [key, value] : derived.items()) {
                if (merged.value(key, json()) != value) {
                    patch[key] = value;
                    merged[key] = value;
                }
            }
        }
        if (patch.contains("owner_id")) GX_TRY(OwnerInScope(gate, type, merged));
        if (type.type.check_record) GX_TRY(type.type.check_record(merged));
        GX_TRY(CheckUnique(conn, type, id, merged));
        if (type.type.check_stored) GX_TRY(type.type.check_stored(conn, id, merged));
        GX_TRY(CheckReferences(conn, gate, type, patch, merged));
        const json before = store::FieldsJson(type, *row, patch);  // what the patch may change
        GX_TRY_ASSIGN(bool updated,
                      store::Update(conn, type, id, patch, merged, version, NowSeconds()));
        if (!updated) return Stale(version);
        GX_TRY(AfterRecordWrite(conn, type, parent, id));
        GX_TRY(AfterWrite(conn, type, parent));
        GX_TRY_ASSIGN(db::Row after, Reread(conn, type, parent, id));
        GX_TRY(Audit(conn, caller, type, "update", parent, id,
                     Changes(type, before, store::FieldsJson(type, after, patch))));
        if (type.type.after_change) {
            GX_TRY(type.type.after_change({conn, caller, type, id, store::ToJson(type, *row),
                                           store::ToJson(type, after), body}));
            GX_TRY_ASSIGN(after, Reread(conn, type, parent, id));  // the hook may have changed it
        }
        return after;
    }));
    return store::ToJson(type, row);
}

Status RecordService::Delete(const Principal& caller, const CompiledType& type, Parent parent,
                             std::int64_t id) {
    GX_TRY(RequirePermission(caller, type.type.Permission("delete")));
    return writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
        GX_TRY(ParentFor(conn, gate, caller, type, parent, Access::kWrite));
        GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
        if (!row || !RowVisible(gate, type, *row)) return NotFound(type);
        if (!row->IsNull(store::Column(type, "deleted_at"))) return NotFound(type);
        if (type.type.before_delete) GX_TRY(type.type.before_delete(conn, id));
        GX_TRY_ASSIGN(bool deleted, store::SetDeleted(conn, type, id, true, NowSeconds()));
        if (!deleted) return NotFound(type);  // in the recycle bin already
        GX_TRY(AfterRecordWrite(conn, type, parent, id));
        GX_TRY(AfterWrite(conn, type, parent));
        return Audit(conn, caller, type, "delete", parent, id);
    });
}

Result<json> RecordService::Restore(const Principal& caller, const CompiledType& type,
                                    Parent parent, std::int64_t id) {
    GX_TRY(RequirePermission(caller, type.type.Permission("delete")));
    GX_TRY_ASSIGN(db::Row row, writes_.Transact([&](db::Connection& conn) -> Result<db::Row> {
        GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
        GX_TRY(ParentFor(conn, gate, caller, type, parent, Access::kWrite));
        GX_TRY_ASSIGN(auto row, store::Get(conn, type, parent, id));
        if (!row || !RowVisible(gate, type, *row)) return NotFound(type);
        // Before it is live again: a unique index over live rows would refuse it as a 500.
        if (!row->IsNull(store::Column(type, "deleted_at")))
            GX_TRY(CheckUnique(conn, type, id, store::ToJson(type, *row)));
        GX_TRY_ASSIGN(bool restored, store::SetDeleted(conn, type, id, false, NowSeconds()));
        if (!restored) return NotFound(type);  // not in the recycle bin
        // What the type checks of every write holds for the record coming back too (e.g. a
        // department whose parent was deleted meanwhile).
        if (type.type.check_stored) {
            GX_TRY_ASSIGN(db::Row back, Reread(conn, type, parent, id));
            GX_TRY(type.type.check_stored(conn, id, store::ToJson(type, back)));
        }
        GX_TRY(AfterRecordWrite(conn, type, parent, id));
        GX_TRY(AfterWrite(conn, type, parent));
        GX_TRY(Audit(conn, caller, type, "restore", parent, id));
        return Reread(conn, type, parent, id);
    }));
    return store::ToJson(type, row);
}

Result<io::ExportFile> RecordService::Export(const Principal& caller, const CompiledType& type,
                                             Parent parent, const http::ListQuery& query,
                                             std::string_view format, Language language) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY(RequirePermission(caller, type.type.Permission("export")));
    if (format != "csv" && format != "xlsx") {
        return Error{
            ErrorCode::kBadRequest, "format must be csv or xlsx.", {{"parameter", "format"}}, {}};
    }
    GX_TRY_ASSIGN(const bool deleted, InBin(caller, type, query));
    io::ExportFile file;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
        GX_TRY_ASSIGN(const bool hidden,
                      ParentFor(*conn, gate, caller, type, parent, Access::kList));
        std::optional<custom_fields::ListSql> custom;
        // The custom fields as defined now (one snapshot for the header and every row).
        std::shared_ptr<const custom_fields::Snapshot> defined;
        static const std::vector<custom_fields::Definition> kNone;
        if (custom_ != nullptr) {
            defined = custom_->Current();
            custom = custom_fields::ListSql{defined, type.type.name, "t", conn->backend()};
        }
        const auto& columns = defined ? defined->Of(type.type.name) : kNone;
        auto writer =
            io::TableWriter::Create(format, type.type.name, ExportHeader(type, language, columns));
        db::Where scope = Scope(gate, type, parent);
        if (hidden) scope.Add("1 = 0");
        GX_TRY(store::ForEach(
            *conn, type, scope, query, deleted,
            [&](const db::Row& row) {
                writer->Add(ExportCells(type, row, language, columns));
                return true;
            },
            custom ? &*custom : nullptr));
        GX_TRY_ASSIGN(file, writer->Finish());
    }
    // Written after the rows are read (the read holds no write lock); without its audit row the
    // file is not handed out.
    Status audited = writes_.Transact([&](db::Connection& conn) {
        json filters = json::object();
        for (const auto& [k, v] : query.filters) filters[k] = v;
        if (query.q) filters["q"] = *query.q;
        // Filed under the customer, or under no one record (entity <name>).
        return audit::Record(conn, caller,
                             {type.type.singular + ".export",
                              parent ? "customer" : type.type.name,
                              parent,
                              {{"format", format}, {"rows", file.rows}, {"filters", filters}}});
    });
    if (!audited.ok()) {
        std::remove(file.path.c_str());
        return audited.error();
    }
    return file;
}

Result<json> RecordService::History(const Principal& caller, const CompiledType& type,
                                    Parent parent, std::int64_t id, const http::ListQuery& page) {
    GX_TRY(RequirePermission(caller, type.type.Permission("view")));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY(Readable(*conn, caller, type, parent, id));
    const auto [entity, entity_id] = AuditEntity(type, parent, id);
    std::vector<std::string> actions;
    for (std::string_view action : kRecordActions)
        actions.push_back(type.type.singular + "." + std::string(action));
    GX_TRY_ASSIGN(json entries, audit::EntriesAbout(*conn, entity, entity_id, actions,
                                                    type.type.singular + "_id", id, page));
    json items = json::array();
    for (const json& entry : entries["items"]) {
        const std::string action = entry["action"];
        items.push_back({{"id", entry["id"]},
                         {"at", entry["at"]},
                         {"user_id", entry["user_id"]},
                         {"user_name", entry["user_name"]},
                         {"action", action.substr(type.type.singular.size() + 1)},
                         {"changes", entry["details"].value("changes", json::object())}});
    }
    entries["items"] = std::move(items);
    return entries;
}

}  // namespace guanxi::kit
