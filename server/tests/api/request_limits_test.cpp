// Request-level protections every route inherits (issue #12): JSON nesting is bounded at parse
// time on every route with a body (a deep body crashed the server when written back), error
// bodies stay small whatever the request held, and a create retried with the same
// Idempotency-Key is answered once.

#include "api_test_support.hpp"

#include "http/router.hpp"

#include <ctime>
#include <set>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class RequestLimitsTest : public ApiTest {
  protected:
    // A request path for `pattern` with every {param} filled in: ids of a real customer (so the
    // request reaches its body) and "x" for other parameters.
    std::string Fill(const std::string& pattern, std::int64_t id) {
        std::string path;
        size_t i = 0;
        while (i < pattern.size()) {
            if (pattern[i] == '{') {
                const size_t close = pattern.find('}', i);
                const std::string name = pattern.substr(i + 1, close - i - 1);
                path += name == "key" ? "x" : std::to_string(id);
                i = close + 1;
            } else {
                path += pattern[i++];
            }
        }
        return path;
    }

    Reply PostRaw(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token, const std::string& key = "") {
        http::Request request;
        request.method = method;
        EXPECT_TRUE(request.SetTarget(path));
        request.body = body;
        request.remote_ip = "10.0.0.1";
        request.headers["content-type"] = "application/json";
        request.headers["authorization"] = "Bearer " + token;
        if (!key.empty()) request.headers["idempotency-key"] = key;
        return Send(std::move(request));
    }

    std::int64_t CountCustomers() {
        return Call("GET", "/api/v1/customers?page_size=1", nullptr, admin()).body["total"];
    }
};

TEST_P(RequestLimitsTest, NoRouteCrashesOnDeeplyNestedJson) {
    const json customer = CreateCustomer(admin(), {{"name", "嵌套测试公司"}});
    const std::int64_t id = customer["id"];
    const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
    const std::string deep_object = [] {
        std::string s;
        for (int i = 0; i < 20000; ++i) s += R"({"a":)";
        s += "1";
        s += std::string(20000, '}');
        return s;
    }();
    const std::set<std::string> with_body = {"POST", "PUT", "PATCH"};
    int routes = 0;
    for (const http::Route& route : app().router().routes()) {
        if (with_body.count(route.method) == 0 || route.options.upload) continue;
        if (route.pattern == "/api/v1/auth/logout") continue;  // would end the admin's session
        ++routes;
        const std::string path = Fill(route.pattern, id);
        for (const std::string& body :
             {deep_array, R"({"name":"x","custom":)" + deep_object + "}", deep_object}) {
            Reply reply = PostRaw(route.method, path, body, admin());
            EXPECT_NE(reply.status, 500) << route.method << " " << route.pattern;
            if (reply.status == 422) {
                EXPECT_EQ(reply.code(), "json_too_deep") << route.method << " " << route.pattern;
            }
        }
    }
    EXPECT_GT(routes, 20);  // the sweep really covered the API
    // The two the probe crashed the server with are refused for their depth, by name.
    Reply settings = PostRaw("PUT", "/api/v1/me/settings/x", deep_array, admin());
    EXPECT_EQ(settings.status, 422);
    EXPECT_EQ(settings.code(), "json_too_deep");
    Reply create = PostRaw("POST", "/api/v1/customers",
                           R"({"name":"深","custom":{"k":)" + deep_object + "}}", admin());
    EXPECT_EQ(create.code(), "json_too_deep");
    EXPECT_EQ(CountCustomers(), 1);  // nothing was created
    // Within the limit, a nested setting is kept and read back.
    const std::string ok = std::string(60, '[') + std::string(60, ']');
    EXPECT_EQ(PostRaw("PUT", "/api/v1/me/settings/nested", ok, admin()).status, 204);
    Reply read = Call("GET", "/api/v1/me/settings", nullptr, admin());
    EXPECT_EQ(read.body["nested"].dump(), ok);
}

TEST_P(RequestLimitsTest, AnErrorNamesAtMostFiftyFieldsWhateverTheBodyHeld) {
    json body = {{"name", "字段很多的公司"}};
    for (int i = 0; i < 5000; ++i) body["unknown_field_" + std::to_string(i)] = i;
    Reply reply = Call("POST", "/api/v1/customers", body, admin());
    ASSERT_EQ(reply.status, 422);
    EXPECT_LE(reply.body["error"]["details"]["fields"].size(), 50u);
    EXPECT_EQ(reply.body["error"]["details"]["more_fields"].get<int>() +
                  static_cast<int>(reply.body["error"]["details"]["fields"].size()),
              5000);
    EXPECT_LT(reply.raw.body.size(), 8000u);
    json long_name = {{"name", "x"}, {std::string(100000, 'k'), 1}};
    Reply long_reply = Call("POST", "/api/v1/customers", long_name, admin());
    EXPECT_EQ(long_reply.status, 422);
    EXPECT_LT(long_reply.raw.body.size(), 1000u);
}

TEST_P(RequestLimitsTest, ACreateRetriedWithItsIdempotencyKeyIsAnsweredOnce) {
    const std::string body = R"({"name":"幂等测试公司","phone":"13800138000"})";
    Reply first = PostRaw("POST", "/api/v1/customers", body, admin(), "retry-key-1");
    ASSERT_EQ(first.status, 201) << first.body.dump();
    Reply again = PostRaw("POST", "/api/v1/customers", body, admin(), "retry-key-1");
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);  // the first answer, the same customer
    EXPECT_EQ(again.raw.HeaderValue("Idempotent-Replayed"), "true");
    EXPECT_EQ(CountCustomers(), 1);
    // The same key with another request is a mistake, not a replay.
    Reply other =
        PostRaw("POST", "/api/v1/customers", R"({"name":"另一家公司"})", admin(), "retry-key-1");
    EXPECT_EQ(other.status, 422);
    EXPECT_EQ(other.code(), "idempotency_key_reused");
    // Keys are per user: another user's identical key acts on its own.
    const std::int64_t dept = CreateDepartment("幂等部门");
    TestUser bob = CreateUser("bob", RoleId("sales"), dept);
    Reply bobs =
        PostRaw("POST", "/api/v1/customers", R"({"name":"鲍勃的公司"})", bob.token, "retry-key-1");
    EXPECT_EQ(bobs.status, 201);
    EXPECT_EQ(CountCustomers(), 2);
    // An async create (a follow-up, through the group commit) too.
    const std::string followups = "/api/v1/customers/" + first.body["id"].dump() + "/followups";
    const std::string note = R"({"kind":"call","content":"第一次电话"})";
    Reply f1 = PostRaw("POST", followups, note, admin(), "followup-key");
    ASSERT_EQ(f1.status, 201) << f1.body.dump();
    Reply f2 = PostRaw("POST", followups, note, admin(), "followup-key");
    EXPECT_EQ(f2.body["id"], f1.body["id"]);
    EXPECT_EQ(Call("GET", followups, nullptr, admin()).body["total"], 1);
    // A refused request is answered the same way again; a key that is not a key is a 400.
    Reply bad = PostRaw("POST", "/api/v1/customers", R"({"name":""})", admin(), "bad-key");
    Reply bad_again = PostRaw("POST", "/api/v1/customers", R"({"name":""})", admin(), "bad-key");
    EXPECT_EQ(bad.status, 422);
    EXPECT_EQ(bad_again.body, bad.body);
    EXPECT_EQ(PostRaw("POST", "/api/v1/customers", body, admin(), std::string(300, 'k')).status,
              400);
    EXPECT_EQ(PostRaw("POST", "/api/v1/customers", body, admin(), "has space").status, 400);
}

TEST_P(RequestLimitsTest, AKeyWhoseFirstRequestHasNoAnswerIsNotActedOnTwice) {
    // As a server killed between claiming the key and answering leaves it: claimed, unanswered.
    Reply me = Call("GET", "/api/v1/me", nullptr, admin());
    RunInAnotherProcess(
        "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) "
        "VALUES (" +
        me.body["id"].dump() + ", 'lost-answer', 'f', " + std::to_string(std::time(nullptr)) + ")");
    Reply retry = PostRaw("POST", "/api/v1/customers", R"({"name":"丢失答复的公司"})", admin(),
                          "lost-answer");
    EXPECT_EQ(retry.status, 409);
    EXPECT_EQ(retry.code(), "idempotency_key_in_use");
    EXPECT_EQ(CountCustomers(), 0);
    // After 24 hours a key is forgotten and acts afresh.
    RunInAnotherProcess("UPDATE idempotency_keys SET created_at = created_at - 86401");
    Reply later = PostRaw("POST", "/api/v1/customers", R"({"name":"丢失答复的公司"})", admin(),
                          "lost-answer");
    EXPECT_EQ(later.status, 201);
    EXPECT_EQ(CountCustomers(), 1);
}

GUANXI_API_TEST_SUITE(RequestLimitsTest);

}  // namespace
}  // namespace guanxi::testing
