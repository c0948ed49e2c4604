#include "domains/accounts/account_service.hpp"

#include "db/change_epoch.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "db/row_json.hpp"
#include "db/sql_builder.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/accounts/password.hpp"
#include "domains/audit/audit_service.hpp"

#include <algorithm>

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

nlohmann::json DepartmentJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"name", r.Text(1)},
            {"parent_id", db::JsonInt(r, 2)},
            {"created_at", FormatRfc3339(r.Int(3))},
            {"updated_at", FormatRfc3339(r.Int(4))},
            {"version", r.Int(5)},
            {"user_count", r.Int(6)}};
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

// What a user without users.manage may see of a colleague.
nlohmann::json PublicUserJson(const nlohmann::json& full) {
    nlohmann::json out;
    for (const char* key : {"id", "username", "display_name", "department_id", "department_name",
                            "manager_id", "active"}) {
        out[key] = full[key];
    }
    return out;
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
    static const std::vector<std::string> kPermissions = {
        "customers.view",   "customers.create", "customers.edit",     "customers.delete",
        "customers.export", "customers.import", "customers.transfer", "users.manage",
        "audit.view",       "pool.manage",
    };
    return kPermissions;
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

const EntityMeta& AccountService::DepartmentMeta() {
    static const EntityMeta kMeta{"departments",
                                  {
                                      {"name", FieldType::kString, true, 100, {}, true},
                                      {"parent_id", FieldType::kDepartment, false, 0, {}, true},
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

Status AccountService::RecordFailure(db::Connection& conn, const std::string& key,
                                     std::int64_t limit, std::int64_t now) {
    GX_TRY_ASSIGN(store::Attempts a, store::GetAttempts(conn, key));
    if (now - a.window_start > options_.failure_window_seconds && a.locked_until <= now) {
        a = store::Attempts{0, now, 0};
    }
    ++a.failures;
    if (a.failures >= limit) {
        // A lock long enough to be felt (a one-second lock let the next attempt through), then
        // doubling, up to the cap.
        const std::int64_t over = std::min<std::int64_t>(a.failures - limit, 20);
        a.locked_until = now + std::min<std::int64_t>(options_.first_lock_seconds << over,
                                                      options_.max_lock_seconds);
    }
    return store::PutAttempts(conn, key, a);
}

Status AccountService::ForgiveFailure(db::Connection& conn, const std::string& key,
                                      std::int64_t limit, std::int64_t now) {
    GX_TRY(store::LockAttempts(conn, key, now));
    GX_TRY_ASSIGN(store::Attempts a, store::GetAttempts(conn, key));
    if (a.failures > 0) --a.failures;
    if (a.failures < limit) a.locked_until = 0;
    return store::PutAttempts(conn, key, a);
}

Result<LoginResult> AccountService::Login(const LoginRequest& request) {
    const std::string username = text::AsciiLower(text::Trim(request.username));
    const std::string user_key = "user:" + username;
    const std::string ip_key = "ip:" + request.ip;
    const std::int64_t now = NowSeconds();

    // 1. Refuse while the name or the address is locked; otherwise count this attempt as a failure
    //    now, before the slow password check, so that parallel guesses cannot all slip in under the
    //    limit. A success takes it back (step 3). The rows are locked so concurrent attempts on
    //    PostgreSQL count one after the other instead of overwriting each other.
    GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        for (const std::string* key : {&user_key, &ip_key}) {
            GX_TRY(store::LockAttempts(conn, *key, now));
            GX_TRY_ASSIGN(store::Attempts a, store::GetAttempts(conn, *key));
            if (a.locked_until > now) {
                return Error{ErrorCode::kRateLimited,
                             "Too many failed logins. Try again later.",
                             {{"retry_after_seconds", a.locked_until - now}},
                             {}};
            }
        }
        GX_TRY(RecordFailure(conn, user_key, options_.user_failure_limit, now));
        return RecordFailure(conn, ip_key, options_.ip_failure_limit, now);
    }));
    // 2. Check the password outside any transaction: argon2id is deliberately slow.
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
    // 3. Record the outcome (a failure is already counted).
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
            GX_TRY(store::ClearAttempts(conn, user_key));
            GX_TRY(ForgiveFailure(conn, ip_key, options_.ip_failure_limit, now));
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

// ---- Departments ----

Result<nlohmann::json> AccountService::ListDepartments(const Principal&) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(sql::kListDepartments));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) items.push_back(DepartmentJson(r));
    return nlohmann::json{
        {"items", items}, {"total", items.size()}, {"page", 1}, {"page_size", items.size()}};
}

Result<nlohmann::json> AccountService::CreateDepartment(const Principal& caller,
                                                        const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(ValidateBody(DepartmentMeta(), body, true));
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            auto parent = OptInt(body, "parent_id");
            if (parent) GX_TRY(CheckRefExists(conn, kDepartmentExists, *parent, "parent_id"));
            const auto now = NowSeconds();
            GX_TRY_ASSIGN(auto row, conn.QueryOne(sql::kInsertDepartment,
                                                  {text::Trim(body["name"].get<std::string>()),
                                                   db::Nullable(parent), now, now}));
            const std::int64_t id = row->Int(0);
            GX_TRY(audit::Record(conn, caller, {"department.create", "department", id, body}));
            GX_TRY_ASSIGN(auto created, conn.QueryOne(sql::kGetDepartment, {id}));
            return DepartmentJson(*created);
        });
}

Result<nlohmann::json> AccountService::UpdateDepartment(const Principal& caller, std::int64_t id,
                                                        const nlohmann::json& body) {
    GX_TRY(RequireManage(caller));
    GX_TRY(CheckVersionType(body));
    GX_TRY(ValidateBody(DepartmentMeta(), body, false, {"version"}));
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<nlohmann::json> {
            GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetDepartment, {id}));
            if (!current) return Error::NotFound("Department");
            GX_TRY(CheckVersion(body, current->Int(5)));
            std::string name = body.contains("name") ? text::Trim(body["name"].get<std::string>())
                                                     : current->Text(1);
            std::optional<std::int64_t> parent =
                body.contains("parent_id") ? OptInt(body, "parent_id") : current->OptInt(2);
            if (parent) {
                GX_TRY(CheckRefExists(conn, kDepartmentExists, *parent, "parent_id"));
                GX_TRY_ASSIGN(db::Rows subtree, conn.Query(sql::kDepartmentSubtree, {id}));
                for (const auto& r : subtree) {
                    if (r.Int(0) == *parent)
                        return Error::Validation("parent_id",
                                                 "cannot be the department itself or one below it");
                }
            }
            GX_TRY(conn.Execute(sql::kUpdateDepartment,
                                {name, db::Nullable(parent), NowSeconds(), id}));
            GX_TRY(audit::Record(conn, caller, {"department.update", "department", id, body}));
            GX_TRY_ASSIGN(auto updated, conn.QueryOne(sql::kGetDepartment, {id}));
            return DepartmentJson(*updated);
        });
}

Status AccountService::DeleteDepartment(const Principal& caller, std::int64_t id) {
    GX_TRY(RequireManage(caller));
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetDepartment, {id}));
        if (!current) return Error::NotFound("Department");
        GX_TRY_ASSIGN(auto children, conn.QueryOne(sql::kDepartmentChildren, {id}));
        GX_TRY_ASSIGN(auto members, conn.QueryOne(sql::kDepartmentMembers, {id}));
        if (children->Int(0) > 0 || members->Int(0) > 0) {
            return Error{ErrorCode::kConflict,
                         "Move its sub-departments and users elsewhere first.",
                         {{"departments", children->Int(0)}, {"users", members->Int(0)}},
                         {}};
        }
        GX_TRY(conn.Execute(sql::kDeleteDepartment, {NowSeconds(), id}));
        return audit::Record(conn, caller, {"department.delete", "department", id, {}});
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
            GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetRole, {id}));
            if (!current) return Error::NotFound("Role");
            GX_TRY(CheckVersion(body, current->Int(6)));
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
            GX_TRY(audit::Record(conn, caller, {"role.update", "role", id, body}));
            GX_TRY_ASSIGN(auto updated, conn.QueryOne(sql::kGetRole, {id}));
            return RoleJson(*updated);
        });
}

Status AccountService::DeleteRole(const Principal& caller, std::int64_t id) {
    GX_TRY(RequireManage(caller));
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto current, conn.QueryOne(sql::kGetRole, {id}));
        if (!current) return Error::NotFound("Role");
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
        const std::string like = "%" + db::EscapeLike(text::AsciiLower(*query.q)) + "%";
        where.Add(
            "LOWER(u.username) LIKE ? ESCAPE '\\' OR LOWER(u.display_name) LIKE ? ESCAPE '\\'",
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
    // Walk up from the new manager; meeting the user again would close a loop.
    std::optional<std::int64_t> cursor = manager_id;
    for (int depth = 0; cursor && depth < 64; ++depth) {
        if (*cursor == user_id)
            return Error::Validation("manager_id", "would make a loop in the manager chain");
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
    if (text::CodePointCount(password) < 8)
        return Error::Validation("password", "must be at least 8 characters");
    GX_TRY_ASSIGN(auto taken, conn.QueryOne(sql::kUsernameTaken, {username}));
    if (taken)
        return Error{ErrorCode::kConflict,
                     "This user name is taken.",
                     {{"fields", {{"username", "is taken"}}}},
                     {}};
    auto department = OptInt(body, "department_id");
    auto manager = OptInt(body, "manager_id");
    const std::int64_t role = body["role_id"].get<std::int64_t>();
    if (department) GX_TRY(CheckRefExists(conn, kDepartmentExists, *department, "department_id"));
    if (manager) GX_TRY(CheckRefExists(conn, kUserExists, *manager, "manager_id"));
    GX_TRY(CheckRefExists(conn, kRoleExists, role, "role_id"));
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
            GX_TRY_ASSIGN(db::Row current, MustFindUser(conn, id));
            nlohmann::json cur = store::UserJson(current);
            GX_TRY(CheckVersion(body, current.Int(14)));
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
            if (body.contains("role_id"))
                GX_TRY(CheckRefExists(conn, kRoleExists, *role, "role_id"));
            if (body.contains("manager_id")) {
                if (manager) GX_TRY(CheckRefExists(conn, kUserExists, *manager, "manager_id"));
                GX_TRY(CheckManagerChain(conn, id, manager));
            }
            const bool active =
                body.contains("active") ? body["active"].get<bool>() : cur["active"].get<bool>();
            if (!active && id == caller.user_id)
                return Error::Validation("active", "you cannot deactivate yourself");
            GX_TRY(conn.Execute(sql::kUpdateUser,
                                {pick_text("display_name"), pick_text("email"), pick_text("phone"),
                                 db::Nullable(department), *role, db::Nullable(manager),
                                 std::int64_t{active}, NowSeconds(), id}));
            if (body.contains("password")) {
                const std::string password = body["password"].get<std::string>();
                if (text::CodePointCount(password) < 8)
                    return Error::Validation("password", "must be at least 8 characters");
                GX_TRY(conn.Execute(sql::kSetPassword, {HashPassword(password), NowSeconds(), id}));
            }
            // A deactivated user, or one whose password was reset, is signed out everywhere at
            // once.
            if (!active || body.contains("password")) GX_TRY(store::DeleteUserSessions(conn, id));
            nlohmann::json logged = body;
            if (logged.contains("password")) logged["password"] = "(changed)";
            GX_TRY(audit::Record(conn, caller, {"user.update", "user", id, logged}));
            GX_TRY_ASSIGN(db::Row updated, MustFindUser(conn, id));
            return store::UserJson(updated);
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
            const nlohmann::json manager = {
                "customers.view",   "customers.create", "customers.edit",    "customers.delete",
                "customers.export", "customers.import", "customers.transfer"};
            const nlohmann::json sales = {"customers.view", "customers.create", "customers.edit"};
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
