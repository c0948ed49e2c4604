#include "domains/accounts/account_service.hpp"

#include "db/change_epoch.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "db/row_json.hpp"
#include "db/sql_builder.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/accounts/password.hpp"
#include "domains/accounts/password_policy.hpp"
#include "domains/accounts/rights.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/record_types.hpp"

#include <algorithm>
#include <iterator>
#include <set>

namespace guanxi::accounts {

namespace {

const std::vector<std::string> kScopes = {"self", "department", "department_tree", "all"};

Error Unauthenticated(std::string message = "Please log in.") {
    return Error{ErrorCode::kUnauthenticated, std::move(message), nlohmann::json::object(), {}};
}

Status RequireManage(const Principal& caller) {
    if (!caller.Can("users.manage")) return Error::Forbidden();
    return {};
}

Status CheckVersion(const nlohmann::json& body, std::int64_t current) {
    if (auto v = OptInt(body, "version"); v && *v != current) {
        return Error{ErrorCode::kStaleVersion,
                     "Someone else changed this record; reload it and try again.",
                     {{"current_version", current}},
                     {}};
    }
    return {};
}

Status CheckVersionType(const nlohmann::json& body) {
    if (body.contains("version") && !body["version"].is_number_integer()) {
        return Error::Validation("version", "must be an integer");
    }
    return {};
}

nlohmann::json RoleJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"name", r.Text(1)},
            {"data_scope", r.Text(2)},
            {"permissions", db::JsonDoc(r, 3, nlohmann::json::array())},
            {"created_at", FormatRfc3339(r.Int(4))},
            {"updated_at", FormatRfc3339(r.Int(5))},
            {"version", r.Int(6)}};
}

// A role edit's audit "changes": name and data scope before → after (audit::Changes), the
// permissions as the lists added and removed ({"added": [...], "removed": [...]}), since a role
// holds dozens and an edit moves a few.
nlohmann::json RoleChanges(const nlohmann::json& body, const nlohmann::json& before,
                           const nlohmann::json& after) {
    nlohmann::json scalar = body;
    scalar.erase("permissions");
    nlohmann::json changes = audit::Changes(scalar, before, after);
    if (!body.contains("permissions")) return changes;
    const auto names = [](const nlohmann::json& role) {
        std::set<std::string> out;
        for (const auto& p : role.value("permissions", nlohmann::json::array())) {
            if (p.is_string()) out.insert(p.get<std::string>());
        }
        return out;
    };
    const std::set<std::string> was = names(before), now = names(after);
    nlohmann::json added = nlohmann::json::array(), removed = nlohmann::json::array();
    std::set_difference(now.begin(), now.end(), was.begin(), was.end(), std::back_inserter(added));
    std::set_difference(was.begin(), was.end(), now.begin(), now.end(),
                        std::back_inserter(removed));
    if (!added.empty() || !removed.empty()) {
        changes["permissions"] = {{"added", added}, {"removed", removed}};
    }
    return changes;
}

// What a user without users.manage may see of a colleague.
nlohmann::json PublicUserJson(const nlohmann::json& full) {
    nlohmann::json out;
    for (const char* key : {"id", "username", "display_name", "department_id", "department_name",
                            "manager_id", "active"}) {
        out[key] = full[key];
    }
    return out;
}

// A kGetRole row's rights.
Rights RoleRowRights(const db::Row& role) {
    return RoleRights(role.Text(2), db::JsonDoc(role, 3, nlohmann::json::array()));
}

Result<Rights> RoleRightsById(db::Connection& conn, std::int64_t role_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kGetRole, {role_id}));
    if (!row) return Rights{};
    return RoleRowRights(*row);
}

// 403 unless the caller holds every right `granted` grants. `what` says what was refused.
Status RequireCovered(const Principal& caller, const Rights& granted, std::string_view what) {
    const Rights mine = CallerRights(caller);
    if (Covers(mine, granted)) return {};
    return Error{ErrorCode::kBeyondOwnRights,
                 std::string(what) + ": it needs rights you do not hold yourself.",
                 Missing(mine, granted),
                 {}};
}

Error OwnAccount(std::string_view field, std::string message) {
    return Error{ErrorCode::kForbidden,
                 std::move(message),
                 {{"reason", "own_account"}, {"field", std::string(field)}},
                 {}};
}

// 409 unless an active administrator other than `leaving` remains.
Status KeepAnAdministrator(db::Connection& conn, const std::vector<std::int64_t>& leaving,
                           std::string message) {
    GX_TRY_ASSIGN(std::vector<std::int64_t> admins, store::ActiveAdministrators(conn));
    const bool other = std::any_of(admins.begin(), admins.end(), [&](std::int64_t id) {
        return std::find(leaving.begin(), leaving.end(), id) == leaving.end();
    });
    if (other) return {};
    return Error{ErrorCode::kConflict, std::move(message), {{"reason", "last_administrator"}}, {}};
}

Status CheckPasswordPolicy(const nlohmann::json& body, std::string_view username,
                           bool administrator) {
    const auto refused =
        PasswordComplaint(body["password"].get<std::string>(), username, administrator);
    if (refused) return Error::ValidationCode("password", refused->key, refused->params);
    return {};
}

Result<db::Row> MustFindUser(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto row, store::FindUser(conn, id));
    if (!row) return Error::NotFound("User");
    return std::move(*row);
}

Status CheckRefExists(db::Connection& conn, std::string_view sql, std::int64_t id,
                      std::string_view field) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(sql, {id}));
    if (!row) return Error::Validation(field, "does not exist");
    return {};
}

constexpr std::string_view kDepartmentExists =
    "SELECT 1 FROM departments WHERE id = ? AND deleted_at IS NULL";
constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE id = ? AND deleted_at IS NULL";
constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?";

}  // namespace

const std::vector<std::string>& AccountService::AllPermissions() {
    return accounts::AllPermissions();
}

const EntityMeta& AccountService::UserMeta() {
    static const EntityMeta kMeta{
        "users",
        {
            {"username", FieldType::kString, true, 64, {}, true, false, true},
            {"display_name", FieldType::kString, true, 100, {}, true, false, true},
            {"email", FieldType::kEmail, false, 254, {}, true},
            {"phone", FieldType::kPhone, false, 32, {}, true},
            {"department_id", FieldType::kDepartment, false, 0, {}, true, true},
            {"role_id", FieldType::kRole, true, 0, {}, true, true},
            {"manager_id", FieldType::kUser, false, 0, {}, false, true},
            {"active", FieldType::kBoolean, false, 0, {}, true, true},
            {"password", FieldType::kPassword, true, 200},
        }};
    return kMeta;
}

const EntityMeta& AccountService::RoleMeta() {
    static const EntityMeta kMeta{
        "roles",
        {
            {"name", FieldType::kString, true, 64, {}, true},
            {"data_scope", FieldType::kEnum, true, 0, kScopes, true},
            {"permissions", FieldType::kStringList, true, 0, AllPermissions(), true},
        }};
    return kMeta;
}

const http::ListSpec& AccountService::UserListSpec() {
    static const http::ListSpec kSpec{
        {"department_id", "role_id", "active", "manager_id"},
        {"username", "display_name", "created_at", "id"},
        {{"id", false}},
        true,
    };
    return kSpec;
}

// ---- Login and sessions ----

namespace {

// A key's state as of `now`: a window that has run out, with no lock still on, is forgotten.
store::Attempts Current(store::Attempts a, std::int64_t now, std::int64_t window_seconds) {
    if (now - a.window_start > window_seconds && a.locked_until <= now) return {0, now, 0};
    return a;
}

Error LockedOut(std::int64_t locked_until, std::int64_t now) {
    return Error{ErrorCode::kRateLimited,
                 "Too many failed logins. Try again later.",
                 {{"retry_after_seconds", std::max<std::int64_t>(locked_until - now, 1)}},
                 {}};
}

}  // namespace

Status AccountService::RecordFailure(db::Connection& conn, const std::string& key,
                                     std::int64_t limit, std::int64_t now) {
    GX_TRY_ASSIGN(store::Attempts stored, store::GetAttempts(conn, key));
    store::Attempts a = Current(stored, now, options_.failure_window_seconds);
    ++a.failures;
    // Every `limit`-th failure locks, each lock twice the one before (up to the cap): a lock that
    // has run out is not renewed by the next single failure, it takes `limit` more. The window
    // counts from the first failure, so the whole record is forgotten after a quiet window.
    if (a.failures % limit == 0) {
        const std::int64_t level = std::min<std::int64_t>(a.failures / limit - 1, 20);
        a.locked_until = now + std::min<std::int64_t>(options_.first_lock_seconds << level,
                                                      options_.max_lock_seconds);
    }
    return store::PutAttempts(conn, key, a);
}

Status AccountService::ForgiveFailure(db::Connection& conn, const std::string& key,
                                      std::int64_t limit, std::int64_t now) {
    GX_TRY(store::LockAttempts(conn, key, now));
    GX_TRY_ASSIGN(store::Attempts a, store::GetAttempts(conn, key));
    if (a.failures > 0) {
        // The lock this very attempt's count set (it was the limit-th) goes with it; one set
        // before by others' failures stays.
        if (a.failures % limit == 0) a.locked_until = 0;
        --a.failures;
    }
    return store::PutAttempts(conn, key, a);
}

Status AccountService::AdmitLogin(const std::string& username, const std::string& ip,
                                  std::int64_t now) {
    const std::string pair_key = PairKey(username, ip);
    const std::string ip_key = "ip:" + ip;
    const std::string user_key = "user:" + username;
    // Refuse while the pair or the address is locked, or the account is under attack and this
    // address is one it came from; otherwise count this attempt as a failure now, before the slow
    // password check, so that parallel guesses cannot all slip in under the limit. A success takes
    // it back. The rows are locked so concurrent attempts on PostgreSQL count one after the other.
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        const std::int64_t window = options_.failure_window_seconds;
        store::Attempts state[3];
        const std::string* keys[3] = {&pair_key, &ip_key, &user_key};
        for (int i = 0; i < 3; ++i) {
            GX_TRY(store::LockAttempts(conn, *keys[i], now));
            GX_TRY_ASSIGN(store::Attempts a, store::GetAttempts(conn, *keys[i]));
            state[i] = Current(a, now, window);
        }
        const auto& [pair, address, account] = state;
        if (pair.locked_until > now) return LockedOut(pair.locked_until, now);
        if (address.locked_until > now) return LockedOut(address.locked_until, now);
        // The account-wide lock slows a guesser spread over many addresses, but only at the
        // addresses that have failed for this account: the owner at a clean address gets in.
        if (account.locked_until > now && pair.failures > 0)
            return LockedOut(account.locked_until, now);
        // Now and then, forget keys whose window has passed (they count as clean anyway), so a
        // stream of made-up names and addresses cannot grow the table without end.
        if (++admitted_ % 256 == 0) GX_TRY(store::PruneAttempts(conn, now - window, now));
        GX_TRY(RecordFailure(conn, pair_key, options_.pair_failure_limit, now));
        GX_TRY(RecordFailure(conn, ip_key, options_.ip_failure_limit, now));
        return RecordFailure(conn, user_key, options_.account_failure_limit, now);
    });
}

std::string AccountService::PairKey(const std::string& username, const std::string& ip) {
    return "pair:" + username + "|" + ip;
}

void AccountService::LoginAsync(LoginRequest request,
                                std::function<void(Result<LoginResult>)> done) {
    PasswordWorkers::Ticket ticket;
    switch (password_workers_.Reserve(request.ip, ticket)) {
        case PasswordWorkers::Admission::kAdmitted:
            break;
        case PasswordWorkers::Admission::kQueueFull:
            return done(Error{ErrorCode::kUnavailable,
                              "The server is busy checking other logins; try again in a moment.",
                              {{"retry_after_seconds", 1}},
                              {}});
        case PasswordWorkers::Admission::kAddressIsBusy:
            return done(Error{ErrorCode::kRateLimited,
                              "Too many logins at once from this address; try again in a moment.",
                              {{"retry_after_seconds", 1}},
                              {}});
    }
    const std::string username = text::AsciiLower(text::Trim(request.username));
    const std::int64_t now = NowSeconds();
    // Throttling needs no argon2id: a locked-out attempt is answered here, on this thread, and its
    // place in the queue given back at once.
    if (Status admitted = AdmitLogin(username, request.ip, now); !admitted)
        return done(admitted.error());
    password_workers_.Submit(std::move(ticket), [this, request = std::move(request), username, now,
                                                 done = std::move(done)]() {
        Result<LoginResult> result = Error::Internal("login not run");
        try {
            result = CheckPassword(request, username, now);
        } catch (const std::exception& e) {
            result = Error::Internal(std::string("login: ") + e.what());
        }
        done(std::move(result));
    });
}

Result<LoginResult> AccountService::CheckPassword(const LoginRequest& request,
                                                  const std::string& username, std::int64_t now) {
    // The password check runs outside any transaction: argon2id is deliberately slow.
    std::optional<store::Credentials> credentials;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(credentials, store::FindCredentials(*conn, username));
    }
    bool ok = false;
    if (credentials) {
        ok = VerifyPassword(credentials->password_hash, request.password);
    } else {
        // Same work for an unknown name, so timing does not reveal which names exist.
        static const std::string kDummy = HashPassword("guanxi-dummy-password");
        (void)VerifyPassword(kDummy, request.password);
    }
    // Record the outcome (a failure is already counted).
    if (!ok || !credentials->active) {
        const std::optional<std::int64_t> user_id =
            credentials ? std::optional(credentials->user_id) : std::nullopt;
        GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            // The typed name is kept only when it is a real account: an unknown "name" is often a
            // password typed into the wrong box.
            nlohmann::json details = nlohmann::json::object();
            if (credentials) details["username"] = username;
            if (ok) details["reason"] = "deactivated";
            return audit::RecordAnonymous(conn, user_id, request.ip, request.request_id,
                                          {"auth.login_failed", "user", user_id, details});
        }));
        // One answer for every failure, so a deactivated account does not confirm its password.
        return Unauthenticated("Wrong user name or password.");
    }
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<LoginResult> {
            // This address has proved it knows the password: its pair record goes; the address and
            // the account only take back this attempt's count (others' failures still stand).
            GX_TRY(store::ClearAttempts(conn, PairKey(username, request.ip)));
            GX_TRY(ForgiveFailure(conn, "ip:" + request.ip, options_.ip_failure_limit, now));
            GX_TRY(ForgiveFailure(conn, "user:" + username, options_.account_failure_limit, now));
            LoginResult result;
            result.token = NewToken();
            GX_TRY(store::InsertSession(conn, HashToken(result.token), credentials->user_id, now,
                                        now + options_.session_ttl_seconds, request.ip,
                                        request.user_agent));
            GX_TRY(audit::RecordAnonymous(conn, credentials->user_id, request.ip,
                                          request.request_id,
                                          {"auth.login", "user", credentials->user_id, {}}));
            GX_TRY_ASSIGN(db::Row row, MustFindUser(conn, credentials->user_id));
            result.user = store::UserJson(row);
            return result;
        });
}

Status AccountService::Logout(const Principal& caller, std::string_view token) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY(store::DeleteSession(conn, HashToken(token)));
        return audit::Record(conn, caller, {"auth.logout", "user", caller.user_id, {}});
    });
}

Result<Principal> AccountService::Authenticate(std::string_view token) {
    if (token.empty() || token.size() > 100) return Unauthenticated();
    const std::string hash = HashToken(token);
    const std::int64_t now = NowSeconds();
    if (auto cached = sessions_.Find(hash, now)) return std::move(*cached);
    const std::uint64_t epoch = db::IdentityEpoch();  // before the read (session_cache.hpp)
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto session, store::FindSession(*conn, hash, now));
    if (!session) return Unauthenticated("Your session has ended; please log in again.");
    sessions_.Put(hash, session->principal, session->expires_at, epoch);
    return std::move(session->principal);
}

Result<std::optional<Principal>> AccountService::ActingAs(std::int64_t user_id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return store::FindActiveUser(*conn, user_id);
}

Result<nlohmann::json> AccountService::Me(const Principal& caller) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Row row, MustFindUser(*conn, caller.user_id));
    nlohmann::json user = store::UserJson(row);
    GX_TRY_ASSIGN(auto role, conn->QueryOne(sql::kGetRole, {caller.role_id}));
    if (role) user["role"] = RoleJson(*role);
    user["permissions"] =
        caller.permissions ? nlohmann::json(*caller.permissions) : nlohmann::json::array();
    return user;
}

// ---- One's own profile and password ----

namespace {

// What a user changes of their own account (PATCH /me). The rest — user name, role, department,
// manager, whether they may log in — is an administrator's to change (PATCH /users/{id}).
const EntityMeta& ProfileMeta() {
    static const EntityMeta kMeta{"users",
                                  {
                                      {"display_name", FieldType::kString, true, 100},
                                      {"email", FieldType::kEmail, false, 254},
                                      {"phone", FieldType::kPhone, false, 32},
                                      {"language", FieldType::kEnum, false, 0, {"zh-CN", "en"}},
                                      {"time_zone", FieldType::kString, false, 64},
                                  }};
    return kMeta;
}

}  // namespace

Result<nlohmann::json> AccountService::UpdateProfile(const Principal& caller,
                                                     const nlohmann::json& body) {
    GX_TRY(CheckVersionType(body));
    for (const auto& [key, value] : body.items()) {
        if (key != "version" && !ProfileMeta().Find(key)) {
            return Error::Validation(key, "is not part of your profile: an administrator sets it");
        }
    }
    GX_TRY(ValidateBody(ProfileMeta(), body, false, {"version"}));
    if (auto zone = OptString(body, "time_zone"); zone && !tz::IsTimeZoneName(*zone)) {
        return Error::Validation("time_zone", "is not an IANA time zone such as Asia/Shanghai");
    }
    GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(db::Row current, MustFindUser(conn, caller.user_id));
        GX_TRY(CheckVersion(body, current.Int(14)));
        const nlohmann::json cur = store::UserJson(current);
        const auto pick = [&](const char* key) -> db::Value {
            const nlohmann::json& v = body.contains(key) ? body[key] : cur[key];
            if (!v.is_string()) return nullptr;
            const std::string trimmed = text::Trim(v.get<std::string>());
            return trimmed.empty() ? db::Value(nullptr) : db::Value(trimmed);
        };
        GX_TRY(conn.Execute(sql::kUpdateProfile,
                            {pick("display_name"), pick("email"), pick("phone"), pick("language"),
                             pick("time_zone"), NowSeconds(), caller.user_id}));
        GX_TRY_ASSIGN(db::Row updated, MustFindUser(conn, caller.user_id));
        return audit::Record(conn, caller,
                             {"user.update",
                              "user",
                              caller.user_id,
                              {{"changes", audit::Changes(body, cur, store::UserJson(updated))}}});
    }));
    return Me(caller);
}

void AccountService::ChangePasswordAsync(const Principal& caller, const nlohmann::json& body,
                                         std::string token_hash, std::function<void(Status)> done) {
    // Both are passwords as every password field takes them (no control characters, which no
    // stored password has: a current one with them is refused without counting as a guess).
    static const EntityMeta kMeta{"password_change",
                                  {{"current_password", FieldType::kPassword, true, 200},
                                   {"new_password", FieldType::kPassword, true, 200}}};
    if (Status valid = ValidateBody(kMeta, body, true); !valid) return done(valid.error());
    PasswordWorkers::Ticket ticket;
    switch (password_workers_.Reserve(caller.ip, ticket)) {
        case PasswordWorkers::Admission::kAdmitted:
            break;
        case PasswordWorkers::Admission::kQueueFull:
            return done(Error{ErrorCode::kUnavailable,
                              "The server is busy checking other passwords; try again in a moment.",
                              {{"retry_after_seconds", 1}},
                              {}});
        case PasswordWorkers::Admission::kAddressIsBusy:
            return done(Error{ErrorCode::kRateLimited,
                              "Too many password checks at once from this address; try again in "
                              "a moment.",
                              {{"retry_after_seconds", 1}},
                              {}});
    }
    const std::int64_t now = NowSeconds();
    // A wrong current password is a guess like a failed login: the same throttle counts it (as a
    // failure ahead of the check, taken back when it was right) and locks the same keys.
    if (Status admitted = AdmitLogin(caller.username, caller.ip, now); !admitted)
        return done(admitted.error());
    password_workers_.Submit(
        std::move(ticket), [this, caller, current = body["current_password"].get<std::string>(),
                            next = body["new_password"].get<std::string>(),
                            token_hash = std::move(token_hash), now, done = std::move(done)]() {
            Status result = Error::Internal("password change not run");
            try {
                result = ChangePassword(caller, current, next, token_hash, now);
            } catch (const std::exception& e) {
                result = Error::Internal(std::string("password change: ") + e.what());
            }
            done(std::move(result));
        });
}

Status AccountService::ChangePassword(const Principal& caller, const std::string& current,
                                      const std::string& next, const std::string& token_hash,
                                      std::int64_t now) {
    std::optional<std::string> hash;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(hash, store::ActivePasswordHash(*conn, caller.user_id));
    }
    if (!hash) return Unauthenticated("Your session has ended; please log in again.");
    if (!VerifyPassword(*hash, current)) {
        GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            // Audited as the failed password check it is (a login's, with the reason).
            return audit::Record(conn, caller,
                                 {"auth.login_failed",
                                  "user",
                                  caller.user_id,
                                  {{"username", caller.username}, {"reason", "password_change"}}});
        }));
        return Error::Validation("current_password", "is not your current password");
    }
    // The caller proved they know the password: the failure counted ahead is taken back, as after
    // a successful login, whatever the new password turns out to be.
    GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY(store::ClearAttempts(conn, PairKey(caller.username, caller.ip)));
        GX_TRY(ForgiveFailure(conn, "ip:" + caller.ip, options_.ip_failure_limit, now));
        return ForgiveFailure(conn, "user:" + caller.username, options_.account_failure_limit, now);
    }));
    if (const auto refused =
            PasswordComplaint(next, caller.username, IsAdministrator(CallerRights(caller)))) {
        return Error::ValidationCode("new_password", refused->key, refused->params);
    }
    const std::string new_hash = HashPassword(next);  // slow: outside the transaction
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY(conn.Execute(sql::kSetPassword, {new_hash, NowSeconds(), caller.user_id}));
        // Whoever else holds a session of this user (a lost phone, a shared computer) is signed
        // out; the device that changed the password stays signed in.
        GX_TRY(store::DeleteOtherSessions(conn, caller.user_id, token_hash));
        return audit::Record(conn, caller,
                             {"user.update",
                              "user",
                              caller.user_id,
                              {{"changes", {{"password", {{"after", "(changed)"}}}}}}});
    });
}

Result<nlohmann::json> AccountService::GetSettings(const Principal& caller) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(sql::kGetSettings, {caller.user_id}));
    if (!row) return Error::NotFound("User");
    return db::JsonDoc(*row, 0, nlohmann::json::object());
}

Status AccountService::PutSetting(const Principal& caller, std::string_view key,
                                  const nlohmann::json& value) {
    if (key.empty() || key.size() > 64 || !std::all_of(key.begin(), key.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
        })) {
        return Error::Validation("key", "must be 1 to 64 letters, digits, '_', '.' or '-'");
    }
    if (value.dump().size() > 16 * 1024) return Error::Validation("value", "is too large");
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kGetSettings, {caller.user_id}));
        nlohmann::json settings =
            row ? db::JsonDoc(*row, 0, nlohmann::json::object()) : nlohmann::json::object();
        if (settings.size() >= 100 && !settings.contains(key)) {
            return Error::Validation("key", "at most 100 settings per user");
        }
        settings[std::string(key)] = value;
        GX_TRY(conn.Execute(sql::kPutSettings, {settings.dump(), caller.user_id}));
        return {};
    });
}

// ---- Roles ----

Result<nlohmann::json> AccountService::ListRoles(const Principal&) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(sql::kListRoles));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) items.push_back(RoleJson(r));
    return nlohmann::json{
        {"items", items}, {"total", items.size()}, {"page", 1}, {"page_size", items.size()}};
}

Result<nlohmann::json> AccountService::CreateRole(const Principal& caller,
                                                  const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(ValidateBody(RoleMeta(), body, true));
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            GX_TRY(RequireCovered(
                caller, RoleRights(body["data_scope"].get<std::string>(), body["permissions"]),
                "You cannot create this role"));
            const std::string name = text::Trim(body["name"].get<std::string>());
            GX_TRY_ASSIGN(auto taken, conn.QueryOne(sql::kRoleByName, {name}));
            if (taken)
                return Error{ErrorCode::kConflict,
                             "A role with this name exists.",
                             {{"fields", {{"name", "is taken"}}}},
                             {}};
            const auto now = NowSeconds();
            GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kInsertRole,
                                                  {name, body["data_scope"].get<std::string>(),
                                                   body["permissions"].dump(), now, now}));
            GX_TRY(audit::Record(conn, caller, {"role.create", "role", row->Int(0), body}));
            GX_TRY_ASSIGN(auto created, conn.QueryOne(sql::kGetRole, {row->Int(0)}));
            return RoleJson(*created);
        });
}

Result<nlohmann::json> AccountService::UpdateRole(const Principal& caller, std::int64_t id,
                                                  const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(CheckVersionType(body));
    GX_TRY(ValidateBody(RoleMeta(), body, false, {"version"}));
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            GX_TRY(store::LockAdministrators(conn));
            GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetRole, {id}));
            if (!current) return Error::NotFound("Role");
            GX_TRY(CheckVersion(body, current->Int(6)));
            const Rights before = RoleRowRights(*current);
            const Rights after = RoleRights(
                body.value("data_scope", current->Text(2)),
                body.contains("permissions") ? body["permissions"]
                                             : db::JsonDoc(*current, 3, nlohmann::json::array()));
            const bool rights_change =
                after.scope != before.scope || after.permissions != before.permissions;
            if (rights_change) {
                if (id == caller.role_id) {
                    return OwnAccount("permissions",
                                      "You cannot change the rights of your own role; ask another "
                                      "administrator.");
                }
                GX_TRY(RequireCovered(caller, before, "You cannot change this role"));
                GX_TRY(RequireCovered(caller, after, "You cannot give this role these rights"));
                if (IsAdministrator(before) && !IsAdministrator(after)) {
                    GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql::kRoleUserIds, {id}));
                    std::vector<std::int64_t> holders;
                    for (const auto& r : rows) holders.push_back(r.Int(0));
                    GX_TRY(KeepAnAdministrator(conn, holders,
                                               "This would leave no active administrator; give "
                                               "another user an administrator role first."));
                }
            }
            const std::string name = body.contains("name")
                                         ? text::Trim(body["name"].get<std::string>())
                                         : current->Text(1);
            if (name != current->Text(1)) {
                GX_TRY_ASSIGN(auto taken, conn.QueryOne(sql::kRoleByName, {name}));
                if (taken)
                    return Error{ErrorCode::kConflict,
                                 "A role with this name exists.",
                                 {{"fields", {{"name", "is taken"}}}},
                                 {}};
            }
            GX_TRY(conn.Execute(
                sql::kUpdateRole,
                {name, body.value("data_scope", current->Text(2)),
                 body.contains("permissions") ? body["permissions"].dump() : current->Text(3),
                 NowSeconds(), id}));
            GX_TRY_ASSIGN(auto updated, conn.QueryOne(sql::kGetRole, {id}));
            const nlohmann::json after_json = RoleJson(*updated);
            GX_TRY(
                audit::Record(conn, caller,
                              {"role.update",
                               "role",
                               id,
                               {{"changes", RoleChanges(body, RoleJson(*current), after_json)}}}));
            return after_json;
        });
}

Status AccountService::DeleteRole(const Principal& caller, std::int64_t id) {
    GX_TRY(RequireManage(caller));
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetRole, {id}));
        if (!current) return Error::NotFound("Role");
        GX_TRY(RequireCovered(caller, RoleRowRights(*current), "You cannot delete this role"));
        GX_TRY_ASSIGN(auto users, conn.QueryOne(sql::kRoleUsers, {id}));
        if (users->Int(0) > 0) {
            return Error{ErrorCode::kConflict,
                         "Users still have this role.",
                         {{"users", users->Int(0)}},
                         {}};
        }
        GX_TRY(conn.Execute(sql::kDeleteRole, {NowSeconds(), id}));
        return audit::Record(conn, caller, {"role.delete", "role", id, {}});
    });
}

// ---- Users ----

Result<nlohmann::json> AccountService::ListUsers(const Principal& caller,
                                                 const http::ListQuery& query) {
    db::Where where;
    for (const auto& [name, value] : query.filters) {
        if (name == "active") {
            if (value != "true" && value != "false") {
                return Error{ErrorCode::kBadRequest,
                             "active must be true or false.",
                             {{"parameter", name}},
                             {}};
            }
            where.Add("u.active = ?", {std::int64_t{value == "true"}});
            continue;
        }
        const auto id = http::ParseId(value);
        if (!id) {
            return Error{ErrorCode::kBadRequest,
                         name + " must be a positive integer.",
                         {{"parameter", name}},
                         {}};
        }
        where.Add("u." + name + " = ?", {*id});
    }
    if (query.q) {
        // q is a substring: its own % and _ are characters to find, not wildcards.
        const std::string like = db::ContainsPattern(text::AsciiLower(*query.q));
        where.Add(
            db::LikeClause("LOWER(u.username)") + " OR " + db::LikeClause("LOWER(u.display_name)"),
            {like, like});
    }
    std::string order = " ORDER BY ";
    for (const auto& key : query.sort)
        order += "u." + key.field + (key.descending ? " DESC, " : " ASC, ");
    order += "u.id";
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    db::Params params = where.params();
    GX_TRY_ASSIGN(auto count, conn->QueryOne("SELECT COUNT(*) FROM users u" + where.Sql(), params));
    params.emplace_back(query.page_size);
    params.emplace_back(query.Offset());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(std::string(store::kUserSelect) + where.Sql() + order +
                                                 " LIMIT ? OFFSET ?",
                                             params));
    nlohmann::json items = nlohmann::json::array();
    const bool full = caller.Can("users.manage");
    for (const auto& r : rows) {
        nlohmann::json u = store::UserJson(r);
        items.push_back(full || r.Int(0) == caller.user_id ? u : PublicUserJson(u));
    }
    return http::ListPage(std::move(items), count->Int(0), query);
}

Result<nlohmann::json> AccountService::GetUser(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Row row, MustFindUser(*conn, id));
    nlohmann::json u = store::UserJson(row);
    return caller.Can("users.manage") || id == caller.user_id ? u : PublicUserJson(u);
}

Status AccountService::CheckManagerChain(db::Connection& conn, std::int64_t user_id,
                                         std::optional<std::int64_t> manager_id) {
    // Walk up from the new manager, however long the chain; meeting the user again would close a
    // loop. The visited set ends the walk on a loop stored before this check existed.
    std::set<std::int64_t> visited;
    for (std::optional<std::int64_t> cursor = manager_id; cursor;) {
        if (*cursor == user_id)
            return Error::Validation("manager_id", "would make a loop in the manager chain");
        if (!visited.insert(*cursor).second) break;
        GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kManagerOf, {*cursor}));
        cursor = row ? row->OptInt(0) : std::nullopt;
    }
    return {};
}

Result<nlohmann::json> AccountService::InsertUser(db::Connection& conn,
                                                  const nlohmann::json& body) {
    const std::string username = text::AsciiLower(text::Trim(body["username"].get<std::string>()));
    if (username.empty() || !std::all_of(username.begin(), username.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        })) {
        return Error::Validation("username", "may contain only letters, digits, '.', '_' and '-'");
    }
    const std::string password = body["password"].get<std::string>();
    const std::int64_t role = body["role_id"].get<std::int64_t>();
    GX_TRY(CheckRefExists(conn, kRoleExists, role, "role_id"));
    GX_TRY_ASSIGN(Rights rights, RoleRightsById(conn, role));
    GX_TRY(CheckPasswordPolicy(body, username, IsAdministrator(rights)));
    GX_TRY_ASSIGN(auto taken, conn.QueryOne(sql::kUsernameTaken, {username}));
    if (taken)
        return Error{ErrorCode::kConflict,
                     "This user name is taken.",
                     {{"fields", {{"username", "is taken"}}}},
                     {}};
    auto department = OptInt(body, "department_id");
    auto manager = OptInt(body, "manager_id");
    if (department) GX_TRY(CheckRefExists(conn, kDepartmentExists, *department, "department_id"));
    if (manager) GX_TRY(CheckRefExists(conn, kUserExists, *manager, "manager_id"));
    const auto now = NowSeconds();
    GX_TRY_ASSIGN(
        auto row,
        conn.QueryOne(
            sql::kInsertUser,
            {username, text::Trim(body["display_name"].get<std::string>()),
             db::Nullable(OptString(body, "email")), db::Nullable(OptString(body, "phone")),
             db::Nullable(department), role, db::Nullable(manager),
             std::int64_t{body.value("active", true)}, HashPassword(password), now, now}));
    GX_TRY_ASSIGN(db::Row created, MustFindUser(conn, row->Int(0)));
    return store::UserJson(created);
}

Result<nlohmann::json> AccountService::CreateUser(const Principal& caller,
                                                  const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(ValidateBody(UserMeta(), body, true));
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            const std::int64_t role = body["role_id"].get<std::int64_t>();
            GX_TRY(CheckRefExists(conn, kRoleExists, role, "role_id"));
            GX_TRY_ASSIGN(Rights rights, RoleRightsById(conn, role));
            GX_TRY(RequireCovered(caller, rights, "You cannot give a user this role"));
            GX_TRY_ASSIGN(nlohmann::json user, InsertUser(conn, body));
            nlohmann::json logged = body;
            logged.erase("password");
            GX_TRY(audit::Record(conn, caller,
                                 {"user.create", "user", user["id"].get<std::int64_t>(), logged}));
            return user;
        });
}

Result<std::int64_t> AccountService::CreateUserUnchecked(const nlohmann::json& body) {
    GX_TRY(ValidateBody(UserMeta(), body, true));
    return db::InTransaction(db_, db::TxMode::kWrite,
                             [&](db::Connection& conn) -> Result<std::int64_t> {
                                 GX_TRY_ASSIGN(nlohmann::json user, InsertUser(conn, body));
                                 return user["id"].get<std::int64_t>();
                             });
}

Result<nlohmann::json> AccountService::UpdateUser(const Principal& caller, std::int64_t id,
                                                  const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(CheckVersionType(body));
    GX_TRY(ValidateBody(UserMeta(), body, false, {"version"}));
    if (body.contains("username")) return Error::Validation("username", "cannot be changed");
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            GX_TRY(store::LockAdministrators(conn));
            GX_TRY_ASSIGN(db::Row current, MustFindUser(conn, id));
            nlohmann::json cur = store::UserJson(current);
            GX_TRY(CheckVersion(body, current.Int(14)));
            // A user with rights the caller lacks is not the caller's to change at all: not their
            // password, role, manager or whether they may log in.
            GX_TRY_ASSIGN(Rights current_rights, RoleRightsById(conn, current.Int(7)));
            GX_TRY(RequireCovered(caller, current_rights, "You cannot change this user"));
            const auto pick_text = [&](const char* key) -> db::Value {
                const nlohmann::json& v = body.contains(key) ? body[key] : cur[key];
                return v.is_string() ? db::Value(text::Trim(v.get<std::string>()))
                                     : db::Value(nullptr);
            };
            const auto pick_id = [&](const char* key) -> std::optional<std::int64_t> {
                const nlohmann::json& v = body.contains(key) ? body[key] : cur[key];
                return v.is_number_integer() ? std::optional(v.get<std::int64_t>()) : std::nullopt;
            };
            auto department = pick_id("department_id");
            auto manager = pick_id("manager_id");
            auto role = pick_id("role_id");
            if (!role) return Error::Validation("role_id", "is required");
            if (body.contains("department_id") && department)
                GX_TRY(CheckRefExists(conn, kDepartmentExists, *department, "department_id"));
            const bool role_change = *role != current.Int(7);
            const bool manager_change = manager != current.OptInt(9);
            if (id == caller.user_id && role_change)
                return OwnAccount("role_id", "You cannot change your own role.");
            if (id == caller.user_id && manager_change)
                return OwnAccount("manager_id", "You cannot change your own manager.");
            if (body.contains("role_id"))
                GX_TRY(CheckRefExists(conn, kRoleExists, *role, "role_id"));
            GX_TRY_ASSIGN(Rights rights, RoleRightsById(conn, *role));
            if (role_change) GX_TRY(RequireCovered(caller, rights, "You cannot give this role"));
            if (body.contains("manager_id")) {
                if (manager) GX_TRY(CheckRefExists(conn, kUserExists, *manager, "manager_id"));
                GX_TRY(CheckManagerChain(conn, id, manager));
            }
            const bool active =
                body.contains("active") ? body["active"].get<bool>() : cur["active"].get<bool>();
            if (!active && id == caller.user_id)
                return Error::Validation("active", "you cannot deactivate yourself");
            if (cur["active"].get<bool>() && IsAdministrator(current_rights) &&
                !(active && IsAdministrator(rights))) {
                GX_TRY(KeepAnAdministrator(conn, {id},
                                           "This is the last active administrator; give another "
                                           "user an administrator role first."));
            }
            GX_TRY(conn.Execute(sql::kUpdateUser,
                                {pick_text("display_name"), pick_text("email"), pick_text("phone"),
                                 db::Nullable(department), *role, db::Nullable(manager),
                                 std::int64_t{active}, NowSeconds(), id}));
            if (body.contains("password")) {
                GX_TRY(CheckPasswordPolicy(body, cur["username"].get<std::string>(),
                                           IsAdministrator(rights)));
                GX_TRY(conn.Execute(
                    sql::kSetPassword,
                    {HashPassword(body["password"].get<std::string>()), NowSeconds(), id}));
            }
            // A deactivated user, or one whose password was reset, is signed out everywhere at
            // once.
            if (!active || body.contains("password")) GX_TRY(store::DeleteUserSessions(conn, id));
            GX_TRY_ASSIGN(db::Row updated, MustFindUser(conn, id));
            nlohmann::json after = store::UserJson(updated);
            // Before → after per field; a password only as changed, never its text.
            nlohmann::json unsecret = body;
            unsecret.erase("password");
            nlohmann::json changes = audit::Changes(unsecret, cur, after);
            if (body.contains("password")) changes["password"] = {{"after", "(changed)"}};
            GX_TRY(
                audit::Record(conn, caller, {"user.update", "user", id, {{"changes", changes}}}));
            return after;
        });
}

Result<std::optional<std::string>> AccountService::Bootstrap(
    const std::optional<std::string>& admin_password) {
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<std::optional<std::string>> {
            GX_TRY_ASSIGN(auto count, conn.QueryOne(sql::kUserCount));
            if (count->Int(0) > 0) return std::optional<std::string>();
            const auto now = NowSeconds();
            const nlohmann::json all = AllPermissions();
            nlohmann::json manager = {"customers.view",    "customers.create", "customers.edit",
                                      "customers.delete",  "customers.export", "customers.import",
                                      "customers.transfer"};
            nlohmann::json sales = {"customers.view", "customers.create", "customers.edit"};
            // Record types: managers hold all of each, salespeople all but delete and export (as
            // with customers); of an administrator's type
            // (kAdminOnly) both only read, and only when the type says staff do.
            for (const auto& type : RecordTypes().types()) {
                if (type->type.visibility == kit::Visibility::kAdminOnly) {
                    if (!type->type.staff_read) continue;
                    manager.push_back(type->type.Permission("view"));
                    sales.push_back(type->type.Permission("view"));
                    continue;
                }
                for (std::string_view action : kit::kActions) {
                    if (type->type.permission_of.count(action)) continue;  // another's permission
                    manager.push_back(type->type.Permission(action));
                    if (action != "delete" && action != "export")
                        sales.push_back(type->type.Permission(action));
                }
            }
            std::int64_t admin_role = 0;
            for (const auto& [name, scope, perms] :
                 {std::tuple{"admin", "all", all},
                  std::tuple{"manager", "department_tree", manager},
                  std::tuple{"sales", "self", sales}}) {
                GX_TRY_ASSIGN(auto existing, conn.QueryOne(sql::kRoleByName, {std::string(name)}));
                std::int64_t id = existing ? existing->Int(0) : 0;
                if (!existing) {
                    GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kInsertRole,
                                                          {std::string(name), std::string(scope),
                                                           perms.dump(), now, now}));
                    id = row->Int(0);
                }
                if (std::string_view(name) == "admin") admin_role = id;
            }
            GX_TRY_ASSIGN(auto dept, conn.QueryOne(sql::kInsertDepartment,
                                                   {std::string("总部"), nullptr, now, now}));
            const bool generated = !admin_password || admin_password->empty();
            const std::string password = generated ? GeneratePassword() : *admin_password;
            if (const auto refused = PasswordComplaint(password, "admin", true)) {
                Error error = Error::ValidationCode("password", refused->key, refused->params);
                error.message = "The first admin's password " +
                                error.details["fields"]["password"].get<std::string>() + ".";
                return error;
            }
            GX_TRY(conn.Execute(
                sql::kInsertUser,
                {std::string("admin"), std::string("Administrator"), nullptr, nullptr, dept->Int(0),
                 admin_role, nullptr, std::int64_t{1}, HashPassword(password), now, now}));
            // RETURNING rows must be read for SQLite to finish the statement; Execute steps through
            // them.
            return generated ? std::optional(password) : std::optional<std::string>();
        });
}

}  // namespace guanxi::accounts
