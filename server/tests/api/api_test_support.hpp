#pragma once
// In-process API tests: a real App (router, services, database) on a fresh SQLite file, and — when
// GUANXI_TEST_PG_URL is set — on a fresh PostgreSQL schema. Requests go through Router::Dispatch
// exactly as the HTTP server sends them, without a socket.
//
// Write a suite as:   class FooTest : public ApiTest {};
//                     TEST_P(FooTest, Something) { ... }
//                     GUANXI_API_TEST_SUITE(FooTest);

#include "cli/app.hpp"
#include "kit/record_type.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <ostream>
#include <string>

namespace guanxi::testing {

enum class TestBackend { kSqlite, kPostgres };

std::vector<TestBackend> EnabledBackends();
inline void PrintTo(TestBackend backend, std::ostream* os) {
    *os << (backend == TestBackend::kSqlite ? "SQLite" : "PostgreSQL");
}
std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info);

struct Reply {
    int status = 0;
    nlohmann::json body;  // null when the body is not JSON
    http::Response raw;

    // The error code of an error reply ("" otherwise).
    std::string code() const;
};

// A fresh database (SQLite file or PostgreSQL schema) for one test; dropped afterwards.
class TestDatabase {
  public:
    explicit TestDatabase(TestBackend backend);
    ~TestDatabase();
    const std::string& url() const { return url_; }

  private:
    TestBackend backend_;
    std::string url_;
    std::string path_or_schema_;
};

class ApiTest : public ::testing::TestWithParam<TestBackend> {
  protected:
    void SetUp() override;
    void TearDown() override;

    App& app() { return *app_; }
    // The test database's URL ("sqlite:<file>" or a PostgreSQL URL with its schema).
    const std::string& database_url() const { return database_->url(); }
    bool postgres() const { return GetParam() == TestBackend::kPostgres; }

    // One request; `token` empty means anonymous.
    Reply Call(const std::string& method, const std::string& target,
               const nlohmann::json& body = nullptr, const std::string& token = "",
               const std::string& ip = "10.0.0.1");
    // Sends `raw_body` as is (malformed JSON tests).
    Reply CallRaw(const std::string& method, const std::string& target, const std::string& raw_body,
                  const std::string& token);
    // Sends a request the test built itself (cookies, content types, other headers) as is.
    Reply Send(http::Request request);

    std::string Login(const std::string& username, const std::string& password);

    // The admin's token (created at first start with password "admin-password").
    const std::string& admin() { return admin_token_; }

    // Organisation helpers (as admin); they fail the test on error.
    std::int64_t CreateDepartment(const std::string& name,
                                  std::optional<std::int64_t> parent = std::nullopt);
    std::int64_t RoleId(const std::string& name);
    std::int64_t CreateRole(const std::string& name, const std::string& scope,
                            const nlohmann::json& permissions);
    struct TestUser {
        std::int64_t id = 0;
        std::string token;
    };
    TestUser CreateUser(const std::string& username, std::int64_t role_id,
                        std::optional<std::int64_t> department,
                        std::optional<std::int64_t> manager = std::nullopt);
    // Creates a customer as `token`; returns its JSON.
    nlohmann::json CreateCustomer(const std::string& token, nlohmann::json body);
    // Runs SQL on the test database from another process (sqlite3 / psql), as the CLI or a second
    // server would.
    void RunInAnotherProcess(const std::string& sql);

    static constexpr const char* kPassword = "password-123";

  private:
    // Fills an example's records of the test's own (record_examples.hpp, ExampleFiller).
    void FillExample(const kit::CompiledType& type, const std::string& collection,
                     nlohmann::json& example);

    std::unique_ptr<TestDatabase> database_;
    std::unique_ptr<App> app_;
    std::string admin_token_;
    std::int64_t last_customer_ = 0;            // the customer CreateCustomer made last
    std::map<std::string, std::int64_t> made_;  // records FillExample made, by type and customer
};

}  // namespace guanxi::testing

#define GUANXI_API_TEST_SUITE(Suite)                                                    \
    INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                           \
                             ::testing::ValuesIn(::guanxi::testing::EnabledBackends()), \
                             ::guanxi::testing::BackendName)
