#pragma once
// The job table (DESIGN.md "Background jobs"): due time, lease, attempts, result. A worker claims a
// due job by taking its lease; a lease that expires (the worker crashed) makes the job claimable
// again. Failures retry with exponential backoff until max_attempts, then the job is dead (kept,
// visible, retryable by hand). Claims are atomic: on PostgreSQL with FOR UPDATE SKIP LOCKED, on
// SQLite under its single writer lock.

#include "db/database.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::jobs {

struct Job {
    std::int64_t id = 0;
    std::string name;
    nlohmann::json payload;
    std::int64_t attempts = 0;
    std::int64_t max_attempts = 0;
    std::string worker;              // who holds the lease (set by ClaimNext)
    std::int64_t lease_seconds = 0;  // how long a lease lasts
    // Set by the runner: true once the process is stopping. A long handler checks it between
    // steps and returns ErrorCode::kUnavailable; the runner then hands the job back (Release).
    std::function<bool()> stop_requested;
};

struct EnqueueOptions {
    std::int64_t due_at = 0;                // 0 = now
    std::optional<std::string> unique_key;  // a second enqueue with the same key is a no-op
    std::int64_t max_attempts = 5;
};

class JobStore {
  public:
    explicit JobStore(db::Database& db) : db_(db) {}

    // Returns the job id, or nullopt when a job with the same unique_key exists.
    Result<std::optional<std::int64_t>> Enqueue(std::string_view name,
                                                const nlohmann::json& payload,
                                                const EnqueueOptions& options = {});
    static Result<std::optional<std::int64_t>> Enqueue(db::Connection& conn, std::string_view name,
                                                       const nlohmann::json& payload,
                                                       const EnqueueOptions& options);
    // Claims the most overdue job (queued and due, or running with an expired lease).
    Result<std::optional<Job>> ClaimNext(std::string_view worker, std::int64_t lease_seconds);
    // Extends the lease of a long job by its lease_seconds from now, inside the caller's
    // transaction. False when the lease was lost to another worker meanwhile: a handler that
    // commits its work in steps renews in each step's transaction and stops on false, so a worker
    // whose lease expired can never commit alongside the one that took over.
    static Result<bool> Renew(db::Connection& conn, const Job& job);
    // Records success. False when the lease was lost to another worker meanwhile.
    Result<bool> Complete(const Job& job, std::string_view worker, const nlohmann::json& result);
    // Records a failure: back to the queue after a backoff, or dead after the last attempt.
    Result<bool> Fail(const Job& job, std::string_view worker, std::string_view error);
    // Hands a claimed job back untouched (shutdown): it becomes due at once, the attempt not
    // counted.
    Status Release(const Job& job, std::string_view worker);
    // A dead job goes back to the queue with a fresh set of attempts.
    Result<bool> Retry(std::int64_t id);

    Result<nlohmann::json> Get(std::int64_t id);
    // Newest first; `status` queued | running | done | dead | failed (see Counts).
    Result<nlohmann::json> List(std::optional<std::string> status, std::int64_t limit,
                                std::int64_t offset);
    // {"queued", "running", "failed", "dead", "done"}: how many jobs each status filter of List
    // finds (failed: queued again after a failure; they count among queued too).
    Result<nlohmann::json> Counts();
    // Number of jobs by status, for /metrics.
    Result<std::vector<std::pair<std::string, std::int64_t>>> CountByStatus();

    static std::int64_t BackoffSeconds(std::int64_t attempts);

  private:
    db::Database& db_;
};

}  // namespace guanxi::jobs
