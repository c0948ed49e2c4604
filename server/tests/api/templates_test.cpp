// Message templates (issue 17 item 1): an SMS template answers its length and segments as a gateway
// counts them, the variables it uses, and a variable no customer can fill is refused by name; an
// e-mail body is stored made safe; a changed text needs the gateway's approval again; a preview
// renders it for a customer the caller can see.

#include "api_test_support.hpp"
#include "test_paths.hpp"

#include <fstream>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class TemplatesTest : public ApiTest {
  protected:
    Reply Make(const json& body) { return Call("POST", "/api/v1/templates", body, admin()); }
    json Sms(const std::string& body, const std::string& signature = "") {
        json sent = {
            {"name", "短信" + std::to_string(++made_)}, {"channel", "sms"}, {"body", body}};
        if (!signature.empty()) sent["signature"] = signature;
        Reply r = Make(sent);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body;
    }
    int made_ = 0;
};

// The cases the web's counter is checked against too.
TEST_P(TemplatesTest, AnSmsIsCountedAsTheGatewayCountsIt) {
    std::ifstream file(kSmsSegmentsCases);
    ASSERT_TRUE(file) << kSmsSegmentsCases;
    const json cases = json::parse(file)["cases"];
    for (const json& c : cases) {
        std::string text = c.value("text", std::string());
        for (int i = 0; i < c.value("times", 0); ++i) text += c["repeat"].get<std::string>();
        if (text.empty()) continue;  // a body is required
        SCOPED_TRACE(text);
        const json made = Sms(text);
        EXPECT_EQ(made["encoding"], c["encoding"]);
        EXPECT_EQ(made["length"], c["length"]);
        EXPECT_EQ(made["segments"], c["segments"]);
    }
    // The signature is part of what is sent: 【关系科技】 adds 6 UCS-2 units.
    const json signed_ = Sms(std::string(64, 'a'), "【关系科技】");
    EXPECT_EQ(signed_["signature"], "关系科技");  // stored without the brackets
    EXPECT_EQ(signed_["encoding"], "ucs2");
    EXPECT_EQ(signed_["length"], 70);
    EXPECT_EQ(signed_["segments"], 1);
    Reply longer = Call("PATCH", "/api/v1/templates/" + signed_["id"].dump(),
                        {{"body", std::string(65, 'a')}, {"version", 1}}, admin());
    ASSERT_EQ(longer.status, 200) << longer.raw.body;
    EXPECT_EQ(longer.body["length"], 71);
    EXPECT_EQ(longer.body["segments"], 2);
}

TEST_P(TemplatesTest, BadTemplatesAreRefusedByFieldAndChangeNothing) {
    auto refused = [&](const json& body, const std::string& field, const std::string& code) {
        Reply r = Make(body);
        EXPECT_EQ(r.status, 422) << body.dump();
        EXPECT_EQ(r.body["error"]["details"]["field_codes"][field]["code"], code) << r.raw.body;
        return r;
    };
    // A 10,000-character SMS.
    Reply huge = refused({{"name", "太长"}, {"channel", "sms"}, {"body", std::string(10000, 'x')}},
                         "body", "too_long");
    EXPECT_EQ(huge.body["error"]["details"]["field_codes"]["body"]["params"]["max"], 500);
    // A variable no customer has, in the body and in an e-mail's subject.
    Reply unknown = refused({{"name", "错变量"},
                             {"channel", "sms"},
                             {"body", "{{customer.name}}，{{ customer.nmae }}"}},
                            "body", "unknown_variable");
    EXPECT_EQ(unknown.body["error"]["details"]["field_codes"]["body"]["params"]["variable"],
              "customer.nmae");
    refused({{"name", "错主题"},
             {"channel", "email"},
             {"subject", "致 {{company.name}}"},
             {"body", "<p>您好</p>"}},
            "subject", "unknown_variable");
    // An e-mail without a subject; a channel that is none.
    refused({{"name", "无主题"}, {"channel", "email"}, {"body", "<p>您好</p>"}}, "subject",
            "required");
    refused({{"name", "传真"}, {"channel", "fax"}, {"body", "x"}}, "channel", "not_an_option");
    // The length is the server's to say.
    refused({{"name", "自报"}, {"channel", "sms"}, {"body", "x"}, {"segments", 1}}, "segments",
            "read_only");
    EXPECT_EQ(Call("GET", "/api/v1/templates", nullptr, admin()).body["total"], 0);
    // A custom field of customers is a variable once it exists.
    const json field = {
        {"name", "客户等级"}, {"channel", "sms"}, {"body", "您的等级：{{customer.custom.level}}"}};
    refused(field, "body", "unknown_variable");
    ASSERT_EQ(Call("POST", "/api/v1/custom-fields",
                   {{"entity", "customers"},
                    {"key", "level"},
                    {"type", "text"},
                    {"label", {{"zh-CN", "等级"}, {"en", "Level"}}}},
                   admin())
                  .status,
              201);
    Reply made = Make(field);
    ASSERT_EQ(made.status, 201) << made.raw.body;
    EXPECT_EQ(made.body["variables"], json({"customer.custom.level"}));
}

TEST_P(TemplatesTest, AnEmailBodyIsStoredSafeAndANewTextNeedsApprovingAgain) {
    Reply mail = Make({{"name", "新品通知"},
                       {"channel", "email"},
                       {"subject", "{{customer.name}}，新品上市"},
                       {"body",
                        "<p onclick=\"steal()\">您好 <b>{{contact.name}}</b></p>"
                        "<script>alert(1)</script><a href=\"javascript:alert(1)\">看看</a>"
                        "<a href=\"https://guanxi.example/new\">新品</a>"
                        "<img src=\"x\" onerror=\"alert(1)\"><style>p{}</style>"}});
    ASSERT_EQ(mail.status, 201) << mail.raw.body;
    const std::string body = mail.body["body"];
    EXPECT_EQ(body.find("script"), std::string::npos) << body;
    EXPECT_EQ(body.find("onclick"), std::string::npos) << body;
    EXPECT_EQ(body.find("onerror"), std::string::npos) << body;
    EXPECT_EQ(body.find("javascript"), std::string::npos) << body;
    EXPECT_EQ(body.find("<style"), std::string::npos) << body;
    EXPECT_NE(body.find("<b>{{contact.name}}</b>"), std::string::npos) << body;
    EXPECT_NE(body.find("href=\"https://guanxi.example/new\""), std::string::npos) << body;
    EXPECT_EQ(mail.body["variables"], json({"customer.name", "contact.name"}));
    EXPECT_TRUE(mail.body["segments"].is_null());
    // Saved again unchanged, it stays as it is.
    Reply same = Call("PATCH", "/api/v1/templates/" + mail.body["id"].dump(),
                      {{"body", body}, {"version", 1}}, admin());
    ASSERT_EQ(same.status, 200) << same.raw.body;
    EXPECT_EQ(same.body["body"], body);

    // An approved SMS whose text changes is no longer approved; its name alone may change.
    Reply sms = Make({{"name", "回访"},
                      {"channel", "sms"},
                      {"body", "{{contact.name}}您好"},
                      {"signature", "关系科技"},
                      {"approved", true},
                      {"gateway_template_code", "SMS_0001"}});
    ASSERT_EQ(sms.status, 201) << sms.raw.body;
    EXPECT_EQ(sms.body["approved"], true);
    const std::string item = "/api/v1/templates/" + sms.body["id"].dump();
    Reply renamed = Call("PATCH", item, {{"name", "回访提醒"}, {"version", 1}}, admin());
    ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
    EXPECT_EQ(renamed.body["approved"], true);
    Reply rewritten =
        Call("PATCH", item, {{"body", "{{contact.name}}您好！"}, {"version", 2}}, admin());
    ASSERT_EQ(rewritten.status, 200) << rewritten.raw.body;
    EXPECT_EQ(rewritten.body["approved"], false);
    // Its history says so.
    Reply history =
        Call("GET", "/api/v1/audit-log?entity=template&entity_id=" + sms.body["id"].dump(), nullptr,
             admin());
    ASSERT_EQ(history.status, 200) << history.raw.body;
    EXPECT_EQ(history.body["items"][0]["details"]["changes"]["approved"]["after"], false)
        << history.raw.body;
    // Salespeople read templates but do not write them.
    TestUser sales = CreateUser("tpl.sales", RoleId("sales"), std::nullopt);
    EXPECT_EQ(Call("GET", item, nullptr, sales.token).status, 200);
    EXPECT_EQ(Call("PATCH", item, {{"name", "改"}, {"version", 3}}, sales.token).status, 403);
}

TEST_P(TemplatesTest, APreviewRendersItForACustomerTheCallerCanSee) {
    const std::int64_t dept = CreateDepartment("短信部");
    TestUser sales = CreateUser("pv.sales", RoleId("sales"), dept);
    const json customer = CreateCustomer(sales.token, {{"name", "华为技术"}, {"industry", "通信"}});
    const std::string cid = customer["id"].dump();
    for (const auto& [name, primary] : {std::pair{"张三", false}, std::pair{"李四", true}}) {
        Reply c =
            Call("POST", "/api/v1/customers/" + cid + "/contacts",
                 {{"name", name}, {"phone", "13800000000"}, {"primary", primary}}, sales.token);
        ASSERT_EQ(c.status, 201) << c.raw.body;
    }
    const json sms =
        Sms("{{contact.name}}您好，{{customer.name}}（{{customer.industry}}）"
            "的专属顾问{{owner.display_name}}。",
            "关系科技");
    const std::string preview = "/api/v1/templates/" + sms["id"].dump() + "/preview";
    Reply r = Call("POST", preview, {{"customer_id", customer["id"]}}, sales.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    // The primary contact, the owner's name (a new user's display name is its username).
    EXPECT_EQ(r.body["text"], "【关系科技】李四您好，华为技术（通信）的专属顾问pv.sales。");
    EXPECT_EQ(r.body["encoding"], "ucs2");
    EXPECT_EQ(r.body["segments"], 1);
    // A draft's text instead of the stored one; an unknown variable in it is named.
    Reply draft =
        Call("POST", preview, {{"customer_id", customer["id"]}, {"body", "{{customer.name}}"}},
             sales.token);
    ASSERT_EQ(draft.status, 200) << draft.raw.body;
    EXPECT_EQ(draft.body["text"], "【关系科技】华为技术");
    Reply bad =
        Call("POST", preview, {{"customer_id", customer["id"]}, {"body", "{{x}}"}}, sales.token);
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad.body["error"]["details"]["field_codes"]["body"]["params"]["variable"], "x");
    // A customer of another department is not there for this caller.
    TestUser other = CreateUser("pv.other", RoleId("sales"), CreateDepartment("别的部门"));
    EXPECT_EQ(Call("POST", preview, {{"customer_id", customer["id"]}}, other.token).status, 404);
    EXPECT_EQ(Call("POST", preview, {{"customer_id", 999999}}, sales.token).status, 404);
    EXPECT_EQ(Call("POST", preview, json::object(), sales.token).status, 422);
    // An e-mail: values are escaped in its HTML.
    Reply mail = Make({{"name", "邮件"},
                       {"channel", "email"},
                       {"subject", "致{{customer.name}}"},
                       {"body", "<p>{{customer.name}}</p>"}});
    ASSERT_EQ(mail.status, 201) << mail.raw.body;
    Reply renamed = Call("PATCH", "/api/v1/customers/" + cid,
                         {{"name", "<b>华为</b>"}, {"version", customer["version"]}}, sales.token);
    ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
    Reply html = Call("POST", "/api/v1/templates/" + mail.body["id"].dump() + "/preview",
                      {{"customer_id", customer["id"]}}, sales.token);
    ASSERT_EQ(html.status, 200) << html.raw.body;
    EXPECT_EQ(html.body["subject"], "致<b>华为</b>");
    EXPECT_EQ(html.body["body"], "<p>&lt;b&gt;华为&lt;/b&gt;</p>");
}

}  // namespace

GUANXI_API_TEST_SUITE(TemplatesTest);

}  // namespace guanxi::testing
