#include "domains/audit/audit_service.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"
#include "db/sql_builder.hpp"
#include "domains/access/access_gate.hpp"

#include <algorithm>

namespace guanxi::audit {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO audit_log (at, user_id, action, entity, entity_id, ip, request_id, details) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
// entity_name: what the log's sentence calls the record (its name now, also when it has since
// been deleted to the recycle bin), for the entities that have one.
constexpr std::string_view kSelect =
    "SELECT a.id, a.at, a.user_id, u.display_name, a.action, a.entity, a.entity_id, a.ip, "
    "a.request_id, a.details, CASE a.entity "
    "WHEN 'customer' THEN (SELECT c.name FROM customers c WHERE c.id = a.entity_id) "
    "WHEN 'user' THEN (SELECT n.display_name FROM users n WHERE n.id = a.entity_id) "
    "WHEN 'role' THEN (SELECT r.name FROM roles r WHERE r.id = a.entity_id) "
    "WHEN 'department' THEN (SELECT d.name FROM departments d WHERE d.id = a.entity_id) "
    "WHEN 'customer_import' THEN (SELECT i.filename FROM customer_imports i "
    "WHERE i.id = a.entity_id) "
    "END FROM audit_log a LEFT JOIN users u ON u.id = a.user_id";

nlohmann::json EntryJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"at", FormatRfc3339(r.Int(1))},
            {"user_id", db::JsonInt(r, 2)},
            {"user_name", db::JsonText(r, 3)},
            {"action", r.Text(4)},
            {"entity", db::JsonText(r, 5)},
            {"entity_id", db::JsonInt(r, 6)},
            {"ip", r.Text(7)},
            {"request_id", r.Text(8)},
            {"details", db::JsonDoc(r, 9, nlohmann::json::object())},
            {"entity_name", db::JsonText(r, 10)}};
}

// A page of the entries `where` selects, ordered by `order`.
Result<nlohmann::json> EntriesPage(db::Connection& conn, const db::Where& where,
                                   const std::string& order, const http::ListQuery& query) {
    db::Params params = where.params();
    GX_TRY_ASSIGN(auto count_row,
                  conn.QueryOne("SELECT COUNT(*) FROM audit_log a" + where.Sql(), params));
    params.emplace_back(query.page_size);
    params.emplace_back(query.Offset());
    GX_TRY_ASSIGN(
        db::Rows rows,
        conn.Query(std::string(kSelect) + where.Sql() + order + " LIMIT ? OFFSET ?", params));
    nlohmann::json items = nlohmann::json::array();
    for (const db::Row& r : rows) items.push_back(EntryJson(r));
    return http::ListPage(std::move(items), count_row ? count_row->Int(0) : 0, query);
}

Error BadFilter(const std::string& name, const std::string& message) {
    Error e{ErrorCode::kBadRequest, message, nlohmann::json::object(), {}};
    e.details["parameter"] = name;
    return e;
}

}  // namespace

const std::vector<std::string_view>& FixedActions() {
    // Kept in step with the sources by a test (audit_actions_test.cpp) that finds every action
    // literal the services write.
    static const std::vector<std::string_view> kActions = {
        "auth.login",
        "auth.login_failed",
        "auth.logout",
        "customer.create",
        "customer.update",
        "customer.delete",
        "customer.restore",
        "customer.claim",
        "customer.release",
        "customer.transfer",
        "customer.export",
        "customer.import",
        "customer.import_finished",
        "followup.create",
        "role.create",
        "role.update",
        "role.delete",
        "user.create",
        "user.update",
        "user.handover",
        "custom_field.create",
        "custom_field.update",
        "custom_field.delete",
        "calendar_feed.rotate",
        "settings.update",
        "customer.recycle",
        "pool_rules.update",
        "contract.plan",
        "payment.create",
        "customer.payment_due_mark",
        "customer.payment_due_clear",
    };
    return kActions;
}

std::vector<std::string> AllActions(const std::vector<std::string>& record_types) {
    std::vector<std::string> all(FixedActions().begin(), FixedActions().end());
    for (const std::string& singular : record_types) {
        for (const char* verb : {"create", "update", "delete", "restore", "export"}) {
            const std::string action = singular + "." + verb;
            if (std::find(all.begin(), all.end(), action) == all.end()) all.push_back(action);
        }
    }
    return all;
}

Status RecordAnonymous(db::Connection& conn, std::optional<std::int64_t> user_id,
                       std::string_view ip, std::string_view request_id, const Entry& entry) {
    GX_TRY(
        conn.Execute(kInsert, {NowSeconds(), db::Nullable(user_id), entry.action,
                               entry.entity.empty() ? db::Value(nullptr) : db::Value(entry.entity),
                               db::Nullable(entry.entity_id), std::string(ip),
                               std::string(request_id), entry.details.dump()}));
    return {};
}

nlohmann::json Changes(const nlohmann::json& body, const nlohmann::json& before,
                       const nlohmann::json& after) {
    using nlohmann::json;
    json changes = json::object();
    const auto add = [&](const std::string& name, const json& was, const json& now) {
        if (was == now) return;
        json change = {{"before", was}, {"after", now}};
        if (name.size() > 3 && name.ends_with("_id")) {
            const std::string named = name.substr(0, name.size() - 3) + "_name";
            change["before_name"] = before.value(named, json());
            change["after_name"] = after.value(named, json());
        }
        changes[name] = std::move(change);
    };
    const json none = json::object();
    for (const auto& [key, value] : body.items()) {
        if (key == "version") continue;
        if (key == "custom" && value.is_object()) {
            const auto custom = [&](const json& answer) -> const json& {
                auto it = answer.find("custom");
                return it != answer.end() && it->is_object() ? *it : none;
            };
            const json& was = custom(before);
            const json& now = custom(after);
            for (const auto& [field, unused] : value.items()) {
                add("custom." + field, was.value(field, json()), now.value(field, json()));
            }
            continue;
        }
        add(key, before.value(key, json()), after.value(key, json()));
    }
    return changes;
}

Status Record(db::Connection& conn, const Principal& actor, const Entry& entry) {
    return RecordAnonymous(conn, actor.user_id, actor.ip, actor.request_id, entry);
}

const http::ListSpec& AuditService::ListSpecification() {
    static const http::ListSpec kSpec{
        {"user_id", "action", "entity", "entity_id", "from", "to"},
        {"at", "id"},
        {{"id", true}},
        false,
    };
    return kSpec;
}

namespace {

// Which entries the caller may read: those about records they may see (DESIGN.md "Access
// control"). `all` scope reads everything. Otherwise
//   - an entry about one customer (its contacts and follow-ups included) when the access gate lets
//     the caller see that customer;
//   - an entry about users, roles or departments with users.manage, and about the caller's own
//     user record;
//   - an entry about many customers at once (transfer, export) or an import only to whoever did it;
//   - nothing else (an entity this list does not know yet stays hidden until it is added here).
access::Predicate EntriesVisible(const access::Gate& gate, const Principal& caller) {
    if (caller.scope == DataScope::kAll) return {"1 = 1", {}};
    const access::Predicate customer = gate.CustomerVisible("c");
    access::Predicate p{
        "((a.entity = 'customer' AND a.entity_id IS NOT NULL AND EXISTS (SELECT 1 FROM customers "
        "c WHERE c.id = a.entity_id AND (" +
            customer.sql +
            "))) OR (a.entity = 'user' AND a.entity_id = ?) OR "
            "(a.entity = 'customer' AND a.entity_id IS NULL AND a.user_id = ?) OR "
            "(a.entity = 'customer_import' AND a.user_id = ?)",
        customer.params};
    for (int i = 0; i < 3; ++i) p.params.emplace_back(caller.user_id);
    if (caller.Can("users.manage")) p.sql += " OR a.entity IN ('user', 'role', 'department')";
    p.sql += ")";
    return p;
}

}  // namespace

Result<nlohmann::json> AuditService::List(const Principal& caller, const http::ListQuery& query) {
    if (!caller.Can("audit.view")) return Error::Forbidden();
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    const access::Predicate visible = EntriesVisible(gate, caller);
    db::Where where;
    where.Add(visible.sql, visible.params);
    for (const auto& [name, value] : query.filters) {
        if (name == "user_id" || name == "entity_id") {
            const auto id = http::ParseId(value);
            if (!id) return BadFilter(name, name + " must be a positive integer.");
            where.Add("a." + name + " = ?", {*id});
        } else if (name == "action" || name == "entity") {
            where.Add("a." + name + " = ?", {value});
        } else {
            auto t = ParseRfc3339(value);
            if (!t) return BadFilter(name, name + " must be an RFC 3339 time.");
            where.Add(name == "from" ? "a.at >= ?" : "a.at < ?", {*t});
        }
    }
    std::string order = " ORDER BY ";
    for (const auto& key : query.sort)
        order += "a." + key.field + (key.descending ? " DESC, " : " ASC, ");
    order += "a.id DESC";
    return EntriesPage(*conn, where, order, query);
}

Result<nlohmann::json> EntriesAbout(db::Connection& conn, std::string_view entity,
                                    std::int64_t entity_id, const std::vector<std::string>& actions,
                                    std::string_view key, std::int64_t id,
                                    const http::ListQuery& page) {
    db::Where where;
    // audit_log_entity (migration 035) finds the entity's entries; the details are read only for
    // those.
    where.Add("a.entity = ? AND a.entity_id = ?", {std::string(entity), entity_id});
    db::Params names(actions.begin(), actions.end());
    where.Add("a.action IN (" + db::Placeholders(names.size()) + ")", names);
    if (conn.backend() == db::Backend::kPostgres) {
        where.Add("(a.details::jsonb ->> ?) = ?", {std::string(key), std::to_string(id)});
    } else {
        where.Add("json_extract(a.details, ?) = ?", {"$." + std::string(key), id});
    }
    return EntriesPage(conn, where, " ORDER BY a.id DESC", page);
}

}  // namespace guanxi::audit
