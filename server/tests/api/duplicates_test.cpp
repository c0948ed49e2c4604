// Duplicate customers: phones compared as normalised digits, e-mails without case, company names
// without their legal form, contacts' phones and e-mails as well as the customer's; a match the
// caller can't see says only that it exists; checks are limited per user.

#include "api_test_support.hpp"

#include "core/time.hpp"

#include <chrono>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class DuplicatesTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t dept = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), dept);
        bob_ = CreateUser("bob", RoleId("sales"), dept);
    }

    json Check(const json& body, const std::string& token = "") {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates", body,
                       token.empty() ? alice_.token : token);
        EXPECT_EQ(r.status, 200) << r.body.dump();
        return r.body["matches"];
    }

    // The ids of the matches, in order.
    static std::vector<json> Ids(const json& matches) {
        std::vector<json> ids;
        for (const auto& m : matches) ids.push_back(m["id"]);
        return ids;
    }

    Reply Create(const json& body, const std::string& token = "") {
        return Call("POST", "/api/v1/customers", body, token.empty() ? alice_.token : token);
    }

    std::int64_t Total(const std::string& token) {
        return Call("GET", "/api/v1/customers", nullptr, token).body["total"].get<std::int64_t>();
    }

    TestUser alice_, bob_;
};

TEST_P(DuplicatesTest, PhonesAreComparedAsDigitsWithoutTheCountryCode) {
    json c = CreateCustomer(alice_.token,
                            {{"name", "深圳华强科技有限公司"}, {"phone", "+86 138-0013-8000"}});
    for (const char* phone : {"13800138000", "138 0013 8000", "+8613800138000",
                              "0086 138 0013 8000", "(+86) 138.0013.8000"}) {
        const json matches = Check({{"phone", phone}});
        ASSERT_EQ(matches.size(), 1u) << phone;
        EXPECT_EQ(matches[0]["id"], c["id"]) << phone;
        EXPECT_EQ(matches[0]["reason"], "phone") << phone;
        Reply dup = Create({{"name", "另一家公司"}, {"phone", phone}});
        EXPECT_EQ(dup.status, 409) << phone;
        EXPECT_EQ(dup.code(), "duplicate") << phone;
        EXPECT_EQ(Ids(dup.body["error"]["details"]["matches"]), std::vector<json>{c["id"]})
            << phone;
    }
    // A different number, and a number that merely contains this one, are not duplicates.
    EXPECT_TRUE(Check({{"phone", "13800138001"}}).empty());
    EXPECT_TRUE(Check({{"phone", "+1 13800138000"}}).empty());
    EXPECT_EQ(Create({{"name", "另一家公司"}, {"phone", "13800138001"}}).status, 201);
    EXPECT_EQ(Total(alice_.token), 2);
}

TEST_P(DuplicatesTest, EmailsAreComparedWithoutCase) {
    json c = CreateCustomer(alice_.token, {{"name", "华强"}, {"email", "Sales@HuaQiang.cn"}});
    const json matches = Check({{"email", "sales@huaqiang.CN"}});
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0]["id"], c["id"]);
    EXPECT_EQ(matches[0]["reason"], "email");
    Reply dup = Create({{"name", "华强二号"}, {"email", "SALES@HUAQIANG.CN"}});
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(Ids(dup.body["error"]["details"]["matches"]), std::vector<json>{c["id"]});
    EXPECT_TRUE(Check({{"email", "sales2@huaqiang.cn"}}).empty());
    EXPECT_EQ(Total(alice_.token), 1);
}

TEST_P(DuplicatesTest, CompanyNamesMatchWithoutTheirLegalForm) {
    json huaqiang = CreateCustomer(alice_.token, {{"name", "深圳华强科技有限公司"}});
    json bright = CreateCustomer(alice_.token, {{"name", "Brightpath Logistics Co., Ltd."}});
    const std::vector<std::pair<std::string, json>> cases = {
        {"深圳华强科技股份有限公司", huaqiang["id"]},
        {"深圳华强科技", huaqiang["id"]},
        {" 深圳华强科技（有限公司） ", huaqiang["id"]},
        {"Brightpath Logistics", bright["id"]},
        {"BRIGHTPATH LOGISTICS LTD", bright["id"]},
        {"Brightpath Logistics Company Limited", bright["id"]},
        {"brightpath logistics inc.", bright["id"]},
    };
    for (const auto& [name, id] : cases) {
        const json matches = Check({{"name", name}});
        ASSERT_EQ(matches.size(), 1u) << name << ": " << matches.dump();
        EXPECT_EQ(matches[0]["id"], id) << name;
        EXPECT_EQ(matches[0]["reason"], "name") << name;
    }
    for (const char* other : {"深圳华强电子有限公司", "华强科技有限公司", "Brightpath",
                              "Brightpath Logistics Asia Ltd."}) {
        EXPECT_TRUE(Check({{"name", other}}).empty()) << other;
    }
    // A similar name is a hint, not a conflict: creating it works.
    EXPECT_EQ(Create({{"name", "深圳华强科技股份有限公司"}}).status, 201);
}

TEST_P(DuplicatesTest, AContactsPhoneOrEmailMatchesToo) {
    json c = CreateCustomer(alice_.token, {{"name", "联系人匹配公司"}});
    ASSERT_EQ(Call("POST", "/api/v1/customers/" + c["id"].dump() + "/contacts",
                   {{"name", "王小明"}, {"phone", "139-1234-5678"}, {"email", "Wang@Example.cn"}},
                   alice_.token)
                  .status,
              201);
    const json by_phone = Check({{"phone", "+86 13912345678"}});
    ASSERT_EQ(by_phone.size(), 1u);
    EXPECT_EQ(by_phone[0]["id"], c["id"]);
    Reply dup = Create({{"name", "新公司"}, {"email", "wang@example.CN"}});
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(Ids(dup.body["error"]["details"]["matches"]), std::vector<json>{c["id"]});
    // Matching on both phone and e-mail gives one match with both reasons.
    const json both = Check({{"phone", "13912345678"}, {"email", "wang@example.cn"}});
    ASSERT_EQ(both.size(), 1u) << both.dump();
    EXPECT_EQ(both[0]["reasons"], json({"phone", "email"}));
    // A deleted contact no longer matches.
    const json contacts =
        Call("GET", "/api/v1/customers/" + c["id"].dump() + "/contacts", nullptr, alice_.token)
            .body;
    ASSERT_EQ(Call("DELETE",
                   "/api/v1/customers/" + c["id"].dump() + "/contacts/" +
                       contacts["items"][0]["id"].dump(),
                   nullptr, alice_.token)
                  .status,
              204);
    EXPECT_TRUE(Check({{"phone", "13912345678"}}).empty());
}

TEST_P(DuplicatesTest, AllowDuplicateCreatesAnyway) {
    json first =
        CreateCustomer(alice_.token, {{"name", "重复允许公司"}, {"phone", "021-6552-1234"}});
    Reply bad =
        Create({{"name", "重复允许公司"}, {"phone", "02165521234"}, {"allow_duplicate", "yes"}});
    EXPECT_EQ(bad.status, 422);
    EXPECT_TRUE(bad.body["error"]["details"]["fields"].contains("allow_duplicate"));
    Reply second =
        Create({{"name", "重复允许公司"}, {"phone", "02165521234"}, {"allow_duplicate", true}});
    ASSERT_EQ(second.status, 201) << second.body.dump();
    EXPECT_FALSE(second.body.contains("allow_duplicate"));
    const json matches = Check({{"phone", "021 6552 1234"}});
    EXPECT_EQ(Ids(matches), (std::vector<json>{first["id"], second.body["id"]}));
    EXPECT_EQ(
        Create({{"name", "第三家"}, {"phone", "02165521234"}, {"allow_duplicate", false}}).status,
        409);
    EXPECT_EQ(Total(alice_.token), 2);
}

// API.md: what a user may not see behaves as if it does not exist. A match they can't see says
// only that there is one, and why: no id, no name, no owner.
TEST_P(DuplicatesTest, AMatchTheCallerCannotSeeSaysOnlyThatItExists) {
    TestUser carol = CreateUser("carol", RoleId("sales"), CreateDepartment("销售二部"));
    json bobs = CreateCustomer(bob_.token, {{"name", "保密客户有限公司"},
                                            {"phone", "13700001111"},
                                            {"email", "secret@baomi.cn"},
                                            {"address", "北京市朝阳区"}});
    const std::string bob_id = std::to_string(bob_.id);
    const auto expect_hidden = [&](const Reply& r, const json& matches, const json& reasons,
                                   const std::string& sent) {
        ASSERT_EQ(matches.size(), 1u) << sent << " → " << r.raw.body;
        EXPECT_EQ(matches[0],
                  json({{"visible", false}, {"reason", reasons[0]}, {"reasons", reasons}}))
            << sent;
        for (const char* secret :
             {"保密客户有限公司", "secret@", "北京市", "13700001111", "\"owner", "\"id\""}) {
            if (sent.find(secret) == std::string::npos) {
                EXPECT_EQ(r.raw.body.find(secret), std::string::npos)
                    << secret << " in " << r.raw.body;
            }
        }
        EXPECT_EQ(r.raw.body.find(":" + bob_id), std::string::npos) << r.raw.body;
    };
    for (const auto& [body, reasons] : std::vector<std::pair<json, json>>{
             {{{"phone", "137-0000-1111"}}, {"phone"}},
             {{{"email", "SECRET@baomi.cn"}}, {"email"}},
             {{{"name", "保密客户"}}, {"name"}},
             {{{"phone", "13700001111"}, {"email", "secret@baomi.cn"}}, {"phone", "email"}}}) {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates", body, carol.token);
        ASSERT_EQ(r.status, 200) << r.raw.body;
        expect_hidden(r, r.body["matches"], reasons, body.dump());
    }
    Reply dup = Create({{"name", "我的新客户"}, {"phone", "13700001111"}}, carol.token);
    ASSERT_EQ(dup.status, 409);
    EXPECT_EQ(dup.code(), "duplicate");
    expect_hidden(dup, dup.body["error"]["details"]["matches"], {"phone"}, "13700001111");
    // Two invisible customers with the same phone are one entry: the answer does not count them.
    Reply second = Create(
        {{"name", "另一家保密"}, {"phone", "13700001111"}, {"allow_duplicate", true}}, bob_.token);
    ASSERT_EQ(second.status, 201);
    Reply twice =
        Call("POST", "/api/v1/customers/check-duplicates", {{"phone", "13700001111"}}, carol.token);
    EXPECT_EQ(twice.body["matches"].size(), 1u) << twice.raw.body;
    // A visible match alongside stays whole; bob sees his own in full.
    json carols = CreateCustomer(
        carol.token, {{"name", "卡罗客户"}, {"phone", "13700001111"}, {"allow_duplicate", true}});
    const json mixed = Check({{"phone", "13700001111"}}, carol.token);
    ASSERT_EQ(mixed.size(), 2u) << mixed.dump();
    EXPECT_EQ(mixed[0]["visible"], false);
    EXPECT_EQ(mixed[1]["id"], carols["id"]);
    EXPECT_EQ(mixed[1]["owner_id"], carol.id);
    EXPECT_EQ(mixed[1]["visible"], true);
    const json own = Check({{"phone", "13700001111"}}, bob_.token);
    ASSERT_EQ(own.size(), 3u) << own.dump();
    EXPECT_EQ(own[0]["id"], bobs["id"]);
    EXPECT_EQ(own[0]["name"], "保密客户有限公司");
    EXPECT_EQ(own[0]["owner_id"], bob_.id);
    EXPECT_EQ(own[1]["id"], second.body["id"]);
    EXPECT_EQ(own[2], json({{"visible", false}, {"reason", "phone"}, {"reasons", {"phone"}}}));
}

// The check would otherwise list a competitor's book one phone number at a time. The count is in
// the database, so every app server shares it.
TEST_P(DuplicatesTest, ChecksAreLimitedPerUserToSixtyAMinute) {
    // Counts are per minute of the clock: start well inside one.
    if (NowSeconds() % 60 >= 55) std::this_thread::sleep_for(std::chrono::seconds(6));
    for (int i = 0; i < 60; ++i) {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates",
                       {{"phone", "1380013" + std::to_string(8000 + i)}}, alice_.token);
        ASSERT_EQ(r.status, 200) << i << ": " << r.raw.body;
    }
    Reply refused =
        Call("POST", "/api/v1/customers/check-duplicates", {{"name", "竞争对手"}}, alice_.token);
    ASSERT_EQ(refused.status, 429) << refused.raw.body;
    EXPECT_EQ(refused.code(), "rate_limited");
    EXPECT_EQ(refused.body["error"]["details"]["limit"], 60);
    const auto retry = refused.body["error"]["details"]["retry_after_seconds"].get<std::int64_t>();
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    // A bad body is a 422 before it counts; another user has a count of their own; creating a
    // customer is not limited by it.
    EXPECT_EQ(
        Call("POST", "/api/v1/customers/check-duplicates", {{"phone", 13800138000}}, alice_.token)
            .status,
        422);
    EXPECT_EQ(Check({{"phone", "13800138000"}}, bob_.token), json::array());
    EXPECT_EQ(Create({{"name", "限流后新建"}, {"phone", "13800137777"}}).status, 201);
    // The count is read from the database on every check, not kept in this process: what any
    // server (here another process) writes there is what counts.
    RunInAnotherProcess("UPDATE rate_limits SET hits = 0 WHERE bucket = 'duplicates:user:" +
                        std::to_string(alice_.id) + "'");
    EXPECT_EQ(
        Call("POST", "/api/v1/customers/check-duplicates", {{"phone", "13800138000"}}, alice_.token)
            .status,
        200);
}

TEST_P(DuplicatesTest, BadInputIsRejected) {
    // What no typing produces; half-typed text is PartlyTypedFieldsAreLeftOut's.
    for (const json& body : {json{{"phone", 13800138000}}, json{{"email", "a\u0001@b.cn"}},
                             json{{"name", 42}}, json{{"colour", "red"}}}) {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates", body, alice_.token);
        EXPECT_EQ(r.status, 422) << body.dump();
    }
    EXPECT_EQ(Check(json::object()), json::array());
    EXPECT_EQ(Call("POST", "/api/v1/customers/check-duplicates", {{"phone", "13800138000"}}).status,
              401);
}

// Issue #14, item 4: the warning disappeared whenever another field was half-typed, because the
// whole check answered 422. Each field that is valid is matched; the others are named in
// `ignored`, in any combination.
TEST_P(DuplicatesTest, PartlyTypedFieldsAreLeftOutAndTheValidOnesStillMatch) {
    json c = Create({{"name", "华强电子科技有限公司"},
                     {"phone", "13900001234"},
                     {"email", "sales@huaqiang.cn"}})
                 .body;
    ASSERT_TRUE(c.contains("id")) << c.dump();
    const json name = {"name", "华强电子科技有限公司"};
    const json phone = {"phone", "13900001234"};
    const json email = {"email", "sales@huaqiang.cn"};
    const json half_phone = {"phone", "139-"};
    const json half_email = {"email", "sales@"};
    const json long_name = {"name", std::string(201, 'x')};
    struct Case {
        json body;
        std::vector<std::string> reasons;
        json ignored;
    };
    const std::vector<Case> cases = {
        {json::object({name, half_phone}), {"name"}, json::array({"phone"})},
        {json::object({name, half_email}), {"name"}, json::array({"email"})},
        {json::object({name, half_phone, half_email}), {"name"}, json::array({"email", "phone"})},
        {json::object({long_name, phone}), {"phone"}, json::array({"name"})},
        {json::object({half_phone, email}), {"email"}, json::array({"phone"})},
        {json::object({name, phone, half_email}), {"phone", "name"}, json::array({"email"})},
        {json::object({half_phone}), {}, json::array({"phone"})},
    };
    for (const Case& k : cases) {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates", k.body, alice_.token);
        ASSERT_EQ(r.status, 200) << k.body.dump() << " → " << r.raw.body;
        EXPECT_EQ(r.body["ignored"], k.ignored) << k.body.dump();
        if (k.reasons.empty()) {
            EXPECT_EQ(r.body["matches"], json::array()) << k.body.dump();
            continue;
        }
        ASSERT_EQ(r.body["matches"].size(), 1u) << k.body.dump() << " → " << r.raw.body;
        EXPECT_EQ(r.body["matches"][0]["id"], c["id"]);
        EXPECT_EQ(r.body["matches"][0]["reasons"], json(k.reasons)) << k.body.dump();
    }
}

GUANXI_API_TEST_SUITE(DuplicatesTest);

}  // namespace
}  // namespace guanxi::testing
