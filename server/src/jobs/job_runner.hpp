#pragma once
// Workers inside `guanxi serve` that claim and run due jobs. Handlers are registered by name by the
// domains that own them. A handler's effects must be idempotent: if a worker dies after the effect
// and before marking the job done, another worker runs it again when the lease expires.

#include "jobs/job_store.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace guanxi::jobs {

using JobHandler = std::function<Result<nlohmann::json>(const Job& job)>;

struct RunnerOptions {
    int workers = 1;
    std::chrono::milliseconds poll_interval{500};
    std::int64_t lease_seconds = 120;
    std::string worker_id;  // defaults to host:pid:random
};

class JobRunner {
  public:
    JobRunner(JobStore& store, RunnerOptions options);
    ~JobRunner();

    void Register(std::string name, JobHandler handler);
    bool Has(std::string_view name) const;

    void Start();
    // Stops claiming, lets the jobs in hand finish (a long one may hand itself back, see
    // Job::stop_requested), joins the workers.
    void Stop();
    // Asks the workers and the jobs in hand to stop, without waiting.
    void RequestStop();

    // Claims and runs one due job; false when none was due.
    Result<bool> RunOnce(std::string_view worker);
    // Runs due jobs until none is left; returns how many ran.
    Result<std::int64_t> Drain(std::string_view worker);

    const std::string& worker_id() const { return options_.worker_id; }
    std::int64_t completed() const { return completed_.load(); }
    std::int64_t failed() const { return failed_.load(); }

  private:
    void WorkerLoop(int index);

    JobStore& store_;
    RunnerOptions options_;
    std::map<std::string, JobHandler, std::less<>> handlers_;
    std::vector<std::thread> threads_;
    std::atomic<bool> stopping_{false};
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    std::atomic<std::int64_t> completed_{0};
    std::atomic<std::int64_t> failed_{0};
};

}  // namespace guanxi::jobs
