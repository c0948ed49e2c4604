// Activities (issue 15 items 3 and 8): the parts of their own that the kit's generic tests
// (record_kit_test.cpp: routes, the access matrix with participants) don't cover — a customer
// named must be visible, the end not before the start, range filters, the customer's timeline, a
// completed call's follow-up written in the same step, repeating series, and the iCalendar feed
// parsed by a real iCalendar parser (Debian's python3-icalendar).

#include "api_test_support.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class ActivitiesTest : public ApiTest {
  protected:
    Reply Create(const json& body, const std::string& token) {
        return Call("POST", "/api/v1/activities", body, token);
    }
    json MustCreate(const json& body, const std::string& token) {
        Reply created = Create(body, token);
        EXPECT_EQ(created.status, 201) << created.raw.body;
        return created.body;
    }
    std::string Item(const json& activity) { return "/api/v1/activities/" + activity["id"].dump(); }
    std::int64_t Followups(const json& customer) {
        return Call("GET", "/api/v1/customers/" + customer["id"].dump() + "/followups", nullptr,
                    admin())
            .body["total"]
            .get<std::int64_t>();
    }
    void Sql(const std::string& sql) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        auto done = (*conn)->Execute(sql);
        ASSERT_TRUE(done.ok()) << sql;
    }
    void SetZone(const std::string& zone) {
        Sql("UPDATE users SET time_zone = '" + zone + "' WHERE username = 'admin'");
    }
    // The list's start_at values, in order.
    std::vector<std::string> Starts(const std::string& query) {
        Reply list = Call("GET", "/api/v1/activities?" + query, nullptr, admin());
        EXPECT_EQ(list.status, 200) << list.raw.body;
        std::vector<std::string> out;
        for (const auto& item : list.body["items"]) out.push_back(item["start_at"]);
        return out;
    }
};

TEST_P(ActivitiesTest, ACustomerOrContactNamedMustBeOneTheCallerCanSee) {
    const std::int64_t dept = CreateDepartment("销售一部");
    const json all = {"customers.view",  "customers.create",  "customers.edit",
                      "activities.view", "activities.create", "activities.edit"};
    const std::int64_t role = CreateRole("act-self", "self", all);
    TestUser alice = CreateUser("alice", role, dept);
    TestUser bob = CreateUser("bob", role, dept);
    const json hers = CreateCustomer(alice.token, {{"name", "爱丽丝的客户"}});
    const json his = CreateCustomer(bob.token, {{"name", "鲍勃的客户"}});
    const json base = {{"kind", "call"},
                       {"subject", "回访"},
                       {"start_at", "2026-12-10T02:00:00Z"},
                       {"end_at", "2026-12-10T02:30:00Z"}};
    json body = base;
    body["customer_id"] = his["id"];
    Reply refused = Create(body, alice.token);
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(refused.body["error"]["details"]["fields"].contains("customer_id"));
    body["customer_id"] = 999999;
    EXPECT_EQ(Create(body, alice.token).status, 422);
    body["customer_id"] = hers["id"];
    const json mine = MustCreate(body, alice.token);
    // Nor may a patch move it to a customer out of sight.
    Reply moved = Call("PATCH", Item(mine), {{"customer_id", his["id"]}}, alice.token);
    EXPECT_EQ(moved.status, 422);
    // A contact must be one of the customer named, and visible.
    Reply contact = Call("POST", "/api/v1/customers/" + his["id"].dump() + "/contacts",
                         {{"name", "王经理"}}, bob.token);
    ASSERT_EQ(contact.status, 201) << contact.raw.body;
    body["contact_id"] = contact.body["id"];
    Reply foreign = Create(body, alice.token);
    EXPECT_EQ(foreign.status, 422);
    EXPECT_TRUE(foreign.body["error"]["details"]["fields"].contains("contact_id"));
    body["customer_id"] = hers["id"];
    Reply other = Create(body, admin());  // visible to the administrator, but another customer's
    EXPECT_EQ(other.status, 422);
    EXPECT_EQ(other.body["error"]["details"]["field_codes"]["contact_id"]["code"],
              "not_of_customer");
    // The end comes after the start.
    json backwards = base;
    backwards["end_at"] = "2026-12-10T01:00:00Z";
    Reply early = Create(backwards, alice.token);
    EXPECT_EQ(early.status, 422);
    EXPECT_TRUE(early.body["error"]["details"]["fields"].contains("end_at"));
    EXPECT_EQ(Call("PATCH", Item(mine), {{"end_at", "2026-12-09T00:00:00Z"}}, alice.token).status,
              422);
}

TEST_P(ActivitiesTest, RangeFiltersSelectByStartAndTheCustomersTimelineShowsThem) {
    const json customer = CreateCustomer(admin(), {{"name", "日程客户"}});
    for (const char* start : {"2026-12-01T08:00:00Z", "2026-12-05T08:00:00Z",
                              "2026-12-09T08:00:00Z", "2027-01-02T08:00:00Z"}) {
        MustCreate({{"kind", "visit"},
                    {"subject", std::string("拜访 ") + start},
                    {"customer_id", customer["id"]},
                    {"start_at", start}},
                   admin());
    }
    EXPECT_EQ(Starts("start_at_from=2026-12-05T08:00:00Z&start_at_to=2026-12-09T08:00:00Z"),
              std::vector<std::string>{"2026-12-05T08:00:00Z"});
    EXPECT_EQ(Starts("start_at_from=2026-12-02T00:00:00Z").size(), 3u);
    EXPECT_EQ(Starts("start_at_to=2026-12-02T00:00:00Z").size(), 1u);
    EXPECT_EQ(Call("GET", "/api/v1/activities?start_at_from=yesterday", nullptr, admin()).status,
              400);
    // The end defaults to an hour after the start.
    Reply first = Call("GET", "/api/v1/activities?sort=start_at", nullptr, admin());
    EXPECT_EQ(first.body["items"][0]["end_at"], "2026-12-01T09:00:00Z");
    EXPECT_EQ(first.body["items"][0]["status"], "planned");
    Reply timeline =
        Call("GET", "/api/v1/customers/" + customer["id"].dump() + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200) << timeline.raw.body;
    int activities = 0;
    for (const auto& entry : timeline.body["items"]) activities += entry["kind"] == "activity";
    EXPECT_EQ(activities, 4);
}

TEST_P(ActivitiesTest, CompletingACallOrVisitWritesItsFollowupInTheSameStep) {
    const json customer = CreateCustomer(admin(), {{"name", "跟进客户"}});
    const json call = MustCreate({{"kind", "call"},
                                  {"subject", "电话回访"},
                                  {"customer_id", customer["id"]},
                                  {"start_at", "2026-11-20T02:00:00Z"},
                                  {"end_at", "2026-11-20T02:20:00Z"}},
                                 admin());
    EXPECT_EQ(Followups(customer), 0);
    Reply done =
        Call("PATCH", Item(call),
             {{"status", "done"}, {"outcome", "客户同意下周报价"}, {"version", 1}}, admin());
    ASSERT_EQ(done.status, 200) << done.raw.body;
    Reply followups =
        Call("GET", "/api/v1/customers/" + customer["id"].dump() + "/followups", nullptr, admin());
    ASSERT_EQ(followups.body["total"], 1);
    EXPECT_EQ(followups.body["items"][0]["kind"], "call");
    EXPECT_EQ(followups.body["items"][0]["content"], "客户同意下周报价");
    EXPECT_EQ(followups.body["items"][0]["contacted_at"], "2026-11-20T02:20:00Z");
    // Done once is one follow-up: editing it again writes none; a meeting writes none.
    ASSERT_EQ(Call("PATCH", Item(call), {{"outcome", "已发报价"}}, admin()).status, 200);
    const json meeting = MustCreate({{"kind", "meeting"},
                                     {"subject", "内部会议"},
                                     {"customer_id", customer["id"]},
                                     {"start_at", "2026-11-20T05:00:00Z"}},
                                    admin());
    ASSERT_EQ(Call("PATCH", Item(meeting), {{"status", "done"}}, admin()).status, 200);
    EXPECT_EQ(Followups(customer), 1);

    // Both or neither: when the follow-up can't be written, the activity stays planned.
    const json visit = MustCreate({{"kind", "incoming_visit"},
                                   {"subject", "客户来访"},
                                   {"customer_id", customer["id"]},
                                   {"start_at", "2026-11-21T02:00:00Z"}},
                                  admin());
    if (postgres()) {
        Sql("CREATE FUNCTION refuse_followup() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
            "'refused'; END $$ LANGUAGE plpgsql");
        Sql("CREATE TRIGGER refuse_followup BEFORE INSERT ON followups FOR EACH ROW EXECUTE "
            "FUNCTION refuse_followup()");
    } else {
        Sql("CREATE TRIGGER refuse_followup BEFORE INSERT ON followups BEGIN SELECT "
            "RAISE(ABORT, 'refused'); END");
    }
    Reply failed = Call("PATCH", Item(visit), {{"status", "done"}}, admin());
    EXPECT_GE(failed.status, 400);  // the database's refusal, as the API answers it
    EXPECT_EQ(Call("GET", Item(visit), nullptr, admin()).body["status"], "planned");
    EXPECT_EQ(Call("GET", Item(visit), nullptr, admin()).body["version"], 1);
    EXPECT_EQ(Followups(customer), 1);
    Sql("DROP TRIGGER refuse_followup" + std::string(postgres() ? " ON followups" : ""));
    ASSERT_EQ(Call("PATCH", Item(visit), {{"status", "done"}}, admin()).status, 200);
    Reply after =
        Call("GET", "/api/v1/customers/" + customer["id"].dump() + "/followups", nullptr, admin());
    ASSERT_EQ(after.body["total"], 2);
    EXPECT_EQ(after.body["items"][0]["kind"], "visit");
    EXPECT_EQ(after.body["items"][0]["content"], "客户来访");  // no outcome: the subject
}

TEST_P(ActivitiesTest, ARepeatingActivityIsASeriesInTheOwnersZoneEditableOneByOneOrOnward) {
    SetZone("Europe/Berlin");
    // Mondays 09:00 in Berlin from 16 March 2026: CET (08:00Z) until the change on 29 March,
    // then CEST (07:00Z).
    const json first = MustCreate({{"kind", "meeting"},
                                   {"subject", "周例会"},
                                   {"start_at", "2026-03-16T08:00:00Z"},
                                   {"end_at", "2026-03-16T09:00:00Z"},
                                   {"repeat", {{"freq", "weekly"}, {"count", 5}}}},
                                  admin());
    ASSERT_TRUE(first["series_id"].is_number_integer());
    EXPECT_EQ(first["series_id"], first["id"]);
    const std::string series = "series_id=" + first["series_id"].dump() + "&sort=start_at";
    EXPECT_EQ(Starts(series),
              (std::vector<std::string>{"2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                                        "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z",
                                        "2026-04-13T07:00:00Z"}));
    Reply all = Call("GET", "/api/v1/activities?" + series, nullptr, admin());
    EXPECT_EQ(all.body["items"][4]["end_at"], "2026-04-13T08:00:00Z");
    EXPECT_EQ(all.body["items"][4]["subject"], "周例会");
    // One occurrence alone.
    const json second = all.body["items"][1];
    ASSERT_EQ(Call("PATCH", Item(second), {{"subject", "周例会（改到会议室 B）"}}, admin()).status,
              200);
    Reply after_one = Call("GET", "/api/v1/activities?" + series, nullptr, admin());
    EXPECT_EQ(after_one.body["items"][1]["subject"], "周例会（改到会议室 B）");
    EXPECT_EQ(after_one.body["items"][2]["subject"], "周例会");
    // This and the following: an hour later and a new location from the third on.
    const json third = after_one.body["items"][2];
    Reply onward = Call("PATCH", Item(third),
                        {{"start_at", "2026-03-30T08:00:00Z"},
                         {"end_at", "2026-03-30T09:00:00Z"},
                         {"location", "会议室 C"},
                         {"apply_to", "following"}},
                        admin());
    ASSERT_EQ(onward.status, 200) << onward.raw.body;
    EXPECT_EQ(Starts(series),
              (std::vector<std::string>{"2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z",
                                        "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z",
                                        "2026-04-13T08:00:00Z"}));
    Reply moved = Call("GET", "/api/v1/activities?" + series, nullptr, admin());
    EXPECT_TRUE(moved.body["items"][1]["location"].is_null());
    EXPECT_EQ(moved.body["items"][4]["location"], "会议室 C");
    EXPECT_EQ(moved.body["items"][4]["end_at"], "2026-04-13T09:00:00Z");
    EXPECT_EQ(Call("PATCH", Item(third), {{"apply_to", "all"}}, admin()).status, 422);
    Reply fixed =
        Call("PATCH", Item(third), {{"repeat", {{"freq", "daily"}, {"count", 2}}}}, admin());
    EXPECT_EQ(fixed.status, 422);
    EXPECT_TRUE(fixed.body["error"]["details"]["fields"].contains("repeat"));

    // Monthly on the 31st: the months without one are skipped (RFC 5545).
    const json monthly = MustCreate({{"kind", "task"},
                                     {"subject", "月底对账"},
                                     {"start_at", "2026-01-31T01:00:00Z"},
                                     {"repeat", {{"freq", "monthly"}, {"until", "2026-06-30"}}}},
                                    admin());
    std::vector<std::string> month_starts =
        Starts("series_id=" + monthly["id"].dump() + "&sort=start_at");
    EXPECT_EQ(month_starts,
              (std::vector<std::string>{"2026-01-31T01:00:00Z", "2026-03-31T00:00:00Z",
                                        "2026-05-31T00:00:00Z"}));
    // At most 500 occurrences, by count or by date; a bad rule is named.
    const json daily = {
        {"kind", "task"}, {"subject", "日报"}, {"start_at", "2026-01-01T01:00:00Z"}};
    json too_many = daily;
    too_many["repeat"] = {{"freq", "daily"}, {"count", 501}};
    EXPECT_EQ(Create(too_many, admin()).status, 422);
    too_many["repeat"] = {{"freq", "daily"}, {"until", "2028-01-01"}};
    Reply long_series = Create(too_many, admin());
    EXPECT_EQ(long_series.status, 422);
    EXPECT_EQ(long_series.body["error"]["details"]["field_codes"]["repeat"]["code"],
              "too_many_occurrences");
    too_many["repeat"] = {{"freq", "hourly"}, {"count", 3}};
    EXPECT_EQ(Create(too_many, admin()).status, 422);
    too_many["repeat"] = {{"freq", "daily"}, {"count", 500}, {"interval", 2}};
    const json longest = MustCreate(too_many, admin());
    EXPECT_EQ(Call("GET", "/api/v1/activities?series_id=" + longest["id"].dump(), nullptr, admin())
                  .body["total"],
              500);
}

// The python3-icalendar reading of a feed: one line per event, "uid|dtstart|dtend|sequence",
// times as Python writes them (with their UTC offset), dates as dates.
std::vector<std::string> ParseWithPython(const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string feed =
        (dir / ("guanxi-feed-" + std::to_string(::getpid()) + ".ics")).string();
    std::ofstream(feed, std::ios::binary) << text;
    const std::string script =
        "import sys, icalendar\n"
        "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
        "zones = [str(z['TZID']) for z in cal.walk('VTIMEZONE')]\n"
        "print('zones|' + ','.join(zones))\n"
        "for e in cal.walk('VEVENT'):\n"
        "    s, t = e.decoded('DTSTART'), e.decoded('DTEND')\n"
        "    print('|'.join([str(e['UID']), s.isoformat(), t.isoformat(), str(e['SEQUENCE']),"
        " str(e.get('DTSTART').params.get('TZID', '')), str(e['DTSTAMP'].dt.isoformat())]))\n";
    const std::string script_file = feed + ".py";
    std::ofstream(script_file) << script;
    // Debian's interpreter, where python3-icalendar is installed (scripts/deps.sh).
    const std::string command = "/usr/bin/python3 " + script_file + " " + feed + " 2>&1";
    std::vector<std::string> lines;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return lines;
    char buffer[4096];
    std::string line;
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) {
        line = buffer;
        if (!line.empty() && line.back() == '\n') line.pop_back();
        lines.push_back(line);
    }
    EXPECT_EQ(pclose(pipe), 0) << (lines.empty() ? "" : lines.back());
    std::filesystem::remove(feed);
    std::filesystem::remove(script_file);
    return lines;
}

TEST_P(ActivitiesTest, TheCalendarFeedParsesWithTimesInTheUsersZoneAcrossDaylightSaving) {
    SetZone("Europe/Berlin");
    const auto now = std::chrono::system_clock::now();
    const std::int64_t today =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() / 86400 *
        86400;
    // Two meetings a season apart (one in CET, one in CEST, whichever comes first) and an
    // all-day event of two days; one long gone, outside the window.
    const std::int64_t winter = today + 10 * 86400;
    const std::int64_t summer = today + 190 * 86400;
    const auto at = [](std::int64_t t) {
        char text[32];
        const std::time_t time = t;
        std::tm tm{};
        gmtime_r(&time, &tm);
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(text);
    };
    const json a = MustCreate({{"kind", "meeting"},
                               {"subject", "季度会议"},
                               {"start_at", at(winter + 8 * 3600)},
                               {"end_at", at(winter + 9 * 3600)},
                               {"remind_before_minutes", 15}},
                              admin());
    const json b = MustCreate({{"kind", "visit"},
                               {"subject", "拜访客户；带上样品, 合同"},
                               {"location", "上海"},
                               {"start_at", at(summer + 8 * 3600)},
                               {"end_at", at(summer + 9 * 3600)}},
                              admin());
    const json c = MustCreate({{"kind", "task"},
                               {"subject", "展会"},
                               {"all_day", true},
                               {"start_at", at(winter + 2 * 86400 + 12 * 3600)},
                               {"end_at", at(winter + 3 * 86400 + 12 * 3600)}},
                              admin());
    MustCreate({{"kind", "task"}, {"subject", "旧事"}, {"start_at", at(today - 200 * 86400)}},
               admin());
    ASSERT_EQ(Call("PATCH", Item(a), {{"location", "会议室"}}, admin()).status, 200);  // version 2

    Reply feed = Call("GET", "/api/v1/me/calendar-feed", nullptr, admin());
    ASSERT_EQ(feed.status, 200) << feed.raw.body;
    const std::string path = feed.body["path"];
    EXPECT_EQ(path.rfind("/calendar/", 0), 0u);
    // Shown once: the database keeps only its hash.
    EXPECT_TRUE(Call("GET", "/api/v1/me/calendar-feed", nullptr, admin()).body["path"].is_null());
    Reply ics = Call("GET", path);  // no session
    ASSERT_EQ(ics.status, 200) << ics.raw.body;
    EXPECT_EQ(ics.raw.HeaderValue("Content-Type").value_or(""), "text/calendar; charset=utf-8");

    const std::vector<std::string> lines = ParseWithPython(ics.raw.body);
    ASSERT_EQ(lines.size(), 4u) << (lines.empty() ? "" : lines.back());
    EXPECT_EQ(lines[0], "zones|Europe/Berlin");
    std::map<std::string, std::vector<std::string>> events;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (std::size_t bar; (bar = lines[i].find('|', start)) != std::string::npos;
             start = bar + 1) {
            parts.push_back(lines[i].substr(start, bar - start));
        }
        parts.push_back(lines[i].substr(start));
        events[parts[0]] = parts;
    }
    // The UTC offset Berlin has at `t` (+01:00 or +02:00), as Python writes it.
    const auto berlin = [&](std::int64_t t) {
        // The last Sunday of March 01:00Z to the last Sunday of October 01:00Z is summer time.
        const std::time_t time = t;
        std::tm tm{};
        gmtime_r(&time, &tm);
        const auto last_sunday = [&](int month) {
            std::tm day{};
            day.tm_year = tm.tm_year;
            day.tm_mon = month;
            day.tm_mday = 31;
            day.tm_hour = 1;
            std::time_t end = timegm(&day);
            std::tm check{};
            gmtime_r(&end, &check);
            return end - check.tm_wday * 86400;
        };
        const bool summer_time = t >= last_sunday(2) && t < last_sunday(9);
        const std::int64_t offset = summer_time ? 7200 : 3600;
        std::string local = at(t + offset);
        local.pop_back();  // the Z
        return local + (summer_time ? "+02:00" : "+01:00");
    };
    const auto uid = [](const json& activity) {
        return "activity-" + activity["id"].dump() + "@guanxi";
    };
    ASSERT_TRUE(events.count(uid(a)));
    EXPECT_EQ(events[uid(a)][1], berlin(winter + 8 * 3600));
    EXPECT_EQ(events[uid(a)][2], berlin(winter + 9 * 3600));
    EXPECT_EQ(events[uid(a)][3], "1");  // SEQUENCE: edited once
    EXPECT_EQ(events[uid(a)][4], "Europe/Berlin");
    ASSERT_TRUE(events.count(uid(b)));
    EXPECT_EQ(events[uid(b)][1], berlin(summer + 8 * 3600));
    EXPECT_EQ(events[uid(b)][3], "0");
    // Across the change the wall clock differs by the hour Berlin moved (or not at all when both
    // fall in one season, which the 180 days between them rule out).
    EXPECT_NE(events[uid(a)][1].substr(19), events[uid(b)][1].substr(19));
    ASSERT_TRUE(events.count(uid(c)));
    EXPECT_EQ(events[uid(c)][1], at(winter + 2 * 86400).substr(0, 10));  // a date, no time
    EXPECT_EQ(events[uid(c)][2], at(winter + 4 * 86400).substr(0, 10));  // the day after
    EXPECT_NE(ics.raw.body.find("BEGIN:VALARM"), std::string::npos);
    EXPECT_NE(ics.raw.body.find("TRIGGER:-PT15M"), std::string::npos);

    // A new secret: the old URL is gone at once, the new one works.
    Reply rotated = Call("POST", "/api/v1/me/calendar-feed/rotate", json::object(), admin());
    ASSERT_EQ(rotated.status, 200) << rotated.raw.body;
    EXPECT_EQ(Call("GET", path).status, 404);
    EXPECT_EQ(Call("GET", rotated.body["path"].get<std::string>()).status, 200);
    EXPECT_EQ(Call("GET", "/calendar/not-a-secret.ics").status, 404);
    EXPECT_EQ(Call("GET", "/calendar/" + path.substr(10, 43)).status, 404);  // without .ics
}

GUANXI_API_TEST_SUITE(ActivitiesTest);

}  // namespace
}  // namespace guanxi::testing
