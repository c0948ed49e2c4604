// Google Benchmark micro-benchmarks for the hot pieces of a request (issue 4): JSON of a customer
// page, the access gate's owner set and predicate, phone/e-mail/name normalisation, the bigram
// tokenizer and the search predicate, an e-mail's MIME and its enqueue. Run:
// build/bench-tools/guanxi_micro --benchmark_format=json

#include "core/text.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "db/migrator.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/customers/customer.hpp"
#include "domains/customers/search_index.hpp"
#include "http/list_query.hpp"
#include "mail/mime.hpp"
#include "mail/outbox.hpp"

#include <benchmark/benchmark.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace {

using guanxi::db::Row;
using guanxi::db::Value;

// A row shaped like kCustomerColumns, as the list query returns it.
Row CustomerRow(std::int64_t id) {
    const std::int64_t t = 1700000000 + id * 37;
    std::vector<Value> v = {id,
                            std::string("深圳华强科技有限公司"),
                            std::string("potential"),
                            std::int64_t{12},
                            std::string("张伟"),
                            std::int64_t{3},
                            std::string("销售一部"),
                            std::string("信息技术"),
                            std::string("华南"),
                            std::string("展会"),
                            std::string("13812345678"),
                            "info" + std::to_string(id) + "@huaqiang.cn",
                            std::string("深圳市科技园12号"),
                            std::string("[\"VIP\",\"重点跟进\"]"),
                            std::string("{}"),
                            t,
                            t + 86400 * 3,
                            std::int64_t{12},
                            t - 86400 * 400,
                            t,
                            std::int64_t{3},
                            nullptr,
                            nullptr};
    return Row(std::move(v));
}

guanxi::http::ListQuery PageQuery() {
    guanxi::http::ListQuery q;
    q.sort = {{"next_contact_at", false}};
    return q;
}

void BM_CustomerPageJson(benchmark::State& state) {
    std::vector<Row> rows;
    for (std::int64_t i = 0; i < state.range(0); ++i) rows.push_back(CustomerRow(100000 + i));
    const auto query = PageQuery();
    size_t bytes = 0;
    // As CustomerService::List writes a page: straight to JSON text.
    for (auto _ : state) {
        guanxi::JsonWriter items;
        items.BeginArray();
        for (const auto& r : rows) guanxi::customers::WriteCustomer(items, r);
        items.EndArray();
        const std::string body = guanxi::http::ListPageText(items.text(), 123456, query);
        bytes = body.size();
        benchmark::DoNotOptimize(body.data());
    }
    state.counters["bytes"] = static_cast<double>(bytes);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_CustomerPageJson)->Arg(50);

// The way pages were written before JsonWriter, for comparison: a nlohmann::json tree per customer
// (CustomerJson, a tree of the same fields), dumped to text.
void BM_CustomerPageJsonTree(benchmark::State& state) {
    std::vector<Row> rows;
    for (std::int64_t i = 0; i < 50; ++i) rows.push_back(CustomerRow(100000 + i));
    const auto query = PageQuery();
    for (auto _ : state) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : rows) items.push_back(guanxi::customers::CustomerJson(r));
        const std::string body = guanxi::http::ListPage(std::move(items), 123456, query).dump();
        benchmark::DoNotOptimize(body.data());
    }
}
BENCHMARK(BM_CustomerPageJsonTree);

// Only the writing part: the json tree already built, dumped to text.
void BM_CustomerPageDumpOnly(benchmark::State& state) {
    nlohmann::json items = nlohmann::json::array();
    for (std::int64_t i = 0; i < 50; ++i)
        items.push_back(guanxi::customers::CustomerJson(CustomerRow(100000 + i)));
    const nlohmann::json page = guanxi::http::ListPage(std::move(items), 123456, PageQuery());
    for (auto _ : state) {
        const std::string body = page.dump();
        benchmark::DoNotOptimize(body.data());
    }
}
BENCHMARK(BM_CustomerPageDumpOnly);

void BM_FormatRfc3339(benchmark::State& state) {
    std::int64_t t = 1700000000;
    for (auto _ : state) {
        auto s = guanxi::FormatRfc3339(t++);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_FormatRfc3339);

// The gate needs users and departments: a throw-away SQLite database with 50 departments (a tree)
// and 500 users, like the benchmark data set.
class GateFixture : public benchmark::Fixture {
  public:
    void SetUp(const benchmark::State&) override {
        if (db_) return;
        path_ = (std::filesystem::temp_directory_path() /
                 ("guanxi-micro-" + std::to_string(getpid()) + ".db"))
                    .string();
        auto db = guanxi::db::Database::Open("sqlite:" + path_, {1});
        if (!db) std::abort();
        db_ = std::move(*db);
        if (!guanxi::db::Migrate(*db_)) std::abort();
        auto lease = db_->Acquire();
        if (!lease) std::abort();
        auto& conn = **lease;
        (void)conn.Execute("BEGIN");
        (void)conn.Execute(
            "INSERT INTO roles (id, name, data_scope, created_at, updated_at) VALUES (900, 'b', "
            "'self', 0, 0)");
        for (int d = 1; d <= 50; ++d) {
            (void)conn.Execute(
                "INSERT INTO departments (id, name, parent_id, created_at, updated_at) VALUES (?, "
                "?, ?, 0, 0)",
                {std::int64_t{1000 + d}, "d" + std::to_string(d),
                 d == 1 ? Value(nullptr) : Value(std::int64_t{1000 + (d <= 10 ? 1 : d % 10 + 1)})});
        }
        for (int u = 1; u <= 500; ++u) {
            const std::int64_t dep = 1000 + (u % 50) + 1;
            const Value manager =
                u <= 50 ? Value(nullptr) : Value(std::int64_t{5000 + (u % 50) + 1});
            (void)conn.Execute(
                "INSERT INTO users (id, username, display_name, department_id, role_id, "
                "manager_id, "
                "password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, 900, ?, 'x', 0, 0)",
                {std::int64_t{5000 + u}, "u" + std::to_string(u), "u" + std::to_string(u), dep,
                 manager});
        }
        (void)conn.Execute("COMMIT");
    }
    void TearDown(const benchmark::State&) override {}
    ~GateFixture() override {
        db_.reset();
        if (!path_.empty()) {
            std::filesystem::remove(path_);
            std::filesystem::remove(path_ + "-wal");
            std::filesystem::remove(path_ + "-shm");
        }
    }

  protected:
    guanxi::Principal Caller(guanxi::DataScope scope, std::int64_t user, std::int64_t department) {
        guanxi::Principal p;
        p.user_id = user;
        p.department_id = department;
        p.scope = scope;
        p.permissions = std::make_shared<guanxi::PermissionSet>(
            guanxi::PermissionSet{"customers.view", "customers.edit"});
        return p;
    }
    std::unique_ptr<guanxi::db::Database> db_;
    std::string path_;
};

BENCHMARK_DEFINE_F(GateFixture, SalespersonSelf)(benchmark::State& state) {
    auto lease = db_->Acquire();
    const auto caller = Caller(guanxi::DataScope::kSelf, 5120, 1021);
    for (auto _ : state) {
        auto gate = guanxi::access::Gate::For(**lease, caller);
        auto p = gate->CustomerVisible("c");
        benchmark::DoNotOptimize(p.sql.data());
    }
}
BENCHMARK_REGISTER_F(GateFixture, SalespersonSelf);

BENCHMARK_DEFINE_F(GateFixture, ManagerDepartmentTree)(benchmark::State& state) {
    auto lease = db_->Acquire();
    const auto caller = Caller(guanxi::DataScope::kDepartmentTree, 5001, 1001);
    size_t owners = 0;
    for (auto _ : state) {
        auto gate = guanxi::access::Gate::For(**lease, caller);
        auto p = gate->CustomerVisible("c");
        owners = gate->owners().owner_ids.size();
        benchmark::DoNotOptimize(p.sql.data());
    }
    state.counters["owners"] = static_cast<double>(owners);
}
BENCHMARK_REGISTER_F(GateFixture, ManagerDepartmentTree);

void BM_NormalizePhone(benchmark::State& state) {
    const std::string phone = "+86 138-0013-8000";
    for (auto _ : state) {
        auto s = guanxi::text::NormalizePhone(phone);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_NormalizePhone);

void BM_NormalizeEmail(benchmark::State& state) {
    const std::string email = "  Zhang.Wei@HuaQiang-Tech.COM.cn ";
    for (auto _ : state) {
        auto s = guanxi::text::NormalizeEmail(email);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_NormalizeEmail);

void BM_NormalizeCompanyName(benchmark::State& state) {
    const std::string name = "深圳华强科技股份有限公司";
    for (auto _ : state) {
        auto s = guanxi::text::NormalizeCompanyName(name);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_NormalizeCompanyName);

// The bigram tokenizer over everything one customer indexes (name, phones, e-mails, two contacts).
void BM_SearchGramsCustomer(benchmark::State& state) {
    const std::vector<std::string> values = {
        "深圳华强科技有限公司", "13812345678",     "13812345678",
        "info123456@abcdef.cn", "王秀英",          "13987654321",
        "13987654321",          "qwert@abcdef.cn", "李明",
        "18600001111",          "18600001111",     "asdfg@abcdef.cn"};
    size_t grams = 0;
    for (auto _ : state) {
        grams = 0;
        for (const auto& v : values) {
            auto g = guanxi::text::SearchGrams(v);
            grams += g.size();
            benchmark::DoNotOptimize(g.data());
        }
    }
    state.counters["grams"] = static_cast<double>(grams);
}
BENCHMARK(BM_SearchGramsCustomer);

void BM_SearchPredicate(benchmark::State& state) {
    const std::string q = state.range(0) == 2 ? "华强" : "华强科技";
    for (auto _ : state) {
        auto p = guanxi::customers::search::Matches(guanxi::db::Backend::kSqlite, q);
        benchmark::DoNotOptimize(p.sql.data());
    }
}
BENCHMARK(BM_SearchPredicate)->Arg(2)->Arg(4);

}  // namespace

guanxi::mail::Message Reminder(int i) {
    guanxi::mail::Message m;
    m.to = {"customer" + std::to_string(i) + "@example.com", "李雷"};
    m.subject = "提醒：明天 09:00 拜访深圳华强科技有限公司";
    m.text_body = "您好，\n明天 09:00 拜访深圳华强科技有限公司，请提前准备报价单和样品清单。\n";
    m.html_body = "<p>您好，</p><p>明天 <b>09:00</b> 拜访深圳华强科技有限公司。</p>";
    return m;
}

// The message as it goes out over SMTP: encoded words, two quoted-printable parts.
void BM_MailBuild(benchmark::State& state) {
    const guanxi::mail::Message m = Reminder(1);
    const guanxi::mail::Envelope e{
        {"crm@example.com", "Guanxi 客户管理"}, 1796616475, "0123456789abcdef@example.com"};
    for (auto _ : state) benchmark::DoNotOptimize(guanxi::mail::Build(m, e));
}
BENCHMARK(BM_MailBuild);

// mail::Enqueue (a delivery row and its job) on SQLite, `range(0)` messages per transaction (one
// reminder alone; a batch of #17): the time per message.
void BM_MailEnqueue(benchmark::State& state) {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("guanxi-micro-mail-" + std::to_string(getpid()) + ".db"))
                                 .string();
    {
        auto db = guanxi::db::Database::Open("sqlite:" + path, {1});
        if (!db || !guanxi::db::Migrate(**db)) std::abort();
        std::int64_t n = 0;
        const int batch = static_cast<int>(state.range(0));
        for (auto _ : state) {
            auto done = guanxi::db::InTransaction(
                **db, guanxi::db::TxMode::kWrite,
                [&](guanxi::db::Connection& conn) -> guanxi::Status {
                    for (int i = 0; i < batch; ++i, ++n) {
                        GX_TRY(guanxi::mail::Enqueue(conn, Reminder(static_cast<int>(n)),
                                                     "bench:" + std::to_string(n)));
                    }
                    return guanxi::Status{};
                });
            if (!done) std::abort();
        }
        state.SetItemsProcessed(n);
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}
BENCHMARK(BM_MailEnqueue)->Arg(1)->Arg(100)->UseRealTime();

BENCHMARK_MAIN();
