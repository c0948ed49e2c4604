#include "api_test_support.hpp"

#include "domains/accounts/password.hpp"
#include "domains/record_types.hpp"
#include "http/router.hpp"
#include "record_examples.hpp"

#include <sodium.h>

#include <libpq-fe.h>
#include <unistd.h>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace guanxi::testing {

namespace {

std::atomic<int> g_counter{0};

const char* PgUrl() {
    const char* url = std::getenv("GUANXI_TEST_PG_URL");
    return url != nullptr && *url != '\0' ? url : nullptr;
}

// Runs one statement on the server's admin connection; aborts the test run on failure, since a
// PostgreSQL that was asked for must work.
void PgAdmin(const std::string& sql) {
    PGconn* conn = PQconnectdb(PgUrl());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::fprintf(stderr, "GUANXI_TEST_PG_URL: cannot connect: %s\n", PQerrorMessage(conn));
        std::abort();
    }
    PGresult* r = PQexec(conn, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        std::fprintf(stderr, "PostgreSQL test setup failed: %s\n", PQerrorMessage(conn));
        std::abort();
    }
    PQclear(r);
    PQfinish(conn);
}

struct GlobalSetup {
    GlobalSetup() {
        if (sodium_init() < 0) std::abort();
        accounts::SetPasswordCost(accounts::PasswordCost::kMinimum);
        if (PgUrl() != nullptr) PgAdmin("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
    }
};

void EnsureGlobalSetup() { static GlobalSetup setup; }

}  // namespace

std::vector<TestBackend> EnabledBackends() {
    std::vector<TestBackend> out{TestBackend::kSqlite};
    if (PgUrl() != nullptr) out.push_back(TestBackend::kPostgres);
    return out;
}

std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info) {
    return info.param == TestBackend::kSqlite ? "SQLite" : "PostgreSQL";
}

std::string Reply::code() const {
    if (body.is_object() && body.contains("error")) return body["error"].value("code", "");
    return "";
}

TestDatabase::TestDatabase(TestBackend backend) : backend_(backend) {
    EnsureGlobalSetup();
    const std::string unique = std::to_string(getpid()) + "_" + std::to_string(g_counter++);
    if (backend == TestBackend::kSqlite) {
        path_or_schema_ =
            (std::filesystem::temp_directory_path() / ("guanxi_test_" + unique + ".db")).string();
        url_ = "sqlite:" + path_or_schema_;
    } else {
        path_or_schema_ = "test_" + unique;
        PgAdmin("DROP SCHEMA IF EXISTS " + path_or_schema_ + " CASCADE; CREATE SCHEMA " +
                path_or_schema_);
        std::string base = PgUrl();
        base += base.find('?') == std::string::npos ? "?" : "&";
        url_ = base + "options=-csearch_path%3D" + path_or_schema_ + ",public";
    }
}

TestDatabase::~TestDatabase() {
    if (backend_ == TestBackend::kSqlite) {
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path_or_schema_ + suffix);
    } else {
        PgAdmin("DROP SCHEMA IF EXISTS " + path_or_schema_ + " CASCADE");
    }
}

void ApiTest::SetUp() {
    database_ = std::make_unique<TestDatabase>(GetParam());
    AppOptions options;
    options.database_url = database_->url();
    options.pool_size = 6;
    options.admin_password = "admin-password";
    auto app = App::Create(options);
    ASSERT_TRUE(app.ok()) << app.error().message << " " << app.error().log_detail;
    app_ = std::move(app).value();
    admin_token_ = Login("admin", "admin-password");
    CurrentExampleFiller() = [this](const kit::CompiledType& type, const std::string& collection,
                                    nlohmann::json& example) {
        FillExample(type, collection, example);
    };
}

void ApiTest::FillExample(const kit::CompiledType& type, const std::string& collection,
                          nlohmann::json& example) {
    // The customer of the collection (/api/v1/customers/{id}/...), else the last one made.
    std::int64_t customer = last_customer_;
    const std::string prefix = "/api/v1/customers/";
    if (collection.rfind(prefix, 0) == 0) customer = std::stoll(collection.substr(prefix.size()));
    for (const kit::Field& field : type.type.fields) {
        auto it = example.find(field.def.name);
        if (it == example.end() || !it->is_number_integer() || it->get<std::int64_t>() != 0) {
            continue;
        }
        if (field.references == "customers") {
            if (customer == 0) customer = CreateCustomer(admin(), {{"name", "示例客户"}})["id"];
            *it = customer;
            continue;
        }
        // A record of another type: its table (a reference) or its singular (competitor_id).
        const kit::CompiledType* of = nullptr;
        for (const auto& candidate : RecordTypes().types()) {
            if ((!field.references.empty() && candidate->type.table == field.references) ||
                candidate->type.singular + "_id" == field.def.name) {
                of = candidate.get();
            }
        }
        ASSERT_NE(of, nullptr) << field.def.name;
        const std::string in = of->type.UnderCustomer()
                                   ? prefix + std::to_string(customer) + "/" + of->type.name
                                   : "/api/v1/" + of->type.name;
        auto [made, added] = made_.emplace(in, 0);
        if (added) {
            Reply created = Send(ExampleCreate(*of, in, admin()));
            ASSERT_EQ(created.status, 201) << in << " " << created.raw.body;
            made->second = created.body["id"];
        }
        *it = made->second;
    }
}

void ApiTest::TearDown() {
    CurrentExampleFiller() = nullptr;
    app_.reset();
    database_.reset();
}

Reply ApiTest::CallRaw(const std::string& method, const std::string& target,
                       const std::string& raw_body, const std::string& token) {
    http::Request request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target)) << target;
    request.body = raw_body;
    request.remote_ip = "10.0.0.1";
    if (!raw_body.empty()) request.headers["content-type"] = "application/json";
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return Send(std::move(request));
}

Reply ApiTest::Send(http::Request request) {
    Reply reply;
    reply.raw = app_->router().Dispatch(request);
    if (!reply.raw.file.empty()) {
        // What the server would send: the file's content, and the file gone afterwards.
        std::ifstream in(reply.raw.file, std::ios::binary);
        EXPECT_TRUE(in.good()) << reply.raw.file;
        reply.raw.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        in.close();
        std::filesystem::remove(reply.raw.file);
    }
    reply.status = reply.raw.status;
    reply.body = nlohmann::json::parse(reply.raw.body, nullptr, false);
    if (reply.body.is_discarded()) reply.body = nullptr;
    return reply;
}

Reply ApiTest::Call(const std::string& method, const std::string& target,
                    const nlohmann::json& body, const std::string& token, const std::string& ip) {
    http::Request request;
    request.method = method;
    EXPECT_TRUE(request.SetTarget(target)) << target;
    if (!body.is_null()) {
        request.body = body.dump();
        request.headers["content-type"] = "application/json";
    }
    request.remote_ip = ip;
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return Send(std::move(request));
}

std::string ApiTest::Login(const std::string& username, const std::string& password) {
    Reply r = Call("POST", "/api/v1/auth/login", {{"username", username}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r.status == 200 ? r.body["token"].get<std::string>() : "";
}

std::int64_t ApiTest::CreateDepartment(const std::string& name,
                                       std::optional<std::int64_t> parent) {
    nlohmann::json body = {{"name", name}};
    if (parent) body["parent_id"] = *parent;
    Reply r = Call("POST", "/api/v1/departments", body, admin());
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.status == 201 ? r.body["id"].get<std::int64_t>() : 0;
}

std::int64_t ApiTest::RoleId(const std::string& name) {
    Reply r = Call("GET", "/api/v1/roles", nullptr, admin());
    for (const auto& role : r.body["items"]) {
        if (role["name"] == name) return role["id"].get<std::int64_t>();
    }
    ADD_FAILURE() << "no role " << name;
    return 0;
}

std::int64_t ApiTest::CreateRole(const std::string& name, const std::string& scope,
                                 const nlohmann::json& permissions) {
    Reply r = Call("POST", "/api/v1/roles",
                   {{"name", name}, {"data_scope", scope}, {"permissions", permissions}}, admin());
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.status == 201 ? r.body["id"].get<std::int64_t>() : 0;
}

ApiTest::TestUser ApiTest::CreateUser(const std::string& username, std::int64_t role_id,
                                      std::optional<std::int64_t> department,
                                      std::optional<std::int64_t> manager) {
    nlohmann::json body = {{"username", username},
                           {"display_name", username},
                           {"password", kPassword},
                           {"role_id", role_id}};
    if (department) body["department_id"] = *department;
    if (manager) body["manager_id"] = *manager;
    Reply r = Call("POST", "/api/v1/users", body, admin());
    EXPECT_EQ(r.status, 201) << r.body.dump();
    TestUser user;
    if (r.status != 201) return user;
    user.id = r.body["id"].get<std::int64_t>();
    user.token = Login(username, kPassword);
    return user;
}

nlohmann::json ApiTest::CreateCustomer(const std::string& token, nlohmann::json body) {
    Reply r = Call("POST", "/api/v1/customers", body, token);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    if (r.status == 201) last_customer_ = r.body["id"];
    return r.body;
}

void ApiTest::RunInAnotherProcess(const std::string& sql) {
    const std::string& url = database_url();
    const std::string command =
        postgres() ? "psql -q -v ON_ERROR_STOP=1 '" + url + "' -c \"" + sql + "\""
                   : "sqlite3 -cmd '.timeout 10000' '" + url.substr(std::string("sqlite:").size()) +
                         "' \"" + sql + "\"";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace guanxi::testing
