// The job runner: claims, results, retries with backoff into a visible dead state, lease takeover,
// unique keys, worker threads, two processes sharing one database (each job runs once), and a
// worker process killed mid-job (another finishes the job once its lease has run out).

#include "api_test_support.hpp"
#include "test_paths.hpp"

#include "core/time.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class JobsTest : public ApiTest {
  protected:
    jobs::JobStore& store() { return app().job_store(); }
    jobs::JobRunner& runner() { return app().job_runner(); }
    json JobJson(std::int64_t id) {
        auto job = store().Get(id);
        EXPECT_TRUE(job.ok());
        return job.ok() ? *job : json();
    }
    void MakeDue(std::int64_t id) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)
                        ->Execute("UPDATE jobs SET due_at = ? WHERE id = ?", {NowSeconds() - 1, id})
                        .ok());
    }
};

TEST_P(JobsTest, ARunJobIsDoneWithItsResult) {
    auto id = store().Enqueue("noop", {{"n", 7}});
    ASSERT_TRUE(id.ok() && id->has_value());
    auto ran = runner().RunOnce("worker-a");
    ASSERT_TRUE(ran.ok());
    EXPECT_TRUE(*ran);
    json job = JobJson(**id);
    EXPECT_EQ(job["status"], "done");
    EXPECT_EQ(job["attempts"], 1);
    EXPECT_EQ(job["result"]["payload"]["n"], 7);
    EXPECT_FALSE(*runner().RunOnce("worker-a"));  // nothing else is due
}

TEST_P(JobsTest, FailuresRetryWithBackoffThenDieVisiblyAndCanBeRetriedByHand) {
    std::atomic<int> calls{0};
    runner().Register("always-fails", [&](const jobs::Job&) -> Result<json> {
        ++calls;
        return Error::Internal("the gateway said no");
    });
    auto id = store().Enqueue("always-fails", json::object(), {.max_attempts = 3});
    ASSERT_TRUE(id.ok());
    const std::int64_t job_id = **id;
    ASSERT_TRUE(*runner().RunOnce("w"));
    json job = JobJson(job_id);
    EXPECT_EQ(job["status"], "queued");
    EXPECT_EQ(job["attempts"], 1);
    EXPECT_NE(job["last_error"].get<std::string>().find("the gateway said no"), std::string::npos);
    // The retry waits: it is not due yet.
    EXPECT_GE(*ParseRfc3339(job["due_at"].get<std::string>()), NowSeconds() + 5);
    EXPECT_FALSE(*runner().RunOnce("w"));
    for (int attempt = 2; attempt <= 3; ++attempt) {
        MakeDue(job_id);
        ASSERT_TRUE(*runner().RunOnce("w"));
    }
    job = JobJson(job_id);
    EXPECT_EQ(job["status"], "dead");
    EXPECT_EQ(job["attempts"], 3);
    EXPECT_EQ(calls.load(), 3);
    // Visible to an administrator, and retryable.
    Reply dead = Call("GET", "/api/v1/jobs?status=dead", nullptr, admin());
    ASSERT_EQ(dead.status, 200);
    ASSERT_EQ(dead.body["total"], 1);
    Reply retried =
        Call("POST", "/api/v1/jobs/" + std::to_string(job_id) + "/retry", nullptr, admin());
    ASSERT_EQ(retried.status, 200) << retried.body.dump();
    EXPECT_EQ(retried.body["status"], "queued");
    EXPECT_EQ(
        Call("POST", "/api/v1/jobs/" + std::to_string(job_id) + "/retry", nullptr, admin()).status,
        409);
    EXPECT_EQ(jobs::JobStore::BackoffSeconds(1), 10);
    EXPECT_EQ(jobs::JobStore::BackoffSeconds(3), 40);
    EXPECT_EQ(jobs::JobStore::BackoffSeconds(30), 3600);
}

TEST_P(JobsTest, AnExpiredLeaseIsTakenOverAndTheOldWorkerCannotFinishIt) {
    auto id = store().Enqueue("noop", json::object());
    ASSERT_TRUE(id.ok());
    auto claimed = store().ClaimNext("crashed-worker", 60);
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
    // While the lease holds, nobody else gets the job.
    EXPECT_FALSE(store().ClaimNext("other", 60)->has_value());
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(
            (*conn)
                ->Execute("UPDATE jobs SET lease_until = ? WHERE id = ?", {NowSeconds() - 1, **id})
                .ok());
    }
    auto taken = store().ClaimNext("rescuer", 60);
    ASSERT_TRUE(taken.ok() && taken->has_value());
    EXPECT_EQ((*taken)->id, **id);
    EXPECT_EQ((*taken)->attempts, 2);
    EXPECT_FALSE(*store().Complete(**claimed, "crashed-worker", json::object()));
    EXPECT_TRUE(*store().Complete(**taken, "rescuer", json::object()));
    EXPECT_EQ(JobJson(**id)["lease_owner"], "rescuer");
}

TEST_P(JobsTest, AJobWhoseProcessIsKilledMidRunIsFinishedByAnotherAfterItsLease) {
    auto id = store().Enqueue("noop", {{"sleep_ms", 1500}});
    ASSERT_TRUE(id.ok());
    const std::string url = app().db().url();
    const pid_t worker = fork();
    ASSERT_GE(worker, 0);
    if (worker == 0) {
        execl(GUANXI_BINARY, GUANXI_BINARY, "job", "work", "--database", url.c_str(), "--log-level",
              "error", static_cast<char*>(nullptr));
        _exit(127);
    }
    // The worker process has the job (running, its lease) — then it is killed mid-run.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (JobJson(**id)["status"] != "running" && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_EQ(JobJson(**id)["status"], "running");
    const std::string dead_worker = JobJson(**id)["lease_owner"];
    ASSERT_EQ(kill(worker, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(worker, &status, 0), worker);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the worker finished before it was killed";
    // Nobody takes it while the dead worker's lease holds ...
    ASSERT_TRUE(runner().Drain("rescuer").ok());
    EXPECT_EQ(JobJson(**id)["status"], "running");
    // ... and once it has run out (the clock moved on), another runner finishes it, once.
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE(
            (*conn)
                ->Execute("UPDATE jobs SET lease_until = ? WHERE id = ?", {NowSeconds() - 1, **id})
                .ok());
    }
    auto ran = runner().Drain("rescuer");
    ASSERT_TRUE(ran.ok());
    EXPECT_EQ(*ran, 1);
    const json job = JobJson(**id);
    EXPECT_EQ(job["status"], "done");
    EXPECT_EQ(job["attempts"], 2);
    EXPECT_NE(job["lease_owner"], dead_worker);
    EXPECT_EQ(job["result"]["payload"]["sleep_ms"], 1500);
}

TEST_P(JobsTest, AUniqueKeyQueuesOnlyOnce) {
    auto first = store().Enqueue("noop", json::object(), {.unique_key = "reminder:42:2026-11-28"});
    auto second = store().Enqueue("noop", json::object(), {.unique_key = "reminder:42:2026-11-28"});
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_TRUE(first->has_value());
    EXPECT_FALSE(second->has_value());
    EXPECT_EQ(*runner().Drain("w"), 1);
}

TEST_P(JobsTest, WorkerThreadsRunEveryJobOnce) {
    std::mutex mutex;
    std::map<std::int64_t, int> runs;
    runner().Register("count", [&](const jobs::Job& job) -> Result<json> {
        std::lock_guard lock(mutex);
        ++runs[job.id];
        return json::object();
    });
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(store().Enqueue("count", json::object()).ok());
    jobs::RunnerOptions options;
    options.workers = 3;
    options.poll_interval = std::chrono::milliseconds(20);
    jobs::JobRunner threaded(store(), options);
    threaded.Register("count", [&](const jobs::Job& job) -> Result<json> {
        std::lock_guard lock(mutex);
        ++runs[job.id];
        return json::object();
    });
    threaded.Start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (threaded.completed() < 60 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    threaded.Stop();
    ASSERT_EQ(runs.size(), 60u);
    for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << "job " << id;
}

TEST_P(JobsTest, TwoProcessesOnOneDatabaseRunEachOfAThousandJobsOnce) {
    constexpr int kJobs = 1000;
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        auto tx = db::Transaction::Begin(**conn, db::TxMode::kWrite);
        ASSERT_TRUE(tx.ok());
        for (int i = 0; i < kJobs; ++i) {
            ASSERT_TRUE(store().Enqueue(**conn, "noop", {{"i", i}}, {}).ok());
        }
        ASSERT_TRUE(tx->Commit().ok());
    }
    const std::string url = app().db().url();
    std::vector<pid_t> children;
    for (int p = 0; p < 2; ++p) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            execl(GUANXI_BINARY, GUANXI_BINARY, "job", "work", "--database", url.c_str(),
                  "--log-level", "error", static_cast<char*>(nullptr));
            _exit(127);
        }
        children.push_back(pid);
    }
    for (pid_t pid : children) {
        int status = 0;
        ASSERT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "worker exit status " << status;
    }
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto done = (*conn)->QueryOne(
        "SELECT COUNT(*), SUM(attempts), COUNT(DISTINCT lease_owner) FROM jobs WHERE status = "
        "'done'");
    ASSERT_TRUE(done.ok());
    EXPECT_EQ((*done)->Int(0), kJobs);
    EXPECT_EQ((*done)->Int(1), kJobs);  // one attempt each: no job was claimed twice
    EXPECT_GE((*done)->Int(2), 1);
    std::cout << "[ info ] jobs were shared between " << (*done)->Int(2) << " worker process(es)\n";
}

GUANXI_API_TEST_SUITE(JobsTest);

}  // namespace
}  // namespace guanxi::testing
