#pragma once
// Accounts and organisation: login and sessions, departments (a tree), roles (data scope +
// permissions) and users with a manager chain. Writes need users.manage and are audited.

#include "core/fields.hpp"
#include "core/principal.hpp"
#include "db/database.hpp"
#include "domains/accounts/session_cache.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace guanxi::accounts {

struct AccountOptions {
    std::int64_t session_ttl_seconds = 14 * 24 * 3600;
    // After this many failures in the window, a user name is locked for first_lock_seconds, and
    // each further failure doubles the lock up to max_lock_seconds; an address gets a larger
    // allowance (a whole office may share one).
    std::int64_t user_failure_limit = 5;
    std::int64_t ip_failure_limit = 30;
    std::int64_t failure_window_seconds = 15 * 60;
    std::int64_t first_lock_seconds = 30;
    std::int64_t max_lock_seconds = 15 * 60;
};

struct LoginRequest {
    std::string username;
    std::string password;
    std::string ip;
    std::string user_agent;
    std::string request_id;
};

struct LoginResult {
    std::string token;
    nlohmann::json user;
};

class AccountService {
  public:
    AccountService(db::Database& db, AccountOptions options)
        : db_(db), options_(options), sessions_(db.backend() == db::Backend::kSqlite) {}

    static const std::vector<std::string>& AllPermissions();
    static const EntityMeta& UserMeta();
    static const EntityMeta& RoleMeta();
    static const EntityMeta& DepartmentMeta();
    static const http::ListSpec& UserListSpec();

    // 401 for a wrong name or password (the same answer for both), 401 for a deactivated user,
    // 429 while the name or the address is locked out after repeated failures.
    Result<LoginResult> Login(const LoginRequest& request);
    Status Logout(const Principal& caller, std::string_view token);
    // The caller behind a token; 401 when unknown, expired or the user is deactivated.
    Result<Principal> Authenticate(std::string_view token);
    // An active user as a caller, for work done later on their behalf (background jobs); nullopt
    // when the user is absent or deactivated.
    Result<std::optional<Principal>> ActingAs(std::int64_t user_id);
    Result<nlohmann::json> Me(const Principal& caller);

    Result<nlohmann::json> GetSettings(const Principal& caller);
    Status PutSetting(const Principal& caller, std::string_view key, const nlohmann::json& value);

    Result<nlohmann::json> ListDepartments(const Principal& caller);
    Result<nlohmann::json> CreateDepartment(const Principal& caller, const nlohmann::json& body);
    Result<nlohmann::json> UpdateDepartment(const Principal& caller, std::int64_t id,
                                            const nlohmann::json& body);
    Status DeleteDepartment(const Principal& caller, std::int64_t id);

    Result<nlohmann::json> ListRoles(const Principal& caller);
    Result<nlohmann::json> CreateRole(const Principal& caller, const nlohmann::json& body);
    Result<nlohmann::json> UpdateRole(const Principal& caller, std::int64_t id,
                                      const nlohmann::json& body);
    Status DeleteRole(const Principal& caller, std::int64_t id);

    // Everyone may list users (to pick an owner); only users.manage sees contact details.
    Result<nlohmann::json> ListUsers(const Principal& caller, const http::ListQuery& query);
    Result<nlohmann::json> GetUser(const Principal& caller, std::int64_t id);
    Result<nlohmann::json> CreateUser(const Principal& caller, const nlohmann::json& body);
    Result<nlohmann::json> UpdateUser(const Principal& caller, std::int64_t id,
                                      const nlohmann::json& body);

    // First start: when there are no users, creates the default roles (admin, manager, sales), a
    // head-office department and the user admin. Returns the admin password when it generated one.
    Result<std::optional<std::string>> Bootstrap(const std::optional<std::string>& admin_password);
    // For the command line and demo data: creates a user without a caller (no permission check).
    Result<std::int64_t> CreateUserUnchecked(const nlohmann::json& body);

  private:
    Result<nlohmann::json> InsertUser(db::Connection& conn, const nlohmann::json& body);
    Status CheckManagerChain(db::Connection& conn, std::int64_t user_id,
                             std::optional<std::int64_t> manager_id);
    Status RecordFailure(db::Connection& conn, const std::string& key, std::int64_t limit,
                         std::int64_t now);
    // Takes back one failure counted for an attempt that succeeded.
    Status ForgiveFailure(db::Connection& conn, const std::string& key, std::int64_t limit,
                          std::int64_t now);

    db::Database& db_;
    AccountOptions options_;
    SessionCache sessions_;
};

}  // namespace guanxi::accounts
