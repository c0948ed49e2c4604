// Customer list pages answered from memory (domains/customers/page_cache.hpp) must never show the
// database as it was: every write — through the API, by the follow-up writer, or by another process
// on the same database — shows in the very next page, and one caller's page is never another's.
// On PostgreSQL nothing is cached; the same tests check the lists there.

#include "api_test_support.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class PageCacheTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("缓存一部");
        alice_ = CreateUser("cache_alice", RoleId("sales"), dept_);
        bob_ = CreateUser("cache_bob", RoleId("sales"), dept_);
        for (const char* name : {"上海澜涛贸易", "北京澜涛科技", "杭州青禾物流"}) {
            customers_.push_back(CreateCustomer(alice_.token, {{"name", name}}));
        }
        CreateCustomer(bob_.token, {{"name", "广州澜涛电子"}});
    }

    // The page as the caller sees it, asked twice so that the second answer comes from memory
    // where memory is used; both answers must agree.
    json Page(const std::string& target, const std::string& token) {
        Reply first = Call("GET", target, nullptr, token);
        EXPECT_EQ(first.status, 200) << target;
        Reply second = Call("GET", target, nullptr, token);
        EXPECT_EQ(second.body, first.body) << target;
        return second.body;
    }

    static std::vector<std::string> Names(const json& page) {
        std::vector<std::string> names;
        for (const auto& c : page["items"]) names.push_back(c["name"].get<std::string>());
        return names;
    }

    std::string PathOf(const json& customer) {
        return "/api/v1/customers/" + customer["id"].dump();
    }

    std::int64_t dept_ = 0;
    TestUser alice_, bob_;
    std::vector<json> customers_;
};

TEST_P(PageCacheTest, ARepeatedPageIsAnsweredFromMemoryOnSqliteOnly) {
    const auto before = app().customers().PageCacheStats();
    const json page = Page("/api/v1/customers?sort=name", alice_.token);
    EXPECT_EQ(page["total"], 3);
    const auto after = app().customers().PageCacheStats();
    if (postgres()) {
        EXPECT_EQ(after.hits, before.hits);
    } else {
        EXPECT_EQ(after.hits, before.hits + 1);
    }
}

TEST_P(PageCacheTest, EveryWriteThroughTheApiShowsInTheNextPage) {
    const std::string list = "/api/v1/customers?sort=next_contact_at";
    const std::string search = "/api/v1/customers?q=%E6%BE%9C%E6%B6%9B";  // 澜涛
    ASSERT_EQ(Page(list, alice_.token)["total"], 3);
    ASSERT_EQ(Page(search, alice_.token)["total"], 2);

    // An edit.
    ASSERT_EQ(Call("PATCH", PathOf(customers_[2]), {{"name", "杭州澜涛物流"}, {"version", 1}},
                   alice_.token)
                  .status,
              200);
    EXPECT_EQ(Page(search, alice_.token)["total"], 3);
    // A follow-up (written by the group commit's own connection) that sets the next contact: the
    // customer now leads the list ordered by next contact.
    ASSERT_EQ(Call("POST", PathOf(customers_[1]) + "/followups",
                   {{"kind", "call"},
                    {"content", "约下周拜访"},
                    {"next_contact_at", "2030-01-01T09:00:00Z"}},
                   alice_.token)
                  .status,
              201);
    EXPECT_EQ(Names(Page(list, alice_.token)).front(), "北京澜涛科技");
    // A new customer, a deletion, a restore.
    CreateCustomer(alice_.token, {{"name", "苏州澜涛机械"}});
    EXPECT_EQ(Page(list, alice_.token)["total"], 4);
    ASSERT_EQ(Call("DELETE", PathOf(customers_[0]), nullptr, admin()).status, 204);
    EXPECT_EQ(Page(list, alice_.token)["total"], 3);
    EXPECT_EQ(Page(search, alice_.token)["total"], 3);
    ASSERT_EQ(Call("POST", PathOf(customers_[0]) + "/restore", nullptr, admin()).status, 200);
    EXPECT_EQ(Page(list, alice_.token)["total"], 4);
    // Released to the pool: out of her list, into the pool's.
    ASSERT_EQ(Page("/api/v1/pool", alice_.token)["total"], 0);
    ASSERT_EQ(Call("POST", PathOf(customers_[0]) + "/release", nullptr, alice_.token).status, 200);
    EXPECT_EQ(Page(list, alice_.token)["total"], 3);
    EXPECT_EQ(Page("/api/v1/pool", alice_.token)["total"], 1);
}

TEST_P(PageCacheTest, AWriteByAnotherProcessShowsInTheNextPage) {
    const std::string list = "/api/v1/customers?sort=name";
    ASSERT_EQ(Names(Page(list, alice_.token)),
              (std::vector<std::string>{"上海澜涛贸易", "北京澜涛科技", "杭州青禾物流"}));
    RunInAnotherProcess("UPDATE customers SET name = '南京青禾物流' WHERE id = " +
                        customers_[2]["id"].dump());
    // No waiting: the very next page.
    EXPECT_EQ(Names(Page(list, alice_.token)),
              (std::vector<std::string>{"上海澜涛贸易", "北京澜涛科技", "南京青禾物流"}));
    RunInAnotherProcess("UPDATE customers SET deleted_at = 1 WHERE id = " +
                        customers_[0]["id"].dump());
    EXPECT_EQ(Page(list, alice_.token)["total"], 2);
}

TEST_P(PageCacheTest, EachCallerGetsTheirOwnPageForTheSameQuery) {
    const std::string search = "/api/v1/customers?q=%E6%BE%9C%E6%B6%9B&sort=name";
    EXPECT_EQ(Names(Page(search, alice_.token)),
              (std::vector<std::string>{"上海澜涛贸易", "北京澜涛科技"}));
    EXPECT_EQ(Names(Page(search, bob_.token)), std::vector<std::string>{"广州澜涛电子"});
    EXPECT_EQ(Page(search, alice_.token)["total"], 2);
}

TEST_P(PageCacheTest, APermissionTakenAwayAppliesToTheNextPage) {
    const std::int64_t role =
        CreateRole("cache_viewer", "self", {"customers.view", "customers.create"});
    const TestUser viewer = CreateUser("cache_viewer", role, dept_);
    CreateCustomer(viewer.token, {{"name", "成都澜涛餐饮"}});
    ASSERT_EQ(Page("/api/v1/customers", viewer.token)["total"], 1);
    ASSERT_EQ(Call("PATCH", "/api/v1/roles/" + std::to_string(role),
                   {{"permissions", {"customers.create"}}}, admin())
                  .status,
              200);
    // Without customers.view the list is empty, not the page read before.
    Reply after = Call("GET", "/api/v1/customers", nullptr, viewer.token);
    EXPECT_EQ(after.status, 200);
    EXPECT_EQ(after.body["total"], 0);
}

GUANXI_API_TEST_SUITE(PageCacheTest);

}  // namespace
}  // namespace guanxi::testing
