// The to-do home page (issue 15 item 6, GET /api/v1/todo): "today" is each caller's own calendar
// day in their zone (Asia/Shanghai and Europe/Berlin on both sides of their midnights, on a fixed
// clock); only the caller's own records appear, never a colleague's, whatever the caller's scope;
// a newly assigned customer stays until followed up; a contact due stays until contacted; counts
// beside the first items; bad parameters are 400.
#include "api_test_support.hpp"
#include "core/time.hpp"

#include <set>
#include <string>

namespace guanxi::testing {
namespace {

using nlohmann::json;

const json kSalesPermissions = {"customers.view",  "customers.create",  "customers.edit",
                                "activities.view", "activities.create", "activities.edit"};

UnixSeconds At(const std::string& rfc3339) { return *ParseRfc3339(rfc3339); }

class TodoTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("销售部");
        role_ = CreateRole("todo-sales", "self", kSalesPermissions);
    }
    TestUser User(const std::string& name, const std::string& zone) {
        TestUser user = CreateUser(name, role_, dept_);
        Sql("UPDATE users SET time_zone = '" + zone + "' WHERE id = " + std::to_string(user.id));
        return user;
    }
    void Sql(const std::string& sql) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)->Execute(sql).ok()) << sql;
    }
    // A customer of `owner`'s (created by them) whose next contact is `next` (none when empty).
    std::int64_t Customer(const TestUser& owner, const std::string& name,
                          const std::string& next = "") {
        const std::int64_t id = CreateCustomer(owner.token, {{"name", name}})["id"];
        if (!next.empty()) {
            Sql("UPDATE customers SET next_contact_at = " + std::to_string(At(next)) +
                " WHERE id = " + std::to_string(id));
        }
        return id;
    }
    json Activity(const TestUser& owner, const std::string& subject, const std::string& start,
                  json extra = json::object()) {
        json body = {{"kind", "call"},
                     {"subject", subject},
                     {"start_at", start},
                     {"end_at", FormatRfc3339(At(start) + 1800)}};
        body.update(extra);
        Reply r = Call("POST", "/api/v1/activities", body, owner.token);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body;
    }
    json Todo(const std::string& token, const std::string& query = "") {
        Reply r = Call("GET", "/api/v1/todo" + query, nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body;
    }
    static json Section(const json& todo, const std::string& key) {
        for (const json& s : todo["sections"])
            if (s["key"] == key) return s;
        return nullptr;
    }
    // The titles of a section's items, in order.
    static std::vector<std::string> Titles(const json& todo, const std::string& key) {
        std::vector<std::string> out;
        const json s = Section(todo, key);
        if (s.is_null()) return out;
        for (const json& item : s["items"]) out.push_back(item["title"]);
        return out;
    }
    void SetNow(const std::string& rfc3339) {
        app().todo().SetClock([t = At(rfc3339)] { return t; });
    }

    std::int64_t dept_ = 0;
    std::int64_t role_ = 0;
};

using Names = std::vector<std::string>;

TEST_P(TodoTest, TodayIsEachCallersDayInTheirOwnZoneAroundMidnight) {
    TestUser shanghai = User("shanghai", "Asia/Shanghai");  // UTC+8
    TestUser berlin = User("berlin", "Europe/Berlin");      // UTC+1 in December
    // Shanghai: 09:00 on the 8th (today there at 16:30Z), 01:00 on the 9th (tomorrow).
    Customer(shanghai, "上海-今天", "2026-12-08T01:00:00Z");
    Customer(shanghai, "上海-明天", "2026-12-08T17:00:00Z");
    // Berlin: 23:30 on the 7th (today at 16:30Z), 00:30 on the 8th (tomorrow), the 5th (overdue).
    Customer(berlin, "Berlin heute spät", "2026-12-07T22:30:00Z");
    Customer(berlin, "Berlin nach Mitternacht", "2026-12-07T23:30:00Z");
    Customer(berlin, "Berlin überfällig", "2026-12-05T10:00:00Z");
    // Activities: Shanghai's 23:00 on the 7th (yesterday there) and 00:45 on the 8th; Berlin's
    // 23:00 on the 7th; a meeting of Shanghai's at 20:00Z (04:00 the 8th in Shanghai, 21:00 the
    // 7th in Berlin) that Berlin takes part in: today for both.
    Activity(shanghai, "上海-昨晚", "2026-12-07T15:00:00Z");
    Activity(shanghai, "上海-凌晨", "2026-12-07T16:45:00Z");
    Activity(berlin, "Berlin Anruf", "2026-12-07T22:00:00Z");
    Activity(shanghai, "共同会议", "2026-12-07T20:00:00Z",
             {{"kind", "meeting"}, {"participants", {berlin.id}}});

    SetNow("2026-12-07T16:30:00Z");  // Shanghai 00:30 on the 8th, Berlin 17:30 on the 7th
    json s = Todo(shanghai.token);
    EXPECT_EQ(s["date"], "2026-12-08");
    EXPECT_EQ(s["time_zone"], "Asia/Shanghai");
    EXPECT_EQ(s["day_start"], "2026-12-07T16:00:00Z");
    EXPECT_EQ(s["day_end"], "2026-12-08T16:00:00Z");
    EXPECT_EQ(Titles(s, "contacts_due"), Names{"上海-今天"});
    EXPECT_EQ(Section(s, "contacts_due")["items"][0]["overdue"], false);
    EXPECT_EQ(Titles(s, "activities_today"), (Names{"上海-凌晨", "共同会议"}));

    json b = Todo(berlin.token);
    EXPECT_EQ(b["date"], "2026-12-07");
    EXPECT_EQ(b["day_start"], "2026-12-06T23:00:00Z");
    EXPECT_EQ(Titles(b, "contacts_due"), (Names{"Berlin überfällig", "Berlin heute spät"}));
    EXPECT_EQ(Section(b, "contacts_due")["count"], 2);
    EXPECT_EQ(Section(b, "contacts_due")["overdue"], 1);
    EXPECT_EQ(Section(b, "contacts_due")["items"][0]["overdue"], true);
    EXPECT_EQ(Section(b, "contacts_due")["items"][1]["overdue"], false);
    EXPECT_EQ(Titles(b, "activities_today"), (Names{"共同会议", "Berlin Anruf"}));

    // Ten minutes past Berlin's midnight: the 8th there; 23:30 yesterday is overdue now and
    // 00:30 is today. Shanghai's day hasn't changed.
    SetNow("2026-12-07T23:10:00Z");
    b = Todo(berlin.token);
    EXPECT_EQ(b["date"], "2026-12-08");
    EXPECT_EQ(Titles(b, "contacts_due"),
              (Names{"Berlin überfällig", "Berlin heute spät", "Berlin nach Mitternacht"}));
    EXPECT_EQ(Section(b, "contacts_due")["overdue"], 2);
    EXPECT_EQ(Titles(b, "activities_today"), Names{});  // yesterday's are gone
    EXPECT_EQ(Todo(shanghai.token)["date"], "2026-12-08");
    EXPECT_EQ(Titles(Todo(shanghai.token), "activities_today"), (Names{"上海-凌晨", "共同会议"}));
}

TEST_P(TodoTest, OnlyTheCallersOwnRecordsAppearWhateverTheirScope) {
    TestUser alice = User("alice", "Asia/Shanghai");
    TestUser bob = User("bob", "Asia/Shanghai");
    // Carol manages the department and sees everyone's customers in lists, not in her to-do.
    const std::int64_t manager_role = CreateRole("todo-manager", "department", kSalesPermissions);
    TestUser carol = CreateUser("carol", manager_role, dept_);
    SetNow("2026-12-07T04:00:00Z");
    Customer(alice, "爱丽丝的客户", "2026-12-07T06:00:00Z");
    const std::int64_t his = Customer(bob, "鲍勃的客户", "2026-12-07T06:00:00Z");
    Customer(carol, "卡罗尔的客户", "2026-12-07T06:00:00Z");
    Activity(bob, "鲍勃的电话", "2026-12-07T05:00:00Z", {{"customer_id", his}});
    Activity(alice, "爱丽丝的电话", "2026-12-07T05:00:00Z");
    // Bob hands his customer's call to Alice as a participant: she sees the activity, but not the
    // customer she may not see.
    Activity(bob, "鲍勃请爱丽丝参加", "2026-12-07T07:00:00Z",
             {{"customer_id", his}, {"participants", {alice.id}}});

    const json a = Todo(alice.token);
    EXPECT_EQ(Titles(a, "contacts_due"), Names{"爱丽丝的客户"});
    EXPECT_EQ(Titles(a, "activities_today"), (Names{"爱丽丝的电话", "鲍勃请爱丽丝参加"}));
    const json shared = Section(a, "activities_today")["items"][1];
    EXPECT_TRUE(shared["customer_id"].is_null());
    EXPECT_TRUE(shared["customer_name"].is_null());
    EXPECT_TRUE(shared["phone"].is_null());
    EXPECT_TRUE(shared["link"].is_null());
    EXPECT_EQ(Titles(a, "newly_assigned"), Names{});

    const json c = Todo(carol.token);
    EXPECT_EQ(Titles(c, "contacts_due"), Names{"卡罗尔的客户"});
    EXPECT_EQ(Titles(c, "activities_today"), Names{});
    // The administrator (scope all) has none of theirs either.
    const json mine = Todo(admin());
    EXPECT_EQ(mine["sections"].size(), 5u);
    for (const json& section : mine["sections"]) {
        EXPECT_EQ(section["count"], 0) << section.dump();
    }
    // Bob's customer given to Alice: hers now (new to her), no longer his.
    Reply moved = Call("POST", "/api/v1/customers/transfer",
                       {{"ids", {his}}, {"owner_id", alice.id}, {"reason", "调岗"}}, admin());
    ASSERT_EQ(moved.status, 200) << moved.raw.body;
    EXPECT_EQ(Titles(Todo(bob.token), "contacts_due"), Names{});
    const json after = Todo(alice.token);
    EXPECT_EQ(Titles(after, "contacts_due"), (Names{"爱丽丝的客户", "鲍勃的客户"}));
    EXPECT_EQ(Titles(after, "newly_assigned"), Names{"鲍勃的客户"});
    // ...and the shared activity names its customer now that she sees it.
    EXPECT_EQ(Section(after, "activities_today")["items"][1]["customer_id"], his);
}

TEST_P(TodoTest, NewlyAssignedUntilFollowedUpAndContactsDueUntilContacted) {
    TestUser alice = User("alice", "Europe/Berlin");
    TestUser bob = User("bob", "Europe/Berlin");
    const std::int64_t now = NowSeconds();
    SetNow(FormatRfc3339(now));
    // Made for her by the administrator, and transferred from Bob: new to her. Her own: not.
    const std::int64_t given =
        CreateCustomer(admin(), {{"name", "管理员分配"}, {"owner_id", alice.id}})["id"];
    const std::int64_t transferred = Customer(bob, "鲍勃转来");
    ASSERT_EQ(Call("POST", "/api/v1/customers/transfer",
                   {{"ids", {transferred}}, {"owner_id", alice.id}}, admin())
                  .status,
              200);
    Customer(alice, "自己建的");
    json todo = Todo(alice.token);
    EXPECT_EQ(Titles(todo, "newly_assigned"), (Names{"鲍勃转来", "管理员分配"}));
    const json section = Section(todo, "newly_assigned");
    EXPECT_EQ(section["days"], 7);
    EXPECT_EQ(section["items"][1]["assigned_by_name"], "Administrator");
    EXPECT_EQ(section["items"][1]["link"], "/customers/" + std::to_string(given));
    // A follow-up takes it off the list.
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(given) + "/followups",
                   {{"kind", "call"}, {"content", "已联系"}}, alice.token)
                  .status,
              201);
    EXPECT_EQ(Titles(Todo(alice.token), "newly_assigned"), Names{"鲍勃转来"});
    // Older than seven days: not new any more.
    Sql("UPDATE ownership_changes SET at = at - 8 * 86400 WHERE customer_id = " +
        std::to_string(transferred));
    EXPECT_EQ(Titles(Todo(alice.token), "newly_assigned"), Names{});

    // A contact due stays until the customer is contacted (a follow-up without a new date).
    const std::int64_t due = Customer(alice, "该联系了", FormatRfc3339(now - 3 * 86400));
    EXPECT_EQ(Titles(Todo(alice.token), "contacts_due"), Names{"该联系了"});
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(due) + "/followups",
                   {{"kind", "visit"}, {"content", "拜访了"}}, alice.token)
                  .status,
              201);
    EXPECT_EQ(Titles(Todo(alice.token), "contacts_due"), Names{});
}

TEST_P(TodoTest, CountsBesideTheFirstItemsSectionsByPermissionAndBadParameters) {
    TestUser alice = User("alice", "Asia/Shanghai");
    const std::int64_t now = At("2026-12-07T04:00:00Z");  // noon in Shanghai
    SetNow(FormatRfc3339(now));
    for (int i = 0; i < 7; ++i) {
        Customer(alice, "客户" + std::to_string(i), FormatRfc3339(now - 3600 * (10 - i)));
    }
    json todo = Todo(alice.token, "?limit=3");
    json due = Section(todo, "contacts_due");
    EXPECT_EQ(due["count"], 7);
    EXPECT_EQ(due["overdue"], 7);
    EXPECT_EQ(Titles(todo, "contacts_due"), (Names{"客户0", "客户1", "客户2"}));
    EXPECT_EQ(due["items"][0]["entity"], "customer");
    EXPECT_EQ(due["items"][0]["category"], "potential");
    // One section alone (a "show more").
    todo = Todo(alice.token, "?sections=contacts_due&limit=50");
    ASSERT_EQ(todo["sections"].size(), 1u);
    EXPECT_EQ(Section(todo, "contacts_due")["items"].size(), 7u);
    // Marking an activity done (the page's one tap) leaves it listed but not open.
    const json call = Activity(alice, "回电", FormatRfc3339(now + 60));
    EXPECT_EQ(Section(Todo(alice.token), "activities_today")["open"], 1);
    ASSERT_EQ(Call("PATCH", "/api/v1/activities/" + call["id"].dump(),
                   {{"status", "done"}, {"version", call["version"]}}, alice.token)
                  .status,
              200);
    const json activities = Section(Todo(alice.token), "activities_today");
    EXPECT_EQ(activities["count"], 1);
    EXPECT_EQ(activities["open"], 0);
    EXPECT_EQ(activities["items"][0]["status"], "done");

    // Without activities.view there is no activities section; without customers.view only it.
    const std::int64_t no_activities =
        CreateRole("todo-no-act", "self", json::array({"customers.view"}));
    const std::int64_t no_customers =
        CreateRole("todo-no-cust", "self", json::array({"activities.view"}));
    const auto keys_of = [](const json& todo) {
        std::set<std::string> keys;
        for (const json& s : todo["sections"]) keys.insert(s["key"]);
        return keys;
    };
    EXPECT_EQ(keys_of(Todo(CreateUser("dora", no_activities, dept_).token)),
              (std::set<std::string>{"contacts_due", "newly_assigned", "pool_soon"}));
    EXPECT_EQ(keys_of(Todo(CreateUser("erin", no_customers, dept_).token)),
              (std::set<std::string>{"activities_today"}));

    for (const std::string bad : {"?limit=0", "?limit=51", "?limit=abc",
                                  "?limit=", "?sections=pool", "?sections=contacts_due,"}) {
        Reply r = Call("GET", "/api/v1/todo" + bad, nullptr, alice.token);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_EQ(r.code(), "bad_request") << bad;
        EXPECT_EQ(r.body["error"]["details"]["parameter"],
                  bad.find("limit") != std::string::npos ? "limit" : "sections")
            << bad;
    }
    EXPECT_EQ(Call("GET", "/api/v1/todo").status, 401);
}

}  // namespace

GUANXI_API_TEST_SUITE(TodoTest);

}  // namespace guanxi::testing
