#include "jobs/job_runner.hpp"

#include "core/log.hpp"
#include "core/threads.hpp"
#include "http/router.hpp"

#include <unistd.h>

namespace guanxi::jobs {

JobRunner::JobRunner(JobStore& store, RunnerOptions options)
    : store_(store), options_(std::move(options)) {
    if (options_.worker_id.empty()) {
        char host[64] = {0};
        gethostname(host, sizeof host - 1);
        options_.worker_id = std::string(host) + ":" + std::to_string(getpid()) + ":" +
                             http::NewRequestId().substr(0, 6);
    }
}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Register(std::string name, JobHandler handler) {
    handlers_[std::move(name)] = std::move(handler);
}

bool JobRunner::Has(std::string_view name) const { return handlers_.find(name) != handlers_.end(); }

Result<bool> JobRunner::RunOnce(std::string_view worker) {
    GX_TRY_ASSIGN(std::optional<Job> job, store_.ClaimNext(worker, options_.lease_seconds));
    if (!job) return false;
    job->stop_requested = [this] { return stopping_.load(); };
    auto it = handlers_.find(job->name);
    Result<nlohmann::json> result = Error::Internal("no handler");
    if (it == handlers_.end()) {
        result = Error{ErrorCode::kInternal, "No handler for job " + job->name, {}, "unknown job"};
    } else {
        try {
            result = it->second(*job);
        } catch (const std::exception& e) {
            result = Error::Internal(e.what());
        }
    }
    if (!result && result.error().code == ErrorCode::kUnavailable && stopping_.load()) {
        // The handler stopped early for the shutdown: hand the job back, the attempt not counted.
        GX_TRY(store_.Release(*job, worker));
        log::Info("job_handed_back", {{"job_id", job->id}, {"name", job->name}});
        return true;
    }
    if (result) {
        GX_TRY_ASSIGN(bool kept, store_.Complete(*job, worker, *result));
        if (!kept) log::Warn("job_lease_lost", {{"job_id", job->id}, {"name", job->name}});
        ++completed_;
    } else {
        const Error& e = result.error();
        const std::string message =
            e.log_detail.empty() ? e.message : e.message + ": " + e.log_detail;
        GX_TRY(store_.Fail(*job, worker, message));
        ++failed_;
        log::Warn("job_failed", {{"job_id", job->id},
                                 {"name", job->name},
                                 {"attempt", job->attempts},
                                 {"error", message}});
    }
    return true;
}

Result<std::int64_t> JobRunner::Drain(std::string_view worker) {
    std::int64_t ran = 0;
    while (true) {
        GX_TRY_ASSIGN(bool did, RunOnce(worker));
        if (!did) return ran;
        ++ran;
    }
}

void JobRunner::WorkerLoop(int index) {
    const std::string worker = options_.worker_id + "/" + std::to_string(index);
    while (!stopping_.load()) {
        auto ran = RunOnce(worker);
        if (!ran) log::Error("job_runner_error", {{"error", ran.error().log_detail}});
        if (ran && *ran) continue;  // there may be more due
        std::unique_lock lock(wake_mutex_);
        wake_.wait_for(lock, options_.poll_interval, [&] { return stopping_.load(); });
    }
}

void JobRunner::Start() {
    stopping_ = false;
    for (int i = 0; i < options_.workers; ++i)
        threads_.emplace_back([this, i] {
            core::NameThisThread("gx-job-" + std::to_string(i));
            WorkerLoop(i);
        });
}

void JobRunner::RequestStop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

void JobRunner::Stop() {
    RequestStop();
    for (auto& t : threads_) t.join();
    threads_.clear();
}

}  // namespace guanxi::jobs
