// Bad values in JSON bodies, as a class (issue #12, items 12 and 16): every write route with a
// JSON body in openapi.json, every field its request schema names, sent
//   - as null: a 422 naming the field, or — where the schema's type includes null — a success
//     that cleared the field;
//   - as a value of the wrong type: a 422 naming the field;
//   - if it is text, with a control character (NUL, ESC, DEL, a C1 control): a 422 naming the
//     field; with a tab or a line break: a 422, or a success keeping them where the property says
//     x-multiline.
// Never a 500, and a 422 changes nothing. A route added to the document without a fixture here
// fails the test, so new routes are covered as they come.

#include "api_test_support.hpp"
#include "domains/notifications/notification_store.hpp"
#include "record_examples.hpp"

#include "cli/openapi.hpp"
#include "domains/record_types.hpp"
#include "kit/record_routes.hpp"

#include <functional>
#include <map>

namespace guanxi::testing {
namespace {

using nlohmann::json;

// How one route is exercised.
struct Fixture {
    std::string path;  // the route's pattern with real ids
    // A valid body the field under test is added to (creates need their required fields); none:
    // the field alone.
    std::function<json()> base;
    // What a rejected request must leave as it was; none: nothing to look at.
    std::function<json()> snapshot;
    // Run before each request, if set (e.g. to take a released customer back).
    std::function<void()> prepare;
    // Whether a success answers with the object written, whose fields can be checked.
    bool returns_object = true;
    // Why the route is not exercised, if it is not.
    std::string skip;
};

class BodyFieldsTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        doc_ = json::parse(app().openapi());
        dept_ = CreateDepartment("类测试部");
        role_ = CreateRole("类测试角色", "self", json::array({"customers.view"}));
        user_ = CreateUser("classuser", role_, dept_).id;
        heir_ = CreateUser("classheir", RoleId("sales"), dept_).id;
        customer_ = CreateCustomer(admin(), {{"name", "类测试客户"}})["id"].get<std::int64_t>();
        moved_ = CreateCustomer(admin(), {{"name", "转移测试客户"}})["id"].get<std::int64_t>();
        released_ = CreateCustomer(admin(), {{"name", "释放测试客户"}})["id"].get<std::int64_t>();
        Reply contact =
            Call("POST", CustomerPath(customer_) + "/contacts", {{"name", "王经理"}}, admin());
        EXPECT_EQ(contact.status, 201) << contact.body.dump();
        contact_ = contact.body["id"].get<std::int64_t>();
        Reply followup = Call("POST", CustomerPath(customer_) + "/followups",
                              {{"kind", "call"}, {"content", "首次电话"}}, admin());
        EXPECT_EQ(followup.status, 201) << followup.body.dump();
        followup_ = followup.body["id"].get<std::int64_t>();
        Reply field = Call("POST", "/api/v1/custom-fields",
                           {{"entity", "customers"},
                            {"key", "note"},
                            {"type", "long_text"},
                            {"label", {{"zh-CN", "备注"}, {"en", "Note"}}}},
                           admin());
        EXPECT_EQ(field.status, 201) << field.raw.body;
        custom_field_ = field.body["id"].get<std::int64_t>();
        // A notification of the admin's, as a reminder rule leaves one.
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn);
        ASSERT_TRUE(notifications::Notify(**conn,
                                          {.user_id = 1,
                                           .unique_key = "body-fields:1",
                                           .kind = "system",
                                           .title = "类测试提醒",
                                           .due_at = NowSeconds()},
                                          NowSeconds()));
        auto row = (*conn)->QueryOne("SELECT id FROM notifications WHERE unique_key = ?",
                                     {std::string("body-fields:1")});
        ASSERT_TRUE(row && *row);
        notification_ = (**row).Int(0);
    }

    static std::string CustomerPath(std::int64_t id) {
        return "/api/v1/customers/" + std::to_string(id);
    }

    json Get(const std::string& path) {
        Reply r = Call("GET", path, nullptr, admin());
        EXPECT_EQ(r.status, 200) << path << ": " << r.raw.body;
        return r.body;
    }

    // A unique name for creates that succeed (user names and role names are unique).
    std::string Unique(const std::string& prefix) { return prefix + std::to_string(++serial_); }

    std::map<std::string, Fixture> Fixtures() {
        const std::string customer = CustomerPath(customer_);
        const std::string contact = customer + "/contacts/" + std::to_string(contact_);
        const std::string followup = customer + "/followups/" + std::to_string(followup_);
        const std::string user = "/api/v1/users/" + std::to_string(user_);
        const std::string role = "/api/v1/roles/" + std::to_string(role_);
        const auto get = [this](std::string path) { return [this, path] { return Get(path); }; };
        std::map<std::string, Fixture> f;
        f["POST /api/v1/auth/login"] = {
            "/api/v1/auth/login",
            [] {
                return json{{"username", "admin"}, {"password", "wrong-password"}};
            },
            {},
            {},
            false};
        f["PUT /api/v1/me/settings/{key}"].skip =
            "the body is the setting's value, and any JSON value is one";
        f["PATCH /api/v1/me"] = {"/api/v1/me", {}, get("/api/v1/me")};
        f["PATCH /api/v1/settings/company"] = {
            "/api/v1/settings/company", {}, get("/api/v1/settings/company")};
        f["PUT /api/v1/settings/smtp"] = {"/api/v1/settings/smtp",
                                          [] {
                                              return json{{"host", "smtp.example.com"},
                                                          {"port", 587},
                                                          {"security", "starttls"},
                                                          {"from_address", "crm@example.com"}};
                                          },
                                          get("/api/v1/settings/smtp")};
        f["PUT /api/v1/me/notification-settings"] = {
            "/api/v1/me/notification-settings", {}, get("/api/v1/me/notification-settings")};
        f["PUT /api/v1/settings/reminders"] = {
            "/api/v1/settings/reminders", {}, get("/api/v1/settings/reminders")};
        // A contract's plan and its payments (the contract: 10^6, so successes never fill it).
        const std::string contract = std::to_string(
            Call("POST", customer + "/contracts",
                 {{"title", "类测试合同"}, {"amount", "1000000.00"}, {"signed_on", "2026-12-01"}},
                 admin())
                .body["id"]
                .get<std::int64_t>());
        f["PUT /api/v1/contracts/{id}/instalments"] = {
            "/api/v1/contracts/" + contract + "/instalments",
            {},
            get("/api/v1/contracts/" + contract + "/instalments")};
        f["POST /api/v1/payments"] = {"/api/v1/payments",
                                      [contract] {
                                          return json{{"contract_id", std::stoll(contract)},
                                                      {"received_on", "2026-12-05"},
                                                      {"amount", "1.00"}};
                                      },
                                      get("/api/v1/payments?contract_id=" + contract)};
        // Quotes: a product, a draft quote of it, a price list; the decisions on a quote another
        // user owns, put back to awaiting approval before each probe (admin decides any).
        const std::string product = std::to_string(
            Call("POST", "/api/v1/products",
                 {{"code", "BODY-1"}, {"name", "类测试产品"}, {"list_price", "100.00"}}, admin())
                .body["id"]
                .get<std::int64_t>());
        const auto quote_of = [&] {
            return std::to_string(
                Call("POST", customer + "/quotes", {{"title", "类测试报价"}}, admin())
                    .body["id"]
                    .get<std::int64_t>());
        };
        const std::string quote = quote_of();
        f["PUT /api/v1/quotes/{id}/lines"] = {
            "/api/v1/quotes/" + quote + "/lines",
            [product] {
                return json{{"lines", {{{"product_id", std::stoll(product)}, {"quantity", "1"}}}}};
            },
            get("/api/v1/quotes/" + quote)};
        const std::string decided = quote_of();
        for (const char* decision : {"approve", "reject"}) {
            f[std::string("POST /api/v1/quotes/{id}/") + decision] = {
                "/api/v1/quotes/" + decided + "/" + decision,
                {},
                get("/api/v1/quotes/" + decided),
                [this, decided] {
                    auto conn = app().db().Acquire();
                    ASSERT_TRUE(conn.ok());
                    ASSERT_TRUE((*conn)
                                    ->Execute("UPDATE quotes SET status = 'pending_approval', "
                                              "owner_id = ?, created_by = ? WHERE id = ?",
                                              {user_, user_, std::stoll(decided)})
                                    .ok());
                }};
        }
        f["PUT /api/v1/settings/quote-discount-limits"] = {
            "/api/v1/settings/quote-discount-limits",
            [this] {
                return json{{"items", {{{"role_id", role_}, {"max_discount", "10"}}}}};
            },
            get("/api/v1/settings/quote-discount-limits")};
        const std::string price_list = std::to_string(Call("POST", "/api/v1/price-lists",
                                                           {{"name", "类测试价目表"},
                                                            {"customer_category", "core"},
                                                            {"valid_from", "2027-01-01"}},
                                                           admin())
                                                          .body["id"]
                                                          .get<std::int64_t>());
        f["PUT /api/v1/price-lists/{id}/lines"] = {
            "/api/v1/price-lists/" + price_list + "/lines",
            [product] {
                return json{{"items", {{{"product_id", std::stoll(product)}, {"price", "90.00"}}}}};
            },
            get("/api/v1/price-lists/" + price_list + "/lines")};
        // A template's preview changes nothing; its answer does not echo what was sent.
        const std::string tpl = std::to_string(
            Call(
                "POST", "/api/v1/templates",
                {{"name", Unique("类测试模板")}, {"channel", "sms"}, {"body", "{{customer.name}}"}},
                admin())
                .body["id"]
                .get<std::int64_t>());
        f["POST /api/v1/templates/{id}/preview"] = {"/api/v1/templates/" + tpl + "/preview",
                                                    [this] {
                                                        return json{{"customer_id", customer_}};
                                                    },
                                                    {},
                                                    {},
                                                    false};
        f["PUT /api/v1/settings/pool-rules"] = {
            "/api/v1/settings/pool-rules", {}, get("/api/v1/settings/pool-rules")};
        // Every bad "to" is refused before anything is sent.
        f["POST /api/v1/settings/smtp/test"] = {"/api/v1/settings/smtp/test", {}, {}, {}, false};
        f["POST /api/v1/notifications/{id}/snooze"] = {
            "/api/v1/notifications/" + std::to_string(notification_) + "/snooze",
            {},
            get("/api/v1/notifications")};
        // The right current password with a valid new one, the field under test replacing one.
        f["POST /api/v1/me/password"] = {"/api/v1/me/password",
                                         [] {
                                             return json{{"current_password", "admin-password"},
                                                         {"new_password", "Kx9-lantern-204"}};
                                         },
                                         {},
                                         {},
                                         false};
        f["POST /api/v1/roles"] = {"/api/v1/roles",
                                   [this] {
                                       return json{{"name", Unique("角色")},
                                                   {"data_scope", "self"},
                                                   {"permissions", json::array()}};
                                   },
                                   get("/api/v1/roles")};
        f["PATCH /api/v1/roles/{id}"] = {role, {}, get("/api/v1/roles")};
        f["POST /api/v1/users"] = {"/api/v1/users",
                                   [this] {
                                       return json{{"username", Unique("u")},
                                                   {"display_name", "新用户"},
                                                   {"password", "Kx9-lantern-204"},
                                                   {"role_id", role_}};
                                   },
                                   get("/api/v1/users?page_size=500")};
        f["PATCH /api/v1/users/{id}"] = {user, {}, get(user)};
        f["POST /api/v1/users/{id}/handover"] = {user + "/handover",
                                                 [this] {
                                                     return json{{"to_user_id", heir_}};
                                                 },
                                                 get("/api/v1/customers?in_pool=any&page_size=500"),
                                                 {},
                                                 false};
        f["POST /api/v1/customers"] = {"/api/v1/customers",
                                       [] {
                                           return json{{"name", "新客户"}};
                                       },
                                       get("/api/v1/customers?in_pool=any&page_size=500")};
        f["POST /api/v1/customers/check-duplicates"] = {
            "/api/v1/customers/check-duplicates", {}, {}, {}, false};
        f["POST /api/v1/customers/transfer"] = {
            "/api/v1/customers/transfer",
            [this] {
                return json{{"ids", json::array({moved_})}, {"owner_id", heir_}};
            },
            get(CustomerPath(moved_)),
            {},
            false};
        f["PATCH /api/v1/customers/{id}"] = {customer, {}, get(customer)};
        f["POST /api/v1/customers/{id}/release"] = {
            CustomerPath(released_) + "/release",
            {},
            get(CustomerPath(released_)),
            [this] {
                if (Get(CustomerPath(released_))["owner_id"].is_null()) {
                    Call("POST", CustomerPath(released_) + "/claim", nullptr, admin());
                }
            },
            false};
        f["POST /api/v1/customers/{id}/followups"] = {
            customer + "/followups",
            [] {
                return json{{"kind", "visit"}, {"content", "拜访"}};
            },
            get(customer + "/followups?page_size=500")};
        f["PATCH /api/v1/customers/{id}/followups/{followup_id}"] = {followup, {}, get(followup)};
        f["POST /api/v1/custom-fields"] = {
            "/api/v1/custom-fields",
            [this] {
                const std::string n = Unique("");
                return json{{"entity", "customers"},
                            {"key", "probe_" + n},
                            {"type", "text"},
                            {"label", {{"zh-CN", "探测" + n}, {"en", "Probe " + n}}}};
            },
            get("/api/v1/custom-fields")};
        f["PATCH /api/v1/custom-fields/{id}"] = {
            "/api/v1/custom-fields/" + std::to_string(custom_field_),
            {},
            get("/api/v1/custom-fields")};
        // Every record type of the kit, from its definition's example.
        for (const auto& type : RecordTypes().types()) {
            const bool nested = type->type.UnderCustomer();
            const std::string collection =
                nested ? customer + "/" + type->type.Segment() : "/api/v1/" + type->type.Segment();
            const std::string pattern = kit::CollectionPattern(type->type);
            Reply record = Send(ExampleCreate(*type, collection, admin()));
            EXPECT_EQ(record.status, 201) << record.raw.body;
            const std::string item = collection + "/" + record.body["id"].dump();
            // Each probe's create is a record of its own (fresh values of unique fields).
            const kit::CompiledType* compiled = type.get();
            f["POST " + pattern] = {
                collection,
                [compiled, collection] {
                    json example = FilledExample(*compiled, collection);
                    for (const std::string& option : compiled->type.create_options)
                        example[option] = true;
                    return example;
                },
                get(collection + "?page_size=500")};
            f["PATCH " + kit::ItemPattern(type->type)] = {item, {}, get(item)};
        }
        return f;
    }

    // The schema `s`, or what its $ref names.
    json Resolve(const json& s) const {
        if (!s.contains("$ref")) return s;
        const std::string ref = s["$ref"].get<std::string>();
        const std::string prefix = "#/components/schemas/";
        return Resolve(doc_["components"]["schemas"][ref.substr(prefix.size())]);
    }

    static bool HasType(const json& property, const std::string& type) {
        if (!property.contains("type")) return false;
        const json& t = property["type"];
        return t.is_array() ? std::find(t.begin(), t.end(), type) != t.end() : t == type;
    }

    // A value of a type the property does not take.
    static json WrongType(const json& property) {
        if (HasType(property, "string")) return 12345;
        if (HasType(property, "integer")) return "12";
        if (HasType(property, "boolean")) return "true";
        return "not-a-list-or-object";  // arrays and objects
    }

    // Whether a field came back cleared: null, or the empty text, list or object.
    static bool Cleared(const json& value) {
        return value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
               ((value.is_array() || value.is_object()) && value.empty());
    }

    // Every write route with a JSON body: "METHOD pattern" → (pattern, request schema).
    std::vector<std::pair<std::string, json>> WriteRoutes() const {
        std::vector<std::pair<std::string, json>> out;
        for (const auto& [pattern, methods] : doc_["paths"].items()) {
            for (const auto& [method, operation] : methods.items()) {
                if (method != "post" && method != "put" && method != "patch") continue;
                if (!operation.contains("requestBody")) continue;
                const json& content = operation["requestBody"]["content"];
                if (!content.contains("application/json")) continue;
                std::string upper = method;
                for (char& c : upper) c = static_cast<char>(std::toupper(c));
                out.emplace_back(upper + " " + pattern,
                                 Resolve(content["application/json"]["schema"]));
            }
        }
        return out;
    }

    // Sends base() + {field: value} and checks the answer. `allowed`: a success is right (the
    // value is legal); `expect_value`: what the field must then hold in the answer.
    void Probe(const std::string& route, Fixture& fixture, const std::string& field,
               const json& value, bool allowed, const std::function<bool(const json&)>& check) {
        if (fixture.prepare) fixture.prepare();
        json body = fixture.base ? fixture.base() : json::object();
        body[field] = value;
        const std::string method = route.substr(0, route.find(' '));
        const auto snapshot = [&] { return fixture.snapshot ? fixture.snapshot() : json(); };
        const json before = snapshot();
        Reply r = Call(method, fixture.path, body, admin());
        const std::string what = route + " " + body.dump();
        ASSERT_NE(r.status, 500) << what << " → " << r.raw.body;
        if (allowed && r.status / 100 == 2) {
            if (fixture.returns_object) {
                EXPECT_TRUE(check(r.body.value(field, json()))) << what << " → " << r.raw.body;
            }
            return;
        }
        EXPECT_FALSE(allowed) << what << " → " << r.raw.body;
        EXPECT_EQ(r.status, 422) << what << " → " << r.raw.body;
        EXPECT_EQ(r.code(), "validation_failed") << what;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(field))
            << what << " → " << r.raw.body;
        EXPECT_EQ(snapshot(), before) << what << " changed something";
    }

    json doc_;
    std::int64_t dept_ = 0, role_ = 0, user_ = 0, heir_ = 0;
    std::int64_t customer_ = 0, moved_ = 0, released_ = 0, contact_ = 0, followup_ = 0;
    std::int64_t notification_ = 0;
    std::int64_t custom_field_ = 0;  // a long_text custom field of customers: "note"
    int serial_ = 0;
};

TEST_P(BodyFieldsTest, NullOrAWrongTypeInAnyFieldIsA422NamingItOrClearsANullableField) {
    auto fixtures = Fixtures();
    size_t probed = 0;
    for (const auto& [route, schema] : WriteRoutes()) {
        ASSERT_TRUE(fixtures.count(route) > 0)
            << route << " takes a JSON body: give it a fixture in body_fields_test.cpp";
        Fixture& fixture = fixtures.at(route);
        if (!fixture.skip.empty()) continue;
        ASSERT_TRUE(schema.contains("properties")) << route;
        for (const auto& [field, declared] : schema["properties"].items()) {
            const json property = Resolve(declared);
            const bool nullable = HasType(property, "null");
            Probe(route, fixture, field, nullptr, nullable, Cleared);
            Probe(route, fixture, field, WrongType(property), false, Cleared);
            ++probed;
        }
    }
    EXPECT_GT(probed, 60u);  // the document's write routes hold about 70 fields
}

TEST_P(BodyFieldsTest, ControlCharactersInAnyTextFieldAreA422NamingIt) {
    auto fixtures = Fixtures();
    size_t probed = 0;
    for (const auto& [route, schema] : WriteRoutes()) {
        ASSERT_TRUE(fixtures.count(route) > 0) << route;
        Fixture& fixture = fixtures.at(route);
        // Login stores nothing: a name with control characters is just a wrong name.
        if (!fixture.skip.empty() || route == "POST /api/v1/auth/login") continue;
        for (const auto& [field, declared] : schema["properties"].items()) {
            const json property = Resolve(declared);
            if (!HasType(property, "string") || property.contains("enum") ||
                property.contains("format")) {
                continue;
            }
            for (const char* bad : {"a\x01z", "a\x1bz", "a\x7fz", "a\u0085z", "a\u009fz"}) {
                Probe(route, fixture, field, bad, false, Cleared);
            }
            Probe(route, fixture, field, std::string("a\0z", 3), false, Cleared);
            // Tabs and line breaks: only where the text may span lines, and then kept as sent.
            const bool multiline = property.value("x-multiline", false);
            for (const char* spaced : {"第一行\n第二行", "列一\t列二", "第一行\r\n第二行"}) {
                Probe(route, fixture, field, spaced, multiline,
                      [&](const json& v) { return v == spaced; });
            }
            ++probed;
        }
    }
    EXPECT_GT(probed, 30u);
}

// The two 500s of the probe, named.
TEST_P(BodyFieldsTest, ActiveNullOnAUserAndPrimaryNullOnAContactAre422) {
    const std::string user = "/api/v1/users/" + std::to_string(user_);
    Reply active = Call("PATCH", user, {{"active", nullptr}}, admin());
    EXPECT_EQ(active.status, 422) << active.raw.body;
    EXPECT_EQ(active.body["error"]["details"]["fields"]["active"], "must be true or false");
    EXPECT_EQ(Get(user)["active"], true);
    const std::string contact = CustomerPath(customer_) + "/contacts/" + std::to_string(contact_);
    Reply primary = Call("PATCH", contact, {{"primary", nullptr}}, admin());
    EXPECT_EQ(primary.status, 422) << primary.raw.body;
    EXPECT_TRUE(primary.body["error"]["details"]["fields"].contains("primary"));
    Reply created = Call("POST", CustomerPath(customer_) + "/contacts",
                         {{"name", "赵先生"}, {"primary", nullptr}}, admin());
    EXPECT_EQ(created.status, 422) << created.raw.body;
}

// Text inside lists and objects: tags are one-line, a custom object's keys too; a long_text
// custom field's values may span lines. A custom value is named as custom.<key>.
TEST_P(BodyFieldsTest, ControlCharactersInTagsAndCustomValuesAreRefused) {
    const std::string path = CustomerPath(customer_);
    const json before = Get(path);
    for (const auto& [body, named] : std::vector<std::pair<json, std::string>>{
             {json{{"tags", {"ok", "a\x01b"}}}, "tags"},
             {json{{"tags", {"第一\n第二"}}}, "tags"},
             {json{{"custom", {{"note", std::string("a\0b", 3)}}}}, "custom.note"},
             {json{{"custom", {{"a\nb", "x"}}}}, "custom"},
             {json{{"custom", {{"nested", {{"deep", {"a\x1b"}}}}}}}, "custom.nested"}}) {
        Reply r = Call("PATCH", path, body, admin());
        EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(named)) << r.raw.body;
    }
    EXPECT_EQ(Get(path), before);
    Reply ok = Call("PATCH", path, {{"custom", {{"note", "第一行\n第二行"}}}}, admin());
    EXPECT_EQ(ok.status, 200) << ok.raw.body;
    EXPECT_EQ(ok.body["custom"]["note"], "第一行\n第二行");
}

// Text read outside the body's validator: a list's q and filters.
TEST_P(BodyFieldsTest, ControlCharactersInAListQueryAreA400NamingTheParameter) {
    for (const char* target :
         {"/api/v1/customers?q=a%01b", "/api/v1/customers?region=a%1Bb", "/api/v1/pool?q=%7F",
          "/api/v1/users?q=a%C2%85b", "/api/v1/customers?q=a%0Ab", "/api/v1/audit-log?q=a%09b"}) {
        Reply r = Call("GET", target, nullptr, admin());
        EXPECT_EQ(r.status, 400) << target << " → " << r.raw.body;
        EXPECT_EQ(r.code(), "bad_request") << target;
        EXPECT_TRUE(r.body["error"]["details"].contains("parameter")) << target;
    }
    // A NUL never gets that far: the target does not decode.
    http::Request request;
    EXPECT_FALSE(request.SetTarget("/api/v1/customers?q=a%00b"));
}

GUANXI_API_TEST_SUITE(BodyFieldsTest);

}  // namespace
}  // namespace guanxi::testing
