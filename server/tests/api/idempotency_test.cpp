// Idempotency-Key on the writes that go through the group commit (ADR 0006, "Idempotency keys"):
// the key's row is written in the transaction of the write it guards, so a retry after the write
// committed is answered with the first answer — even when the server stopped before keeping that
// answer — and never writes twice. Tested over a representative set of write routes: customer
// create, a contact, the async follow-up create, a release (a write that is not a create) and
// every registered kit type (documents by upload), so a new type is covered as it comes.

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/idempotency/idempotency_store.hpp"
#include "domains/record_types.hpp"
#include "kit/record_routes.hpp"

#include <algorithm>
#include <ctime>
#include <functional>

namespace guanxi::testing {
namespace {

using nlohmann::json;

// One write route: the request (without its key) and how many records it has written so far.
struct KeyedRoute {
    std::string name;
    std::function<http::Request()> request;
    std::function<std::int64_t()> count;
};

class IdempotencyTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        customer_ = CreateCustomer(admin(), {{"name", "幂等客户"}})["id"].get<std::int64_t>();
        released_ = CreateCustomer(admin(), {{"name", "幂等释放客户"}})["id"].get<std::int64_t>();
    }

    static http::Request Json(const std::string& target, const json& body,
                              const std::string& token) {
        http::Request request;
        request.method = "POST";
        EXPECT_TRUE(request.SetTarget(target));
        request.remote_ip = "10.0.0.1";
        request.headers["content-type"] = "application/json";
        request.headers["authorization"] = "Bearer " + token;
        request.body = body.dump();
        return request;
    }

    // Sends `request` with `key` (its spaces made dashes: a key is visible ASCII).
    Reply SendKeyed(http::Request request, std::string key) {
        std::replace(key.begin(), key.end(), ' ', '-');
        request.headers["idempotency-key"] = key;
        return Send(std::move(request));
    }

    // How many entries the list at `target` holds (a page's total, or an array's size).
    std::int64_t Count(const std::string& target) {
        Reply list = Call("GET", target, nullptr, admin());
        EXPECT_EQ(list.status, 200) << target << ": " << list.raw.body;
        if (list.body.is_array()) return static_cast<std::int64_t>(list.body.size());
        if (list.body.contains("total")) return list.body["total"].get<std::int64_t>();
        return static_cast<std::int64_t>(list.body["items"].size());
    }

    std::string CustomerPath(std::int64_t id) const {
        return "/api/v1/customers/" + std::to_string(id);
    }

    std::vector<KeyedRoute> Routes() {
        const std::string customer = CustomerPath(customer_);
        std::vector<KeyedRoute> routes = {
            {"customer create",
             [this] {
                 return Json("/api/v1/customers",
                             {{"name", "幂等新公司"}, {"phone", "13900139000"}}, admin());
             },
             [this] { return Count("/api/v1/customers?page_size=1"); }},
            {"contact create",
             [this, customer] {
                 return Json(customer + "/contacts", {{"name", "李经理"}}, admin());
             },
             [this, customer] { return Count(customer + "/contacts"); }},
            {"follow-up create (async)",
             [this, customer] {
                 return Json(customer + "/followups", {{"kind", "call"}, {"content", "回访"}},
                             admin());
             },
             [this, customer] { return Count(customer + "/followups"); }},
            {"release",
             [this] { return Json(CustomerPath(released_) + "/release", json::object(), admin()); },
             [this] { return Count(CustomerPath(released_) + "/history"); }},
        };
        for (const auto& type : RecordTypes().types()) {
            // Under the customer for types that belong to one; a type's own route otherwise.
            std::string collection = kit::CollectionPattern(type->type);
            if (const size_t id = collection.find("{id}"); id != std::string::npos) {
                collection.replace(id, 4, std::to_string(customer_));
            }
            // Built once: a retry sends the very same body (its unique fields' values too).
            const http::Request create = ExampleCreate(*type, collection, admin());
            routes.push_back({type->type.name + " create", [create] { return create; },
                              [this, collection] { return Count(collection); }});
        }
        return routes;
    }

    // Waits until every write queued so far — the answers kept after their requests — is
    // committed (the group commit runs its queue in order).
    void Drain() {
        ASSERT_TRUE(app().writes().Run([](db::Connection&) { return Status{}; }).ok());
    }

    std::int64_t customer_ = 0;
    std::int64_t released_ = 0;
};

TEST_P(IdempotencyTest, EveryWriteRetriedWithItsKeyIsAnsweredOnceAndWritesOnce) {
    const std::vector<KeyedRoute> routes = Routes();
    EXPECT_GT(routes.size(), 6u);  // the kit's types are there
    for (const KeyedRoute& route : routes) {
        SCOPED_TRACE(route.name);
        const std::string key = "once-" + route.name;
        const std::int64_t before = route.count();
        Reply first = SendKeyed(route.request(), key);
        ASSERT_GE(first.status, 200) << first.raw.body;
        ASSERT_LT(first.status, 300) << first.raw.body;
        EXPECT_FALSE(first.raw.HeaderValue("Idempotent-Replayed").has_value());
        for (int retry = 0; retry < 2; ++retry) {
            Reply again = SendKeyed(route.request(), key);
            EXPECT_EQ(again.status, first.status);
            EXPECT_EQ(again.raw.body, first.raw.body);
            EXPECT_EQ(again.raw.HeaderValue("Idempotent-Replayed"), "true");
            Drain();  // the second retry reads the kept answer
        }
        EXPECT_EQ(route.count(), before + 1);
        // The key with another request is a mistake, not a replay (API.md).
        http::Request other = route.request();
        other.body += " ";
        Reply reused = SendKeyed(std::move(other), key);
        EXPECT_EQ(reused.status, 422);
        EXPECT_EQ(reused.code(), "idempotency_key_reused");
        EXPECT_EQ(route.count(), before + 1);
    }
}

TEST_P(IdempotencyTest, ARetryAfterTheServerStoppedBeforeKeepingTheAnswerReplaysTheWrite) {
    for (const KeyedRoute& route : Routes()) {
        SCOPED_TRACE(route.name);
        std::string key = "lost-" + route.name;
        std::replace(key.begin(), key.end(), ' ', '-');
        const std::int64_t before = route.count();
        Reply first = SendKeyed(route.request(), key);
        ASSERT_GE(first.status, 200) << first.raw.body;
        ASSERT_LT(first.status, 300) << first.raw.body;
        // As a server stopped between the write's commit and keeping its answer leaves the key:
        // the write is committed, the answer is not.
        Drain();
        RunInAnotherProcess(
            "UPDATE idempotency_keys SET status = 0, content_type = '', body = '' "
            "WHERE idempotency_key = '" +
            key + "'");
        // Another request with the key is still refused; the same one is answered as the first
        // time, without writing again (not 409 idempotency_key_in_use).
        http::Request other = route.request();
        other.body += " ";
        EXPECT_EQ(SendKeyed(std::move(other), key).code(), "idempotency_key_reused");
        Reply retry = SendKeyed(route.request(), key);
        EXPECT_EQ(retry.status, first.status) << retry.raw.body;
        EXPECT_EQ(retry.raw.body, first.raw.body);
        EXPECT_EQ(retry.raw.HeaderValue("Idempotent-Replayed"), "true");
        EXPECT_EQ(route.count(), before + 1);
        // The replayed answer is kept in its turn.
        Drain();
        Reply kept = SendKeyed(route.request(), key);
        EXPECT_EQ(kept.raw.body, first.raw.body);
        EXPECT_EQ(route.count(), before + 1);
    }
}

TEST_P(IdempotencyTest, AWriteThatFindsItsKeyTakenInsideItsTransactionIsUndone) {
    // Two servers given the same key at once: both find it free, both write; the key's row, in
    // each write's transaction, lets only the first commit.
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)->Execute("CREATE TABLE idem_probe (n BIGINT NOT NULL)").ok());
    }
    const std::int64_t user_id = Call("GET", "/api/v1/me", nullptr, admin()).body["id"];
    idempotency::SqlIdempotencyStore store(app().db(), app().writes());
    auto claim = store.Begin(user_id, "raced", "this-request");
    ASSERT_TRUE(claim.ok());
    ASSERT_EQ(claim->kind, http::IdempotencyStore::Claim::kNew);
    RunInAnotherProcess(
        "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at, "
        "outcomes) VALUES (" +
        std::to_string(user_id) + ", 'raced', 'other-request', " +
        std::to_string(std::time(nullptr)) + ", '[true]')");
    claim->request->Bind();
    Status written = app().writes().Transact([](db::Connection& conn) -> Status {
        GX_TRY(conn.Execute("INSERT INTO idem_probe (n) VALUES (1)"));
        return {};
    });
    claim->request->Unbind();
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error().code, ErrorCode::kIdempotencyKeyInUse);
    EXPECT_TRUE(claim->request->Overtaken());
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto probes = (*conn)->QueryOne("SELECT COUNT(*) FROM idem_probe");
    ASSERT_TRUE(probes.ok());
    EXPECT_EQ((*probes)->Int(0), 0);  // undone
    // The other request's key is left as it was.
    auto row = (*conn)->QueryOne(
        "SELECT fingerprint FROM idempotency_keys WHERE idempotency_key = 'raced'");
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_EQ((*row)->Text(0), "other-request");
}

GUANXI_API_TEST_SUITE(IdempotencyTest);

}  // namespace
}  // namespace guanxi::testing
