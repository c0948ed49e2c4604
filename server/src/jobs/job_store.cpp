#include "jobs/job_store.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"

#include <algorithm>

namespace guanxi::jobs {

namespace {

constexpr std::string_view kEnqueue =
    "INSERT INTO jobs (name, payload, unique_key, due_at, max_attempts, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id";
constexpr std::string_view kClaimSqlite =
    "UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + "
    "1, "
    "updated_at = ? WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND due_at <= ?) "
    "OR (status = 'running' AND lease_until < ?) ORDER BY due_at, id LIMIT 1) "
    "RETURNING id, name, payload, attempts, max_attempts";
constexpr std::string_view kClaimPostgres =
    "UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + "
    "1, "
    "updated_at = ? WHERE id = (SELECT id FROM jobs WHERE (status = 'queued' AND due_at <= ?) "
    "OR (status = 'running' AND lease_until < ?) ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP "
    "LOCKED) "
    "RETURNING id, name, payload, attempts, max_attempts";
constexpr std::string_view kComplete =
    "UPDATE jobs SET status = 'done', result = ?, last_error = NULL, finished_at = ?, lease_until "
    "= NULL, "
    "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'";
constexpr std::string_view kFail =
    "UPDATE jobs SET status = ?, due_at = ?, last_error = ?, lease_until = NULL, finished_at = ?, "
    "updated_at = ? WHERE id = ? AND lease_owner = ? AND status = 'running'";
constexpr std::string_view kRenew =
    "UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND status = "
    "'running'";
constexpr std::string_view kRelease =
    "UPDATE jobs SET status = 'queued', attempts = attempts - 1, lease_until = NULL, updated_at = "
    "? "
    "WHERE id = ? AND lease_owner = ? AND status = 'running'";
constexpr std::string_view kRetry =
    "UPDATE jobs SET status = 'queued', attempts = 0, due_at = ?, finished_at = NULL, updated_at = "
    "? "
    "WHERE id = ? AND status = 'dead'";
constexpr std::string_view kColumns =
    "SELECT id, name, payload, status, unique_key, due_at, lease_until, lease_owner, attempts, "
    "max_attempts, last_error, result, created_at, updated_at, finished_at FROM jobs";
constexpr std::string_view kCountsForPage =
    "SELECT status, COUNT(*), SUM(CASE WHEN last_error IS NULL THEN 0 ELSE 1 END) FROM jobs "
    "GROUP BY status";
constexpr std::string_view kCountByStatus =
    "SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status";

nlohmann::json JobJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"name", r.Text(1)},
            {"payload", db::JsonDoc(r, 2, nlohmann::json::object())},
            {"status", r.Text(3)},
            {"unique_key", db::JsonText(r, 4)},
            {"due_at", FormatRfc3339(r.Int(5))},
            {"lease_until", db::JsonTime(r, 6)},
            {"lease_owner", db::JsonText(r, 7)},
            {"attempts", r.Int(8)},
            {"max_attempts", r.Int(9)},
            {"last_error", db::JsonText(r, 10)},
            {"result", db::JsonDoc(r, 11, nullptr)},
            {"created_at", FormatRfc3339(r.Int(12))},
            {"updated_at", FormatRfc3339(r.Int(13))},
            {"finished_at", db::JsonTime(r, 14)}};
}

}  // namespace

std::int64_t JobStore::BackoffSeconds(std::int64_t attempts) {
    // 10 s, 20 s, 40 s, ... capped at an hour.
    const std::int64_t shift = std::clamp<std::int64_t>(attempts - 1, 0, 20);
    return std::min<std::int64_t>(10 * (std::int64_t{1} << shift), 3600);
}

Result<std::optional<std::int64_t>> JobStore::Enqueue(db::Connection& conn, std::string_view name,
                                                      const nlohmann::json& payload,
                                                      const EnqueueOptions& options) {
    const auto now = NowSeconds();
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kEnqueue, {std::string(name), payload.dump(),
                                                     db::Nullable(options.unique_key),
                                                     options.due_at == 0 ? now : options.due_at,
                                                     options.max_attempts, now, now}));
    if (!row) return std::optional<std::int64_t>();
    return std::optional(row->Int(0));
}

Result<std::optional<std::int64_t>> JobStore::Enqueue(std::string_view name,
                                                      const nlohmann::json& payload,
                                                      const EnqueueOptions& options) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) {
        return Enqueue(conn, name, payload, options);
    });
}

Result<std::optional<Job>> JobStore::ClaimNext(std::string_view worker,
                                               std::int64_t lease_seconds) {
    return db::InTransaction(
        db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<std::optional<Job>> {
            const auto now = NowSeconds();
            const auto sql =
                conn.backend() == db::Backend::kPostgres ? kClaimPostgres : kClaimSqlite;
            GX_TRY_ASSIGN(auto row, conn.QueryOne(sql, {std::string(worker), now + lease_seconds,
                                                        now, now, now}));
            if (!row) return std::optional<Job>();
            return std::optional(Job{row->Int(0), row->Text(1),
                                     db::JsonDoc(*row, 2, nlohmann::json::object()), row->Int(3),
                                     row->Int(4), std::string(worker), lease_seconds});
        });
}

Result<bool> JobStore::Renew(db::Connection& conn, const Job& job) {
    const auto now = NowSeconds();
    GX_TRY_ASSIGN(std::int64_t n,
                  conn.Execute(kRenew, {now + job.lease_seconds, now, job.id, job.worker}));
    return n == 1;
}

Result<bool> JobStore::Complete(const Job& job, std::string_view worker,
                                const nlohmann::json& result) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
        const auto now = NowSeconds();
        GX_TRY_ASSIGN(std::int64_t n, conn.Execute(kComplete, {result.dump(), now, now, job.id,
                                                               std::string(worker)}));
        return n == 1;
    });
}

Result<bool> JobStore::Fail(const Job& job, std::string_view worker, std::string_view error) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
        const auto now = NowSeconds();
        const bool dead = job.attempts >= job.max_attempts;
        GX_TRY_ASSIGN(std::int64_t n,
                      conn.Execute(kFail, {std::string(dead ? "dead" : "queued"),
                                           now + (dead ? 0 : BackoffSeconds(job.attempts)),
                                           std::string(error.substr(0, 2000)),
                                           dead ? db::Value(now) : db::Value(nullptr), now, job.id,
                                           std::string(worker)}));
        return n == 1;
    });
}

Status JobStore::Release(const Job& job, std::string_view worker) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY(conn.Execute(kRelease, {NowSeconds(), job.id, std::string(worker)}));
        return {};
    });
}

Result<bool> JobStore::Retry(std::int64_t id) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
        const auto now = NowSeconds();
        GX_TRY_ASSIGN(std::int64_t n, conn.Execute(kRetry, {now, now, id}));
        return n == 1;
    });
}

Result<nlohmann::json> JobStore::Get(std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(std::string(kColumns) + " WHERE id = ?", {id}));
    if (!row) return Error::NotFound("Job");
    return JobJson(*row);
}

Result<nlohmann::json> JobStore::List(std::optional<std::string> status, std::int64_t limit,
                                      std::int64_t offset) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    // "failed": queued again after a failure, waiting for its retry.
    const bool failed = status == "failed";
    const std::string where = failed   ? " WHERE status = 'queued' AND last_error IS NOT NULL"
                              : status ? " WHERE status = ?"
                                       : "";
    db::Params params;
    if (status && !failed) params.emplace_back(*status);
    GX_TRY_ASSIGN(auto count, conn->QueryOne("SELECT COUNT(*) FROM jobs" + where, params));
    params.emplace_back(limit);
    params.emplace_back(offset);
    GX_TRY_ASSIGN(
        db::Rows rows,
        conn->Query(std::string(kColumns) + where + " ORDER BY id DESC LIMIT ? OFFSET ?", params));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) items.push_back(JobJson(r));
    return nlohmann::json{{"items", items}, {"total", count->Int(0)}};
}

Result<nlohmann::json> JobStore::Counts() {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(kCountsForPage));
    nlohmann::json counts = {
        {"queued", 0}, {"running", 0}, {"failed", 0}, {"dead", 0}, {"done", 0}};
    for (const auto& r : rows) {
        counts[r.Text(0)] = r.Int(1);
        if (r.Text(0) == "queued") counts["failed"] = r.Int(2);
    }
    return counts;
}

Result<std::vector<std::pair<std::string, std::int64_t>>> JobStore::CountByStatus() {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(kCountByStatus));
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& r : rows) out.emplace_back(r.Text(0), r.Int(1));
    return out;
}

}  // namespace guanxi::jobs
