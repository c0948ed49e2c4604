#pragma once
// All SQL of the accounts domain: users, roles, departments, sessions, login attempts.

#include "core/principal.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::accounts::store {

// Columns read by the user queries, and their JSON form (never the password hash).
extern const std::string_view kUserSelect;  // ... FROM users u LEFT JOIN ... (no WHERE)
nlohmann::json UserJson(const db::Row& row);

Result<std::optional<db::Row>> FindUser(db::Connection& conn, std::int64_t id);

struct Credentials {
    std::int64_t user_id;
    std::string password_hash;
    bool active;
};
Result<std::optional<Credentials>> FindCredentials(db::Connection& conn, std::string_view username);

struct Session {
    Principal principal;
    std::int64_t expires_at;
};
Result<std::optional<Session>> FindSession(db::Connection& conn, std::string_view token_hash,
                                           std::int64_t now);
// An active user as a caller (work done on their behalf, such as a job); nullopt when the user is
// absent or deactivated.
Result<std::optional<Principal>> FindActiveUser(db::Connection& conn, std::int64_t user_id);
Status InsertSession(db::Connection& conn, std::string_view token_hash, std::int64_t user_id,
                     std::int64_t now, std::int64_t expires_at, std::string_view ip,
                     std::string_view user_agent);
Status DeleteSession(db::Connection& conn, std::string_view token_hash);
Status DeleteUserSessions(db::Connection& conn, std::int64_t user_id);
// Ends every session of the user but the one with `kept_token_hash`.
Status DeleteOtherSessions(db::Connection& conn, std::int64_t user_id,
                           std::string_view kept_token_hash);
// The password hash of an active user; nullopt when absent or deactivated.
Result<std::optional<std::string>> ActivePasswordHash(db::Connection& conn, std::int64_t user_id);

// Login throttling: the state of one key ("user:name", "ip:1.2.3.4").
struct Attempts {
    std::int64_t failures = 0;
    std::int64_t window_start = 0;
    std::int64_t locked_until = 0;
};
// Creates the key's row if needed and locks it until the transaction ends (PostgreSQL; SQLite has
// one writer anyway), so read-modify-write of the counters is not lost to a concurrent attempt.
Status LockAttempts(db::Connection& conn, std::string_view key, std::int64_t now);
Result<Attempts> GetAttempts(db::Connection& conn, std::string_view key);
Status PutAttempts(db::Connection& conn, std::string_view key, const Attempts& a);
Status ClearAttempts(db::Connection& conn, std::string_view key);
// Forgets keys whose window ended before `before` and that hold no lock: they count as clean.
Status PruneAttempts(db::Connection& conn, std::int64_t before, std::int64_t now);

// Serialises the transactions that may change who is an administrator (PostgreSQL: a transaction
// advisory lock; SQLite's write transaction already is one at a time), so that two of them cannot
// each see another administrator left and both remove theirs.
Status LockAdministrators(db::Connection& conn);
// Active users whose role makes them administrators (account_service.hpp).
Result<std::vector<std::int64_t>> ActiveAdministrators(db::Connection& conn);

// The user's IANA time zone (users.time_zone); when they chose none, the company's
// (company_settings.time_zone, Asia/Shanghai until an administrator picks another).
Result<std::string> TimeZoneOf(db::Connection& conn, std::int64_t user_id);

DataScope ParseScope(std::string_view s);
std::string_view ScopeName(DataScope scope);

}  // namespace guanxi::accounts::store

namespace guanxi::accounts::sql {

inline constexpr std::string_view kInsertDepartment =
    "INSERT INTO departments (name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?) "
    "RETURNING id";
inline constexpr std::string_view kListRoles =
    "SELECT id, name, data_scope, permissions, created_at, updated_at, version FROM roles "
    "WHERE deleted_at IS NULL ORDER BY id";
inline constexpr std::string_view kGetRole =
    "SELECT id, name, data_scope, permissions, created_at, updated_at, version FROM roles "
    "WHERE id = ? AND deleted_at IS NULL";
inline constexpr std::string_view kInsertRole =
    "INSERT INTO roles (name, data_scope, permissions, created_at, updated_at) VALUES (?, ?, ?, ?, "
    "?) "
    "RETURNING id";
inline constexpr std::string_view kUpdateRole =
    "UPDATE roles SET name = ?, data_scope = ?, permissions = ?, updated_at = ?, version = version "
    "+ 1 "
    "WHERE id = ? AND deleted_at IS NULL";
inline constexpr std::string_view kDeleteRole =
    "UPDATE roles SET deleted_at = ?, name = name || ' #' || id, version = version + 1 WHERE id = "
    "?";
inline constexpr std::string_view kRoleUsers = "SELECT COUNT(*) FROM users WHERE role_id = ?";
inline constexpr std::string_view kRoleUserIds = "SELECT id FROM users WHERE role_id = ?";
inline constexpr std::string_view kRoleByName =
    "SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL";

inline constexpr std::string_view kInsertUser =
    "INSERT INTO users (username, display_name, email, phone, department_id, role_id, manager_id, "
    "active, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "RETURNING id";
inline constexpr std::string_view kUpdateUser =
    "UPDATE users SET display_name = ?, email = ?, phone = ?, department_id = ?, role_id = ?, "
    "manager_id = ?, active = ?, updated_at = ?, version = version + 1 WHERE id = ?";
inline constexpr std::string_view kUpdateProfile =
    "UPDATE users SET display_name = ?, email = ?, phone = ?, language = ?, time_zone = ?, "
    "updated_at = ?, version = version + 1 WHERE id = ?";
inline constexpr std::string_view kSetPassword =
    "UPDATE users SET password_hash = ?, updated_at = ?, version = version + 1 WHERE id = ?";
inline constexpr std::string_view kUserCount = "SELECT COUNT(*) FROM users";
inline constexpr std::string_view kUsernameTaken = "SELECT 1 FROM users WHERE username = ?";
inline constexpr std::string_view kManagerOf = "SELECT manager_id FROM users WHERE id = ?";
inline constexpr std::string_view kGetSettings = "SELECT settings FROM users WHERE id = ?";
inline constexpr std::string_view kPutSettings = "UPDATE users SET settings = ? WHERE id = ?";

}  // namespace guanxi::accounts::sql
