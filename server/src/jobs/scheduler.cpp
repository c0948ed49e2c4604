#include "jobs/scheduler.hpp"

#include "core/log.hpp"
#include "core/threads.hpp"
#include "core/time_zone.hpp"
#include "db/row_json.hpp"

#include <cstdio>
#include <map>

namespace guanxi::jobs {

namespace {

constexpr std::string_view kRows = "SELECT name, spec, next_due_at FROM job_schedules";
constexpr std::string_view kInsert =
    "INSERT INTO job_schedules (name, spec, next_due_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING";
constexpr std::string_view kRespec =
    "UPDATE job_schedules SET spec = ?, next_due_at = ?, updated_at = ? WHERE name = ? AND spec = "
    "?";
// The compare-and-set that makes one process, and only one, the enqueuer of a due time.
constexpr std::string_view kAdvance =
    "UPDATE job_schedules SET next_due_at = ?, last_due_at = ?, updated_at = ? "
    "WHERE name = ? AND next_due_at = ? AND spec = ?";
constexpr std::string_view kLastJob = "UPDATE job_schedules SET last_job_id = ? WHERE name = ?";
constexpr std::string_view kList =
    "SELECT s.name, s.spec, s.next_due_at, s.last_due_at, s.last_job_id, j.status, j.last_error, "
    "j.attempts FROM job_schedules s LEFT JOIN jobs j ON j.id = s.last_job_id ORDER BY s.name";

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

[[noreturn]] void BadRegistration(const std::string& what) {
    log::Error("bad_schedule", {{"schedule", what}});
    std::abort();
}

}  // namespace

Scheduler::Scheduler(db::Database& db, JobStore& store, Clock clock)
    : db_(db), store_(store), clock_(std::move(clock)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Every(std::string name, std::chrono::seconds interval, nlohmann::json payload) {
    if (interval.count() <= 0) BadRegistration(name + ": interval must be positive");
    Add({std::move(name), interval.count(), 0, 0, "", std::move(payload)});
}

void Scheduler::DailyAt(std::string name, std::string_view hh_mm, std::string zone,
                        nlohmann::json payload) {
    int hour = -1;
    int minute = -1;
    char end = 0;
    const std::string text(hh_mm);
    if (hh_mm.size() != 5 || std::sscanf(text.c_str(), "%2d:%2d%c", &hour, &minute, &end) != 2 ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59) {
        BadRegistration(name + ": time must be HH:MM, not " + text);
    }
    if (!zone.empty() && !tz::IsTimeZoneName(zone)) BadRegistration(name + ": zone " + zone);
    Add({std::move(name), 0, hour, minute, std::move(zone), std::move(payload)});
}

void Scheduler::Add(Schedule schedule) {
    for (const Schedule& s : schedules_) {
        if (s.name == schedule.name) BadRegistration(schedule.name + ": registered twice");
    }
    schedules_.push_back(std::move(schedule));
}

UnixSeconds Scheduler::NextDue(const Schedule& schedule, std::string_view zone, UnixSeconds after) {
    if (schedule.every > 0) return (FloorDiv(after, schedule.every) + 1) * schedule.every;
    tz::LocalTime day = tz::ToLocal(zone, after);
    day.hour = schedule.hour;
    day.minute = schedule.minute;
    day.second = 0;
    // Today's time if it is still ahead, else tomorrow's (a day later on the clock, which is 23 or
    // 25 hours later across a change).
    const UnixSeconds today = tz::FromLocal(zone, day);
    if (today > after) return today;
    ++day.day;
    return tz::FromLocal(zone, day);
}

std::string Scheduler::Spec(const Schedule& schedule, std::string_view zone) {
    if (schedule.every > 0) return "every " + std::to_string(schedule.every) + "s";
    char time[8];
    std::snprintf(time, sizeof time, "%02d:%02d", schedule.hour, schedule.minute);
    return "daily " + std::string(time) + " " + std::string(zone);
}

Result<int> Scheduler::Tick() {
    if (schedules_.empty()) return 0;
    const UnixSeconds now = clock_();
    std::map<std::string, std::pair<std::string, UnixSeconds>, std::less<>> rows;
    std::string company(tz::kDefaultTimeZone);
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(db::Rows found, conn->Query(kRows));
        for (const db::Row& r : found) rows[r.Text(0)] = {r.Text(1), r.Int(2)};
        if (default_zone_) {
            GX_TRY_ASSIGN(company, default_zone_(*conn));
        }
    }
    int enqueued = 0;
    for (const Schedule& s : schedules_) {
        const std::string zone = s.zone.empty() ? company : s.zone;
        const std::string spec = Spec(s, zone);
        const auto row = rows.find(s.name);
        if (row == rows.end()) {
            GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
                GX_TRY(conn.Execute(kInsert, {s.name, spec, NextDue(s, zone, now), now, now}));
                return {};
            }));
            continue;
        }
        const auto& [stored_spec, next_due] = row->second;
        if (stored_spec != spec) {
            // Redefined in code, or the company's zone changed: the next due time is the new
            // definition's, counted from now.
            GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
                GX_TRY(
                    conn.Execute(kRespec, {spec, NextDue(s, zone, now), now, s.name, stored_spec}));
                return {};
            }));
            continue;
        }
        if (next_due > now) continue;
        GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            // Missed due times collapse into this one: the next is the first after now.
            GX_TRY_ASSIGN(std::int64_t advanced,
                          conn.Execute(kAdvance, {NextDue(s, zone, now), next_due, now, s.name,
                                                  next_due, spec}));
            if (advanced != 1) return {};  // another process has enqueued it
            nlohmann::json payload = s.payload;
            payload["due_at"] = FormatRfc3339(next_due);
            GX_TRY_ASSIGN(auto id,
                          store_.Enqueue(conn, s.name, payload,
                                         {.due_at = next_due,
                                          .unique_key = s.name + "@" + std::to_string(next_due)}));
            if (id) {
                GX_TRY(conn.Execute(kLastJob, {*id, s.name}));
                ++enqueued;
            }
            return {};
        }));
    }
    return enqueued;
}

void Scheduler::Start(std::chrono::milliseconds interval) {
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this, interval] {
        core::NameThisThread("gx-scheduler");
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            if (auto ticked = Tick(); !ticked) {
                log::Error("scheduler_error", {{"error", ticked.error().log_detail.empty()
                                                             ? ticked.error().message
                                                             : ticked.error().log_detail}});
            }
            lock.lock();
            wake_.wait_for(lock, interval, [this] { return stopping_; });
        }
    });
}

void Scheduler::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Result<nlohmann::json> Scheduler::List() {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(kList));
    nlohmann::json items = nlohmann::json::array();
    for (const db::Row& r : rows) {
        const std::string name = r.Text(0);
        bool registered = false;
        for (const Schedule& s : schedules_) registered = registered || s.name == name;
        nlohmann::json last_job = nullptr;
        if (!r.IsNull(4) && !r.IsNull(5)) {
            last_job = {{"id", r.Int(4)},
                        {"status", r.Text(5)},
                        {"last_error", db::JsonText(r, 6)},
                        {"attempts", r.Int(7)}};
        }
        items.push_back({{"name", name},
                         {"spec", r.Text(1)},
                         {"next_due_at", FormatRfc3339(r.Int(2))},
                         {"last_due_at", db::JsonTime(r, 3)},
                         {"last_job", last_job},
                         {"registered", registered}});
    }
    return nlohmann::json{{"items", items}, {"total", items.size()}};
}

Result<std::int64_t> PurgeFinishedRuns(db::Database& db, UnixSeconds before, std::int64_t batch) {
    // By id in batches: each delete is a short write, so other writers wait for none of them long.
    constexpr std::string_view kPurge =
        "DELETE FROM jobs WHERE id IN (SELECT j.id FROM jobs j WHERE j.status = 'done' AND "
        "j.finished_at < ? AND j.name IN (SELECT name FROM job_schedules) AND NOT EXISTS (SELECT "
        "1 FROM job_schedules s WHERE s.last_job_id = j.id) ORDER BY j.id LIMIT ?)";
    std::int64_t total = 0;
    while (true) {
        std::int64_t deleted = 0;
        GX_TRY(db::InTransaction(db, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            GX_TRY_ASSIGN(deleted, conn.Execute(kPurge, {before, batch}));
            return {};
        }));
        total += deleted;
        if (deleted < batch) return total;
    }
}

}  // namespace guanxi::jobs
