// The HTTP layer's limits through the real binary (issue #12, items 4, 6, 11, 17): who may make
// the server hold a body, how much, how many connections, how long headers may take, /metrics,
// the Host header. Each is checked by what a client sees: the answer, and that the server keeps
// serving others.

#include "real_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace guanxi::testing {
namespace {

std::string Post(const std::string& path, const std::string& extra_headers, std::size_t length) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           extra_headers + "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

std::string ErrorCode(const RawReply& reply) {
    auto body = nlohmann::json::parse(reply.body, nullptr, false);
    if (body.is_discarded() || !body.contains("error")) return "";
    return body["error"]["code"].get<std::string>();
}

// Whether a new connection is served within a few seconds (the server frees a closed
// connection's slot as soon as it notices the close).
bool ServedAgainSoon(int port) {
    for (int i = 0; i < 100; ++i) {
        Connection again(port);
        again.Send(Get("/healthz"));
        if (again.Read().status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST_F(HttpServerTest, ABodyIsRefusedFromItsHeadersBeforeItIsRead) {
    // Each request below announces a body and sends none: an answer proves nothing was waited for.
    {
        Connection stranger(port_);  // not logged in, a body larger than a few KB
        stranger.Send(Post("/api/v1/customers", "", 900 * 1024));
        RawReply reply = stranger.Read();
        EXPECT_EQ(reply.status, 401) << reply.body;
    }
    {
        Connection login(port_);  // a login body is two short strings
        login.Send(Post("/api/v1/auth/login", "", 64 * 1024));
        RawReply reply = login.Read();
        EXPECT_EQ(reply.status, 413) << reply.body;
        EXPECT_EQ(ErrorCode(reply), "payload_too_large");
    }
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    {
        Connection admin(port_);  // past the ordinary route's 1 MiB, even logged in
        admin.Send(Post("/api/v1/customers", auth, 2 * 1024 * 1024));
        RawReply reply = admin.Read();
        EXPECT_EQ(reply.status, 413) << reply.body;
    }
    conn.Send(Get("/healthz"));
    EXPECT_EQ(conn.Read().status, 200);
}

TEST_F(HttpServerTest, AnImportWithoutThePermissionIsRefusedBeforeAByteIsWritten) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    // A salesperson (customers.create, no customers.import) logs in.
    const std::string user =
        R"({"username":"sales.one","password":"a-long-pass-phrase","display_name":"S","role_id":)";
    conn.Send("GET /api/v1/roles HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
    RawReply roles_reply = conn.Read();
    auto roles = nlohmann::json::parse(roles_reply.body, nullptr, false);
    std::int64_t sales_role = 0;
    for (const auto& role : roles["items"]) {
        if (role["name"] == "sales") sales_role = role["id"].get<std::int64_t>();
    }
    ASSERT_GT(sales_role, 0) << roles_reply.body;
    const std::string body = user + std::to_string(sales_role) + "}";
    conn.Send(Post("/api/v1/users", auth, body.size()) + body);
    ASSERT_EQ(conn.Read().status, 201);
    const std::string login = R"({"username":"sales.one","password":"a-long-pass-phrase"})";
    conn.Send(Post("/api/v1/auth/login", "", login.size()) + login);
    RawReply logged_in = conn.Read();
    ASSERT_EQ(logged_in.status, 200) << logged_in.body;
    const std::string sales_auth =
        "Authorization: Bearer " +
        nlohmann::json::parse(logged_in.body)["token"].get<std::string>() + "\r\n";
    Connection upload(port_);
    upload.Send(
        "POST /api/v1/customers/import?filename=a.csv HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: text/csv\r\n" +
        sales_auth + "Content-Length: 50000000\r\n\r\n名称\n");
    RawReply refused = upload.Read();
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_NE(refused.body.find("customers.import"), std::string::npos) << refused.body;
    EXPECT_TRUE(!fs::exists(dir_ / "data" / "uploads") || fs::is_empty(dir_ / "data" / "uploads"));
}

TEST_F(HttpServerTest, AnHttp11RequestWithoutHostIsRefused) {
    Connection conn(port_);
    conn.Send("GET /healthz HTTP/1.1\r\n\r\n");
    RawReply reply = conn.Read();
    EXPECT_EQ(reply.status, 400);
    EXPECT_NE(reply.body.find("Host"), std::string::npos) << reply.body;
    Connection old(port_);
    old.Send("GET /healthz HTTP/1.0\r\n\r\n");  // HTTP/1.0 has no Host
    EXPECT_EQ(old.Read().headers.rfind("HTTP/1.0 200", 0), 0u);
}

TEST_F(HttpServerTest, MetricsAnswerOnlyALocalCallerWithoutAProxyInBetween) {
    Connection conn(port_);
    conn.Send(Get("/metrics"));
    EXPECT_EQ(conn.Read().status, 200);
    conn.Send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
    EXPECT_EQ(conn.Read().status, 404);  // through a proxy: a stranger
}

class HttpServerWithMetricsTokenTest : public HttpServerTest {
  protected:
    std::vector<std::pair<std::string, std::string>> ExtraEnv() const override {
        return {{"GUANXI_METRICS_TOKEN", "scrape-token-1234"}};
    }
};

TEST_F(HttpServerWithMetricsTokenTest, MetricsNeedTheTokenWhenOneIsSet) {
    Connection conn(port_);
    conn.Send(Get("/metrics"));
    EXPECT_EQ(conn.Read().status, 404);
    conn.Send(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-12345\r\n\r\n");
    EXPECT_EQ(conn.Read().status, 404);
    conn.Send(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer scrape-token-1234\r\n\r\n");
    RawReply reply = conn.Read();
    EXPECT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find("guanxi_http_requests_total"), std::string::npos);
}

class HttpServerWithSmallLimitsTest : public HttpServerTest {
  protected:
    std::vector<std::string> ExtraFlags() const override {
        return {"--max-connections-per-address",
                "6",
                "--read-timeout",
                "1",
                "--idle-timeout",
                "30",
                "--body-budget-mb",
                "1"};
    }
};

TEST_F(HttpServerWithSmallLimitsTest, ConnectionsPastThePerAddressCapAreTurnedAway) {
    std::vector<std::unique_ptr<Connection>> held;
    for (int i = 0; i < 6; ++i) {
        held.push_back(std::make_unique<Connection>(port_));
        held.back()->Send(Get("/healthz"));
        ASSERT_EQ(held.back()->Read().status, 200);
    }
    Connection extra(port_);
    RawReply turned_away = extra.Read();
    EXPECT_EQ(turned_away.status, 503);
    EXPECT_EQ(ErrorCode(turned_away), "busy");
    held.pop_back();  // one leaves: a newcomer is served again
    EXPECT_TRUE(ServedAgainSoon(port_)) << "a connection slot was not given back";
}

TEST_F(HttpServerWithSmallLimitsTest, HeadersTrickledByteByByteGetTheReadTimeoutNotTheIdleOne) {
    Connection slow(port_);
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    bool closed = false;
    // The read timeout is 1 s and the idle one 30 s: within 10 s of trickling, the server has
    // given up on these headers.
    for (int i = 0; i < 100 && !closed; ++i) {
        slow.Send(i < static_cast<int>(request.size()) ? request.substr(i, 1) : "a");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        closed = slow.Closed();
    }
    EXPECT_TRUE(closed);
}

TEST_F(HttpServerWithSmallLimitsTest, BodiesPastTheInFlightBudgetAreAnsweredBusy) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    // One body of 900 KB is being received (headers and half of it sent) ...
    Connection first(port_);
    first.Send(Post("/api/v1/customers", auth, 900 * 1024) + std::string(450 * 1024, ' '));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    // ... so another 300 KB would pass the 1 MiB budget: refused at once, nothing read.
    Connection second(port_);
    second.Send(Post("/api/v1/customers", auth, 300 * 1024));
    RawReply busy = second.Read();
    EXPECT_EQ(busy.status, 503) << busy.body;
    EXPECT_EQ(ErrorCode(busy), "busy");
    // The first completes (and is judged on its content); then the budget is free again.
    first.Send(std::string(450 * 1024 - 2, ' ') + "{}");
    EXPECT_EQ(first.Read().status, 422);
    const std::string body = R"({"name":"预算之后的客户"})";
    Connection third(port_);
    third.Send(Post("/api/v1/customers", auth, body.size()) + body);
    EXPECT_EQ(third.Read().status, 201);
}

class HttpServerWithFewDescriptorsTest : public HttpServerTest {
  protected:
    void BeforeExec() const override {
        rlimit limit{128, 128};
        setrlimit(RLIMIT_NOFILE, &limit);
    }
};

TEST_F(HttpServerWithFewDescriptorsTest, RunningOutOfDescriptorsTurnsClientsAwayAndRecovers) {
    std::vector<std::unique_ptr<Connection>> flood;
    int turned_away = 0;
    for (int i = 0; i < 200; ++i) {
        flood.push_back(std::make_unique<Connection>(port_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto& conn : flood) {
        // The turned-away have their answer waiting; the others wait for a request.
        if (conn->HasData() && conn->Read().status == 503) ++turned_away;
    }
    EXPECT_GT(turned_away, 0);  // told at once, not left hanging
    flood.clear();
    EXPECT_TRUE(ServedAgainSoon(port_)) << "the server did not serve again once the flood left";
}

}  // namespace
}  // namespace guanxi::testing
