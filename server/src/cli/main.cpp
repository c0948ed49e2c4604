// guanxi: the one binary. Subcommands: serve, migrate, user create, demo-data, job
// run|work|enqueue, openapi, codes.

#include "cli/app.hpp"
#include "cli/demo_data.hpp"
#include "core/log.hpp"
#include "db/migrator.hpp"
#include "domains/accounts/password.hpp"
#include "domains/accounts/rights.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/record_types.hpp"
#include "http/server.hpp"

#include <sodium.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

namespace {

using guanxi::App;
using guanxi::AppOptions;

struct CommonFlags {
    std::string data = "./data";
    std::string database;
    std::string log_level = "info";
    std::string upload_dir;  // default <data>/uploads
};

void AddCommon(CLI::App* cmd, CommonFlags& flags) {
    cmd->add_option("--data", flags.data, "Data folder (SQLite database, uploads)");
    cmd->add_option("--database", flags.database,
                    "Database URL: sqlite:<path> or postgresql://user@host/db");
    cmd->add_option("--log-level", flags.log_level, "debug, info, warn, error or off");
    cmd->add_option(
        "--upload-dir", flags.upload_dir,
        "Folder where uploaded import files wait for their job (default <data>/uploads; "
        "shared by every node when several serve one PostgreSQL)");
}

std::string UploadDir(const CommonFlags& flags) {
    const std::filesystem::path dir = flags.upload_dir.empty()
                                          ? std::filesystem::path(flags.data) / "uploads"
                                          : std::filesystem::path(flags.upload_dir);
    return std::filesystem::absolute(dir).lexically_normal().string();
}

std::string DatabaseUrl(const CommonFlags& flags) {
    if (!flags.database.empty()) return flags.database;
    std::filesystem::create_directories(flags.data);
    return "sqlite:" + (std::filesystem::path(flags.data) / "guanxi.db").string();
}

int Fail(const guanxi::Error& error) {
    std::cerr << "error: " << error.message;
    if (!error.log_detail.empty()) std::cerr << " (" << error.log_detail << ")";
    if (!error.details.empty()) std::cerr << " " << error.details.dump();
    std::cerr << "\n";
    return 1;
}

guanxi::Result<std::unique_ptr<App>> OpenApp(const CommonFlags& flags, AppOptions options = {}) {
    options.database_url = DatabaseUrl(flags);
    options.imports.upload_dir = UploadDir(flags);
    if (const char* pw = std::getenv("GUANXI_ADMIN_PASSWORD")) options.admin_password = pw;
    return App::Create(options);
}

void PrintGeneratedPassword(const App& app) {
    if (app.generated_admin_password()) {
        std::cout << "Created user 'admin' with password: " << *app.generated_admin_password()
                  << "\n(shown only once; set GUANXI_ADMIN_PASSWORD to choose it)\n"
                  << std::flush;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        std::cerr << "libsodium failed to initialise\n";
        return 1;
    }
    CLI::App cli{"Guanxi CRM"};
    cli.require_subcommand(1);

    // serve
    CommonFlags serve_flags;
    std::string listen = "127.0.0.1:8080";
    std::string web_root;
    int threads = 0;
    int job_workers = 1;
    bool secure_cookies = false;
    std::uint64_t max_upload_mb = 512;
    std::uint64_t page_cache_mb = 16;
    std::string documents_dir;  // default <data>/documents
    std::uint64_t max_document_mb = 25;
    auto* serve = cli.add_subcommand("serve", "Run the HTTP server, the web UI and the job runner");
    AddCommon(serve, serve_flags);
    serve->add_option("--listen", listen, "host:port to listen on");
    serve->add_option("--web-root", web_root,
                      "Folder of the built web UI (default: web/dist if present)");
    serve->add_option("--threads", threads, "HTTP worker threads (default: 2 per core)");
    serve->add_option("--job-workers", job_workers, "Background job workers (0 disables)");
    serve->add_option("--max-upload-mb", max_upload_mb, "Largest import file accepted, in MiB")
        ->check(CLI::Range(1, 65536));
    serve->add_option("--documents-dir", documents_dir,
                      "Folder of customers' documents (default <data>/documents; shared by every "
                      "node when several serve one PostgreSQL)");
    serve->add_option("--max-document-mb", max_document_mb, "Largest document accepted, in MiB")
        ->check(CLI::Range(1, 1024));
    serve
        ->add_option("--page-cache-mb", page_cache_mb,
                     "Memory for customer list pages answered without reading them again, in "
                     "MiB (SQLite; 0 turns it off)")
        ->check(CLI::Range(0, 4096));
    serve->add_flag("--secure-cookies", secure_cookies,
                    "Mark the session cookie Secure (behind HTTPS)");
    std::vector<std::string> trusted_proxies;
    serve
        ->add_option("--trusted-proxy", trusted_proxies,
                     "Address or network (10.0.0.0/8) of a proxy whose X-Forwarded-For names the "
                     "client; repeatable")
        ->envname("GUANXI_TRUSTED_PROXIES")
        ->delimiter(',');
    int read_timeout_s = 30, idle_timeout_s = 60;
    std::uint64_t body_budget_mb = 256;
    serve
        ->add_option("--read-timeout", read_timeout_s,
                     "Seconds for a request's headers once its first byte came")
        ->check(CLI::Range(1, 3600));
    serve
        ->add_option("--idle-timeout", idle_timeout_s,
                     "Seconds a kept-alive connection may wait for its next request")
        ->check(CLI::Range(1, 3600));
    serve
        ->add_option("--body-budget-mb", body_budget_mb,
                     "Request bodies held in memory at once, over all connections, in MiB")
        ->check(CLI::Range(1, 65536));
    std::size_t max_connections = 10000, max_connections_per_address = 256;
    serve->add_option("--max-connections", max_connections, "Connections open at once, in all")
        ->check(CLI::Range(16, 1000000));
    serve
        ->add_option("--max-connections-per-address", max_connections_per_address,
                     "Connections open at once from one client address (not a trusted proxy)")
        ->check(CLI::Range(1, 1000000));

    // migrate
    CommonFlags migrate_flags;
    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations");
    AddCommon(migrate, migrate_flags);

    // user create
    CommonFlags user_flags;
    std::string username, display_name, password, role = "sales", department;
    auto* user = cli.add_subcommand("user", "Manage users");
    user->require_subcommand(1);
    auto* user_create = user->add_subcommand("create", "Create a user");
    AddCommon(user_create, user_flags);
    user_create->add_option("--username", username, "Login name")->required();
    user_create->add_option("--display-name", display_name, "Name shown to others");
    user_create->add_option("--password", password, "Password (at least 8 characters)")->required();
    user_create->add_option("--role", role, "Role name (admin, manager, sales, ...)");
    user_create->add_option("--department-id", department, "Department id");

    // demo-data
    CommonFlags demo_flags;
    guanxi::demo::DemoOptions demo_options;
    std::int64_t activities = -1;
    auto* demo = cli.add_subcommand("demo-data", "Fill the database with realistic demo data");
    AddCommon(demo, demo_flags);
    demo->add_option("--customers", demo_options.customers, "Number of customers")
        ->check(CLI::Range(0, 10000000));
    demo->add_option("--activities", activities, "Total follow-ups (default: 3 per customer)");
    demo->add_option("--seed", demo_options.seed, "Random seed");
    demo->add_option("--departments", demo_options.departments,
                     "Departments in all (default: the demo's 6)");
    demo->add_option("--salespeople", demo_options.salespeople,
                     "Users owning customers (default: the demo's 13)");

    // job
    CommonFlags job_flags;
    std::string job_name, job_payload = "{}";
    int enqueue_count = 1;
    auto* job = cli.add_subcommand("job", "Background jobs");
    job->require_subcommand(1);
    auto* job_run = job->add_subcommand("run", "Queue a job and run due jobs now");
    AddCommon(job_run, job_flags);
    job_run->add_option("name", job_name, "Job name")->required();
    job_run->add_option("--payload", job_payload, "JSON payload");
    auto* job_work = job->add_subcommand("work", "Run due jobs until none is left, then exit");
    AddCommon(job_work, job_flags);
    auto* job_enqueue = job->add_subcommand("enqueue", "Queue jobs without running them");
    AddCommon(job_enqueue, job_flags);
    job_enqueue->add_option("name", job_name, "Job name")->required();
    job_enqueue->add_option("--payload", job_payload, "JSON payload");
    job_enqueue->add_option("--count", enqueue_count, "How many")->check(CLI::Range(1, 1000000));

    // openapi, codes: what the server is, printed without a database, for the checks that keep
    // the web and the API description in step with it (web/scripts/test.sh).
    auto* openapi = cli.add_subcommand(
        "openapi", "Print the OpenAPI document /api/openapi.json serves (with every record type)");
    auto* codes = cli.add_subcommand(
        "codes",
        "Print the API's error codes (with their HTTP status), field messages, audit actions and "
        "permissions as JSON");

    CLI11_PARSE(cli, argc, argv);

    for (auto* flags : {&serve_flags, &migrate_flags, &user_flags, &demo_flags, &job_flags}) {
        if (!guanxi::log::SetLevel(flags->log_level)) {
            std::cerr << "unknown --log-level " << flags->log_level << "\n";
            return 2;
        }
    }

    if (openapi->parsed()) {
        std::cout << App::OpenApiJson() << "\n";
        return 0;
    }
    if (codes->parsed()) {
        nlohmann::json out = {{"error_codes", nlohmann::json::array()},
                              {"permissions", guanxi::accounts::AllPermissions()}};
        for (guanxi::ErrorCode code : guanxi::AllErrorCodes()) {
            out["error_codes"].push_back(
                {{"code", guanxi::ErrorCodeName(code)}, {"status", guanxi::HttpStatus(code)}});
        }
        std::vector<std::string> record_types;
        for (const auto& type : guanxi::RecordTypes().types())
            record_types.push_back(type->type.singular);
        out["audit_actions"] = guanxi::audit::AllActions(record_types);
        out["field_messages"] = nlohmann::json::array();
        for (const guanxi::FieldMessageInfo& m : guanxi::AllFieldMessages()) {
            out["field_messages"].push_back({{"key", m.key}, {"en", m.en}, {"zh_cn", m.zh_cn}});
        }
        std::cout << out.dump(1) << "\n";
        return 0;
    }
    if (serve->parsed()) {
        guanxi::log::SetLevel(serve_flags.log_level);
        const auto started = std::chrono::steady_clock::now();
        AppOptions options;
        options.cookies.secure = secure_cookies;
        options.jobs.workers = job_workers;
        options.page_cache_bytes = page_cache_mb << 20;
        options.presize_wal = true;
        if (web_root.empty() && std::filesystem::exists("web/dist/index.html"))
            web_root = "web/dist";
        options.web_root = web_root;
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        guanxi::http::ServerOptions server_options;
        server_options.threads = threads > 0 ? threads : static_cast<int>(cores * 2);
        options.pool_size = server_options.threads + job_workers + 1;
        server_options.upload_dir = UploadDir(serve_flags);
        server_options.upload_limit = max_upload_mb << 20;
        options.imports.max_bytes = server_options.upload_limit;
        options.documents.dir =
            std::filesystem::absolute(documents_dir.empty()
                                          ? std::filesystem::path(serve_flags.data) / "documents"
                                          : std::filesystem::path(documents_dir))
                .lexically_normal()
                .string();
        options.documents.max_bytes = max_document_mb << 20;
        server_options.trusted_proxies = trusted_proxies;
        server_options.max_connections = max_connections;
        server_options.read_timeout = std::chrono::seconds(read_timeout_s);
        server_options.idle_timeout = std::chrono::seconds(idle_timeout_s);
        server_options.body_budget = body_budget_mb << 20;
        server_options.max_connections_per_address = max_connections_per_address;
        if (const char* token = std::getenv("GUANXI_METRICS_TOKEN")) options.metrics_token = token;
        if (!guanxi::http::ParseListen(listen, server_options.address, server_options.port)) {
            std::cerr << "--listen must be host:port\n";
            return 2;
        }
        auto app = OpenApp(serve_flags, options);
        if (!app) return Fail(app.error());
        PrintGeneratedPassword(**app);
        guanxi::http::Server server((*app)->router(), server_options);
        if (job_workers > 0) {
            (*app)->job_runner().Start();
            (*app)->scheduler().Start();
        }
        (*app)->notification_hub().Start();
        auto status = server.Run([&](unsigned short port) {
            const double ms = std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - started)
                                  .count();
            guanxi::log::Info("ready",
                              {{"port", port}, {"startup_ms", ms}, {"web_root", web_root}});
            std::cout << "Guanxi is listening on http://" << server_options.address << ":" << port
                      << "/\n"
                      << std::flush;
        });
        (*app)->scheduler().Stop();
        (*app)->notification_hub().Stop();
        (*app)->job_runner().Stop();
        if (!status) return Fail(status.error());
        return 0;
    }
    if (migrate->parsed()) {
        auto app = OpenApp(migrate_flags);
        if (!app) return Fail(app.error());
        PrintGeneratedPassword(**app);
        std::cout << "Database is up to date.\n";
        return 0;
    }
    if (user_create->parsed()) {
        auto app = OpenApp(user_flags);
        if (!app) return Fail(app.error());
        PrintGeneratedPassword(**app);
        std::int64_t role_id = 0;
        {
            auto lease = (*app)->db().Acquire();
            if (!lease) return Fail(lease.error());
            auto role_row = (*lease)->QueryOne(
                "SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL", {role});
            if (!role_row) return Fail(role_row.error());
            if (!*role_row) {
                std::cerr << "error: no role named " << role << "\n";
                return 1;
            }
            role_id = (*role_row)->Int(0);
        }
        nlohmann::json body = {{"username", username},
                               {"display_name", display_name.empty() ? username : display_name},
                               {"password", password},
                               {"role_id", role_id}};
        if (!department.empty()) body["department_id"] = std::stoll(department);
        auto id = (*app)->accounts().CreateUserUnchecked(body);
        if (!id) return Fail(id.error());
        std::cout << "Created user " << username << " (id " << *id << ").\n";
        return 0;
    }
    if (demo->parsed()) {
        auto app = OpenApp(demo_flags);
        if (!app) return Fail(app.error());
        PrintGeneratedPassword(**app);
        if (activities >= 0 && demo_options.customers > 0) {
            demo_options.followups_per_customer =
                activities / std::max<std::int64_t>(1, demo_options.customers);
        }
        const auto started = std::chrono::steady_clock::now();
        auto summary = guanxi::demo::Generate(**app, demo_options);
        if (!summary) return Fail(summary.error());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << "Demo data: " << summary->departments << " departments, " << summary->users
                  << " users, " << summary->customers << " customers, " << summary->contacts
                  << " contacts, " << summary->followups << " follow-ups, "
                  << summary->opportunities << " opportunities in " << seconds
                  << " s. Users' password: " << demo_options.password << "\n";
        return 0;
    }
    if (job_run->parsed() || job_work->parsed() || job_enqueue->parsed()) {
        auto app = OpenApp(job_flags);
        if (!app) return Fail(app.error());
        auto& runner = (*app)->job_runner();
        if (!job_work->parsed()) {
            if (!runner.Has(job_name)) {
                std::cerr << "error: no job named " << job_name << "\n";
                return 1;
            }
            auto payload = nlohmann::json::parse(job_payload, nullptr, false);
            if (payload.is_discarded()) {
                std::cerr << "error: --payload is not JSON\n";
                return 2;
            }
            for (int i = 0; i < enqueue_count; ++i) {
                auto queued = (*app)->job_store().Enqueue(job_name, payload);
                if (!queued) return Fail(queued.error());
            }
            if (job_enqueue->parsed()) {
                std::cout << "Queued " << enqueue_count << " job(s).\n";
                return 0;
            }
        }
        // Schedules' due times that passed while nothing ran are queued first.
        if (auto ticked = (*app)->scheduler().Tick(); !ticked) return Fail(ticked.error());
        auto ran = runner.Drain(runner.worker_id());
        if (!ran) return Fail(ran.error());
        std::cout << "Ran " << *ran << " job(s): " << runner.completed() << " done, "
                  << runner.failed() << " failed.\n";
        return runner.failed() > 0 ? 1 : 0;
    }
    return 0;
}
