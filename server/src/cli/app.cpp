#include "cli/app.hpp"

#include "cli/openapi.hpp"
#include "core/time.hpp"
#include "db/migrator.hpp"
#include "db/sqlite/sqlite_connection.hpp"
#include "domains/activities/calendar_feed.hpp"
#include "domains/audit/audit_routes.hpp"
#include "domains/contracts/contract_from_quote.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/contracts/contract_routes.hpp"
#include "domains/contracts/payment_due.hpp"
#include "domains/custom_fields/custom_field_routes.hpp"
#include "domains/customers/customer_import_routes.hpp"
#include "domains/customers/customer_routes.hpp"
#include "domains/customers/pool_recycle.hpp"
#include "domains/customers/pool_rules_routes.hpp"
#include "domains/customers/timeline_routes.hpp"
#include "domains/idempotency/idempotency_store.hpp"
#include "domains/messages/template_type.hpp"
#include "domains/notifications/notification_routes.hpp"
#include "domains/pipeline/pipeline_service.hpp"
#include "domains/quotes/quote_routes.hpp"
#include "domains/record_types.hpp"
#include "domains/reminders/reminder_routes.hpp"
#include "domains/settings/settings_routes.hpp"
#include "domains/todo/todo_routes.hpp"
#include "http/static_files.hpp"
#include "jobs/job_routes.hpp"
#include "kit/record_openapi.hpp"
#include "kit/record_routes.hpp"
#include "mail/mail_routes.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace guanxi {

Result<std::unique_ptr<App>> App::Create(const AppOptions& options) {
    std::unique_ptr<App> app(new App());
    GX_TRY_ASSIGN(app->db_, db::Database::Open(options.database_url, {options.pool_size}));
    GX_TRY(db::Migrate(*app->db_));
    if (options.presize_wal && app->db_->backend() == db::Backend::kSqlite) {
        GX_TRY_ASSIGN(db::Lease conn, app->db_->Acquire());
        GX_TRY(static_cast<db::SqliteConnection&>(*conn).PresizeWal());
    }
    app->custom_fields_ = std::make_unique<custom_fields::Catalog>(*app->db_);
    GX_TRY(app->custom_fields_->Reload());
    app->accounts_ = std::make_unique<accounts::AccountService>(*app->db_, options.accounts);
    GX_TRY_ASSIGN(app->writes_, db::GroupCommit::Start(*app->db_));
    app->customers_ = std::make_unique<customers::CustomerService>(*app->db_, *app->writes_,
                                                                   options.page_cache_bytes);
    app->customers_->UseCustomFields(app->custom_fields_.get());
    app->audit_ = std::make_unique<audit::AuditService>(*app->db_);
    app->job_store_ = std::make_unique<jobs::JobStore>(*app->db_);
    app->job_runner_ = std::make_unique<jobs::JobRunner>(*app->job_store_, options.jobs);
    app->scheduler_ = std::make_unique<jobs::Scheduler>(*app->db_, *app->job_store_);
    app->scheduler_->SetDefaultZone(settings::CompanyTimeZone);
    app->company_settings_ = std::make_unique<settings::CompanySettingsService>(*app->db_);
    app->notifications_ = std::make_unique<notifications::NotificationStore>(*app->db_);
    app->notification_hub_ = std::make_unique<notifications::NotificationHub>(
        *app->notifications_, options.notifications);
    app->outbox_ = std::make_unique<mail::Outbox>(*app->db_, options.mail);
    app->reminders_ = std::make_unique<reminders::ReminderService>(*app->db_);
    reminders::AddBuiltInSources(*app->reminders_);
    app->reminders_->AddSource(contracts::PaymentDueSource());
    app->pool_rules_ = std::make_unique<customers::PoolRulesService>(*app->db_);
    customers::ImportSettings imports = options.imports;
    if (imports.upload_dir.empty()) {
        imports.upload_dir = (std::filesystem::temp_directory_path() / "guanxi-uploads").string();
    }
    app->customer_imports_ = std::make_unique<customers::CustomerImportService>(
        *app->db_, *app->writes_, *app->job_store_, *app->accounts_, imports);
    app->customer_imports_->UseCustomFields(app->custom_fields_.get());
    GX_TRY_ASSIGN(app->generated_admin_password_,
                  app->accounts_->Bootstrap(options.admin_password));
    app->RegisterRoutes(options);
    app->RegisterJobs();
    if (app->db_->backend() == db::Backend::kSqlite && options.write_workers > 0) {
        app->write_workers_ =
            std::make_unique<core::WorkerPool>(options.write_workers, "gx-write-route");
        app->router_.SetWriteWorkers(
            [pool = app->write_workers_.get()](std::function<void()> task) {
                pool->Post(std::move(task));
            });
    }
    return app;
}

namespace {

// /metrics holds no customer data but tells a stranger a lot (load, users, jobs): with a token
// configured, a caller must send it as a Bearer token; without one, only a local caller connecting
// directly (a loopback address, no proxy's forwarding header) is answered. Others get a 404.
bool MetricsAllowed(const http::Request& request, const std::string& token) {
    if (!token.empty()) {
        const std::string expected = "Bearer " + token;
        const std::string sent = request.Header("authorization").value_or("");
        return sent.size() == expected.size() &&
               sodium_memcmp(sent.data(), expected.data(), sent.size()) == 0;
    }
    for (const char* header : {"x-forwarded-for", "forwarded", "x-real-ip"}) {
        if (request.Header(header)) return false;
    }
    const std::string& ip = request.remote_ip;
    return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

}  // namespace

std::string App::OpenApiJson() {
    return kit::WithRecordTypes(nlohmann::json::parse(OpenApiDocument()), RecordTypes())
        .dump(1, ' ', false, nlohmann::json::error_handler_t::strict);
}

void App::RegisterRoutes(const AppOptions& options) {
    router_.SetAuthenticator(accounts::MakeAuthenticator(*accounts_));
    idempotency_ = std::make_unique<idempotency::SqlIdempotencyStore>(*db_, *writes_);
    router_.SetIdempotencyStore(idempotency_.get());
    router_.Add("GET", "/healthz",
                [this](http::Context&) -> Result<http::Response> {
                    GX_TRY_ASSIGN(db::Lease conn, db_->Acquire());
                    GX_TRY(conn->Query("SELECT 1"));
                    return http::Response::Json(200, {{"status", "ok"}});
                },
                {.auth = false});
    router_.Add(
        "GET", "/metrics",
        [this, token = options.metrics_token](http::Context& ctx) -> Result<http::Response> {
            if (!MetricsAllowed(ctx.request(), token)) return Error::NotFound("Resource");
            http::Response response;
            response.body = router_.metrics().Render();
            response.SetHeader("Content-Type", "text/plain; version=0.0.4");
            return response;
        },
        {.auth = false});
    router_.Add("GET", "/api/openapi.json",
                [this](http::Context&) -> Result<http::Response> {
                    http::Response response;
                    response.body = openapi_;
                    response.SetHeader("Content-Type", "application/json");
                    return response;
                },
                {.auth = false});
    accounts::RegisterAccountRoutes(router_, *accounts_, options.cookies);
    customers::RegisterCustomerRoutes(router_, *customers_);
    customers::RegisterCustomerImportRoutes(router_, *customer_imports_);
    records_ = std::make_unique<kit::RecordService>(*db_, *writes_, custom_fields_.get());
    kit::RegisterRecordRoutes(router_, *records_, RecordTypes());
    timeline_ = std::make_unique<customers::TimelineService>(*db_, RecordTypes());
    customers::RegisterTimelineRoutes(router_, *timeline_);
    contracts_ = std::make_unique<contracts::ContractService>(*db_, *writes_, *records_,
                                                              *RecordTypes().Find("contracts"));
    contracts::RegisterContractRoutes(router_, *contracts_, *records_,
                                      *RecordTypes().Find("contracts"));
    activities::RegisterCalendarFeedRoutes(router_, *db_, *accounts_, *records_, RecordTypes());
    std::string documents_dir = options.documents.dir;
    if (documents_dir.empty()) {
        documents_dir = (std::filesystem::temp_directory_path() / "guanxi-documents").string();
    }
    documents_ = std::make_unique<customers::DocumentFiles>(documents_dir);
    customers::RegisterDocumentRoutes(router_, *records_, RecordTypes(), *documents_,
                                      options.documents.max_bytes);
    // Custom fields: on customers and on every record type, each with the table its index is on.
    std::map<std::string, std::string, std::less<>> custom_tables = {{"customers", "customers"}};
    for (const auto& type : RecordTypes().types())
        custom_tables[type->type.name] = type->type.table;
    custom_field_service_ = std::make_unique<custom_fields::CustomFieldService>(
        *db_, *custom_fields_, std::move(custom_tables));
    custom_fields::RegisterCustomFieldRoutes(router_, *custom_field_service_);
    openapi_ = OpenApiJson();
    audit::RegisterAuditRoutes(router_, *audit_);
    jobs::RegisterJobRoutes(router_, *job_store_, *scheduler_);
    settings::RegisterSettingsRoutes(router_, *company_settings_);
    notifications::RegisterNotificationRoutes(router_, *notifications_, *notification_hub_,
                                              accounts::MakeAuthenticator(*accounts_));
    mail::RegisterMailRoutes(router_, *db_, *outbox_);
    todo_ = std::make_unique<todo::TodoService>(*db_);
    todo::RegisterTodoRoutes(router_, *todo_);
    reminders::RegisterReminderRoutes(router_, *reminders_);
    quotes_ = std::make_unique<quotes::QuoteService>(*db_, *writes_, *records_, RecordTypes());
    quotes::RegisterQuoteRoutes(router_, *quotes_, *records_, RecordTypes());
    // An accepted quote becomes a draft contract in the same transaction.
    quotes_->OnAccepted([this](db::Connection& conn, const Principal& caller, std::int64_t id) {
        return contracts::ContractFromQuote(conn, caller, *records_,
                                            *RecordTypes().Find("contracts"), id);
    });
    customers::RegisterPoolRulesRoutes(router_, *pool_rules_);
    pipeline::RegisterPipelineRoutes(router_, *db_, *records_, RecordTypes());
    messages::RegisterTemplateRoutes(router_, *db_, *records_, *RecordTypes().Find("templates"));
    if (!options.web_root.empty()) router_.SetFallback(http::MakeStaticFiles(options.web_root));

    router_.metrics().AddGauge(
        "guanxi_db_pool_connections", "Database pool connections by state.", [this] {
            const db::PoolStats s = db_->Stats();
            return std::vector<std::pair<std::string, double>>{
                {"state=\"in_use\"", s.in_use}, {"state=\"idle\"", s.size - s.in_use}};
        });
    router_.metrics().AddGauge("guanxi_db_pool_waits",
                               "Acquisitions that waited for a free connection.", [this] {
                                   return std::vector<std::pair<std::string, double>>{
                                       {"", static_cast<double>(db_->Stats().waits)}};
                               });
    router_.metrics().AddGauge("guanxi_customer_page_cache",
                               "Customer list pages answered from memory, by result.", [this] {
                                   const customers::PageCache::Stats s =
                                       customers_->PageCacheStats();
                                   return std::vector<std::pair<std::string, double>>{
                                       {"result=\"hit\"", static_cast<double>(s.hits)},
                                       {"result=\"miss\"", static_cast<double>(s.misses)}};
                               });
    router_.metrics().AddGauge(
        "guanxi_group_commit", "Writes through the group commit since start, and its batches.",
        [this] {
            const db::GroupCommit::Stats s = writes_->stats();
            return std::vector<std::pair<std::string, double>>{
                {"count=\"writes\"", static_cast<double>(s.writes)},
                {"count=\"batches\"", static_cast<double>(s.batches)},
                {"count=\"retried_batches\"", static_cast<double>(s.retried_batches)}};
        });
    if (db_->backend() == db::Backend::kSqlite) {
        router_.metrics().AddGauge(
            "guanxi_sqlite_memory_bytes",
            "Memory SQLite holds in this process (page caches, statements, sorts), now and at "
            "its peak.",
            [] {
                const db::SqliteMemory m = db::SqliteMemoryNow();
                return std::vector<std::pair<std::string, double>>{
                    {"kind=\"used\"", static_cast<double>(m.used)},
                    {"kind=\"peak\"", static_cast<double>(m.peak)}};
            });
    }
    router_.metrics().AddGauge("guanxi_jobs", "Jobs in the job table by status.", [this] {
        std::vector<std::pair<std::string, double>> out;
        if (auto counts = job_store_->CountByStatus()) {
            for (const auto& [status, n] : *counts)
                out.emplace_back("status=\"" + status + "\"", static_cast<double>(n));
        }
        return out;
    });
    router_.metrics().AddGauge(
        "guanxi_jobs_run", "Jobs run by this process since start, by outcome.", [this] {
            return std::vector<std::pair<std::string, double>>{
                {"outcome=\"done\"", static_cast<double>(job_runner_->completed())},
                {"outcome=\"failed\"", static_cast<double>(job_runner_->failed())}};
        });
}

void App::RegisterJobs() {
    // "noop" proves the runner end to end (CLI, tests, operators checking a deployment); its
    // payload's "sleep_ms" (up to a minute) makes it a long job, to watch a lease run out when
    // its process dies.
    job_runner_->Register("noop", [this](const jobs::Job& job) -> Result<nlohmann::json> {
        const auto sleep = job.payload.find("sleep_ms");
        if (sleep != job.payload.end() && sleep->is_number_integer()) {
            const std::int64_t ms = std::clamp<std::int64_t>(sleep->get<std::int64_t>(), 0, 60000);
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        }
        return nlohmann::json{{"worker", job_runner_->worker_id()},
                              {"at", FormatRfc3339(NowSeconds())},
                              {"payload", job.payload}};
    });
    job_runner_->Register(std::string(customers::CustomerImportService::kJobName),
                          [this](const jobs::Job& job) { return customer_imports_->Run(job); });
    job_runner_->Register(std::string(mail::kSendJob),
                          [this](const jobs::Job& job) { return outbox_->RunSendJob(job); });
    job_runner_->Register(std::string(reminders::kScanJob),
                          [this](const jobs::Job&) { return reminders_->RunScanJob(); });
    scheduler_->Every(std::string(reminders::kScanJob),
                      std::chrono::seconds(reminders::kScanEverySeconds));
    // Public-pool rules: nightly, in the company's time zone (pool_recycle.hpp).
    job_runner_->Register(std::string(customers::kPoolRecycleJob), [this](const jobs::Job&) {
        return customers::RunPoolRecycle(*db_, NowSeconds());
    });
    scheduler_->DailyAt(std::string(customers::kPoolRecycleJob), customers::kPoolRecycleTime);
    // Finished runs of the schedules above (the reminder scan's every 5 s among them) older than
    // a week: deleted nightly.
    job_runner_->Register(
        std::string(jobs::kPurgeJob), [this](const jobs::Job&) -> Result<nlohmann::json> {
            GX_TRY_ASSIGN(
                std::int64_t deleted,
                jobs::PurgeFinishedRuns(*db_, NowSeconds() - jobs::kKeepFinishedRunsDays * 86400));
            return nlohmann::json{{"deleted", deleted}};
        });
    scheduler_->DailyAt(std::string(jobs::kPurgeJob), "03:30");
    // 催款: instalments that fell overdue mark their customers (contract_ledger.hpp); hourly, so
    // a new day's overdue ones are marked within the hour after midnight, company time.
    job_runner_->Register(std::string(contracts::kOverdueJob), [this](const jobs::Job&) {
        return contracts::RunOverdueJob(*db_, NowSeconds());
    });
    scheduler_->Every(std::string(contracts::kOverdueJob), std::chrono::hours(1));
}

}  // namespace guanxi
