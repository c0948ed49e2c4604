// A next contact before today is refused (issue #14, item 5: 2020-01-01 was accepted and silently
// replaced a later plan) on a customer's create and edit and on a new follow-up; "today" is the
// caller's, in their time zone (PATCH /me time_zone, Asia/Shanghai by default).

#include "api_test_support.hpp"

#include "core/time.hpp"
#include "core/time_zone.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class NextContactTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        alice_ = CreateUser("alice", RoleId("sales"), CreateDepartment("销售一部"));
    }

    static std::string StartOfToday(const std::string& zone) {
        return FormatRfc3339(tz::StartOfDay(zone, NowSeconds()));
    }
    static std::string OneSecondBefore(const std::string& time) {
        return FormatRfc3339(*ParseRfc3339(time) - 1);
    }

    static void ExpectRefused(const Reply& r) {
        EXPECT_EQ(r.status, 422) << r.raw.body;
        EXPECT_EQ(r.code(), "validation_failed");
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("next_contact_at")) << r.raw.body;
    }

    std::int64_t Total() {
        return Call("GET", "/api/v1/customers", nullptr, alice_.token)
            .body["total"]
            .get<std::int64_t>();
    }

    TestUser alice_;
};

TEST_P(NextContactTest, CreateRefusesADayBeforeTodayAndTakesAnyTimeOfToday) {
    const std::string today = StartOfToday("Asia/Shanghai");
    for (const std::string& past : {std::string("2020-01-01T00:00:00Z"), OneSecondBefore(today)}) {
        ExpectRefused(Call("POST", "/api/v1/customers",
                           {{"name", "过去计划有限公司"}, {"next_contact_at", past}},
                           alice_.token));
    }
    EXPECT_EQ(Total(), 0);  // nothing was created
    Reply created = Call("POST", "/api/v1/customers",
                         {{"name", "今天计划有限公司"}, {"next_contact_at", today}}, alice_.token);
    EXPECT_EQ(created.status, 201) << created.raw.body;
    EXPECT_EQ(created.body["next_contact_at"], today);
}

TEST_P(NextContactTest, EditKeepsTheLaterPlanAndLetsAStoredPastValueBeSentBack) {
    const std::string later = FormatRfc3339(NowSeconds() + 7 * 86400);
    json c =
        CreateCustomer(alice_.token, {{"name", "计划客户有限公司"}, {"next_contact_at", later}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    ExpectRefused(Call("PATCH", path, {{"next_contact_at", "2020-01-01T00:00:00Z"}}, alice_.token));
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["next_contact_at"], later);
    // A plan that has passed since it was made comes back unchanged with an edit of another field.
    RunInAnotherProcess("UPDATE customers SET next_contact_at = 1577836800 WHERE id = " +
                        c["id"].dump());
    Reply edited =
        Call("PATCH", path, {{"industry", "制造业"}, {"next_contact_at", "2020-01-01T00:00:00Z"}},
             alice_.token);
    EXPECT_EQ(edited.status, 200) << edited.raw.body;
    // Null clears the plan: not a date in the past.
    EXPECT_EQ(Call("PATCH", path, {{"next_contact_at", nullptr}}, alice_.token).status, 200);
}

TEST_P(NextContactTest, AFollowupCannotPlanTheNextContactInThePast) {
    const std::string later = FormatRfc3339(NowSeconds() + 7 * 86400);
    json c =
        CreateCustomer(alice_.token, {{"name", "跟进客户有限公司"}, {"next_contact_at", later}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    ExpectRefused(Call(
        "POST", path + "/followups",
        {{"kind", "call"}, {"content", "电话沟通"}, {"next_contact_at", "2020-01-01T00:00:00Z"}},
        alice_.token));
    EXPECT_EQ(Call("GET", path + "/followups", nullptr, alice_.token).body["total"], 0);
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["next_contact_at"], later);
    Reply ok = Call("POST", path + "/followups",
                    {{"kind", "call"},
                     {"content", "电话沟通"},
                     {"next_contact_at", StartOfToday("Asia/Shanghai")}},
                    alice_.token);
    EXPECT_EQ(ok.status, 201) << ok.raw.body;
}

// "Today" is the user's: in New York, while Shanghai is already a day ahead for part of the day.
TEST_P(NextContactTest, TodayIsTakenInTheUsersOwnTimeZone) {
    Reply zone = Call("PATCH", "/api/v1/me", {{"time_zone", "America/New_York"}}, alice_.token);
    ASSERT_EQ(zone.status, 200) << zone.raw.body;
    const std::string today = StartOfToday("America/New_York");
    ExpectRefused(Call("POST", "/api/v1/customers",
                       {{"name", "纽约客户"}, {"next_contact_at", OneSecondBefore(today)}},
                       alice_.token));
    EXPECT_EQ(Call("POST", "/api/v1/customers", {{"name", "纽约客户"}, {"next_contact_at", today}},
                   alice_.token)
                  .status,
              201);
}

GUANXI_API_TEST_SUITE(NextContactTest);

}  // namespace
}  // namespace guanxi::testing
