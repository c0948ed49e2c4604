// Accounts: login and its throttling, sessions (Bearer and cookie), deactivation and password
// resets, /me, and the organisation rules (who may change it, department and manager loops).

#include "api_test_support.hpp"

#include "core/time.hpp"

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class AuthTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        sales_dept_ = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), sales_dept_);
    }

    Reply TryLogin(const std::string& username, const std::string& password,
                   const std::string& ip = "10.0.0.1") {
        return Call("POST", "/api/v1/auth/login", {{"username", username}, {"password", password}},
                    "", ip);
    }

    // A request carrying the session cookie instead of the Bearer header, as the browser sends it.
    Reply CallWithCookie(const std::string& method, const std::string& target,
                         const std::string& token, const std::string& body = "",
                         const std::string& content_type = "") {
        http::Request request;
        request.method = method;
        EXPECT_TRUE(request.SetTarget(target));
        request.remote_ip = "10.0.0.1";
        request.headers["cookie"] = "theme=dark; guanxi_session=" + token + "; lang=zh-CN";
        if (!content_type.empty()) request.headers["content-type"] = content_type;
        request.body = body;
        return Send(std::move(request));
    }

    std::int64_t sales_dept_ = 0;
    TestUser alice_;
};

TEST_P(AuthTest, LoginReturnsTokenAndUserAndSetsAnHttpOnlySameSiteCookie) {
    Reply r = TryLogin("alice", kPassword);
    ASSERT_EQ(r.status, 200) << r.body.dump();
    const std::string token = r.body["token"].get<std::string>();
    EXPECT_GE(token.size(), 32u);
    EXPECT_EQ(r.body["user"]["username"], "alice");
    EXPECT_EQ(r.body["user"]["id"], alice_.id);
    EXPECT_EQ(r.raw.body.find("password"), std::string::npos) << r.raw.body;
    EXPECT_EQ(r.raw.body.find("argon2"), std::string::npos) << r.raw.body;

    const auto cookie = r.raw.HeaderValue("Set-Cookie");
    ASSERT_TRUE(cookie.has_value());
    EXPECT_EQ(cookie->rfind("guanxi_session=" + token + ";", 0), 0u) << *cookie;
    EXPECT_NE(cookie->find("HttpOnly"), std::string::npos) << *cookie;
    EXPECT_NE(cookie->find("SameSite="), std::string::npos) << *cookie;
    EXPECT_NE(cookie->find("Path=/"), std::string::npos) << *cookie;
    EXPECT_EQ(r.raw.HeaderValue("Cache-Control"), "no-store");

    // User names are not case-sensitive; every login is a new session.
    Reply upper = TryLogin("  ALICE ", kPassword);
    ASSERT_EQ(upper.status, 200);
    EXPECT_NE(upper.body["token"], r.body["token"]);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, token).status, 200);
}

TEST_P(AuthTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
    Reply wrong = TryLogin("alice", "not-her-password");
    Reply unknown = TryLogin("nobody", "not-her-password");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.code(), "unauthenticated");
    EXPECT_EQ(wrong.body["error"], unknown.body["error"]);
    EXPECT_FALSE(wrong.raw.HeaderValue("Set-Cookie").has_value());
    // Missing or empty fields are a 422, not a login attempt.
    Reply empty = Call("POST", "/api/v1/auth/login", {{"username", "alice"}, {"password", ""}});
    EXPECT_EQ(empty.status, 422);
    EXPECT_TRUE(empty.body["error"]["details"]["fields"].contains("password"));
}

TEST_P(AuthTest, FiveFailuresLockThatAddressForThatNameOnly) {
    for (int i = 0; i < 5; ++i) {
        Reply r = TryLogin("alice", "guess-" + std::to_string(i), "10.1.0.1");
        EXPECT_EQ(r.status, 401) << "attempt " << i << ": " << r.body.dump();
    }
    // That address is refused for that name, even with the right password...
    Reply locked = TryLogin("alice", kPassword, "10.1.0.1");
    EXPECT_EQ(locked.status, 429) << locked.body.dump();
    EXPECT_EQ(locked.code(), "rate_limited");
    ASSERT_TRUE(locked.body["error"]["details"]["retry_after_seconds"].is_number_integer())
        << locked.body.dump();
    const auto retry = locked.body["error"]["details"]["retry_after_seconds"].get<std::int64_t>();
    EXPECT_GE(retry, 10);
    EXPECT_LE(retry, 15 * 60);
    EXPECT_EQ(TryLogin("ALICE", kPassword, "10.1.0.1").status, 429);
    // ...but alice at another address gets in, colleagues behind the same address too, and her
    // existing sessions keep working.
    EXPECT_EQ(TryLogin("alice", kPassword, "10.1.0.2").status, 200);
    CreateUser("bob", RoleId("sales"), sales_dept_);
    EXPECT_EQ(TryLogin("bob", kPassword, "10.1.0.1").status, 200);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 200);
}

TEST_P(AuthTest, TheRightPasswordFromACleanAddressLogsInWhileAnotherAddressHammers) {
    // An attacker hammers alice and the admin with wrong passwords from one address while they log
    // in from theirs: they are never locked out.
    std::atomic<bool> stop{false};
    std::atomic<int> attempts{0};
    std::thread attacker([&] {
        for (int i = 0; !stop || i < 40; ++i) {
            const char* name = i % 2 == 0 ? "alice" : "admin";
            const int status = TryLogin(name, "guess-" + std::to_string(i), "198.51.100.66").status;
            EXPECT_TRUE(status == 401 || status == 429) << status;
            ++attempts;
        }
    });
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(TryLogin("alice", kPassword, "10.9.9.9").status, 200) << "login " << i;
        EXPECT_EQ(TryLogin("admin", "admin-password", "10.9.9.10").status, 200) << "login " << i;
    }
    stop = true;
    attacker.join();
    EXPECT_GE(attempts.load(), 40);
    EXPECT_EQ(TryLogin("alice", kPassword, "10.9.9.9").status, 200);
    EXPECT_EQ(TryLogin("admin", "admin-password", "10.9.9.11").status, 200);
    // The attacker's own address is what got locked.
    EXPECT_EQ(TryLogin("alice", kPassword, "198.51.100.66").status, 429);
}

TEST_P(AuthTest, GuessesSpreadOverManyAddressesLockTheNameOnlyWhereTheyCameFrom) {
    // Twenty addresses, one wrong password each: no pair reaches its limit, the name does.
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(TryLogin("alice", "guess-" + std::to_string(i), "10.3.0." + std::to_string(i + 1))
                      .status,
                  401)
            << i;
    }
    // From an address that has guessed wrong for alice, even the right password waits...
    Reply locked = TryLogin("alice", kPassword, "10.3.0.7");
    EXPECT_EQ(locked.status, 429) << locked.body.dump();
    EXPECT_EQ(TryLogin("alice", "guess-again", "10.3.0.8").status, 429);
    // ...while alice at a clean address logs in, and the name's lock does not touch other names.
    EXPECT_EQ(TryLogin("alice", kPassword, "10.3.1.1").status, 200);
    CreateUser("bob", RoleId("sales"), sales_dept_);
    EXPECT_EQ(TryLogin("bob", kPassword, "10.3.0.7").status, 200);
}

TEST_P(AuthTest, ALockRunsOutAndIsNotRenewedByTheNextFailure) {
    const auto expire_locks = [&] {
        auto lease = app().db().Acquire();
        ASSERT_TRUE(lease.ok());
        ASSERT_TRUE(
            (*lease)
                ->Execute("UPDATE login_attempts SET locked_until = ? WHERE locked_until > 0",
                          {NowSeconds() - 1})
                .ok());
    };
    for (int i = 0; i < 5; ++i) EXPECT_EQ(TryLogin("alice", "typo", "10.4.0.1").status, 401);
    Reply first = TryLogin("alice", kPassword, "10.4.0.1");
    ASSERT_EQ(first.status, 429);
    const auto first_lock = first.body["error"]["details"]["retry_after_seconds"].get<int>();
    expire_locks();
    // The lock has run out: one more wrong password is a plain 401, not a new lock...
    EXPECT_EQ(TryLogin("alice", "typo", "10.4.0.1").status, 401);
    EXPECT_EQ(TryLogin("alice", kPassword, "10.4.0.1").status, 200);
    // ...and a success forgets that address's record: five fresh failures for the next lock.
    for (int i = 0; i < 5; ++i) EXPECT_EQ(TryLogin("alice", "typo", "10.4.0.1").status, 401) << i;
    EXPECT_EQ(TryLogin("alice", "typo", "10.4.0.1").status, 429);
    // A guesser who keeps at it gets longer locks, one per five failures, never a permanent one.
    expire_locks();
    for (int i = 0; i < 4; ++i) EXPECT_EQ(TryLogin("alice", "typo", "10.4.0.1").status, 401) << i;
    Reply still_open = TryLogin("alice", "typo", "10.4.0.1");
    EXPECT_EQ(still_open.status, 401);
    Reply second = TryLogin("alice", kPassword, "10.4.0.1");
    ASSERT_EQ(second.status, 429);
    EXPECT_GT(second.body["error"]["details"]["retry_after_seconds"].get<int>(), first_lock);
    expire_locks();
    EXPECT_EQ(TryLogin("alice", kPassword, "10.4.0.1").status, 200);
}

TEST_P(AuthTest, ParallelGuessesCannotSlipUnderTheLimit) {
    // Twenty wrong passwords at once from one address: the password check is slow, so a limit that
    // only counted finished attempts would let them all through.
    constexpr int kGuesses = 20;
    std::latch start(kGuesses);
    std::vector<int> statuses(kGuesses);
    std::vector<std::thread> threads;
    for (int i = 0; i < kGuesses; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            statuses[i] = TryLogin("alice", "guess-" + std::to_string(i), "10.2.0.1").status;
        });
    }
    for (auto& t : threads) t.join();
    // Some may be turned away as "too many at once from this address" (429) before any check.
    auto checked = std::count(statuses.begin(), statuses.end(), 401);
    const auto refused = std::count(statuses.begin(), statuses.end(), 429);
    EXPECT_LE(checked, 5) << "password checks let through";
    EXPECT_EQ(checked + refused, kGuesses);
    // Whatever the burst left, the address gets five checks in all before the lock.
    for (int i = 0; i < 10; ++i) {
        const int status = TryLogin("alice", "more-guesses", "10.2.0.1").status;
        if (status == 429) break;
        EXPECT_EQ(status, 401);
        ++checked;
    }
    EXPECT_EQ(checked, 5);
    EXPECT_EQ(TryLogin("alice", kPassword, "10.2.0.1").status, 429);
}

TEST_P(AuthTest, LoginTakesOnlyAJsonBody) {
    // A cross-site form can post text/plain or a form without CORS: such a body is no login, even
    // when it holds the right JSON (login CSRF), and it counts as no attempt.
    const std::string body = json{{"username", "alice"}, {"password", kPassword}}.dump();
    const auto post = [&](std::optional<std::string> type) {
        http::Request request;
        request.method = "POST";
        EXPECT_TRUE(request.SetTarget("/api/v1/auth/login"));
        request.remote_ip = "10.5.0.1";
        if (type) request.headers["content-type"] = *type;
        request.body = body;
        return Send(std::move(request));
    };
    for (const std::optional<std::string>& type :
         {std::optional<std::string>("text/plain"), std::optional<std::string>("text/plain; a=b"),
          std::optional<std::string>("application/x-www-form-urlencoded"),
          std::optional<std::string>("multipart/form-data; boundary=x"),
          std::optional<std::string>("application/jsonp"),
          std::optional<std::string>("application/json-patch+json"),
          std::optional<std::string>()}) {
        Reply r = post(type);
        EXPECT_EQ(r.status, 415) << type.value_or("(none)") << ": " << r.body.dump();
        EXPECT_EQ(r.code(), "unsupported_media_type") << r.body.dump();
        EXPECT_FALSE(r.raw.HeaderValue("Set-Cookie").has_value());
    }
    for (const std::string type : {"application/json", "application/json; charset=utf-8",
                                   "Application/JSON;charset=UTF-8"}) {
        Reply r = post(type);
        EXPECT_EQ(r.status, 200) << type << ": " << r.body.dump();
    }
}

TEST_P(AuthTest, ASuccessfulLoginResetsTheFailureCount) {
    for (int i = 0; i < 4; ++i) EXPECT_EQ(TryLogin("alice", "typo").status, 401);
    EXPECT_EQ(TryLogin("alice", kPassword).status, 200);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(TryLogin("alice", "typo").status, 401);
    EXPECT_EQ(TryLogin("alice", kPassword).status, 200);
}

TEST_P(AuthTest, ManyFailuresFromOneAddressLockThatAddress) {
    // Different names each time, so no single name reaches its limit.
    int refused_at = -1;
    for (int i = 0; i < 40 && refused_at < 0; ++i) {
        Reply r = TryLogin("guess" + std::to_string(i), "password-guess", "203.0.113.7");
        if (r.status == 429) {
            refused_at = i;
            EXPECT_GT(r.body["error"]["details"]["retry_after_seconds"].get<std::int64_t>(), 0);
        } else {
            EXPECT_EQ(r.status, 401) << r.body.dump();
        }
    }
    EXPECT_EQ(refused_at, 30) << "the address should be refused after 30 failures";
    EXPECT_EQ(TryLogin("alice", kPassword, "203.0.113.7").status, 429);
    EXPECT_EQ(TryLogin("alice", kPassword, "203.0.113.8").status, 200);
}

TEST_P(AuthTest, ADeactivatedUserCannotLogInAndTheirTokenStopsWorkingAtOnce) {
    const std::string second_session = Login("alice", kPassword);
    ASSERT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 200);
    const std::string path = "/api/v1/users/" + std::to_string(alice_.id);
    Reply off = Call("PATCH", path, {{"active", false}}, admin());
    ASSERT_EQ(off.status, 200) << off.body.dump();
    EXPECT_FALSE(off.body["active"].get<bool>());
    for (const std::string& token : {alice_.token, second_session}) {
        Reply me = Call("GET", "/api/v1/me", nullptr, token);
        EXPECT_EQ(me.status, 401);
        EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, token).status, 401);
    }
    Reply login = TryLogin("alice", kPassword);
    EXPECT_EQ(login.status, 401);
    EXPECT_FALSE(login.body.contains("token"));
    // Back on: she logs in again, but the old tokens stay dead.
    ASSERT_EQ(Call("PATCH", path, {{"active", true}}, admin()).status, 200);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 401);
    EXPECT_EQ(TryLogin("alice", kPassword).status, 200);
    // The admin cannot lock themself out.
    const std::string admin_path =
        "/api/v1/users/" + Call("GET", "/api/v1/me", nullptr, admin()).body["id"].dump();
    Reply self = Call("PATCH", admin_path, {{"active", false}}, admin());
    EXPECT_EQ(self.status, 422);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, admin()).status, 200);
}

TEST_P(AuthTest, APasswordResetSignsTheUserOut) {
    const std::string path = "/api/v1/users/" + std::to_string(alice_.id);
    Reply reset = Call("PATCH", path, {{"password", "brand-new-secret"}}, admin());
    ASSERT_EQ(reset.status, 200) << reset.body.dump();
    EXPECT_FALSE(reset.body.contains("password"));
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 401);
    EXPECT_EQ(TryLogin("alice", kPassword).status, 401);
    EXPECT_EQ(TryLogin("alice", "brand-new-secret").status, 200);
    Reply too_short = Call("PATCH", path, {{"password", "short"}}, admin());
    EXPECT_EQ(too_short.status, 422);
    EXPECT_TRUE(too_short.body["error"]["details"]["fields"].contains("password"));
    EXPECT_EQ(TryLogin("alice", "brand-new-secret").status, 200);
}

TEST_P(AuthTest, LogoutEndsOnlyThatSession) {
    const std::string other = Login("alice", kPassword);
    Reply out = Call("POST", "/api/v1/auth/logout", nullptr, alice_.token);
    ASSERT_EQ(out.status, 204) << out.body.dump();
    const auto cookie = out.raw.HeaderValue("Set-Cookie");
    ASSERT_TRUE(cookie.has_value());
    EXPECT_NE(cookie->find("Max-Age=0"), std::string::npos) << *cookie;
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, alice_.token).status, 401);
    EXPECT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, alice_.token).status, 401);
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, other).status, 200);
}

TEST_P(AuthTest, MeHasTheRoleAndItsPermissions) {
    Reply me = Call("GET", "/api/v1/me", nullptr, alice_.token);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.body["username"], "alice");
    EXPECT_EQ(me.body["department_id"], sales_dept_);
    EXPECT_EQ(me.body["role"]["name"], "sales");
    EXPECT_EQ(me.body["role"]["data_scope"], "self");
    const auto perms = me.body["permissions"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(perms.begin(), perms.end(), "customers.view"), perms.end());
    EXPECT_EQ(std::find(perms.begin(), perms.end(), "users.manage"), perms.end());
    EXPECT_EQ(me.raw.body.find("password"), std::string::npos);

    Reply admin_me = Call("GET", "/api/v1/me", nullptr, admin());
    EXPECT_EQ(admin_me.body["role"]["data_scope"], "all");
    const auto admin_perms = admin_me.body["permissions"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(admin_perms.begin(), admin_perms.end(), "users.manage"), admin_perms.end());

    // A role change applies to live sessions at once.
    const std::int64_t viewer = CreateRole("viewer", "department", json::array({"customers.view"}));
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id), {{"role_id", viewer}}, admin())
            .status,
        200);
    me = Call("GET", "/api/v1/me", nullptr, alice_.token);
    EXPECT_EQ(me.body["role"]["name"], "viewer");
    EXPECT_EQ(me.body["permissions"], json::array({"customers.view"}));
    EXPECT_EQ(Call("POST", "/api/v1/customers", {{"name", "x"}}, alice_.token).status, 403);

    Reply anonymous = Call("GET", "/api/v1/me");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.code(), "unauthenticated");
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, "forged-token").status, 401);
}

TEST_P(AuthTest, TheSessionCookieAuthenticatesAndRefusesNonJsonWrites) {
    Reply me = CallWithCookie("GET", "/api/v1/me", alice_.token);
    ASSERT_EQ(me.status, 200) << me.body.dump();
    EXPECT_EQ(me.body["username"], "alice");
    EXPECT_EQ(CallWithCookie("GET", "/api/v1/me", "not-a-session").status, 401);

    const std::string body = json{{"name", "表单提交公司"}}.dump();
    // What a cross-site HTML form can send: refused, and nothing is created.
    for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", ""}) {
        Reply forged = CallWithCookie("POST", "/api/v1/customers", alice_.token, body, type);
        EXPECT_EQ(forged.status, 403) << "content type '" << type << "': " << forged.body.dump();
    }
    EXPECT_EQ(CallWithCookie("POST", "/api/v1/auth/logout", alice_.token, "", "text/plain").status,
              403);
    EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, alice_.token).body["total"], 0);
    Reply ok = CallWithCookie("POST", "/api/v1/customers", alice_.token, body,
                              "application/json; charset=utf-8");
    EXPECT_EQ(ok.status, 201) << ok.body.dump();
    EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, alice_.token).body["total"], 1);
    // The Bearer header is not subject to the cookie rule (no browser sends it by itself).
    http::Request request;
    request.method = "POST";
    ASSERT_TRUE(request.SetTarget("/api/v1/auth/logout"));
    request.headers["authorization"] = "Bearer " + alice_.token;
    request.headers["content-type"] = "text/plain";
    EXPECT_EQ(Send(request).status, 204);
    EXPECT_EQ(CallWithCookie("GET", "/api/v1/me", alice_.token).status, 401);
}

TEST_P(AuthTest, OnlyUsersManageMayChangeTheOrganisation) {
    const std::int64_t manager = RoleId("manager");
    TestUser boss = CreateUser("boss", manager, sales_dept_);
    const json dept_count = Call("GET", "/api/v1/departments", nullptr, admin()).body["total"];
    const json role_count = Call("GET", "/api/v1/roles", nullptr, admin()).body["total"];
    const json user_count = Call("GET", "/api/v1/users", nullptr, admin()).body["total"];
    const std::string alice_path = "/api/v1/users/" + std::to_string(alice_.id);
    const std::string dept_path = "/api/v1/departments/" + std::to_string(sales_dept_);
    struct Attempt {
        const char* method;
        std::string path;
        json body;
    };
    const std::vector<Attempt> attempts = {
        {"POST",
         "/api/v1/users",
         {{"username", "mallory"},
          {"display_name", "M"},
          {"password", "password-123"},
          {"role_id", 1}}},
        {"POST",
         "/api/v1/roles",
         {{"name", "superuser"}, {"data_scope", "all"}, {"permissions", {"users.manage"}}}},
        {"POST", "/api/v1/departments", {{"name", "影子部门"}}},
        {"PATCH", alice_path, {{"role_id", 1}}},
        {"PATCH", alice_path, {{"password", "taken-over-123"}}},
        {"PATCH", "/api/v1/roles/" + std::to_string(RoleId("sales")), {{"data_scope", "all"}}},
        {"PATCH", dept_path, {{"name", "改名"}}},
        {"DELETE", dept_path, nullptr},
        {"POST", alice_path + "/handover", {{"to_user_id", boss.id}}},
    };
    for (const TestUser* user : {&alice_, &boss}) {
        for (const auto& a : attempts) {
            Reply r = Call(a.method, a.path, a.body, user->token);
            EXPECT_EQ(r.status, 403) << a.method << " " << a.path << ": " << r.body.dump();
            EXPECT_EQ(r.code(), "forbidden");
        }
    }
    EXPECT_EQ(Call("GET", "/api/v1/departments", nullptr, admin()).body["total"], dept_count);
    EXPECT_EQ(Call("GET", "/api/v1/roles", nullptr, admin()).body["total"], role_count);
    EXPECT_EQ(Call("GET", "/api/v1/users", nullptr, admin()).body["total"], user_count);
    Reply alice = Call("GET", alice_path, nullptr, admin());
    EXPECT_EQ(alice.body["role_id"], RoleId("sales"));
    EXPECT_EQ(alice.body["version"], 1);
    EXPECT_EQ(TryLogin("alice", kPassword).status, 200);
    // Everyone may read the organisation (to pick an owner), but not colleagues' contact details.
    Reply users = Call("GET", "/api/v1/users", nullptr, alice_.token);
    ASSERT_EQ(users.status, 200);
    for (const auto& u : users.body["items"]) {
        if (u["id"] != alice_.id) {
            EXPECT_FALSE(u.contains("email")) << u.dump();
        }
    }
}

TEST_P(AuthTest, MovingADepartmentBelowItselfIsRefused) {
    const std::int64_t hq = CreateDepartment("HQ");
    const std::int64_t a = CreateDepartment("Sales A", hq);
    const std::int64_t east = CreateDepartment("Sales A-East", a);
    const auto move = [&](std::int64_t id, json parent) {
        return Call("PATCH", "/api/v1/departments/" + std::to_string(id), {{"parent_id", parent}},
                    admin());
    };
    const std::vector<std::pair<std::int64_t, std::int64_t>> loops = {
        {hq, east}, {hq, a}, {a, a}, {a, east}};
    for (const auto& [id, parent] : loops) {
        Reply r = move(id, parent);
        EXPECT_EQ(r.status, 422) << id << " under " << parent << ": " << r.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("parent_id")) << r.body.dump();
    }
    Reply unknown = move(east, 999999);
    EXPECT_EQ(unknown.status, 422);
    // Nothing moved: the tree is as built.
    std::map<std::int64_t, json> parents;
    const Reply tree = Call("GET", "/api/v1/departments", nullptr, admin());
    for (const auto& d : tree.body["items"]) {
        parents[d["id"].get<std::int64_t>()] = d["parent_id"];
    }
    EXPECT_EQ(parents[hq], nullptr);
    EXPECT_EQ(parents[a], hq);
    EXPECT_EQ(parents[east], a);
    // A legal move works, and then the old relation is the forbidden one.
    ASSERT_EQ(move(east, hq).status, 200);
    ASSERT_EQ(move(a, east).status, 200);
    EXPECT_EQ(move(east, a).status, 422);
    EXPECT_EQ(move(a, nullptr).status, 200);
}

TEST_P(AuthTest, ManagerChainLoopsAreRefused) {
    const std::int64_t sales = RoleId("sales");
    TestUser top = CreateUser("top", sales, sales_dept_);
    TestUser middle = CreateUser("middle", sales, sales_dept_, top.id);
    TestUser bottom = CreateUser("bottom", sales, sales_dept_, middle.id);
    const auto set_manager = [&](std::int64_t user, json manager) {
        return Call("PATCH", "/api/v1/users/" + std::to_string(user), {{"manager_id", manager}},
                    admin());
    };
    const std::vector<std::pair<std::int64_t, std::int64_t>> loops = {
        {top.id, bottom.id}, {top.id, middle.id}, {middle.id, bottom.id}, {top.id, top.id}};
    for (const auto& [user, manager] : loops) {
        Reply r = set_manager(user, manager);
        EXPECT_EQ(r.status, 422) << user << " reporting to " << manager << ": " << r.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("manager_id")) << r.body.dump();
    }
    EXPECT_EQ(
        Call("GET", "/api/v1/users/" + std::to_string(top.id), nullptr, admin()).body["manager_id"],
        nullptr);
    EXPECT_EQ(set_manager(bottom.id, 999999).status, 422);
    EXPECT_EQ(set_manager(bottom.id, top.id).status, 200);
    EXPECT_EQ(set_manager(top.id, alice_.id).status, 200);
    EXPECT_EQ(set_manager(alice_.id, middle.id).status, 422);  // alice → middle → top → alice
}

TEST_P(AuthTest, ManagerLoopsAreFoundHoweverLongTheChain) {
    // chain[i] reports to chain[i - 1]: a chain longer than any fixed depth limit.
    constexpr int kLength = 75;
    const std::int64_t sales = RoleId("sales");
    std::vector<std::int64_t> chain;
    for (int i = 0; i < kLength; ++i) {
        json body = {{"username", "link" + std::to_string(i)},
                     {"display_name", "Link " + std::to_string(i)},
                     {"password", kPassword},
                     {"role_id", sales}};
        if (!chain.empty()) body["manager_id"] = chain.back();
        Reply r = Call("POST", "/api/v1/users", body, admin());
        ASSERT_EQ(r.status, 201) << r.body.dump();
        chain.push_back(r.body["id"].get<std::int64_t>());
    }
    const std::string top = "/api/v1/users/" + std::to_string(chain.front());
    for (const std::int64_t manager : {chain.back(), chain[70], chain[65]}) {
        Reply r = Call("PATCH", top, {{"manager_id", manager}}, admin());
        EXPECT_EQ(r.status, 422) << manager << ": " << r.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("manager_id")) << r.body.dump();
    }
    EXPECT_EQ(Call("GET", top, nullptr, admin()).body["manager_id"], nullptr);
    // Hanging the whole chain under alice is no loop.
    EXPECT_EQ(Call("PATCH", top, {{"manager_id", alice_.id}}, admin()).status, 200);
    Reply loop = Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id),
                      {{"manager_id", chain.back()}}, admin());
    EXPECT_EQ(loop.status, 422) << loop.body.dump();
}

TEST_P(AuthTest, WeakPasswordsAreRefusedNamingThePasswordField) {
    const std::int64_t sales = RoleId("sales");
    const std::int64_t admin_role = RoleId("admin");
    const auto create = [&](const std::string& username, const std::string& password,
                            std::int64_t role) {
        return Call("POST", "/api/v1/users",
                    {{"username", username},
                     {"display_name", username},
                     {"password", password},
                     {"role_id", role}},
                    admin());
    };
    struct Weak {
        std::string username, password;
        std::int64_t role;
        std::string reason_has;
    };
    const std::vector<Weak> weak = {
        {"carol", "short-1", sales, "at least 8"},
        {"carol", "password", sales, "common"},
        {"carol", "PassWord123", sales, "common"},
        {"carol", "12345678", sales, "common"},
        {"carol", "qwertyuiop", sales, "common"},
        {"carol", "woaini1314", sales, "common"},
        {"carol", "zzzzzzzzzz", sales, "repeated"},
        {"carol.wang", "carol.wang", sales, "user name"},
        {"carol.wang", "CarolWang", sales, "user name"},
        {"carol.wang", "carol.wang2024!", sales, "user name"},
        {"carol.wang", "2024carolwang", sales, "user name"},
        {"carol.wang", "gnaw.lorac", sales, "user name"},
        {"carol.wang", "carolwangcarolwang", sales, "user name"},
        {"root2", "nine-char", admin_role, "at least 10 characters for an administrator"},
        {"root2", "admin12345", admin_role, "common"},
    };
    const json before = Call("GET", "/api/v1/users", nullptr, admin()).body["total"];
    for (const auto& w : weak) {
        Reply r = create(w.username, w.password, w.role);
        EXPECT_EQ(r.status, 422) << w.password << ": " << r.body.dump();
        const json& fields = r.body["error"]["details"]["fields"];
        ASSERT_TRUE(fields.contains("password")) << w.password << ": " << r.body.dump();
        EXPECT_NE(fields["password"].get<std::string>().find(w.reason_has), std::string::npos)
            << w.password << ": " << r.body.dump();
    }
    EXPECT_EQ(Call("GET", "/api/v1/users", nullptr, admin()).body["total"], before);

    // Passphrases: spaces and any script count, code point by code point; 200 Chinese characters
    // are 600 bytes and still log in.
    std::string long_phrase;
    for (int i = 0; i < 200; ++i) long_phrase += "长";
    long_phrase.replace(0, 3, "春");
    for (const auto& [username, password, role] :
         std::vector<std::tuple<std::string, std::string, std::int64_t>>{
             {"dave", "correct horse battery staple", sales},
             {"erin", "我的密码是一句话", sales},
             {"frank", long_phrase, sales},
             {"root2", "ten-chars!", admin_role}}) {
        Reply r = create(username, password, role);
        EXPECT_EQ(r.status, 201) << username << ": " << r.body.dump();
        EXPECT_EQ(TryLogin(username, password).status, 200) << username;
    }

    // A reset follows the same rules, for the user's own name and role; the old password stays.
    const std::string alice_path = "/api/v1/users/" + std::to_string(alice_.id);
    for (const std::string password : {"alice123", "password1", "Alice-2025"}) {
        Reply r = Call("PATCH", alice_path, {{"password", password}}, admin());
        EXPECT_EQ(r.status, 422) << password << ": " << r.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("password")) << r.body.dump();
    }
    EXPECT_EQ(TryLogin("alice", kPassword).status, 200);
    Reply promote =
        Call("PATCH", alice_path, {{"role_id", admin_role}, {"password", "nine-char"}}, admin());
    EXPECT_EQ(promote.status, 422) << promote.body.dump();
    EXPECT_EQ(Call("GET", alice_path, nullptr, admin()).body["role_id"], sales);
    EXPECT_EQ(Call("PATCH", alice_path, {{"password", "new secret 9"}}, admin()).status, 200);
    EXPECT_EQ(TryLogin("alice", "new secret 9").status, 200);
}

TEST_P(AuthTest, ADepartmentWithUsersOrSubDepartmentsCannotBeDeleted) {
    const std::string path = "/api/v1/departments/" + std::to_string(sales_dept_);
    Reply r = Call("DELETE", path, nullptr, admin());
    EXPECT_EQ(r.status, 409) << r.body.dump();
    EXPECT_EQ(r.body["error"]["details"]["users"], 1);
    // A deactivated user still belongs to the department (their customers and history do too).
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id), {{"active", false}}, admin())
            .status,
        200);
    EXPECT_EQ(Call("DELETE", path, nullptr, admin()).status, 409);
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id),
                   {{"department_id", nullptr}}, admin())
                  .status,
              200);
    const std::int64_t child = CreateDepartment("华东组", sales_dept_);
    Reply with_child = Call("DELETE", path, nullptr, admin());
    EXPECT_EQ(with_child.status, 409);
    EXPECT_EQ(with_child.body["error"]["details"]["departments"], 1);
    EXPECT_EQ(
        Call("DELETE", "/api/v1/departments/" + std::to_string(child), nullptr, admin()).status,
        204);
    EXPECT_EQ(Call("DELETE", path, nullptr, admin()).status, 204);
    EXPECT_EQ(Call("DELETE", path, nullptr, admin()).status, 404);
    // A deleted department takes no one.
    Reply move = Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id),
                      {{"department_id", sales_dept_}}, admin());
    EXPECT_EQ(move.status, 422);
}

GUANXI_API_TEST_SUITE(AuthTest);

}  // namespace
}  // namespace guanxi::testing
