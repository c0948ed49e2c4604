// The built-in reminder sources. Each reads one indexed range on its due time (migration 048):
// activities by start_at - remind_before_minutes, customers by next_contact_at
// (customers_live_next) and by category and last follow-up (customers_quiet_since).

#include "domains/reminders/reminder_service.hpp"

#include <map>
#include <set>

namespace guanxi::reminders {

namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 24 * 3600;

bool Enabled(const json& rules, std::string_view rule) {
    const auto it = rules.find(rule);
    return it == rules.end() || !it->is_object() || it->value("enabled", true);
}

// An activity's reminder time, as migration 048's index activities_remind_at spells it (the
// planner uses the index only for the same expression).
constexpr std::string_view kRemindAt = "(a.start_at - a.remind_before_minutes * 60)";
constexpr std::string_view kActivityColumns =
    "SELECT a.id, a.subject, a.start_at, a.remind_before_minutes, a.owner_id FROM activities a ";
constexpr std::string_view kActivityLive =
    "a.remind_before_minutes IS NOT NULL AND a.deleted_at IS NULL AND a.status = 'planned'";

// Reminders of planned activities to their owner and participants. Two ranges: those whose
// reminder time falls in the window, and those written in the window whose reminder time has
// already passed but whose start has not (an activity created or moved to 10:05 at 10:00 with a
// 15-minute lead is reminded at once). Rescheduling gives a new due time, hence a new key; a
// cancelled, done or deleted activity is no longer found.
Result<std::vector<Reminder>> FindActivityStarts(db::Connection& conn, const ScanWindow& window,
                                                 const json& rules) {
    std::vector<Reminder> out;
    if (!Enabled(rules, "activity_start")) return out;
    const std::string remind_at(kRemindAt);
    GX_TRY_ASSIGN(db::Rows due,
                  conn.Query(std::string(kActivityColumns) + "WHERE " + std::string(kActivityLive) +
                                 " AND " + remind_at + " > ? AND " + remind_at + " <= ?",
                             {window.from, window.to}));
    GX_TRY_ASSIGN(db::Rows changed,
                  conn.Query(std::string(kActivityColumns) + "WHERE a.updated_at > ? AND " +
                                 std::string(kActivityLive) + " AND " + remind_at +
                                 " <= ? AND a.start_at > ?",
                             {window.from, window.to, window.to}));
    std::map<std::int64_t, const db::Row*> activities;
    for (const db::Rows* rows : {&due, &changed}) {
        for (const db::Row& row : *rows) activities.emplace(row.Int(0), &row);
    }
    if (activities.empty()) return out;
    // Participants, a few hundred activities per query.
    std::map<std::int64_t, std::set<std::int64_t>> recipients;
    std::vector<std::int64_t> ids;
    for (const auto& [id, row] : activities) {
        ids.push_back(id);
        if (!row->IsNull(4)) recipients[id].insert(row->Int(4));
    }
    constexpr std::size_t kChunk = 500;
    for (std::size_t at = 0; at < ids.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, ids.size() - at);
        std::string sql =
            "SELECT record_id, user_id FROM activities_participants WHERE record_id IN (";
        db::Params params;
        for (std::size_t i = 0; i < n; ++i) {
            sql += i == 0 ? "?" : ", ?";
            params.emplace_back(ids[at + i]);
        }
        GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql + ")", params));
        for (const db::Row& row : rows) recipients[row.Int(0)].insert(row.Int(1));
    }
    for (const auto& [id, row] : activities) {
        const UnixSeconds start = row->Int(2);
        const UnixSeconds due = start - row->Int(3) * 60;
        const std::string subject = row->Text(1);
        for (std::int64_t user : recipients[id]) {
            out.push_back(Reminder{.user_id = user,
                                   .key = "activity:" + std::to_string(id) + ":" +
                                          std::to_string(due) + ":" + std::to_string(user),
                                   .kind = "activity_start",
                                   .title = {"Coming up: " + subject, "即将开始：" + subject},
                                   .body = {"Starts at {time}", "开始时间 {time}"},
                                   .at = start,
                                   .due_at = due,
                                   .link = "/records/activities/" + std::to_string(id),
                                   .entity = "activities",
                                   .entity_id = id});
        }
    }
    return out;
}

// 定时联系: a customer's planned next contact, to its owner, at that time. A new next contact is
// a new key; a customer without an owner (in the pool) has no one to remind.
Result<std::vector<Reminder>> FindNextContacts(db::Connection& conn, const ScanWindow& window,
                                               const json& rules) {
    std::vector<Reminder> out;
    if (!Enabled(rules, "next_contact")) return out;
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT c.id, c.name, c.next_contact_at, c.owner_id FROM customers c "
                             "WHERE c.deleted_at IS NULL AND c.next_contact_at > ? AND "
                             "c.next_contact_at <= ? AND c.owner_id IS NOT NULL",
                             {window.from, window.to}));
    for (const db::Row& row : rows) {
        const std::int64_t id = row.Int(0);
        const std::string name = row.Text(1);
        out.push_back(Reminder{.user_id = row.Int(3),
                               .key = "next_contact:" + std::to_string(id) + ":" +
                                      std::to_string(row.Int(2)) + ":" + std::to_string(row.Int(3)),
                               .kind = "next_contact",
                               .title = {"Time to contact " + name, "定时联系：" + name},
                               .body = {"Planned for {time}", "计划联系时间 {time}"},
                               .at = row.Int(2),
                               .due_at = row.Int(2),
                               .link = "/customers/" + std::to_string(id),
                               .entity = "customers",
                               .entity_id = id});
    }
    return out;
}

// "No follow-up for N days", per category: due N days after the last follow-up (or the
// customer's creation, if never followed up). A new follow-up moves the due time, hence a new key;
// one reminder per quiet spell. Customers already quiet for longer when a rule is set are not
// reminded (they cross the threshold before the rule existed; the to-do page lists them).
Result<std::vector<Reminder>> FindQuietCustomers(db::Connection& conn, const ScanWindow& window,
                                                 const json& rules) {
    std::vector<Reminder> out;
    if (!Enabled(rules, "no_followup")) return out;
    const json days = rules.value("no_followup", json::object()).value("days", json::object());
    for (const auto& [category, value] : days.items()) {
        if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) continue;
        const std::int64_t n = value.get<std::int64_t>();
        GX_TRY_ASSIGN(
            db::Rows rows,
            conn.Query("SELECT c.id, c.name, COALESCE(c.last_contact_at, c.created_at), c.owner_id "
                       "FROM customers c WHERE c.deleted_at IS NULL AND c.category = ? AND "
                       "COALESCE(c.last_contact_at, c.created_at) > ? AND "
                       "COALESCE(c.last_contact_at, c.created_at) <= ? AND c.owner_id IS NOT NULL",
                       {category, window.from - n * kDay, window.to - n * kDay}));
        for (const db::Row& row : rows) {
            const std::int64_t id = row.Int(0);
            const std::string name = row.Text(1);
            const std::string count = std::to_string(n);
            out.push_back(Reminder{.user_id = row.Int(3),
                                   .key = "no_followup:" + std::to_string(id) + ":" +
                                          std::to_string(row.Int(2)) + ":" +
                                          std::to_string(row.Int(3)),
                                   .kind = "no_followup",
                                   .title = {"No follow-up for " + count + " days: " + name,
                                             count + " 天未跟进：" + name},
                                   .body = {"Quiet since {time}", "自 {time} 起未跟进"},
                                   .at = row.Int(2),
                                   .due_at = row.Int(2) + n * kDay,
                                   .link = "/customers/" + std::to_string(id),
                                   .entity = "customers",
                                   .entity_id = id});
        }
    }
    return out;
}

}  // namespace

void AddBuiltInSources(ReminderService& service) {
    service.AddSource(
        {"activity_start", {"An activity is about to start", "日程即将开始"}, FindActivityStarts});
    service.AddSource(
        {"next_contact", {"Planned contact (定时联系)", "定时联系"}, FindNextContacts});
    service.AddSource(
        {"no_followup", {"No follow-up for N days", "超过 N 天未跟进"}, FindQuietCustomers});
}

}  // namespace guanxi::reminders
