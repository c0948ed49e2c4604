// Sessions answered from memory (domains/accounts/session_cache.hpp) must end when the session
// ends: at once for changes made in this process (the other suites sign out, deactivate, reset
// passwords and change roles and expect the very next request to see it), and within the cache's
// one-second bound for changes another process makes to the same database.
#include "api_test_support.hpp"

#include <chrono>
#include <string>
#include <thread>

namespace guanxi::testing {
namespace {

class SessionCacheTest : public ApiTest {
  protected:
    // Seconds until `token` is refused, polling every 50 ms; -1 if it still works after 10 s.
    double SecondsUntilRefused(const std::string& token) {
        const auto start = std::chrono::steady_clock::now();
        const auto elapsed = [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        while (elapsed() < 10) {
            if (Call("GET", "/api/v1/me", nullptr, token).status == 401) return elapsed();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return -1;
    }
};

TEST_P(SessionCacheTest, ASessionEndedByAnotherProcessStopsWorkingWithinTheCachesBound) {
    const TestUser rep = CreateUser("cache_rep", RoleId("sales"), std::nullopt);
    ASSERT_EQ(Call("GET", "/api/v1/me", nullptr, rep.token).status, 200);
    ASSERT_EQ(Call("GET", "/api/v1/customers", nullptr, rep.token).status, 200);
    RunInAnotherProcess("DELETE FROM sessions WHERE user_id = " + std::to_string(rep.id));
    const double refused_after = SecondsUntilRefused(rep.token);
    EXPECT_GE(refused_after, 0) << "the ended session still works after 10 s";
    // One second of cache life, with room for a slow machine.
    EXPECT_LT(refused_after, 5.0);
    // Everyone else is still signed in.
    EXPECT_EQ(Call("GET", "/api/v1/me", nullptr, admin()).status, 200);
}

TEST_P(SessionCacheTest, ADeactivationByAnotherProcessStopsTheUserWithinTheCachesBound) {
    const TestUser rep = CreateUser("cache_rep2", RoleId("sales"), std::nullopt);
    ASSERT_EQ(Call("GET", "/api/v1/me", nullptr, rep.token).status, 200);
    RunInAnotherProcess("UPDATE users SET active = 0 WHERE id = " + std::to_string(rep.id));
    const double refused_after = SecondsUntilRefused(rep.token);
    EXPECT_GE(refused_after, 0) << "the deactivated user still works after 10 s";
    EXPECT_LT(refused_after, 5.0);
}

TEST_P(SessionCacheTest, ARoleChangedInThisProcessAppliesToTheNextRequest) {
    const std::int64_t role =
        CreateRole("cache_role", "self", {"customers.view", "customers.create"});
    const TestUser rep = CreateUser("cache_rep3", role, std::nullopt);
    // Twice, so the second answer comes from memory where memory is used.
    for (int i = 0; i < 2; ++i) {
        Reply me = Call("GET", "/api/v1/me", nullptr, rep.token);
        ASSERT_EQ(me.status, 200);
        EXPECT_NE(me.body["permissions"].dump().find("customers.create"), std::string::npos);
    }
    ASSERT_EQ(Call("PATCH", "/api/v1/roles/" + std::to_string(role),
                   {{"permissions", {"customers.view"}}}, admin())
                  .status,
              200);
    Reply me = Call("GET", "/api/v1/me", nullptr, rep.token);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(me.body["permissions"].dump().find("customers.create"), std::string::npos);
    EXPECT_EQ(Call("POST", "/api/v1/customers", {{"name", "Not allowed"}}, rep.token).status, 403);
}

}  // namespace

GUANXI_API_TEST_SUITE(SessionCacheTest);

}  // namespace guanxi::testing
