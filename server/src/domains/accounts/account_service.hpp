#pragma once
// Accounts and organisation: login and sessions, departments (a tree), roles (data scope +
// permissions) and users with a manager chain. Writes need users.manage and are audited.
//
// users.manage is bounded by the caller's own rights (rights.hpp), so it is not a way to admin:
//   - a role is created, changed or deleted only when its rights before and after are within the
//     caller's (permissions held, data scope no wider); a user is given only such a role;
//   - a user whose role has rights the caller lacks cannot be changed at all, password resets
//     included (403 beyond_own_rights);
//   - nobody changes their own role or manager, nor the rights of the role they hold (403
//     forbidden, details.reason own_account), nor deactivates themselves (422);
//   - the last active administrator — a user whose role holds every permission with scope `all` —
//     is never demoted or deactivated, directly or by narrowing their role (409 conflict,
//     details.reason last_administrator). Users are never deleted.
// Passwords follow password_policy.hpp wherever they are set.

#include "core/fields.hpp"
#include "core/principal.hpp"
#include "db/database.hpp"
#include "domains/accounts/password_workers.hpp"
#include "domains/accounts/session_cache.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>

namespace guanxi::accounts {

struct AccountOptions {
    std::int64_t session_ttl_seconds = 14 * 24 * 3600;
    // Login throttling counts failures per (user name, address), per address and per user name.
    // Every limit-th failure of a key within the window locks it, for first_lock_seconds and then
    // twice as long each time up to max_lock_seconds; a key is forgotten after a quiet window.
    // A locked pair or address is refused; a locked user name only at the addresses that have
    // failed for it, so its owner can still log in from a clean one. An address gets a larger
    // allowance (a whole office may share one).
    std::int64_t pair_failure_limit = 5;
    std::int64_t ip_failure_limit = 30;
    std::int64_t account_failure_limit = 20;
    std::int64_t failure_window_seconds = 15 * 60;
    std::int64_t first_lock_seconds = 30;
    std::int64_t max_lock_seconds = 15 * 60;
    // argon2id runs on threads of its own; at most login_queue logins wait or run there, at most
    // login_queue_per_address of them from one address. Past that a login is answered 503 / 429.
    int login_threads = 2;
    std::size_t login_queue = 32;
    std::size_t login_queue_per_address = 4;
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
        : db_(db),
          options_(options),
          sessions_(db.backend() == db::Backend::kSqlite),
          password_workers_(options.login_threads, options.login_queue,
                            options.login_queue_per_address) {}

    static const std::vector<std::string>& AllPermissions();
    static const EntityMeta& UserMeta();
    static const EntityMeta& RoleMeta();
    static const http::ListSpec& UserListSpec();

    // 401 for a wrong name or password (the same answer for both), 401 for a deactivated user,
    // 429 while locked out after repeated failures (AccountOptions) or while this address has too
    // many logins in progress, 503 while the password workers' queue is full. Calls `done` exactly
    // once: at once on the calling thread when refused, else later from a password worker.
    void LoginAsync(LoginRequest request, std::function<void(Result<LoginResult>)> done);
    Status Logout(const Principal& caller, std::string_view token);
    // The caller behind a token; 401 when unknown, expired or the user is deactivated.
    Result<Principal> Authenticate(std::string_view token);
    // An active user as a caller, for work done later on their behalf (background jobs); nullopt
    // when the user is absent or deactivated.
    Result<std::optional<Principal>> ActingAs(std::int64_t user_id);
    Result<nlohmann::json> Me(const Principal& caller);

    // PATCH /me: the caller's own display name, phone, e-mail, language (zh-CN or en) and IANA
    // time zone; any other key (role, department, user name, ...) is a 422 naming it. Audited as
    // user.update. Answers as Me.
    Result<nlohmann::json> UpdateProfile(const Principal& caller, const nlohmann::json& body);
    // POST /me/password: `current_password` must be the caller's password (else 422 naming it,
    // counted against the login throttle of the user and address like a failed login, and 429
    // while locked); `new_password` follows the password policy (422 naming it). Every other
    // session of the user ends; the one with `token_hash` stays. Audited. Calls `done` exactly
    // once, on a password worker unless refused at once (argon2id runs there, as for a login).
    void ChangePasswordAsync(const Principal& caller, const nlohmann::json& body,
                             std::string token_hash, std::function<void(Status)> done);

    Result<nlohmann::json> GetSettings(const Principal& caller);
    Status PutSetting(const Principal& caller, std::string_view key, const nlohmann::json& value);

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
    static std::string PairKey(const std::string& username, const std::string& ip);
    // Refuses a locked-out attempt (429), else counts it as a failure ahead of the check.
    Status AdmitLogin(const std::string& username, const std::string& ip, std::int64_t now);
    // The argon2id check and its outcome (on a password worker).
    Result<LoginResult> CheckPassword(const LoginRequest& request, const std::string& username,
                                      std::int64_t now);
    // The argon2id checks and the write of ChangePasswordAsync (on a password worker).
    Status ChangePassword(const Principal& caller, const std::string& current,
                          const std::string& next, const std::string& token_hash, std::int64_t now);
    Status RecordFailure(db::Connection& conn, const std::string& key, std::int64_t limit,
                         std::int64_t now);
    // Takes back one failure counted for an attempt that succeeded.
    Status ForgiveFailure(db::Connection& conn, const std::string& key, std::int64_t limit,
                          std::int64_t now);

    db::Database& db_;
    AccountOptions options_;
    SessionCache sessions_;
    std::atomic<std::uint64_t> admitted_{0};
    PasswordWorkers password_workers_;  // last: its threads stop first
};

}  // namespace guanxi::accounts
