#pragma once
// Recurring schedules for the job runner (docs/DEVELOPING.md "Time-driven jobs"). A domain
// registers a schedule in code at start-up; each due time of it becomes one job of the same name
// in the job table, enqueued exactly once however many processes tick: the schedule's row
// (job_schedules) advances its next_due_at with a compare-and-set in the same transaction as the
// enqueue, and the job's unique_key is "<name>@<due unix time>". A process that was down for
// several due times enqueues one job on start, not one per missed time. The job's payload is the
// schedule's payload plus "due_at" (RFC 3339), the due time it stands for.
//
// Thread-safety: register before Start() or the first Tick(); Tick() may run in any number of
// threads and processes at once.

#include "core/time.hpp"
#include "jobs/job_store.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace guanxi::jobs {

struct Schedule {
    std::string name;  // the job's name, and the schedule's
    // Every `every` seconds, at multiples of it since the Unix epoch (every minute on the minute),
    // so all processes agree on the due times. 0 for a daily schedule.
    std::int64_t every = 0;
    // Daily at hour:minute on a clock in `zone` ("" = the company's time zone, read at each tick).
    // A time the clocks skip (02:30 on the spring change) runs at the shifted time (03:30); a time
    // they repeat runs once, at its first occurrence (tz::FromLocal).
    int hour = 0;
    int minute = 0;
    std::string zone;
    nlohmann::json payload = nlohmann::json::object();
};

class Scheduler {
  public:
    using Clock = std::function<UnixSeconds()>;
    // The zone of daily schedules registered without one (the company's).
    using DefaultZone = std::function<Result<std::string>(db::Connection&)>;

    Scheduler(db::Database& db, JobStore& store, Clock clock = NowSeconds);
    ~Scheduler();

    void SetDefaultZone(DefaultZone zone) { default_zone_ = std::move(zone); }

    // scheduler.Every("reminders.scan", std::chrono::minutes(1));
    void Every(std::string name, std::chrono::seconds interval,
               nlohmann::json payload = nlohmann::json::object());
    // scheduler.DailyAt("digest", "08:00", "Europe/Berlin"); zone "" = the company's. Aborts on a
    // malformed time or an unknown zone: a registration is code, and wrong code should not start.
    void DailyAt(std::string name, std::string_view hh_mm, std::string zone = "",
                 nlohmann::json payload = nlohmann::json::object());
    void Add(Schedule schedule);

    // Brings the rows in step with the registered schedules (a new one gets its first due time;
    // one whose definition or zone changed gets a new next due time) and enqueues the due time of
    // each schedule whose next_due_at has passed. Returns how many jobs this call enqueued.
    Result<int> Tick();

    // A thread that ticks every `interval` until Stop().
    void Start(std::chrono::milliseconds interval = std::chrono::seconds(1));
    void Stop();

    // The schedules' rows for the jobs page: name, spec, next_due_at, last_due_at, last_job
    // ({id, status, last_error} or null), registered (by this process's code).
    Result<nlohmann::json> List();

    // The first due time of `schedule` strictly after `after`, daily ones in `zone`.
    static UnixSeconds NextDue(const Schedule& schedule, std::string_view zone, UnixSeconds after);
    // How a schedule is shown and compared: "every 60s", "daily 09:00 Europe/Berlin".
    static std::string Spec(const Schedule& schedule, std::string_view zone);

  private:
    db::Database& db_;
    JobStore& store_;
    Clock clock_;
    DefaultZone default_zone_;
    std::vector<Schedule> schedules_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

// The daily clean-up of scheduled runs: a schedule every few seconds leaves thousands of finished
// jobs a day. Deletes the finished (done) runs of schedules that ended before `before`, except
// each schedule's last one (the jobs page shows it), in batches of `batch`; failed (dead) runs
// stay for the jobs page. Returns how many were deleted.
inline constexpr std::string_view kPurgeJob = "jobs.purge";
inline constexpr std::int64_t kKeepFinishedRunsDays = 7;
Result<std::int64_t> PurgeFinishedRuns(db::Database& db, UnixSeconds before,
                                       std::int64_t batch = 5000);

}  // namespace guanxi::jobs
