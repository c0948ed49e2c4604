// Public-pool rules (issue #15 item 7): the administrator's rules (off until enabled, audited), the
// nightly recycle job (no follow-up for N days, no deal for M days, exempt categories, a history
// entry and an audit entry per customer), the owner's warning K days before (once per planned
// date), no reclaim for P days, the per-role caps on claims, what a user's customers will fall into
// the pool soon, and a recycle racing follow-ups on the same customers.

#include "api_test_support.hpp"

#include "core/error.hpp"
#include "domains/customers/pool_recycle.hpp"
#include "domains/customers/pool_rules.hpp"

#include <atomic>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;

class PoolRulesTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t dept = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), dept);
        bob_ = CreateUser("bob", RoleId("sales"), dept);
    }

    Reply PutRules(const json& body) {
        return Call("PUT", "/api/v1/settings/pool-rules", body, admin());
    }
    void Enable(json categories, json more = json::object()) {
        json body = {{"enabled", true}, {"categories", std::move(categories)}};
        for (const auto& [key, value] : more.items()) body[key] = value;
        Reply r = PutRules(body);
        ASSERT_EQ(r.status, 200) << r.raw.body;
    }
    void Sql(const std::string& sql, const db::Params& params = {}) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn);
        auto done = (*conn)->Execute(sql, params);
        ASSERT_TRUE(done) << done.error().log_detail;
    }
    // A customer of `owner` created and last contacted `days` days ago.
    std::int64_t Aged(const TestUser& owner, const std::string& name, const std::string& category,
                      int days) {
        const json c = CreateCustomer(owner.token, {{"name", name}, {"category", category}});
        const std::int64_t id = c["id"].get<std::int64_t>();
        const std::int64_t at = NowSeconds() - days * kDay;
        Sql("UPDATE customers SET created_at = ?, last_contact_at = ? WHERE id = ?", {at, at, id});
        return id;
    }
    json Run(std::int64_t days_ahead = 0, customers::RecycleOptions options = {}) {
        auto result =
            customers::RunPoolRecycle(app().db(), NowSeconds() + days_ahead * kDay, options);
        EXPECT_TRUE(result) << (result ? "" : result.error().log_detail);
        return result ? *result : json();
    }
    json Owner(std::int64_t id) {
        return Call("GET", "/api/v1/customers/" + std::to_string(id), nullptr, admin())
            .body["owner_id"];
    }
    json History(std::int64_t id) {
        return Call("GET", "/api/v1/customers/" + std::to_string(id) + "/history", nullptr, admin())
            .body["items"];
    }
    Reply Claim(std::int64_t id, const TestUser& user) {
        return Call("POST", "/api/v1/customers/" + std::to_string(id) + "/claim", json::object(),
                    user.token);
    }

    TestUser alice_, bob_;
};

TEST_P(PoolRulesTest, RulesAreOffUntilAnAdministratorEnablesThemAndEveryChangeIsAudited) {
    Reply r = Call("GET", "/api/v1/settings/pool-rules", nullptr, admin());
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.body["enabled"], false);
    EXPECT_EQ(r.body["warn_days"], 3);
    EXPECT_EQ(r.body["reclaim_after_days"], 7);
    EXPECT_EQ(r.body["categories"]["potential"]["no_followup_days"], 30);
    EXPECT_EQ(r.body["categories"]["closed"]["exempt"], true);
    EXPECT_EQ(r.body["categories"].size(), 6u);
    EXPECT_GE(r.body["role_caps"].size(), 3u);  // one line per role, caps null
    EXPECT_TRUE(r.body["role_caps"][0]["max_owned"].is_null());

    // Off: a customer months without a follow-up stays with its owner.
    const std::int64_t stale = Aged(alice_, "久未跟进", "potential", 400);
    EXPECT_EQ(Run()["recycled"], 0);
    EXPECT_EQ(Owner(stale), alice_.id);

    EXPECT_EQ(Call("GET", "/api/v1/settings/pool-rules", nullptr, alice_.token).status, 403);
    EXPECT_EQ(Call("PUT", "/api/v1/settings/pool-rules", {{"enabled", true}}, alice_.token).status,
              403);
    r = PutRules({{"enabled", true}, {"categories", {{"potential", {{"no_deal_days", 45}}}}}});
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.body["enabled"], true);
    EXPECT_EQ(r.body["categories"]["potential"]["no_deal_days"], 45);
    EXPECT_EQ(r.body["categories"]["potential"]["no_followup_days"], 30);  // kept
    EXPECT_TRUE(r.body["updated_at"].is_string());

    Reply audit = Call("GET", "/api/v1/audit-log?action=pool_rules.update", nullptr, admin());
    ASSERT_EQ(audit.body["total"], 1) << audit.raw.body;
    const json& changes = audit.body["items"][0]["details"]["changes"];
    EXPECT_EQ(changes["enabled"]["before"], false);
    EXPECT_EQ(changes["enabled"]["after"], true);
    EXPECT_TRUE(changes.contains("categories"));
}

TEST_P(PoolRulesTest, ABadValueIsA422NamingItsFieldAndChangesNothing) {
    const std::vector<std::pair<json, std::string>> bad = {
        {{{"enabled", "yes"}}, "enabled"},
        {{{"warn_days", -1}}, "warn_days"},
        {{{"reclaim_after_days", 366}}, "reclaim_after_days"},
        {{{"categories", {{"vip", {{"exempt", true}}}}}}, "categories.vip"},
        {{{"categories", {{"potential", {{"no_followup_days", 0}}}}}},
         "categories.potential.no_followup_days"},
        {{{"categories", {{"potential", {{"no_deal_days", "90"}}}}}},
         "categories.potential.no_deal_days"},
        {{{"categories", {{"potential", {{"days", 9}}}}}}, "categories.potential.days"},
        {{{"role_caps", {{{"role_id", 999}, {"max_owned", 5}}}}}, "role_caps.0.role_id"},
        {{{"role_caps", {{{"role_id", RoleId("sales")}, {"max_owned", -5}}}}},
         "role_caps.0.max_owned"},
        {{{"colour", "red"}}, "colour"},
    };
    for (const auto& [body, field] : bad) {
        Reply r = PutRules(body);
        EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(field))
            << field << ": " << r.raw.body;
    }
    EXPECT_EQ(Call("GET", "/api/v1/settings/pool-rules", nullptr, admin()).body["enabled"], false);
}

TEST_P(PoolRulesTest, TheJobRecyclesByFollowupOrDealSparesExemptAndFreshOnesAndLogsEach) {
    Enable({{"potential", {{"no_followup_days", 30}, {"no_deal_days", nullptr}}},
            {"interested", {{"no_followup_days", nullptr}, {"no_deal_days", 60}}},
            {"closed", {{"exempt", true}}}},
           {{"warn_days", 0}});
    const std::int64_t stale = Aged(alice_, "三十一天未跟进", "potential", 31);
    const std::int64_t fresh = Aged(alice_, "二十九天", "potential", 29);
    const std::int64_t closed = Aged(alice_, "已成交客户", "closed", 400);
    const std::int64_t no_deal = Aged(alice_, "无成交", "interested", 61);
    const std::int64_t with_deal = Aged(alice_, "近期成交", "interested", 61);
    const std::string today = FormatRfc3339(NowSeconds()).substr(0, 10);
    Reply deal = Call("POST", "/api/v1/customers/" + std::to_string(with_deal) + "/deals",
                      {{"closed_on", today}, {"amount", "100.00"}}, alice_.token);
    ASSERT_EQ(deal.status, 201) << deal.raw.body;
    // A customer just claimed counts from its claim, not from its last contact.
    const std::int64_t claimed = Aged(bob_, "新领取", "potential", 100);
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(claimed) + "/release",
                   json::object(), bob_.token)
                  .status,
              200);
    ASSERT_EQ(Claim(claimed, alice_).status, 200);

    const json result = Run();
    EXPECT_EQ(result["recycled"], 2) << result.dump();
    EXPECT_TRUE(Owner(stale).is_null());
    EXPECT_TRUE(Owner(no_deal).is_null());
    for (std::int64_t kept : {fresh, closed, with_deal, claimed})
        EXPECT_EQ(Owner(kept), alice_.id) << kept;

    const json history = History(stale);
    ASSERT_GE(history.size(), 1u);
    EXPECT_EQ(history[0]["kind"], "recycle");
    EXPECT_EQ(history[0]["from_user_id"], alice_.id);
    EXPECT_TRUE(history[0]["to_user_id"].is_null());
    EXPECT_EQ(history[0]["reason"], "no_followup");
    EXPECT_EQ(History(no_deal)[0]["reason"], "no_deal");
    Reply audit = Call("GET", "/api/v1/audit-log?action=customer.recycle", nullptr, admin());
    EXPECT_EQ(audit.body["total"], 2) << audit.raw.body;
    // The customer's timeline shows it too, and the last owner is kept.
    Reply timeline =
        Call("GET", "/api/v1/customers/" + std::to_string(stale) + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200) << timeline.raw.body;
    EXPECT_NE(timeline.raw.body.find("recycle"), std::string::npos) << timeline.raw.body;

    // A second run (a retried job, a second process) recycles nothing more.
    EXPECT_EQ(Run()["recycled"], 0);
    EXPECT_EQ(History(stale).size(), history.size());
}

TEST_P(PoolRulesTest, TheOwnerIsWarnedOnceKDaysBeforeInTheirLanguage) {
    Enable({{"potential", {{"no_followup_days", 30}, {"no_deal_days", nullptr}}}},
           {{"warn_days", 3}});
    ASSERT_EQ(Call("PATCH", "/api/v1/me", {{"language", "en"}}, bob_.token).status, 200);
    const std::int64_t soon = Aged(alice_, "快到期客户", "potential", 28);
    const std::int64_t later = Aged(alice_, "还早", "potential", 20);
    const std::int64_t bobs = Aged(bob_, "Bob's customer", "potential", 28);
    const json first = Run();
    EXPECT_EQ(first["recycled"], 0);
    EXPECT_EQ(first["warned"], 2) << first.dump();
    EXPECT_EQ(Run()["warned"], 0);  // once per (customer, planned date)

    Reply mine = Call("GET", "/api/v1/notifications?kind=pool_warning", nullptr, alice_.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    ASSERT_EQ(mine.body["total"], 1) << mine.raw.body;
    const json& warning = mine.body["items"][0];
    EXPECT_NE(warning["title"].get<std::string>().find("快到期客户"), std::string::npos);
    EXPECT_NE(warning["title"].get<std::string>().find("退回公海"), std::string::npos);
    EXPECT_EQ(warning["entity_id"], soon);
    Reply his = Call("GET", "/api/v1/notifications?kind=pool_warning", nullptr, bob_.token);
    ASSERT_EQ(his.body["total"], 1) << his.raw.body;
    EXPECT_NE(his.body["items"][0]["title"].get<std::string>().find("public pool"),
              std::string::npos);
    EXPECT_EQ(his.body["items"][0]["entity_id"], bobs);
    (void)later;
}

TEST_P(PoolRulesTest, UpcomingRecyclesListsAUsersCustomersDueWithinDaysSoonestFirst) {
    Enable({{"potential", {{"no_followup_days", 30}, {"no_deal_days", nullptr}}},
            {"interested", {{"no_followup_days", nullptr}, {"no_deal_days", 60}}}});
    const std::int64_t first = Aged(alice_, "最先", "potential", 29);
    const std::int64_t second = Aged(alice_, "其次", "interested", 58);
    Aged(alice_, "还早", "potential", 10);
    Aged(bob_, "别人的", "potential", 29);
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn);
    auto upcoming = customers::UpcomingRecycles(**conn, alice_.id, 5, NowSeconds());
    ASSERT_TRUE(upcoming) << upcoming.error().log_detail;
    ASSERT_EQ(upcoming->size(), 2u);
    EXPECT_EQ((*upcoming)[0].id, first);
    EXPECT_EQ((*upcoming)[0].name, "最先");
    EXPECT_EQ((*upcoming)[0].reason, "no_followup");
    EXPECT_GT((*upcoming)[0].recycle_at, NowSeconds());
    EXPECT_LE((*upcoming)[0].recycle_at, NowSeconds() + 3 * kDay);
    EXPECT_EQ((*upcoming)[1].id, second);
    EXPECT_EQ((*upcoming)[1].reason, "no_deal");
    // Rules off: nothing.
    ASSERT_EQ(PutRules({{"enabled", false}}).status, 200);
    auto off = customers::UpcomingRecycles(**conn, alice_.id, 5, NowSeconds());
    ASSERT_TRUE(off);
    EXPECT_TRUE(off->empty());
}

TEST_P(PoolRulesTest, TheToDoPageListsTheCallersCustomersAboutToReturnToThePool) {
    const std::int64_t soon = Aged(alice_, "快要掉入公海", "potential", 27);
    Aged(alice_, "还早", "potential", 5);
    Aged(bob_, "别人的", "potential", 27);
    const auto section = [&](const TestUser& user) {
        Reply r = Call("GET", "/api/v1/todo?sections=pool_soon", nullptr, user.token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        for (const json& s : r.body["sections"]) {
            if (s["key"] == "pool_soon") return s;
        }
        return json();
    };
    // Rules off: nothing is about to go.
    EXPECT_EQ(section(alice_)["count"], 0);
    Enable({{"potential", {{"no_followup_days", 30}, {"no_deal_days", nullptr}}}});
    const json mine = section(alice_);
    ASSERT_EQ(mine["count"], 1) << mine.dump();
    EXPECT_EQ(mine["items"][0]["customer_id"], soon);
    EXPECT_EQ(mine["items"][0]["title"], "快要掉入公海");
    EXPECT_EQ(mine["items"][0]["reason"], "no_followup");
    EXPECT_TRUE(mine["items"][0]["due_at"].is_string());
    // Bob sees his own only; a follow-up takes Alice's off the list.
    EXPECT_EQ(section(bob_)["items"][0]["title"], "别人的");
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(soon) + "/followups",
                   {{"kind", "call"}, {"content", "联系上了"}}, alice_.token)
                  .status,
              201);
    EXPECT_EQ(section(alice_)["count"], 0);
    // A large neglected book: the count is all of them, the items the first few.
    Sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) "
        "INSERT INTO customers (name, category, owner_id, last_contact_at, created_at, "
        "updated_at) SELECT 'customer ' || i, 'potential', ?, ?, ?, ? FROM n",
        {alice_.id, NowSeconds() - 27 * kDay, NowSeconds() - 27 * kDay, NowSeconds()});
    const json many = section(alice_);
    EXPECT_EQ(many["count"], 600);
    EXPECT_EQ(many["items"].size(), 5u);
}

TEST_P(PoolRulesTest, ThePreviousOwnerMayNotClaimBackForPDays) {
    Enable({{"potential", {{"no_followup_days", 30}}}}, {{"reclaim_after_days", 7}});
    const std::int64_t id = Aged(alice_, "被回收客户", "potential", 31);
    ASSERT_EQ(Run()["recycled"], 1);
    Reply refused = Claim(id, alice_);
    EXPECT_EQ(refused.status, 403) << refused.raw.body;
    EXPECT_EQ(refused.code(), "forbidden");
    EXPECT_EQ(refused.body["error"]["details"]["reason"], "reclaim_too_soon");
    EXPECT_TRUE(refused.body["error"]["details"]["until"].is_string());
    EXPECT_EQ(refused.body["error"]["details"]["field_codes"]["customer"]["code"],
              "reclaim_too_soon");
    EXPECT_TRUE(Owner(id).is_null());
    // Released by hand counts the same; anyone else may claim it.
    EXPECT_EQ(Claim(id, bob_).status, 200);
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(id) + "/release", json::object(),
                   bob_.token)
                  .status,
              200);
    EXPECT_EQ(Claim(id, bob_).body["error"]["details"]["reason"], "reclaim_too_soon");
    // Eight days later alice may.
    Sql("UPDATE ownership_changes SET at = at - ? WHERE customer_id = ?", {8 * kDay, id});
    EXPECT_EQ(Claim(id, alice_).status, 200);
}

TEST_P(PoolRulesTest, AClaimOverARoleCapIsRefusedSayingHowManyAreLeft) {
    const std::int64_t sales = RoleId("sales");
    Enable({{"potential", {{"no_followup_days", 30}}}},
           {{"reclaim_after_days", 0},
            {"role_caps", {{{"role_id", sales}, {"max_claims_per_day", 2}}}}});
    std::vector<std::int64_t> pool;
    for (int i = 0; i < 4; ++i)
        pool.push_back(Aged(bob_, "公海" + std::to_string(i), "potential", 40));
    ASSERT_EQ(Run()["recycled"], 4);

    Reply quota = Call("GET", "/api/v1/pool/quota", nullptr, alice_.token);
    ASSERT_EQ(quota.status, 200) << quota.raw.body;
    EXPECT_EQ(quota.body["left"], 2);
    EXPECT_EQ(Claim(pool[0], alice_).status, 200);
    EXPECT_EQ(Claim(pool[1], alice_).status, 200);
    Reply refused = Claim(pool[2], alice_);
    EXPECT_EQ(refused.status, 429) << refused.raw.body;
    EXPECT_EQ(refused.code(), "rate_limited");
    const json& details = refused.body["error"]["details"];
    EXPECT_GT(details["retry_after_seconds"].get<std::int64_t>(), 0);  // tomorrow
    EXPECT_LE(details["retry_after_seconds"].get<std::int64_t>(), kDay + 3600);
    EXPECT_EQ(details["limit"], "max_claims_per_day");
    EXPECT_EQ(details["left"], 0);
    EXPECT_EQ(details["max"], 2);
    const json& code = details["field_codes"]["max_claims_per_day"];
    EXPECT_EQ(code["code"], "daily_claims_reached");
    EXPECT_EQ(code["params"]["left"], 0);
    EXPECT_NE(details["fields"]["max_claims_per_day"].get<std::string>().find("2 a day"),
              std::string::npos);
    EXPECT_NE(
        FieldMessageText("daily_claims_reached", code["params"], "zh-CN").find("最多领取 2 个"),
        std::string::npos);
    EXPECT_TRUE(Owner(pool[2]).is_null());
    EXPECT_EQ(Call("GET", "/api/v1/pool/quota", nullptr, alice_.token).body["left"], 0);
    // Another role without a cap is not limited.
    TestUser boss = CreateUser("boss", RoleId("manager"), std::nullopt);
    EXPECT_EQ(Claim(pool[2], boss).status, 200);

    // Customers owned: alice owns 2; a cap of 2 refuses a third whatever the daily count.
    ASSERT_EQ(PutRules({{"role_caps", {{{"role_id", sales}, {"max_owned", 2}}}}}).status, 200);
    refused = Claim(pool[3], alice_);
    EXPECT_EQ(refused.status, 429) << refused.raw.body;
    EXPECT_EQ(refused.body["error"]["details"]["limit"], "max_owned");
    EXPECT_EQ(refused.body["error"]["details"]["used"], 2);
    EXPECT_EQ(refused.body["error"]["details"]["field_codes"]["max_owned"]["code"],
              "owned_limit_reached");
    EXPECT_NE(
        FieldMessageText("owned_limit_reached", {{"used", 2}, {"max", 2}, {"left", 0}}, "zh-CN")
            .find("还可领取 0 个"),
        std::string::npos);
}

// The reliability case: follow-ups written while the job recycles the same customers
// (many small ranges, so the two interleave). Each customer ends either followed up and still
// its owner's, or recycled with the follow-up refused (claim_first) — never recycled although its
// follow-up was written.
TEST_P(PoolRulesTest, ARecycleRacingFollowupsNeverRecyclesACustomerJustContacted) {
    Enable({{"potential", {{"no_followup_days", 30}, {"no_deal_days", nullptr}}}},
           {{"warn_days", 0}});
    constexpr int kCustomers = 120;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < kCustomers; ++i)
        ids.push_back(Aged(alice_, "竞态客户" + std::to_string(i), "potential", 31));
    std::vector<int> statuses(kCustomers, 0);
    std::atomic<bool> go{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 3; ++w) {
        writers.emplace_back([&, w] {
            while (!go.load()) std::this_thread::yield();
            for (int i = w; i < kCustomers; i += 3) {
                statuses[i] =
                    Call("POST", "/api/v1/customers/" + std::to_string(ids[i]) + "/followups",
                         {{"kind", "call"}, {"content", "刚刚联系过"}}, alice_.token)
                        .status;
            }
        });
    }
    go = true;
    const json result = Run(0, {.range = 3});
    for (auto& t : writers) t.join();
    int kept = 0, recycled = 0;
    for (int i = 0; i < kCustomers; ++i) {
        const json owner = Owner(ids[i]);
        if (statuses[i] == 201) {
            EXPECT_EQ(owner, alice_.id) << "customer " << ids[i] << " followed up, then recycled";
            ++kept;
        } else {
            EXPECT_EQ(statuses[i], 403) << ids[i];
            EXPECT_TRUE(owner.is_null()) << ids[i];
            ++recycled;
        }
    }
    EXPECT_EQ(result["recycled"], recycled) << result.dump();
    EXPECT_EQ(kept + recycled, kCustomers);
}

GUANXI_API_TEST_SUITE(PoolRulesTest);

}  // namespace
}  // namespace guanxi::testing
