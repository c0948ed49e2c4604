// Reminder rules (issue 15 items 4-5 and its Reliability section): an activity's start minus its
// lead time to the owner and participants, moved with the activity and silent once it is
// cancelled or deleted; a customer's next contact and "no follow-up for N days" per category to
// the owner; the settings routes; the daily digest once per user and day; and the reliability
// cases — a reminder due while the server was down delivered once after it starts, two scanners
// on separate connections and two real server processes delivering each of 1,000 reminders
// once, and the SMTP server down for a while losing no reminder e-mail and sending none twice.
// Times are given to Scan() directly (an injected clock), in the past, so that what a scan notifies
// is already visible.

#include "api_test_support.hpp"
#include "smtp_sink.hpp"
#include "test_paths.hpp"

#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "domains/reminders/reminder_service.hpp"
#include "mail/outbox.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;
using reminders::ScanStats;

constexpr std::int64_t kDay = 24 * 3600;

class RemindersTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t role = CreateRole(
            "r_sales", "self",
            json::array({"customers.view", "customers.create", "customers.edit", "activities.view",
                         "activities.create", "activities.edit", "activities.delete"}));
        alice_ = CreateUser("alice", role, std::nullopt);
        bob_ = CreateUser("bob", role, std::nullopt);
        // Two hours ago: what the scans below notify is visible now.
        base_ = NowSeconds() / 60 * 60 - 2 * 3600;
        Scan(base_);  // the cursors start here
    }
    ScanStats Scan(UnixSeconds now) {
        auto stats = app().reminders().Scan(now);
        EXPECT_TRUE(stats.ok()) << (stats.ok() ? "" : stats.error().log_detail);
        return stats.ok() ? *stats : ScanStats{};
    }
    void Sql(const std::string& sql, const db::Params& params = {}) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        auto done = (*conn)->Execute(sql, params);
        ASSERT_TRUE(done.ok()) << sql << " " << done.error().log_detail;
    }
    std::int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn.ok());
        auto row = (*conn)->QueryOne(sql, params);
        EXPECT_TRUE(row.ok() && row->has_value()) << sql;
        return row.ok() && *row ? (*row)->Int(0) : -1;
    }
    json Notifications(const std::string& token) {
        Reply r = Call("GET", "/api/v1/notifications?page_size=100", nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body["items"];
    }
    json Activity(const json& body) {
        Reply created = Call("POST", "/api/v1/activities", body, alice_.token);
        EXPECT_EQ(created.status, 201) << created.raw.body;
        return created.body;
    }
    // A customer of `owner` written as the import or another process would.
    std::int64_t Customer(const std::string& name, std::optional<std::int64_t> owner,
                          const std::string& category, std::optional<UnixSeconds> next,
                          std::optional<UnixSeconds> last_contact, UnixSeconds created) {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn.ok());
        auto id = (*conn)->InsertReturningId(
            "INSERT INTO customers (name, category, owner_id, next_contact_at, last_contact_at, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {name, category, db::Nullable(owner), db::Nullable(next), db::Nullable(last_contact),
             created, created});
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }
    void ConfigureSmtp(int port) {
        Reply put = Call("PUT", "/api/v1/settings/smtp",
                         {{"host", "127.0.0.1"},
                          {"port", port},
                          {"security", "none"},
                          {"from_address", "crm@example.com"},
                          {"from_name", "Guanxi"}},
                         admin());
        ASSERT_EQ(put.status, 200) << put.raw.body;
    }
    void WantEmail(const TestUser& user, const std::string& address, const json& kinds) {
        Sql("UPDATE users SET email = ? WHERE id = ?", {address, user.id});
        Reply put = Call("PUT", "/api/v1/me/notification-settings", {{"email", kinds}}, user.token);
        ASSERT_EQ(put.status, 200) << put.raw.body;
    }

    TestUser alice_, bob_;
    UnixSeconds base_ = 0;
};

TEST_P(RemindersTest, AnActivityRemindsItsOwnerAndParticipantsOnceAndMovesWithIt) {
    const json meeting = Activity({{"kind", "meeting"},
                                   {"subject", "方案评审"},
                                   {"start_at", FormatRfc3339(base_ + 600)},
                                   {"end_at", FormatRfc3339(base_ + 4200)},
                                   {"remind_before_minutes", 5},
                                   {"participants", {bob_.id}}});
    const json cancelled = Activity({{"kind", "call"},
                                     {"subject", "取消的电话"},
                                     {"start_at", FormatRfc3339(base_ + 700)},
                                     {"remind_before_minutes", 5}});
    const json deleted = Activity({{"kind", "call"},
                                   {"subject", "删除的电话"},
                                   {"start_at", FormatRfc3339(base_ + 700)},
                                   {"remind_before_minutes", 5}});
    const std::string cancelled_path = "/api/v1/activities/" + cancelled["id"].dump();
    ASSERT_EQ(Call("PATCH", cancelled_path, {{"status", "cancelled"}}, alice_.token).status, 200);
    ASSERT_EQ(
        Call("DELETE", "/api/v1/activities/" + deleted["id"].dump(), nullptr, alice_.token).status,
        204);

    EXPECT_EQ(Scan(base_ + 299).notified, 0) << "not before its due time";
    EXPECT_EQ(Scan(base_ + 300).notified, 2) << "the owner and the participant";
    EXPECT_EQ(Scan(base_ + 305).notified, 0) << "the overlapping window notifies nothing twice";
    EXPECT_EQ(Scan(base_ + 1000).notified, 0) << "cancelled and deleted ones stay silent";
    for (const TestUser* user : {&alice_, &bob_}) {
        json items = Notifications(user->token);
        ASSERT_EQ(items.size(), 1u);
        EXPECT_EQ(items[0]["kind"], "activity_start");
        EXPECT_EQ(items[0]["title"], "即将开始：方案评审");
        EXPECT_EQ(items[0]["link"], "/records/activities/" + meeting["id"].dump());
        EXPECT_EQ(items[0]["due_at"], FormatRfc3339(base_ + 300));
    }
    // An English-speaking recipient reads it in English.
    Sql("UPDATE users SET language = 'en' WHERE id = ?", {bob_.id});

    // Moved an hour later: the new time reminds anew, once.
    const std::string path = "/api/v1/activities/" + meeting["id"].dump();
    ASSERT_EQ(
        Call("PATCH", path,
             {{"start_at", FormatRfc3339(base_ + 4200)}, {"end_at", FormatRfc3339(base_ + 5000)}},
             alice_.token)
            .status,
        200);
    EXPECT_EQ(Scan(base_ + 3899).notified, 0);
    EXPECT_EQ(Scan(base_ + 3900).notified, 2);
    EXPECT_EQ(Scan(base_ + 3910).notified, 0);
    json bobs = Notifications(bob_.token);
    ASSERT_EQ(bobs.size(), 2u);
    EXPECT_EQ(bobs[0]["title"], "Coming up: 方案评审");
    EXPECT_NE(bobs[0]["body"].get<std::string>().find("Starts at"), std::string::npos);

    // Created (or moved) after its reminder time but before its start: reminded at once.
    Activity({{"kind", "call"},
              {"subject", "马上的电话"},
              {"start_at", FormatRfc3339(base_ + 5400)},
              {"remind_before_minutes", 30}});
    EXPECT_EQ(Scan(base_ + 5300).notified, 1);
    EXPECT_EQ(Scan(base_ + 5310).notified, 0);
}

TEST_P(RemindersTest, NextContactAndNoFollowupRemindTheOwnerPerCategoryRules) {
    const std::int64_t planned =
        Customer("华强科技", alice_.id, "core", base_ + 120, std::nullopt, base_ - 30 * kDay);
    Customer("公海客户", std::nullopt, "core", base_ + 120, std::nullopt, base_ - 30 * kDay);
    // Quiet for 7 days at base + 200 (core: 7 days by default) and for 14 at base + 300
    // (potential: 14); a closed customer is never chased by default.
    const std::int64_t quiet = Customer("老客户", alice_.id, "core", std::nullopt,
                                        base_ - 7 * kDay + 200, base_ - 90 * kDay);
    const std::int64_t fresh = Customer("新客户", bob_.id, "potential", std::nullopt, std::nullopt,
                                        base_ - 14 * kDay + 300);
    Customer("成交客户", alice_.id, "closed", std::nullopt, base_ - 7 * kDay + 200,
             base_ - 90 * kDay);

    EXPECT_EQ(Scan(base_ + 119).notified, 0);
    EXPECT_EQ(Scan(base_ + 120).notified, 1) << "the pool customer has no one to remind";
    EXPECT_EQ(Scan(base_ + 400).notified, 2);
    EXPECT_EQ(Scan(base_ + 400).notified, 0);
    json alices = Notifications(alice_.token);
    ASSERT_EQ(alices.size(), 2u);
    EXPECT_EQ(alices[0]["kind"], "no_followup");
    EXPECT_EQ(alices[0]["title"], "7 天未跟进：老客户");
    EXPECT_EQ(alices[0]["entity_id"], quiet);
    EXPECT_EQ(alices[1]["kind"], "next_contact");
    EXPECT_EQ(alices[1]["title"], "定时联系：华强科技");
    EXPECT_EQ(alices[1]["link"], "/customers/" + std::to_string(planned));
    json bobs = Notifications(bob_.token);
    ASSERT_EQ(bobs.size(), 1u);
    EXPECT_EQ(bobs[0]["entity_id"], fresh);

    // The administrator turns "closed" on (3 days) and the next-contact rule off.
    Reply put = Call("PUT", "/api/v1/settings/reminders",
                     {{"next_contact", {{"enabled", false}}},
                      {"no_followup", {{"days", {{"closed", 3}, {"potential", nullptr}}}}}},
                     admin());
    ASSERT_EQ(put.status, 200) << put.raw.body;
    EXPECT_EQ(put.body["no_followup"]["days"]["closed"], 3);
    EXPECT_TRUE(put.body["no_followup"]["days"]["potential"].is_null());
    EXPECT_EQ(put.body["no_followup"]["days"]["core"], 7);
    EXPECT_EQ(put.body["next_contact"]["enabled"], false);
    Customer("成交客户二", alice_.id, "closed", base_ + 600, base_ - 3 * kDay + 500,
             base_ - 90 * kDay);
    Customer("潜在客户二", bob_.id, "potential", std::nullopt, base_ - 14 * kDay + 500,
             base_ - 90 * kDay);
    EXPECT_EQ(Scan(base_ + 700).notified, 1) << "closed after 3 days only";
    EXPECT_EQ(Notifications(alice_.token)[0]["title"], "3 天未跟进：成交客户二");
}

TEST_P(RemindersTest, SettingsRoutesValidateEveryFieldAndRulesAreForAdministrators) {
    Reply mine = Call("GET", "/api/v1/me/notification-settings", nullptr, alice_.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    EXPECT_EQ(mine.body["email"]["activity_start"], false) << "e-mail is off until chosen";
    EXPECT_EQ(mine.body["digest"]["enabled"], false);
    EXPECT_EQ(mine.body["digest"]["time"], "08:00");
    ASSERT_EQ(mine.body["kinds"].size(), 4u);  // and payment_due (contracts)
    EXPECT_EQ(mine.body["kinds"][0]["label"]["zh-CN"], "日程即将开始");

    Reply bad = Call("PUT", "/api/v1/me/notification-settings",
                     {{"email", {{"activity_start", "yes"}, {"horoscope", true}}},
                      {"digest", {{"time", "25:00"}, {"enabled", 1}}},
                      {"colour", "red"}},
                     alice_.token);
    EXPECT_EQ(bad.status, 422);
    const json& fields = bad.body["error"]["details"]["fields"];
    for (const char* f :
         {"email.activity_start", "email.horoscope", "digest.time", "digest.enabled", "colour"}) {
        EXPECT_TRUE(fields.contains(f)) << f << " " << bad.raw.body;
    }
    EXPECT_EQ(bad.body["error"]["details"]["field_codes"]["digest.time"]["code"],
              "not_a_clock_time");
    EXPECT_EQ(Call("GET", "/api/v1/me/notification-settings", nullptr, alice_.token)
                  .body["email"]["activity_start"],
              false)
        << "nothing saved";

    Sql("UPDATE users SET time_zone = 'Europe/Berlin' WHERE id = ?", {alice_.id});
    Reply good = Call(
        "PUT", "/api/v1/me/notification-settings",
        {{"email", {{"activity_start", true}}}, {"digest", {{"enabled", true}, {"time", "07:30"}}}},
        alice_.token);
    ASSERT_EQ(good.status, 200) << good.raw.body;
    EXPECT_EQ(good.body["email"]["activity_start"], true);
    EXPECT_EQ(good.body["email"]["next_contact"], false);
    EXPECT_EQ(good.body["time_zone"], "Europe/Berlin");
    auto next = ParseRfc3339(good.body["next_digest_at"].get<std::string>());
    ASSERT_TRUE(next.has_value());
    EXPECT_GT(*next, NowSeconds());
    EXPECT_LE(*next, NowSeconds() + kDay);
    const tz::LocalTime local = tz::ToLocal("Europe/Berlin", *next);
    EXPECT_EQ(local.hour, 7);
    EXPECT_EQ(local.minute, 30);
    // Each user reads their own.
    EXPECT_EQ(Call("GET", "/api/v1/me/notification-settings", nullptr, bob_.token)
                  .body["email"]["activity_start"],
              false);

    // Rules: administrators only; every bad key named; nothing saved then.
    EXPECT_EQ(Call("GET", "/api/v1/settings/reminders", nullptr, alice_.token).status, 403);
    EXPECT_EQ(Call("PUT", "/api/v1/settings/reminders", {{"next_contact", {{"enabled", false}}}},
                   alice_.token)
                  .status,
              403);
    Reply rules = Call("GET", "/api/v1/settings/reminders", nullptr, admin());
    ASSERT_EQ(rules.status, 200);
    EXPECT_EQ(rules.body["no_followup"]["days"]["potential"], 14);
    EXPECT_TRUE(rules.body["no_followup"]["days"]["closed"].is_null());
    EXPECT_TRUE(rules.body["updated_at"].is_null());
    Reply refused = Call("PUT", "/api/v1/settings/reminders",
                         {{"activity_start", {{"enabled", "no"}}},
                          {"no_followup", {{"days", {{"core", 0}, {"vip", 3}}}}},
                          {"pool", {}}},
                         admin());
    EXPECT_EQ(refused.status, 422);
    for (const char* f :
         {"activity_start.enabled", "no_followup.days.core", "no_followup.days.vip", "pool"}) {
        EXPECT_TRUE(refused.body["error"]["details"]["fields"].contains(f)) << f;
    }
    EXPECT_EQ(Call("GET", "/api/v1/settings/reminders", nullptr, admin())
                  .body["no_followup"]["days"]["core"],
              7);
}

TEST_P(RemindersTest, TheDailyDigestIsMailedOncePerUserAndDayAtTheirTimeInTheirZone) {
    ConfigureSmtp(FreePort());  // queued only: the outbox is not drained here
    Sql("UPDATE users SET email = 'alice@example.com', time_zone = 'Asia/Shanghai' WHERE id = ?",
        {alice_.id});
    Reply put = Call("PUT", "/api/v1/me/notification-settings",
                     {{"digest", {{"enabled", true}, {"time", "08:00"}}}}, alice_.token);
    ASSERT_EQ(put.status, 200) << put.raw.body;
    const UnixSeconds at = *ParseRfc3339(put.body["next_digest_at"].get<std::string>());
    // That day: a meeting at 10:00 and a customer due.
    Sql("INSERT INTO activities (kind, subject, owner_id, start_at, end_at, status, created_at, "
        "updated_at) VALUES ('meeting', '季度回顾', ?, ?, ?, 'planned', ?, ?)",
        {alice_.id, at + 2 * 3600, at + 3 * 3600, base_, base_});
    Customer("华强科技", alice_.id, "core", at + 3600, std::nullopt, base_);

    EXPECT_EQ(Scan(at - 1).digests, 0);
    EXPECT_EQ(Scan(at).digests, 1);
    EXPECT_EQ(Scan(at + 5).digests, 0) << "once per day";
    EXPECT_EQ(Scan(at + 60).digests, 0);
    EXPECT_EQ(Scan(at + kDay).digests, 1) << "the next day's";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE unique_key LIKE 'digest:%'"), 2);
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto first = (*conn)->QueryOne(
        "SELECT subject, text_body FROM deliveries WHERE unique_key LIKE 'digest:%' ORDER BY id");
    ASSERT_TRUE(first.ok() && first->has_value());
    const tz::LocalTime day = tz::ToLocal("Asia/Shanghai", at);
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", day.year, day.month, day.day);
    EXPECT_EQ((*first)->Text(0), std::string("今日待办（") + date + "）：1 项日程，1 位待联系客户");
    EXPECT_NE((*first)->Text(1).find("10:00  季度回顾"), std::string::npos) << (*first)->Text(1);
    EXPECT_NE((*first)->Text(1).find("华强科技"), std::string::npos);
    // Off: no more digests.
    ASSERT_EQ(Call("PUT", "/api/v1/me/notification-settings", {{"digest", {{"enabled", false}}}},
                   alice_.token)
                  .status,
              200);
    EXPECT_EQ(Scan(at + 3 * kDay).digests, 0);
}

TEST_P(RemindersTest, AReminderDueWhileTheServerWasDownIsDeliveredOnceAfterItStarts) {
    // The last server ticked its schedules and scanned two hours ago, then stopped.
    ASSERT_TRUE(app().scheduler().Tick().ok());
    Sql("UPDATE job_schedules SET next_due_at = ? WHERE name = 'reminders.scan'", {base_ + 5});
    // Due 10 and 70 minutes after that scan; no server runs until now.
    Customer("华强科技", alice_.id, "core", base_ + 600, std::nullopt, base_ - kDay);
    Customer("深圳电子", alice_.id, "core", base_ + 4200, std::nullopt, base_ - kDay);
    // A server starts on the database: its scheduler's first tick queues the scan, its runner
    // runs it (the real clock).
    AppOptions options;
    options.database_url = database_url();
    auto server = App::Create(options);
    ASSERT_TRUE(server.ok()) << server.error().log_detail;
    ASSERT_TRUE((*server)->scheduler().Tick().ok());
    auto ran = (*server)->job_runner().Drain("restarted");
    ASSERT_TRUE(ran.ok());
    EXPECT_GE(*ran, 1);
    EXPECT_EQ(Notifications(alice_.token).size(), 2u);
    // Running again (a second tick, a job retried, this process's own scan) adds nothing.
    ASSERT_TRUE((*server)->reminders().RunScanJob().ok());
    EXPECT_EQ(Scan(NowSeconds()).notified, 0);
    EXPECT_EQ(Notifications(alice_.token).size(), 2u);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications"), 2);
}

TEST_P(RemindersTest, TwoScannersOnSeparateConnectionsDeliverEachOf1000RemindersOnce) {
    ConfigureSmtp(FreePort());
    WantEmail(alice_, "alice@example.com", {{"next_contact", true}});
    // 1,000 customers of alice's, one due every second after base.
    Sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
        "INSERT INTO customers (name, category, owner_id, next_contact_at, created_at, updated_at) "
        "SELECT 'customer ' || i, 'potential', ?, ? + i, ?, ? FROM n",
        {alice_.id, base_, base_ - kDay, base_ - kDay});
    // A second process's scanner: its own database pool, its own connections.
    AppOptions options;
    options.database_url = database_url();
    auto other = App::Create(options);
    ASSERT_TRUE(other.ok()) << other.error().log_detail;
    std::vector<ScanStats> totals(2);
    std::vector<reminders::ReminderService*> scanners = {&app().reminders(),
                                                         &(*other)->reminders()};
    std::vector<std::thread> threads;
    for (int s = 0; s < 2; ++s) {
        threads.emplace_back([&, s] {
            // Both scan the same times at once, in steps of 5 s, as two servers' jobs would.
            for (UnixSeconds t = base_ + 5; t <= base_ + 1005; t += 5) {
                auto stats = scanners[s]->Scan(t);
                ASSERT_TRUE(stats.ok()) << stats.error().log_detail;
                totals[s].notified += stats->notified;
                totals[s].emailed += stats->emailed;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(totals[0].notified + totals[1].notified, 1000);
    EXPECT_EQ(totals[0].emailed + totals[1].emailed, 1000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'next_contact'"), 1000);
    EXPECT_EQ(Count("SELECT COUNT(DISTINCT entity_id) FROM notifications"), 1000);
    EXPECT_EQ(Count("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM notifications "
                    "GROUP BY user_id, entity_id) x"),
              1)
        << "count per reminder = 1";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE unique_key LIKE 'next_contact:%'"),
              1000);
}

TEST_P(RemindersTest, TwoServerProcessesOnOneDatabaseDeliverEachOf1000RemindersOnce) {
    // 1,000 customers of alice's, their next contacts due one a second after the last scan.
    Sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
        "INSERT INTO customers (name, category, owner_id, next_contact_at, created_at, updated_at) "
        "SELECT 'customer ' || i, 'potential', ?, ? + i, ?, ? FROM n",
        {alice_.id, base_, base_ - kDay, base_ - kDay});
    Sql("UPDATE job_schedules SET next_due_at = ? WHERE name = 'reminders.scan'", {NowSeconds()});
    // Two real `guanxi serve` processes on the database, each with its scheduler and job runner.
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("guanxi_two_servers_" + std::to_string(getpid()));
    const std::string url = database_url();
    std::vector<pid_t> servers;
    for (int p = 0; p < 2; ++p) {
        const std::string data = (dir / std::to_string(p)).string();
        std::filesystem::create_directories(data);
        const pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            execl(GUANXI_BINARY, GUANXI_BINARY, "serve", "--listen", "127.0.0.1:0", "--database",
                  url.c_str(), "--data", data.c_str(), "--threads", "1", "--log-level", "error",
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        servers.push_back(pid);
    }
    const auto scans = [&] {
        return Count("SELECT COUNT(*) FROM jobs WHERE name = 'reminders.scan' AND status = 'done'");
    };
    const auto delivered = [&] {
        return Count("SELECT COUNT(*) FROM notifications WHERE kind = 'next_contact'");
    };
    // Every reminder arrives (the scan runs every 5 s; 60 s is the bound of a stuck test) ...
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (delivered() < 1000 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // ... and the next scan by either server after that adds none.
    const std::int64_t scanned = scans();
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (scans() < scanned + 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_GE(scans(), scanned + 1);
    for (pid_t pid : servers) {
        kill(pid, SIGTERM);
        int status = 0;
        EXPECT_EQ(waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "server exit " << status;
    }
    std::filesystem::remove_all(dir);
    EXPECT_EQ(delivered(), 1000);
    EXPECT_EQ(Count("SELECT COUNT(DISTINCT entity_id) FROM notifications"), 1000);
    EXPECT_EQ(Count("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM notifications "
                    "GROUP BY user_id, entity_id) x"),
              1)
        << "count per reminder = 1";
    std::cout << "[ info ] the scans were run by "
              << Count(
                     "SELECT COUNT(DISTINCT lease_owner) FROM jobs WHERE name = "
                     "'reminders.scan' AND status = 'done'")
              << " process(es)\n";
}

TEST_P(RemindersTest, WithTheSmtpServerDownReminderEmailsArriveOnceWhenItIsBack) {
    app().outbox().SetBackoff([](std::int64_t) { return 1; });
    SmtpSink sink;  // down
    ConfigureSmtp(sink.port());
    WantEmail(alice_, "alice@example.com", {{"next_contact", true}, {"no_followup", false}});
    WantEmail(bob_, "bob@example.com", {{"next_contact", false}});
    for (int i = 1; i <= 10; ++i) {
        Customer("客户" + std::to_string(i), alice_.id, "potential", base_ + i, std::nullopt,
                 base_ - kDay);
    }
    Customer("鲍勃的客户", bob_.id, "potential", base_ + 5, std::nullopt, base_ - kDay);
    const ScanStats stats = Scan(base_ + 60);
    EXPECT_EQ(stats.notified, 11);
    EXPECT_EQ(stats.emailed, 10) << "bob wants no e-mail of this kind";
    auto drained = app().job_runner().Drain("w");
    ASSERT_TRUE(drained.ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE status = 'failed'"), 10);
    EXPECT_TRUE(sink.Messages().empty());

    sink.Start();
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ASSERT_TRUE(app().job_runner().Drain("w").ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'"), 10);
    // Scanning and draining again sends nothing more.
    Scan(base_ + 65);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ASSERT_TRUE(app().job_runner().Drain("w").ok());
    const auto messages = sink.Messages();
    ASSERT_EQ(messages.size(), 10u);
    std::set<std::string> subjects;  // the encoded Subject lines: a different customer each
    for (const auto& m : messages) {
        const std::string eml = Slurp(m);
        const auto at = eml.find("Subject:");
        ASSERT_NE(at, std::string::npos);
        subjects.insert(eml.substr(at, eml.find("\r\n", at) - at));
    }
    EXPECT_EQ(subjects.size(), 10u) << "ten different reminders, none twice";
}

GUANXI_API_TEST_SUITE(RemindersTest);

}  // namespace
}  // namespace guanxi::testing
