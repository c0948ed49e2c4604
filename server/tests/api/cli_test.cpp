// The command line as an operator uses it: first start creates admin (generated password printed
// once), `user create`, `demo-data`, `job run` — each checked through the API afterwards.

#include "api_test_support.hpp"
#include "test_paths.hpp"

#include "domains/accounts/rights.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>

namespace guanxi::testing {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
    int status = -1;
    std::string output;
};

CommandResult RunGuanxi(const std::string& args, const std::string& env = "") {
    CommandResult result;
    const std::string command = env + " " + GUANXI_BINARY + " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.output.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

class CliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("guanxi_cli_" + std::to_string(getpid()));
        fs::remove_all(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Logs in through an App on the same database, as the server would.
    int LoginStatus(const std::string& username, const std::string& password) {
        AppOptions options;
        options.database_url = "sqlite:" + (dir_ / "guanxi.db").string();
        options.pool_size = 2;
        auto app = App::Create(options);
        EXPECT_TRUE(app.ok());
        if (!app.ok()) return 0;
        http::Request request;
        request.method = "POST";
        request.SetTarget("/api/v1/auth/login");
        request.body = nlohmann::json{{"username", username}, {"password", password}}.dump();
        request.headers["content-type"] = "application/json";
        request.remote_ip = "127.0.0.1";
        return (*app)->router().Dispatch(request).status;
    }

    std::string DataFlag() const { return "--data " + dir_.string() + " --log-level warn"; }

    fs::path dir_;
};

TEST_F(CliTest, FirstStartPrintsAGeneratedAdminPasswordOnce) {
    CommandResult first = RunGuanxi("migrate " + DataFlag(), "env -u GUANXI_ADMIN_PASSWORD");
    ASSERT_EQ(first.status, 0) << first.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(first.output, m,
                                  std::regex("Created user 'admin' with password: (\\S+)")))
        << first.output;
    const std::string password = m[1];
    EXPECT_GE(password.size(), 12u);
    CommandResult second = RunGuanxi("migrate " + DataFlag(), "env -u GUANXI_ADMIN_PASSWORD");
    ASSERT_EQ(second.status, 0);
    EXPECT_EQ(second.output.find("password"), std::string::npos) << "shown only once";
    EXPECT_EQ(LoginStatus("admin", password), 200);
    EXPECT_EQ(LoginStatus("admin", "wrong-password"), 401);
}

TEST_F(CliTest, UserCreateMakesAUserWhoCanLogIn) {
    CommandResult created =
        RunGuanxi("user create " + DataFlag() +
                  " --username wang.wu --display-name 王五 --password secret-123 --role sales");
    ASSERT_EQ(created.status, 0) << created.output;
    EXPECT_NE(created.output.find("Created user wang.wu"), std::string::npos);
    EXPECT_EQ(LoginStatus("wang.wu", "secret-123"), 200);
    CommandResult duplicate =
        RunGuanxi("user create " + DataFlag() + " --username wang.wu --password secret-123");
    EXPECT_NE(duplicate.status, 0);
    CommandResult bad_role = RunGuanxi("user create " + DataFlag() +
                                       " --username li.si --password secret-123 --role boss");
    EXPECT_NE(bad_role.status, 0);
    EXPECT_NE(bad_role.output.find("no role named boss"), std::string::npos);
}

TEST_F(CliTest, DemoDataFillsTheDatabaseWithUsersWhoCanLogIn) {
    CommandResult demo = RunGuanxi("demo-data " + DataFlag() + " --customers 300 --seed 7",
                                   "GUANXI_ADMIN_PASSWORD=admin-password");
    ASSERT_EQ(demo.status, 0) << demo.output;
    EXPECT_NE(demo.output.find("300 customers"), std::string::npos) << demo.output;
    EXPECT_EQ(LoginStatus("zhang.wei", "demo1234"), 200);
    AppOptions options;
    options.database_url = "sqlite:" + (dir_ / "guanxi.db").string();
    auto app = App::Create(options);
    ASSERT_TRUE(app.ok());
    auto conn = (*app)->db().Acquire();
    auto counts = (*conn)->QueryOne(
        "SELECT COUNT(*), SUM(CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END), "
        "(SELECT COUNT(*) FROM contacts), (SELECT COUNT(DISTINCT customer_id) FROM "
        "customer_search) FROM customers");
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ((*counts)->Int(0), 300);
    EXPECT_GT((*counts)->Int(1), 0);    // some in the public pool
    EXPECT_GE((*counts)->Int(2), 300);  // every customer has a contact
    EXPECT_EQ((*counts)->Int(3), 300);  // and is searchable
    // Opportunities on the default pipeline's board, each in its stage's history; some closed.
    auto sales = (*conn)->QueryOne(
        "SELECT COUNT(*), SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), (SELECT COUNT(*) "
        "FROM opportunity_stage_history h JOIN opportunities o ON o.id = h.opportunity_id AND "
        "o.stage_id = h.stage_id AND h.left_at IS NULL) FROM opportunities WHERE pipeline_id = 1");
    ASSERT_TRUE(sales.ok());
    EXPECT_GT((*sales)->Int(0), 30);
    EXPECT_GT((*sales)->Int(1), 0);
    EXPECT_LT((*sales)->Int(1), (*sales)->Int(0));
    EXPECT_EQ((*sales)->Int(2), (*sales)->Int(0));
    EXPECT_NE(demo.output.find("opportunities"), std::string::npos) << demo.output;
}

TEST_F(CliTest, JobRunRunsAJobNowAndRefusesUnknownOnes) {
    CommandResult ran = RunGuanxi("job run noop " + DataFlag() + " --payload '{\"x\":1}'",
                                  "GUANXI_ADMIN_PASSWORD=admin-password");
    ASSERT_EQ(ran.status, 0) << ran.output;
    EXPECT_NE(ran.output.find("Ran 1 job(s): 1 done, 0 failed"), std::string::npos) << ran.output;
    CommandResult unknown = RunGuanxi("job run no-such-job " + DataFlag());
    EXPECT_NE(unknown.status, 0);
    EXPECT_NE(unknown.output.find("no job named no-such-job"), std::string::npos);
    CommandResult bad_payload = RunGuanxi("job run noop " + DataFlag() + " --payload 'not json'");
    EXPECT_EQ(bad_payload.status, 2);
}

// `guanxi openapi` and `guanxi codes` describe the server to the checks that keep the web and the
// API description in step with it (web/scripts/test.sh); they need no database.
TEST_F(CliTest, OpenApiPrintsTheServedDocumentWithoutADatabase) {
    CommandResult printed = RunGuanxi("openapi");
    ASSERT_EQ(printed.status, 0) << printed.output;
    const nlohmann::json doc = nlohmann::json::parse(printed.output, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << printed.output.substr(0, 200);
    EXPECT_EQ(doc, nlohmann::json::parse(App::OpenApiJson()));
    EXPECT_TRUE(doc["paths"].contains("/api/v1/customers/{id}/mailings")) << "record types too";
    EXPECT_FALSE(fs::exists(dir_));
}

TEST_F(CliTest, CodesPrintsEveryErrorCodeAndPermission) {
    CommandResult printed = RunGuanxi("codes");
    ASSERT_EQ(printed.status, 0) << printed.output;
    const nlohmann::json codes = nlohmann::json::parse(printed.output, nullptr, false);
    ASSERT_FALSE(codes.is_discarded()) << printed.output.substr(0, 200);
    nlohmann::json expected = nlohmann::json::array();
    for (ErrorCode code : AllErrorCodes()) {
        expected.push_back({{"code", ErrorCodeName(code)}, {"status", HttpStatus(code)}});
    }
    EXPECT_EQ(codes["error_codes"], expected);
    ASSERT_EQ(codes["field_messages"].size(), AllFieldMessages().size());
    EXPECT_EQ(codes["field_messages"][0]["key"], AllFieldMessages()[0].key);
    EXPECT_EQ(codes["field_messages"][0]["zh_cn"], AllFieldMessages()[0].zh_cn);
    EXPECT_EQ(codes["permissions"], nlohmann::json(accounts::AllPermissions()));
    EXPECT_TRUE(std::find(codes["permissions"].begin(), codes["permissions"].end(),
                          "mailings.view") != codes["permissions"].end());
}

}  // namespace
}  // namespace guanxi::testing
