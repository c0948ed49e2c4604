// Recurring schedules (issue #15, item 1): every N minutes and daily at a wall-clock time in a
// zone, daylight-saving changes included; each due time enqueued once however many schedulers
// tick, a stretch of missed due times once; and the jobs page's API (status counts, failed jobs,
// schedules). Time is an injected clock: nothing waits for the real one.

#include "api_test_support.hpp"

#include "core/time.hpp"
#include "domains/settings/company_settings.hpp"
#include "jobs/scheduler.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

UnixSeconds At(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

class SchedulerTest : public ApiTest {
  protected:
    jobs::JobStore& store() { return app().job_store(); }

    std::unique_ptr<jobs::Scheduler> MakeScheduler() {
        auto scheduler =
            std::make_unique<jobs::Scheduler>(app().db(), store(), [this] { return now_.load(); });
        scheduler->SetDefaultZone(settings::CompanyTimeZone);
        return scheduler;
    }

    // The due times of the jobs enqueued for `name`, in order, each checked against its key.
    std::vector<UnixSeconds> DueTimes(const std::string& name) {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn.ok());
        auto rows = (*conn)->Query(
            "SELECT due_at, unique_key, payload FROM jobs WHERE name = ? ORDER BY due_at", {name});
        EXPECT_TRUE(rows.ok());
        std::vector<UnixSeconds> out;
        for (const auto& r : *rows) {
            EXPECT_EQ(r.Text(1), name + "@" + std::to_string(r.Int(0)));
            EXPECT_EQ(json::parse(r.Text(2))["due_at"], FormatRfc3339(r.Int(0)));
            out.push_back(r.Int(0));
        }
        return out;
    }

    // Ticks every `step` seconds from `from` to `to`.
    void Walk(jobs::Scheduler& scheduler, UnixSeconds from, UnixSeconds to, UnixSeconds step) {
        for (UnixSeconds t = from; t <= to; t += step) {
            now_ = t;
            ASSERT_TRUE(scheduler.Tick().ok());
        }
    }

    std::atomic<UnixSeconds> now_{0};
};

TEST_P(SchedulerTest, EveryNMinutesEnqueuesEachDueTimeOnceAndAMissedStretchOnce) {
    auto scheduler = MakeScheduler();
    scheduler->Every("test.every", std::chrono::minutes(5), {{"kind", "scan"}});
    const UnixSeconds t0 = At("2026-06-01T10:02:00Z");
    now_ = t0;
    EXPECT_EQ(*scheduler->Tick(), 0);     // registered; first due at 10:05
    Walk(*scheduler, t0, t0 + 1800, 30);  // every 30 s for half an hour
    std::vector<UnixSeconds> expected;
    for (UnixSeconds t = At("2026-06-01T10:05:00Z"); t <= t0 + 1800; t += 300)
        expected.push_back(t);
    EXPECT_EQ(DueTimes("test.every"), expected);
    // Down for three hours: one job for the stretch, then on schedule again.
    now_ = t0 + 1800 + 3 * 3600;
    EXPECT_EQ(*scheduler->Tick(), 1);
    EXPECT_EQ(*scheduler->Tick(), 0);
    EXPECT_EQ(DueTimes("test.every").size(), expected.size() + 1);
    EXPECT_EQ(DueTimes("test.every").back(), At("2026-06-01T10:35:00Z"));
    now_ = At("2026-06-01T13:35:00Z");
    EXPECT_EQ(*scheduler->Tick(), 1);
    EXPECT_EQ(DueTimes("test.every").back(), At("2026-06-01T13:35:00Z"));
}

TEST_P(SchedulerTest, FinishedRunsOlderThanAWeekArePurgedButNotFailuresOrOtherJobs) {
    auto scheduler = MakeScheduler();
    scheduler->Every("test.purge", std::chrono::minutes(5));
    const UnixSeconds t0 = At("2026-06-01T10:02:00Z");
    now_ = t0;
    Walk(*scheduler, t0, t0 + 3600, 60);  // twelve runs
    ASSERT_EQ(DueTimes("test.purge").size(), 12u);
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    // All finished ten days ago, one of them failed; an import's job too (not a schedule's).
    const UnixSeconds old = t0 - 10 * 86400;
    ASSERT_TRUE((*conn)->Execute("UPDATE jobs SET status = 'done', finished_at = ? WHERE name = ?",
                                 {old, std::string("test.purge")}));
    ASSERT_TRUE(
        (*conn)->Execute("UPDATE jobs SET status = 'dead' WHERE id = (SELECT MIN(id) FROM "
                         "jobs WHERE name = 'test.purge')"));
    ASSERT_TRUE(store().Enqueue("customer.import", {{"import_id", 1}}).ok());
    ASSERT_TRUE((*conn)->Execute(
        "UPDATE jobs SET status = 'done', finished_at = ? WHERE name = 'customer.import'", {old}));

    auto purged = jobs::PurgeFinishedRuns(app().db(), t0 - 7 * 86400, 4);  // batches of 4
    ASSERT_TRUE(purged.ok()) << purged.error().log_detail;
    // Ten go: not the failed one, not the schedule's last run (the jobs page shows it).
    EXPECT_EQ(*purged, 10);
    EXPECT_EQ(DueTimes("test.purge").size(), 2u);
    auto left = (*conn)->Query("SELECT status FROM jobs WHERE name = 'test.purge' ORDER BY id");
    ASSERT_TRUE(left.ok());
    EXPECT_EQ((*left)[0].Text(0), "dead");
    auto import = (*conn)->QueryOne("SELECT COUNT(*) FROM jobs WHERE name = 'customer.import'");
    ASSERT_TRUE(import.ok() && *import);
    EXPECT_EQ((*import)->Int(0), 1);
    // Runs finished within the week stay.
    EXPECT_EQ(*jobs::PurgeFinishedRuns(app().db(), old - 1), 0);
}

TEST_P(SchedulerTest, DailyAtNineInBerlinFollowsBothDaylightSavingChangesAndShanghaiNone) {
    auto scheduler = MakeScheduler();
    scheduler->DailyAt("test.berlin", "09:00", "Europe/Berlin");
    scheduler->DailyAt("test.shanghai", "09:00", "Asia/Shanghai");
    Walk(*scheduler, At("2026-03-27T00:00:00Z"), At("2026-03-31T00:00:00Z"), 600);
    EXPECT_EQ(DueTimes("test.berlin"),
              (std::vector<UnixSeconds>{At("2026-03-27T08:00:00Z"), At("2026-03-28T08:00:00Z"),
                                        At("2026-03-29T07:00:00Z"), At("2026-03-30T07:00:00Z")}));
    EXPECT_EQ(DueTimes("test.shanghai"),
              (std::vector<UnixSeconds>{At("2026-03-27T01:00:00Z"), At("2026-03-28T01:00:00Z"),
                                        At("2026-03-29T01:00:00Z"), At("2026-03-30T01:00:00Z")}));
}

TEST_P(SchedulerTest, ATimeTheClocksSkipRunsShiftedAndATimeTheyRepeatRunsOnce) {
    auto scheduler = MakeScheduler();
    scheduler->DailyAt("test.gap", "02:30", "Europe/Berlin");
    Walk(*scheduler, At("2026-03-27T12:00:00Z"), At("2026-03-30T12:00:00Z"), 300);
    EXPECT_EQ(DueTimes("test.gap"),
              (std::vector<UnixSeconds>{At("2026-03-28T02:30:00+01:00"),
                                        At("2026-03-29T03:30:00+02:00"),  // 02:30 was skipped
                                        At("2026-03-30T02:30:00+02:00")}));
    auto autumn = MakeScheduler();
    autumn->DailyAt("test.overlap", "02:30", "Europe/Berlin");
    Walk(*autumn, At("2026-10-24T12:00:00Z"), At("2026-10-26T12:00:00Z"), 300);
    EXPECT_EQ(DueTimes("test.overlap"),
              (std::vector<UnixSeconds>{At("2026-10-25T02:30:00+02:00"),  // not again at +01:00
                                        At("2026-10-26T02:30:00+01:00")}));
}

TEST_P(SchedulerTest, ADailyScheduleWithoutAZoneFollowsTheCompanysZone) {
    auto scheduler = MakeScheduler();
    scheduler->DailyAt("test.company", "09:00");
    now_ = At("2026-01-10T12:00:00Z");
    ASSERT_TRUE(scheduler->Tick().ok());
    Reply schedules = Call("GET", "/api/v1/job-schedules", nullptr, admin());
    ASSERT_EQ(schedules.status, 200) << schedules.raw.body;
    ASSERT_EQ(schedules.body["items"].size(), 1u);
    EXPECT_EQ(schedules.body["items"][0]["spec"], "daily 09:00 Asia/Shanghai");
    EXPECT_EQ(schedules.body["items"][0]["next_due_at"], "2026-01-11T01:00:00Z");
    ASSERT_EQ(
        Call("PATCH", "/api/v1/settings/company", {{"time_zone", "Europe/Berlin"}}, admin()).status,
        200);
    Walk(*scheduler, At("2026-01-10T12:10:00Z"), At("2026-01-12T12:00:00Z"), 600);
    EXPECT_EQ(DueTimes("test.company"),
              (std::vector<UnixSeconds>{At("2026-01-11T08:00:00Z"), At("2026-01-12T08:00:00Z")}));
}

// Two schedulers and two runners (each with worker threads) on one database, over 120 due times:
// each due time is enqueued once and its job run once.
TEST_P(SchedulerTest, TwoSchedulersAndTwoRunnersRunEachDueTimeExactlyOnce) {
    constexpr int kSteps = 120;
    // In the past, so the runners (on the real clock) find every job due.
    const UnixSeconds t0 = (NowSeconds() - 86400) / 60 * 60;
    now_ = t0;
    std::mutex mutex;
    std::map<std::string, int> runs;  // due_at → times run
    const auto handler = [&](const jobs::Job& job) -> Result<json> {
        std::lock_guard lock(mutex);
        ++runs[job.payload["due_at"].get<std::string>()];
        return json::object();
    };
    auto a = MakeScheduler();
    auto b = MakeScheduler();
    a->Every("test.minute", std::chrono::minutes(1));
    b->Every("test.minute", std::chrono::minutes(1));
    ASSERT_TRUE(a->Tick().ok());
    jobs::RunnerOptions options;
    options.workers = 2;
    options.poll_interval = std::chrono::milliseconds(5);
    jobs::JobRunner runner_a(store(), options);
    jobs::JobRunner runner_b(store(), options);
    runner_a.Register("test.minute", handler);
    runner_b.Register("test.minute", handler);
    runner_a.Start();
    runner_b.Start();

    std::atomic<int> step{0};
    std::atomic<int> ticked[2] = {0, 0};
    std::atomic<int> errors{0};
    std::vector<std::thread> tickers;
    for (int i = 0; i < 2; ++i) {
        tickers.emplace_back([&, i] {
            jobs::Scheduler& s = i == 0 ? *a : *b;
            while (step.load() <= kSteps) {
                const int seen = step.load();
                if (!s.Tick().ok()) ++errors;
                ticked[i] = seen;
                while (step.load() == seen && seen <= kSteps) std::this_thread::yield();
            }
        });
    }
    for (int k = 1; k <= kSteps; ++k) {
        // Both have ticked at the previous minute; now both race at this one.
        while (ticked[0].load() < k - 1 || ticked[1].load() < k - 1) std::this_thread::yield();
        now_ = t0 + 60 * k;
        step = k;
    }
    while (ticked[0].load() < kSteps || ticked[1].load() < kSteps) std::this_thread::yield();
    step = kSteps + 1;
    for (auto& t : tickers) t.join();
    EXPECT_EQ(errors.load(), 0);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (runner_a.completed() + runner_b.completed() < kSteps &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    runner_a.Stop();
    runner_b.Stop();
    std::vector<UnixSeconds> expected;
    for (int k = 1; k <= kSteps; ++k) expected.push_back(t0 + 60 * k);
    EXPECT_EQ(DueTimes("test.minute"), expected);
    ASSERT_EQ(runs.size(), static_cast<std::size_t>(kSteps));
    for (const auto& [due, n] : runs) EXPECT_EQ(n, 1) << due;
    EXPECT_EQ(runner_a.completed() + runner_b.completed(), kSteps);
}

// The jobs page: counts per status, failed jobs (queued for a retry) with their last error, and
// schedules with their next due time — for administrators only.
TEST_P(SchedulerTest, TheJobsPageListsJobsByStatusWithCountsAndSchedules) {
    app().job_runner().Register("test.fails", [](const jobs::Job&) -> Result<json> {
        return Error::Internal("SMTP 451: try again later");
    });
    ASSERT_TRUE(store().Enqueue("test.fails", json::object(), {.max_attempts = 3}).ok());
    ASSERT_TRUE(store().Enqueue("noop", json::object(), {.due_at = NowSeconds() + 3600}).ok());
    ASSERT_TRUE(*app().job_runner().RunOnce("w"));
    auto scheduler = MakeScheduler();
    scheduler->Every("test.page", std::chrono::minutes(15));
    now_ = At("2026-06-01T10:02:00Z");
    ASSERT_TRUE(scheduler->Tick().ok());

    Reply failed = Call("GET", "/api/v1/jobs?status=failed", nullptr, admin());
    ASSERT_EQ(failed.status, 200) << failed.raw.body;
    ASSERT_EQ(failed.body["total"], 1);
    EXPECT_EQ(failed.body["items"][0]["name"], "test.fails");
    EXPECT_EQ(failed.body["items"][0]["attempts"], 1);
    EXPECT_NE(failed.body["items"][0]["last_error"].get<std::string>().find("SMTP 451"),
              std::string::npos);
    EXPECT_EQ(failed.body["counts"],
              (json{{"queued", 2}, {"running", 0}, {"failed", 1}, {"dead", 0}, {"done", 0}}));
    EXPECT_EQ(Call("GET", "/api/v1/jobs?status=queued", nullptr, admin()).body["total"], 2);
    EXPECT_EQ(Call("GET", "/api/v1/jobs?status=later", nullptr, admin()).status, 400);

    Reply schedules = Call("GET", "/api/v1/job-schedules", nullptr, admin());
    ASSERT_EQ(schedules.status, 200) << schedules.raw.body;
    ASSERT_EQ(schedules.body["items"].size(), 1u);
    EXPECT_EQ(schedules.body["items"][0]["name"], "test.page");
    EXPECT_EQ(schedules.body["items"][0]["spec"], "every 900s");
    EXPECT_EQ(schedules.body["items"][0]["next_due_at"], "2026-06-01T10:15:00Z");

    const TestUser bob = CreateUser("bob", RoleId("sales"), CreateDepartment("销售二部"));
    EXPECT_EQ(Call("GET", "/api/v1/jobs", nullptr, bob.token).status, 403);
    EXPECT_EQ(Call("GET", "/api/v1/job-schedules", nullptr, bob.token).status, 403);
}

GUANXI_API_TEST_SUITE(SchedulerTest);

}  // namespace
}  // namespace guanxi::testing
