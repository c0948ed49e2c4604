// The real binary over real sockets: health, keep-alive, request limits, static files with their
// caching, metrics, the OpenAPI document, and a graceful stop on SIGTERM.

#include "real_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace guanxi::testing {
namespace {

TEST_F(HttpServerTest, AnswersHealthOnAKeptAliveConnection) {
    Connection conn(port_);
    ASSERT_TRUE(conn.connected());
    for (int i = 0; i < 3; ++i) {
        conn.Send(Get("/healthz"));
        RawReply reply = conn.Read();
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(nlohmann::json::parse(reply.body)["status"], "ok");
        EXPECT_NE(reply.headers.find("X-Request-Id"), std::string::npos);
    }
    EXPECT_FALSE(conn.Closed());
}

TEST_F(HttpServerTest, RefusesOversizedBodiesAndHeaders) {
    {
        Connection conn(port_);
        conn.Send(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 50000000\r\n\r\n{}");
        RawReply reply = conn.Read();
        EXPECT_EQ(reply.status, 413);
        EXPECT_EQ(nlohmann::json::parse(reply.body)["error"]["code"], "payload_too_large");
    }
    {
        Connection conn(port_);
        conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') +
                  "\r\n\r\n");
        EXPECT_EQ(conn.Read().status, 400);
    }
    {
        Connection conn(port_);
        conn.Send("GET /api/v1/customers?q=%E7%A7 HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(conn.Read().status, 400);  // an escape that is not UTF-8
    }
    Connection after(port_);
    after.Send(Get("/healthz"));
    EXPECT_EQ(after.Read().status, 200);  // and keeps serving
}

TEST_F(HttpServerTest, ServesTheWebUiWithCachingAndClientRouteFallback) {
    Connection conn(port_);
    conn.Send(Get("/"));
    RawReply index = conn.Read();
    EXPECT_EQ(index.status, 200);
    EXPECT_NE(index.body.find("<title>Guanxi</title>"), std::string::npos);
    EXPECT_NE(index.headers.find("Cache-Control: no-cache"), std::string::npos) << index.headers;
    EXPECT_NE(index.headers.find("Content-Security-Policy"), std::string::npos);
    conn.Send(Get("/assets/app-3f2a1b.js"));
    RawReply asset = conn.Read();
    EXPECT_EQ(asset.status, 200);
    EXPECT_NE(asset.headers.find("max-age=31536000, immutable"), std::string::npos)
        << asset.headers;
    EXPECT_NE(asset.headers.find("text/javascript"), std::string::npos);
    conn.Send(Get("/customers/42"));  // a client-side route
    RawReply route = conn.Read();
    EXPECT_EQ(route.status, 200);
    EXPECT_NE(route.body.find("<title>Guanxi</title>"), std::string::npos);
    conn.Send(Get("/assets/missing.js"));
    EXPECT_EQ(conn.Read().status, 404);
    conn.Send(Get("/api/v1/nothing-here"));
    RawReply api = conn.Read();
    EXPECT_EQ(api.status, 404);
    EXPECT_EQ(nlohmann::json::parse(api.body)["error"]["code"], "not_found");
    conn.Send(Get("/%2e%2e/%2e%2e/etc/passwd"));
    RawReply traversal = conn.Read();
    EXPECT_EQ(traversal.body.find("root:"), std::string::npos);
}

// The probe's critical finding: a path starting with '/' (raw or encoded) discarded the web root,
// so the process's environment (the admin password) and the database came back without a login.
TEST_F(HttpServerTest, ServesNoFileOutsideTheWebRootWhateverTheSpelling) {
    const std::string data = (dir_ / "data").string();
    std::string encoded_data;
    for (char c : data) encoded_data += c == '/' ? std::string("%2F") : std::string(1, c);
    const std::vector<std::string> targets = {
        "//proc/self/environ",
        "/%2Fproc/self/environ",
        "/%2fproc%2fself%2fenviron",
        "/..%2F..%2F..%2F..%2Fproc/self/environ",
        "//etc/passwd",
        "/%2Fetc/passwd",
        "/%252Fetc%252Fpasswd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/" + data + "/guanxi.db",
        "/" + data + "/guanxi.db-wal",
        "/" + encoded_data + "/guanxi.db",
        "/%2F" + data.substr(1) + "/guanxi.db-wal",
        "/./" + data + "/guanxi.db",
        "/web/../data/guanxi.db",
    };
    for (const std::string& target : targets) {
        Connection conn(port_);
        ASSERT_TRUE(conn.connected());
        conn.Send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        RawReply reply = conn.Read();
        EXPECT_TRUE(reply.status == 404 || reply.status == 400) << target << " " << reply.status;
        EXPECT_EQ(reply.body.find("admin-password"), std::string::npos) << target;
        EXPECT_EQ(reply.body.find("root:"), std::string::npos) << target;
        EXPECT_EQ(reply.body.find("SQLite format"), std::string::npos) << target;
    }
}

TEST_F(HttpServerTest, ExposesMetricsAndTheOpenApiDocument) {
    Connection conn(port_);
    conn.Send(Get("/healthz"));
    conn.Read();
    conn.Send(Get("/api/v1/me"));
    EXPECT_EQ(conn.Read().status, 401);
    conn.Send(Get("/metrics"));
    RawReply metrics = conn.Read();
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find(
                  "guanxi_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"),
              std::string::npos)
        << metrics.body;
    EXPECT_NE(metrics.body.find("route=\"/api/v1/me\",status=\"401\""), std::string::npos);
    EXPECT_NE(metrics.body.find("guanxi_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(metrics.body.find("guanxi_db_pool_connections"), std::string::npos);
    EXPECT_NE(metrics.body.find("guanxi_jobs_run"), std::string::npos);
    EXPECT_NE(metrics.body.find("guanxi_group_commit{count=\"writes\"} 0"), std::string::npos);
    // SQLite's share of the memory: something (the open connections), and its peak below the
    // process's peak (VmHWM: the current RSS may be lower than an earlier peak).
    std::smatch used, peak;
    ASSERT_TRUE(
        std::regex_search(metrics.body, used,
                          std::regex("guanxi_sqlite_memory_bytes\\{kind=\"used\"\\} ([0-9.e+]+)")));
    ASSERT_TRUE(
        std::regex_search(metrics.body, peak,
                          std::regex("guanxi_sqlite_memory_bytes\\{kind=\"peak\"\\} ([0-9.e+]+)")));
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    double peak_rss_bytes = 0;
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) == 0) peak_rss_bytes = std::stod(line.substr(6)) * 1024;
    }
    EXPECT_GT(std::stod(used[1]), 0);
    EXPECT_GE(std::stod(peak[1]), std::stod(used[1]));
    EXPECT_LT(std::stod(peak[1]), peak_rss_bytes);
    conn.Send(Get("/api/openapi.json"));
    RawReply doc = conn.Read();
    EXPECT_EQ(doc.status, 200);
    EXPECT_EQ(nlohmann::json::parse(doc.body)["openapi"], "3.1.0");
}

TEST_F(HttpServerTest, StreamsImportUploadsToDiskAfterCheckingTheCaller) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    const std::string head =
        "POST /api/v1/customers/import?filename=big.csv HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: text/csv\r\nX-Requested-With: XMLHttpRequest\r\n";
    {
        // A stranger is answered from the headers alone: no body is waited for.
        Connection stranger(port_);
        stranger.Send(head + "Content-Length: 100000000\r\n\r\n");
        EXPECT_EQ(stranger.Read().status, 401);
    }
    {
        // Above the upload limit (512 MiB by default): refused before the body too.
        Connection greedy(port_);
        greedy.Send(head + auth + "Content-Length: 600000000\r\n\r\n");
        RawReply reply = greedy.Read();
        EXPECT_EQ(reply.status, 413) << reply.headers;
        EXPECT_NE(reply.body.find("payload_too_large"), std::string::npos) << reply.body;
    }
    // An upload larger than the 8 MiB limit of ordinary bodies, announced with Expect: 100-continue
    // as curl does.
    std::string csv = "名称,电话,备注\n";
    const std::string note(250, 'x');  // an ignored column keeps the row count (and time) small
    for (int i = 0; csv.size() < 9u * 1024 * 1024; ++i) {
        csv += "导入测试公司" + std::to_string(i) + "," + std::to_string(13000000000LL + i) + "," +
               note + "\n";
    }
    const size_t rows = static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
    conn.Send(head + auth +
              "Expect: 100-continue\r\nContent-Length: " + std::to_string(csv.size()) + "\r\n\r\n");
    EXPECT_EQ(conn.Read().status, 100);
    conn.Send(csv);
    RawReply accepted = conn.Read();
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    const std::string path =
        "/api/v1/customers/imports/" + nlohmann::json::parse(accepted.body)["import"]["id"].dump();
    nlohmann::json import;
    // The server's job worker runs it (a minute at most when quiet; up to five on a loaded machine
    // under ASan).
    for (int i = 0; i < 3000; ++i) {
        conn.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
        RawReply polled = conn.Read();
        ASSERT_EQ(polled.status, 200) << polled.headers << polled.body;  // e.g. the server died
        import = nlohmann::json::parse(polled.body);
        if (import["status"] == "done" || import["status"] == "failed") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(import["status"], "done") << import.dump();
    EXPECT_EQ(import["created"], rows);
    EXPECT_EQ(import["filename"], "big.csv");
    // Neither the streamed upload nor the import's copy is left behind.
    EXPECT_TRUE(fs::is_empty(dir_ / "data" / "uploads"));
}

TEST_F(HttpServerTest, SendsAnExportFromDiskAndLeavesNoFileBehind) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    for (int i = 0; i < 3; ++i) {
        const std::string body = R"({"name":"导出测试公司)" + std::to_string(i) + R"("})";
        conn.Send("POST /api/v1/customers HTTP/1.1\r\nHost: x\r\n" + auth +
                  "Content-Type: application/json\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body);
        ASSERT_EQ(conn.Read().status, 201);
    }
    conn.Send("GET /api/v1/customers/export?format=csv&sort=name HTTP/1.1\r\nHost: x\r\n" + auth +
              "\r\n");
    RawReply csv = conn.Read();
    ASSERT_EQ(csv.status, 200) << csv.headers;
    EXPECT_NE(csv.headers.find("text/csv"), std::string::npos) << csv.headers;
    EXPECT_NE(csv.headers.find("customers.csv"), std::string::npos) << csv.headers;
    EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u);                  // the BOM Excel needs
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4);  // header + 3 rows
    EXPECT_NE(csv.body.find("导出测试公司2"), std::string::npos);
    // The connection is still good for the next request, and the file written for the export
    // is gone.
    conn.Send(Get("/healthz"));
    EXPECT_EQ(conn.Read().status, 200);
    EXPECT_TRUE(fs::is_empty(dir_ / "tmp"));
}

// The value of `guanxi_customer_page_cache{result="hit"}` in /metrics.
int PageCacheHits(Connection& conn) {
    conn.Send(Get("/metrics"));
    const std::string body = conn.Read().body;
    const std::string name = "guanxi_customer_page_cache{result=\"hit\"} ";
    const size_t at = body.find(name);
    EXPECT_NE(at, std::string::npos) << body;
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + name.size()));
}

// Asks for the same customer page twice; both answers must be the same.
void ListTwice(Connection& conn, const std::string& auth) {
    const std::string request =
        "GET /api/v1/customers?sort=next_contact_at HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
    conn.Send(request);
    RawReply first = conn.Read();
    ASSERT_EQ(first.status, 200) << first.body;
    conn.Send(request);
    EXPECT_EQ(conn.Read().body, first.body);
}

TEST_F(HttpServerTest, AnswersARepeatedCustomerPageFromMemory) {
    Connection conn(port_);
    ListTwice(conn, AdminAuthorization(conn));
    EXPECT_EQ(PageCacheHits(conn), 1);
}

class HttpServerWithoutPageCacheTest : public HttpServerTest {
  protected:
    std::vector<std::string> ExtraFlags() const override { return {"--page-cache-mb", "0"}; }
};

TEST_F(HttpServerWithoutPageCacheTest, ReadsEveryPageAfreshWithPageCacheMbZero) {
    Connection conn(port_);
    ListTwice(conn, AdminAuthorization(conn));
    EXPECT_EQ(PageCacheHits(conn), 0);
}

// Each thread of the server by the name `top -H` shows, with its Linux scheduling policy
// (the "policy" field of /proc/<pid>/task/<tid>/stat: 0 SCHED_OTHER, 3 SCHED_BATCH).
std::map<std::string, std::set<int>> ThreadPolicies(pid_t pid) {
    std::map<std::string, std::set<int>> policies;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        std::ifstream comm_file(task.path() / "comm");
        std::string comm;
        std::getline(comm_file, comm);
        std::ifstream stat_file(task.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
        const auto after_name = stat.rfind(')');
        if (after_name == std::string::npos) continue;           // the thread ended while we looked
        std::istringstream fields(stat.substr(after_name + 2));  // from field 3, the state
        std::string field;
        for (int i = 3; i < 41; ++i) fields >> field;  // skip to field 41
        int policy = -1;
        if (fields >> policy) policies[comm].insert(policy);
    }
    return policies;
}

// The threads that hand follow-ups to the group-commit writer and carry its answers back do not
// preempt it when they wake (SCHED_BATCH); the writer and the job workers keep the usual policy.
TEST_F(HttpServerTest, OnlyTheWriterAndJobsPreemptOnWakeUp) {
    constexpr int kOther = 0, kBatch = 3;
    const std::map<std::string, std::set<int>> expected = {{"guanxi", {kBatch}},
                                                           {"gx-http-1", {kBatch}},
                                                           {"gx-answers", {kBatch}},
                                                           {"gx-password", {kBatch}},
                                                           {"gx-writer", {kOther}}};
    // The threads set their policy as they start, which may be just after the server says it
    // listens.
    std::map<std::string, std::set<int>> seen;
    for (int i = 0; i < 200; ++i) {
        seen = ThreadPolicies(pid_);
        const bool all = std::all_of(expected.begin(), expected.end(), [&](const auto& e) {
            return seen.count(e.first) && seen.at(e.first) == e.second;
        });
        if (all) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    for (const auto& [name, policy] : expected) EXPECT_EQ(seen[name], policy) << name;
    ASSERT_TRUE(seen.count("gx-job-0"));
    EXPECT_EQ(seen["gx-job-0"], std::set<int>{kOther});
}

TEST_F(HttpServerTest, StopsGracefullyOnSigterm) {
    Connection idle(port_);
    idle.Send(Get("/healthz"));
    EXPECT_EQ(idle.Read().status, 200);
    EXPECT_EQ(Terminate(), 0);
    Connection refused(port_);
    EXPECT_FALSE(refused.connected());
}

}  // namespace
}  // namespace guanxi::testing
