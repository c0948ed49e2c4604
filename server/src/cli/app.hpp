#pragma once
// The components of one Guanxi process, wired together: database, services, router, job runner.
// `guanxi serve` and the in-process API tests build the same App.

#include "core/threads.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "domains/accounts/account_routes.hpp"
#include "domains/accounts/account_service.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/contracts/contract_service.hpp"
#include "domains/custom_fields/custom_field_service.hpp"
#include "domains/customers/customer_import_service.hpp"
#include "domains/customers/customer_service.hpp"
#include "domains/customers/document_routes.hpp"
#include "domains/customers/pool_rules.hpp"
#include "domains/customers/timeline_service.hpp"
#include "domains/idempotency/idempotency_store.hpp"
#include "domains/notifications/notification_hub.hpp"
#include "domains/quotes/quote_service.hpp"
#include "domains/reminders/reminder_service.hpp"
#include "domains/settings/company_settings.hpp"
#include "domains/todo/todo_service.hpp"
#include "http/router.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/job_store.hpp"
#include "jobs/scheduler.hpp"
#include "kit/record_service.hpp"
#include "mail/outbox.hpp"

#include <memory>
#include <optional>
#include <string>

namespace guanxi {

struct AppOptions {
    std::string database_url;
    int pool_size = 8;
    std::optional<std::string> admin_password;  // first start only
    std::string web_root;                       // empty: no static files
    accounts::CookieOptions cookies;
    accounts::AccountOptions accounts;
    jobs::RunnerOptions jobs;
    notifications::HubOptions notifications;
    // Uploads wait here for their import job; empty: a folder under the system's temp folder.
    customers::ImportSettings imports;
    // Where documents' files are kept and how large one may be.
    customers::DocumentSettings documents;
    // The Bearer token /metrics requires; empty: /metrics answers local direct callers only.
    std::string metrics_token;
    // Customer list pages kept in memory (SQLite only; 0 keeps none).
    size_t page_cache_bytes = size_t{16} << 20;
    // Threads that run write routes while they wait for their group commit (SQLite only): as many
    // writes as this join one commit.
    int write_workers = 64;
    // SQLite: grow the WAL file to its checkpoint size at start (SqliteConnection::PresizeWal), so
    // a commit's fsync overwrites instead of growing the file. `serve` sets it; tests' databases
    // are many and short-lived.
    bool presize_wal = false;
    // The e-mail outbox's retry backoff and send lease (mail/outbox.hpp).
    mail::OutboxOptions mail;
};

class App {
  public:
    // Opens the database, applies migrations and, on an empty database, creates the admin.
    static Result<std::unique_ptr<App>> Create(const AppOptions& options);

    db::Database& db() { return *db_; }
    db::GroupCommit& writes() { return *writes_; }
    http::Router& router() { return router_; }
    accounts::AccountService& accounts() { return *accounts_; }
    customers::CustomerService& customers() { return *customers_; }
    customers::CustomerImportService& customer_imports() { return *customer_imports_; }
    jobs::JobStore& job_store() { return *job_store_; }
    customers::DocumentFiles& documents() { return *documents_; }
    jobs::JobRunner& job_runner() { return *job_runner_; }
    // Recurring schedules: domains register theirs in RegisterJobs; `serve` starts its thread.
    jobs::Scheduler& scheduler() { return *scheduler_; }
    settings::CompanySettingsService& company_settings() { return *company_settings_; }
    notifications::NotificationStore& notifications() { return *notifications_; }
    notifications::NotificationHub& notification_hub() { return *notification_hub_; }
    mail::Outbox& outbox() { return *outbox_; }
    todo::TodoService& todo() { return *todo_; }
    // Reminder rules: other domains add their reminder sources here (reminder_service.hpp).
    reminders::ReminderService& reminders() { return *reminders_; }
    customers::PoolRulesService& pool_rules() { return *pool_rules_; }
    contracts::ContractService& contracts() { return *contracts_; }
    quotes::QuoteService& quotes() { return *quotes_; }

    // The OpenAPI document served at /api/openapi.json: the hand-written routes and every record
    // type's generated ones.
    const std::string& openapi() const { return openapi_; }
    // The same document without a database (`guanxi openapi`, for the linter in CI).
    static std::string OpenApiJson();

    // The admin password generated at first start (to print once), if any.
    const std::optional<std::string>& generated_admin_password() const {
        return generated_admin_password_;
    }

  private:
    App() = default;
    void RegisterRoutes(const AppOptions& options);
    void RegisterJobs();

    std::unique_ptr<db::Database> db_;
    std::unique_ptr<db::GroupCommit> writes_;  // before the services that use it, after db_
    http::Router router_;
    std::unique_ptr<accounts::AccountService> accounts_;
    std::unique_ptr<customers::CustomerService> customers_;
    std::unique_ptr<customers::CustomerImportService> customer_imports_;
    std::unique_ptr<audit::AuditService> audit_;
    std::unique_ptr<idempotency::SqlIdempotencyStore> idempotency_;
    std::unique_ptr<kit::RecordService> records_;
    std::unique_ptr<customers::TimelineService> timeline_;
    std::unique_ptr<customers::DocumentFiles> documents_;
    std::unique_ptr<custom_fields::Catalog> custom_fields_;  // before the services that read it
    std::unique_ptr<custom_fields::CustomFieldService> custom_field_service_;
    std::string openapi_;
    std::unique_ptr<jobs::JobStore> job_store_;
    std::unique_ptr<jobs::JobRunner> job_runner_;
    std::unique_ptr<jobs::Scheduler> scheduler_;
    std::unique_ptr<settings::CompanySettingsService> company_settings_;
    std::unique_ptr<notifications::NotificationStore> notifications_;
    std::unique_ptr<notifications::NotificationHub> notification_hub_;
    std::unique_ptr<mail::Outbox> outbox_;
    std::unique_ptr<todo::TodoService> todo_;
    std::unique_ptr<reminders::ReminderService> reminders_;
    std::unique_ptr<customers::PoolRulesService> pool_rules_;
    std::unique_ptr<contracts::ContractService> contracts_;
    std::unique_ptr<quotes::QuoteService> quotes_;
    std::optional<std::string> generated_admin_password_;
    // Last: its threads run routes that use everything above; it finishes them first.
    std::unique_ptr<core::WorkerPool> write_workers_;
};

}  // namespace guanxi
