#include "domains/accounts/account_store.hpp"

#include "core/time_zone.hpp"
#include "db/row_json.hpp"
#include "domains/accounts/rights.hpp"

namespace guanxi::accounts::store {

const std::string_view kUserSelect =
    "SELECT u.id, u.username, u.display_name, u.email, u.phone, u.department_id, d.name, "
    "u.role_id, "
    "r.name, u.manager_id, m.display_name, u.active, u.created_at, u.updated_at, u.version, "
    "u.language, u.time_zone FROM users u LEFT JOIN departments d ON d.id = u.department_id "
    "LEFT JOIN roles r ON r.id = u.role_id LEFT JOIN users m ON m.id = u.manager_id";

namespace {

constexpr std::string_view kTimeZone =
    "SELECT COALESCE((SELECT time_zone FROM users WHERE id = ?), time_zone) FROM company_settings "
    "WHERE id = 1";
constexpr std::string_view kCredentials =
    "SELECT id, password_hash, active FROM users WHERE username = ?";
constexpr std::string_view kSession =
    "SELECT u.id, u.username, u.display_name, u.department_id, u.manager_id, u.role_id, "
    "r.data_scope, r.permissions, o.epoch, o.version, s.expires_at FROM sessions s JOIN users u "
    "ON u.id = s.user_id JOIN roles r ON r.id = u.role_id CROSS JOIN org_version o "
    "WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1";
constexpr std::string_view kActiveUser =
    "SELECT u.id, u.username, u.display_name, u.department_id, u.manager_id, u.role_id, "
    "r.data_scope, r.permissions, o.epoch, o.version FROM users u JOIN roles r ON r.id = "
    "u.role_id CROSS JOIN org_version o WHERE u.id = ? AND u.active = 1";
constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE token_hash = ?";
constexpr std::string_view kDeleteUserSessions = "DELETE FROM sessions WHERE user_id = ?";
constexpr std::string_view kDeleteOtherSessions =
    "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?";
constexpr std::string_view kActivePasswordHash =
    "SELECT password_hash FROM users WHERE id = ? AND active = 1";
constexpr std::string_view kGetAttempts =
    "SELECT failures, window_start, locked_until FROM login_attempts WHERE key = ?";
constexpr std::string_view kPutAttempts =
    "INSERT INTO login_attempts (key, failures, window_start, locked_until) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
    "window_start = excluded.window_start, locked_until = excluded.locked_until";
constexpr std::string_view kClearAttempts = "DELETE FROM login_attempts WHERE key = ?";
constexpr std::string_view kPruneAttempts =
    "DELETE FROM login_attempts WHERE window_start < ? AND locked_until <= ?";
constexpr std::string_view kActiveUserRoles =
    "SELECT u.id, r.data_scope, r.permissions FROM users u JOIN roles r ON r.id = u.role_id "
    "WHERE u.active = 1 AND r.deleted_at IS NULL AND r.data_scope = 'all'";
// Any fixed number; the migrator's advisory lock uses another.
constexpr std::int64_t kAdministratorsLockKey = 0x67786164'6d696e;  // "gxadmin"
// DO UPDATE (not DO NOTHING) so that PostgreSQL locks an existing row too.
constexpr std::string_view kLockAttempts =
    "INSERT INTO login_attempts (key, failures, window_start, locked_until) VALUES (?, 0, ?, 0) "
    "ON CONFLICT (key) DO UPDATE SET key = excluded.key";

}  // namespace

DataScope ParseScope(std::string_view s) {
    if (s == "all") return DataScope::kAll;
    if (s == "department_tree") return DataScope::kDepartmentTree;
    if (s == "department") return DataScope::kDepartment;
    return DataScope::kSelf;
}

std::string_view ScopeName(DataScope scope) {
    switch (scope) {
        case DataScope::kAll:
            return "all";
        case DataScope::kDepartmentTree:
            return "department_tree";
        case DataScope::kDepartment:
            return "department";
        case DataScope::kSelf:
            return "self";
    }
    return "self";
}

nlohmann::json UserJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"username", r.Text(1)},
            {"display_name", r.Text(2)},
            {"email", db::JsonText(r, 3)},
            {"phone", db::JsonText(r, 4)},
            {"department_id", db::JsonInt(r, 5)},
            {"department_name", db::JsonText(r, 6)},
            {"role_id", r.Int(7)},
            {"role_name", db::JsonText(r, 8)},
            {"manager_id", db::JsonInt(r, 9)},
            {"manager_name", db::JsonText(r, 10)},
            {"active", r.Bool(11)},
            {"created_at", FormatRfc3339(r.Int(12))},
            {"updated_at", FormatRfc3339(r.Int(13))},
            {"version", r.Int(14)},
            {"language", db::JsonText(r, 15)},
            {"time_zone", db::JsonText(r, 16)}};
}

Result<std::string> TimeZoneOf(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kTimeZone, {user_id}));
    if (!row || row->IsNull(0)) return std::string(tz::kDefaultTimeZone);
    return row->Text(0);
}

Result<std::optional<db::Row>> FindUser(db::Connection& conn, std::int64_t id) {
    return conn.QueryOne(std::string(kUserSelect) + " WHERE u.id = ?", {id});
}

Result<std::optional<Credentials>> FindCredentials(db::Connection& conn,
                                                   std::string_view username) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kCredentials, {std::string(username)}));
    if (!row) return std::optional<Credentials>();
    return std::optional<Credentials>(Credentials{row->Int(0), row->Text(1), row->Bool(2)});
}

namespace {

// A principal from a row of kSession or kActiveUser.
Principal PrincipalFromRow(const db::Row& row) {
    Principal p;
    p.user_id = row.Int(0);
    p.username = row.Text(1);
    p.display_name = row.Text(2);
    p.department_id = row.OptInt(3);
    p.manager_id = row.OptInt(4);
    p.role_id = row.Int(5);
    p.scope = ParseScope(row.Text(6));
    nlohmann::json perms = db::JsonDoc(row, 7, nlohmann::json::array());
    auto permissions = std::make_shared<PermissionSet>();
    for (const auto& perm : perms) {
        if (perm.is_string()) permissions->insert(perm.get<std::string>());
    }
    p.permissions = std::move(permissions);
    p.org_epoch = row.Int(8);
    p.org_version = row.Int(9);
    return p;
}

}  // namespace

Result<std::optional<Session>> FindSession(db::Connection& conn, std::string_view token_hash,
                                           std::int64_t now) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSession, {std::string(token_hash), now}));
    if (!row) return std::optional<Session>();
    return std::optional<Session>(Session{PrincipalFromRow(*row), row->Int(10)});
}

Result<std::optional<Principal>> FindActiveUser(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kActiveUser, {user_id}));
    if (!row) return std::optional<Principal>();
    return std::optional<Principal>(PrincipalFromRow(*row));
}

Status InsertSession(db::Connection& conn, std::string_view token_hash, std::int64_t user_id,
                     std::int64_t now, std::int64_t expires_at, std::string_view ip,
                     std::string_view user_agent) {
    GX_TRY(conn.Execute(kInsertSession, {std::string(token_hash), user_id, now, expires_at,
                                         std::string(ip), std::string(user_agent.substr(0, 300))}));
    return {};
}

Status DeleteSession(db::Connection& conn, std::string_view token_hash) {
    GX_TRY(conn.Execute(kDeleteSession, {std::string(token_hash)}));
    return {};
}

Status DeleteUserSessions(db::Connection& conn, std::int64_t user_id) {
    GX_TRY(conn.Execute(kDeleteUserSessions, {user_id}));
    return {};
}

Status DeleteOtherSessions(db::Connection& conn, std::int64_t user_id,
                           std::string_view kept_token_hash) {
    GX_TRY(conn.Execute(kDeleteOtherSessions, {user_id, std::string(kept_token_hash)}));
    return {};
}

Result<std::optional<std::string>> ActivePasswordHash(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kActivePasswordHash, {user_id}));
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(row->Text(0));
}

Status LockAttempts(db::Connection& conn, std::string_view key, std::int64_t now) {
    GX_TRY(conn.Execute(kLockAttempts, {std::string(key), now}));
    return {};
}

Result<Attempts> GetAttempts(db::Connection& conn, std::string_view key) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kGetAttempts, {std::string(key)}));
    if (!row) return Attempts{};
    return Attempts{row->Int(0), row->Int(1), row->Int(2)};
}

Status PutAttempts(db::Connection& conn, std::string_view key, const Attempts& a) {
    GX_TRY(
        conn.Execute(kPutAttempts, {std::string(key), a.failures, a.window_start, a.locked_until}));
    return {};
}

Status ClearAttempts(db::Connection& conn, std::string_view key) {
    GX_TRY(conn.Execute(kClearAttempts, {std::string(key)}));
    return {};
}

Status PruneAttempts(db::Connection& conn, std::int64_t before, std::int64_t now) {
    GX_TRY(conn.Execute(kPruneAttempts, {before, now}));
    return {};
}

Status LockAdministrators(db::Connection& conn) {
    if (conn.backend() != db::Backend::kPostgres) return {};
    GX_TRY(conn.Query("SELECT pg_advisory_xact_lock(?)", {kAdministratorsLockKey}));
    return {};
}

Result<std::vector<std::int64_t>> ActiveAdministrators(db::Connection& conn) {
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(kActiveUserRoles));
    std::vector<std::int64_t> out;
    for (const auto& r : rows) {
        if (IsAdministrator(RoleRights(r.Text(1), db::JsonDoc(r, 2, nlohmann::json::array()))))
            out.push_back(r.Int(0));
    }
    return out;
}

}  // namespace guanxi::accounts::store
