#include "domains/reminders/reminder_service.hpp"

#include "core/log.hpp"
#include "core/time_zone.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/customer.hpp"
#include "domains/notifications/notification_store.hpp"
#include "mail/outbox.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace guanxi::reminders {

namespace {

using nlohmann::json;

// A window left behind by a long stop is scanned an hour at a time, each hour committed with its
// cursor, so a restart after days does not hold one huge transaction.
constexpr std::int64_t kSliceSeconds = 3600;
// Reminders written per transaction: short write locks on SQLite, small transactions on both.
constexpr std::size_t kWriteChunk = 500;
// Digest rows handled per query; a digest more than this late is skipped (a stop of days should
// not mail yesterday's to-dos).
constexpr std::int64_t kDigestBatch = 500;
constexpr std::int64_t kDigestStaleSeconds = 12 * 3600;
constexpr std::size_t kDigestItems = 50;
constexpr std::int64_t kMaxQuietDays = 365;

constexpr std::string_view kRecipient =
    "SELECT u.active, u.email, u.language, COALESCE(u.time_zone, cs.time_zone), p.email_kinds "
    "FROM users u CROSS JOIN company_settings cs LEFT JOIN notification_preferences p "
    "ON p.user_id = u.id WHERE u.id = ? AND cs.id = 1";

struct Recipient {
    bool active = false;
    std::string email;
    bool english = false;
    std::string zone;
    std::vector<std::string> email_kinds;

    bool Wants(std::string_view kind) const {
        return !email.empty() &&
               std::find(email_kinds.begin(), email_kinds.end(), kind) != email_kinds.end();
    }
};

std::vector<std::string> KindsOf(const std::string& text) {
    std::vector<std::string> out;
    const json list = json::parse(text, nullptr, false);
    if (!list.is_array()) return out;
    for (const json& k : list) {
        if (k.is_string()) out.push_back(k.get<std::string>());
    }
    return out;
}

Result<std::optional<Recipient>> LoadRecipient(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kRecipient, {user_id}));
    if (!row) return std::optional<Recipient>();
    Recipient r;
    r.active = row->Bool(0);
    r.email = row->Text(1);
    r.english = row->Text(2) == "en";
    r.zone = row->IsNull(3) ? std::string(tz::kDefaultTimeZone) : row->Text(3);
    if (!tz::IsTimeZoneName(r.zone)) r.zone = std::string(tz::kDefaultTimeZone);
    r.email_kinds = KindsOf(row->Text(4));
    return std::optional<Recipient>(std::move(r));
}

std::string LocalStamp(std::string_view zone, UnixSeconds t, bool with_date = true) {
    const tz::LocalTime l = tz::ToLocal(zone, t);
    char buffer[32];
    if (with_date) {
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d", l.year, l.month, l.day,
                      l.hour, l.minute);
    } else {
        std::snprintf(buffer, sizeof buffer, "%02d:%02d", l.hour, l.minute);
    }
    return buffer;
}

std::string LocalDate(std::string_view zone, UnixSeconds t) {
    return LocalStamp(zone, t).substr(0, 10);
}

std::string Fill(std::string text, const std::string& time) {
    const std::string placeholder = "{time}";
    if (const auto at = text.find(placeholder); at != std::string::npos) {
        text.replace(at, placeholder.size(), time);
    }
    return text;
}

Result<bool> SmtpConfigured(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT 1 FROM smtp_settings WHERE id = 1"));
    return row.has_value();
}

// "HH:MM" with 00 <= HH <= 23, 00 <= MM <= 59.
std::optional<std::pair<int, int>> ParseClock(std::string_view s) {
    if (s.size() != 5 || s[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    const int hour = (s[0] - '0') * 10 + (s[1] - '0');
    const int minute = (s[3] - '0') * 10 + (s[4] - '0');
    if (hour > 23 || minute > 59) return std::nullopt;
    return std::make_pair(hour, minute);
}

const std::vector<std::string>& Categories() {
    return customers::CustomerMeta().Find("category")->options;
}

// Writes the reminders of one chunk: a notification each, and its e-mail when its recipient wants
// that kind by e-mail. Recipients are looked up once per scan.
class Deliverer {
  public:
    Result<ScanStats> Deliver(db::Connection& conn, const std::vector<Reminder>& reminders,
                              std::size_t from, std::size_t to, UnixSeconds now) {
        ScanStats stats;
        if (!smtp_) {
            GX_TRY_ASSIGN(bool configured, SmtpConfigured(conn));
            smtp_ = configured;
        }
        for (std::size_t i = from; i < to; ++i) {
            const Reminder& r = reminders[i];
            auto found = recipients_.find(r.user_id);
            if (found == recipients_.end()) {
                GX_TRY_ASSIGN(auto loaded, LoadRecipient(conn, r.user_id));
                found = recipients_.emplace(r.user_id, std::move(loaded)).first;
            }
            if (!found->second || !found->second->active) continue;
            const Recipient& to_user = *found->second;
            const std::string time = LocalStamp(to_user.zone, r.at);
            notifications::NewNotification n;
            n.user_id = r.user_id;
            n.unique_key = r.key;
            n.kind = r.kind;
            n.title = to_user.english ? r.title.en : r.title.zh;
            n.body = Fill(to_user.english ? r.body.en : r.body.zh, time);
            if (!r.link.empty()) n.link = r.link;
            if (!r.entity.empty()) n.entity = r.entity;
            if (r.entity_id != 0) n.entity_id = r.entity_id;
            n.due_at = r.due_at;
            GX_TRY_ASSIGN(bool inserted, notifications::Notify(conn, n, now));
            if (!inserted) continue;
            ++stats.notified;
            if (!*smtp_ || !to_user.Wants(r.kind)) continue;
            mail::Message message;
            message.to = {to_user.email, ""};
            message.subject = n.title;
            message.text_body = n.title + "\n\n" + n.body + "\n";
            if (!mail::Validate(message).ok()) {
                // A user's address the mail server could not take is no reason to hold back the
                // other reminders; the in-app one is there.
                log::Warn("reminder e-mail skipped", {{"user_id", r.user_id}, {"key", r.key}});
                continue;
            }
            GX_TRY_ASSIGN(auto queued, mail::Enqueue(conn, message, r.key + ":email"));
            if (queued) ++stats.emailed;
        }
        return stats;
    }

  private:
    std::optional<bool> smtp_;
    std::map<std::int64_t, std::optional<Recipient>> recipients_;
};

void Add(ScanStats& total, const ScanStats& part) {
    total.found += part.found;
    total.notified += part.notified;
    total.emailed += part.emailed;
    total.digests += part.digests;
}

json StatsJson(const ScanStats& s) {
    return {{"found", s.found},
            {"notified", s.notified},
            {"emailed", s.emailed},
            {"digests", s.digests}};
}

}  // namespace

UnixSeconds NextDigestAt(std::string_view zone, std::string_view hh_mm, UnixSeconds after) {
    const auto clock = ParseClock(hh_mm).value_or(std::make_pair(8, 0));
    // Today's time in the zone, else tomorrow's (a day later on the local calendar: +26 h from the
    // start of today lands in tomorrow whatever the day's length).
    UnixSeconds day = tz::StartOfDay(zone, after);
    for (int i = 0; i < 3; ++i) {
        tz::LocalTime local = tz::ToLocal(zone, day);
        local.hour = clock.first;
        local.minute = clock.second;
        local.second = 0;
        const UnixSeconds at = tz::FromLocal(zone, local);
        if (at > after) return at;
        day = tz::StartOfDay(zone, day + 26 * 3600);
    }
    return after + 24 * 3600;  // not reached: one of three days has the time after `after`
}

ReminderService::ReminderService(db::Database& db, Clock clock)
    : db_(db), clock_(std::move(clock)) {}

void ReminderService::AddSource(ReminderSource source) { sources_.push_back(std::move(source)); }

Result<json> ReminderService::RunScanJob() {
    GX_TRY_ASSIGN(ScanStats stats, Scan(clock_()));
    return StatsJson(stats);
}

Result<ScanStats> ReminderService::Scan(UnixSeconds now) {
    ScanStats total;
    for (const ReminderSource& source : sources_) {
        GX_TRY_ASSIGN(ScanStats stats, ScanSource(source, now));
        Add(total, stats);
    }
    GX_TRY_ASSIGN(total.digests, SendDigests(now));
    return total;
}

Result<ScanStats> ReminderService::ScanSource(const ReminderSource& source, UnixSeconds now) {
    ScanStats total;
    GX_TRY_ASSIGN(db::Lease lease, db_.Acquire());
    db::Connection& conn = *lease;
    GX_TRY_ASSIGN(
        auto cursor,
        conn.QueryOne("SELECT scanned_to FROM reminder_cursors WHERE source = ?", {source.name}));
    if (!cursor) {
        GX_TRY(
            conn.Execute("INSERT INTO reminder_cursors (source, scanned_to) VALUES (?, ?) "
                         "ON CONFLICT (source) DO NOTHING",
                         {source.name, now}));
        return total;
    }
    GX_TRY_ASSIGN(json rules, ReadRules(conn));
    Deliverer deliverer;
    UnixSeconds from = cursor->Int(0);
    bool first = true;
    while (first || from < now) {
        const UnixSeconds to = std::min(now, from + kSliceSeconds);
        const ScanWindow window{from - kOverlapSeconds, to};
        first = false;
        GX_TRY_ASSIGN(std::vector<Reminder> found, source.find(conn, window, rules));
        total.found += static_cast<std::int64_t>(found.size());
        for (std::size_t at = 0; at < found.size(); at += kWriteChunk) {
            const std::size_t end = std::min(found.size(), at + kWriteChunk);
            GX_TRY_ASSIGN(ScanStats part,
                          db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& write) {
                              return deliverer.Deliver(write, found, at, end, now);
                          }));
            Add(total, part);
        }
        // Forward only: a slower scanner that finishes later does not move it back.
        GX_TRY(conn.Execute(
            "UPDATE reminder_cursors SET scanned_to = ? WHERE source = ? AND scanned_to < ?",
            {to, source.name, to}));
        from = to;
    }
    return total;
}

Result<std::int64_t> ReminderService::SendDigests(UnixSeconds now) {
    std::int64_t sent = 0;
    for (;;) {
        GX_TRY_ASSIGN(db::Rows due, [&]() -> Result<db::Rows> {
            GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
            return conn->Query(
                "SELECT user_id, digest_time, next_digest_at FROM notification_preferences "
                "WHERE digest_enabled = 1 AND next_digest_at <= ? ORDER BY next_digest_at LIMIT ?",
                {now, kDigestBatch});
        }());
        for (const db::Row& row : due) {
            const std::int64_t user_id = row.Int(0);
            const std::string clock = row.Text(1);
            const UnixSeconds due_at = row.Int(2);
            GX_TRY_ASSIGN(
                bool queued,
                db::InTransaction(
                    db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
                        GX_TRY_ASSIGN(auto user, LoadRecipient(conn, user_id));
                        const std::string zone =
                            user ? user->zone : std::string(tz::kDefaultTimeZone);
                        // The day's digest is claimed by moving its due time on: exactly once per
                        // user and day however many scanners reach it.
                        GX_TRY_ASSIGN(
                            std::int64_t claimed,
                            conn.Execute("UPDATE notification_preferences SET next_digest_at = ? "
                                         "WHERE user_id = ? AND next_digest_at = ?",
                                         {NextDigestAt(zone, clock, now), user_id, due_at}));
                        if (claimed == 0 || !user || !user->active || user->email.empty())
                            return false;
                        if (now - due_at > kDigestStaleSeconds) return false;
                        GX_TRY_ASSIGN(bool smtp, SmtpConfigured(conn));
                        if (!smtp) return false;
                        const UnixSeconds day_start = tz::StartOfDay(zone, due_at);
                        const UnixSeconds day_end = tz::StartOfDay(zone, day_start + 26 * 3600);
                        GX_TRY_ASSIGN(
                            db::Rows activities,
                            conn.Query(
                                "SELECT a.start_at, a.subject, a.all_day FROM activities a "
                                "WHERE a.deleted_at IS NULL AND a.status = 'planned' AND "
                                "a.start_at >= ? AND a.start_at < ? AND (a.owner_id = ? OR EXISTS "
                                "(SELECT 1 FROM activities_participants p WHERE p.record_id = a.id "
                                "AND p.user_id = ?)) ORDER BY a.start_at LIMIT ?",
                                {day_start, day_end, user_id, user_id,
                                 static_cast<std::int64_t>(kDigestItems)}));
                        GX_TRY_ASSIGN(
                            db::Rows contacts,
                            conn.Query(
                                "SELECT c.name, c.next_contact_at FROM customers c "
                                "WHERE c.owner_id = ? AND c.deleted_at IS NULL AND "
                                "c.next_contact_at IS NOT NULL AND c.next_contact_at < ? "
                                "ORDER BY c.next_contact_at LIMIT ?",
                                {user_id, day_end, static_cast<std::int64_t>(kDigestItems)}));
                        // Nothing to do today: no e-mail (a digest that says "nothing" every day
                        // teaches people to ignore it).
                        if (activities.empty() && contacts.empty()) return false;
                        const bool en = user->english;
                        const std::string date = LocalDate(zone, day_start);
                        mail::Message message;
                        message.to = {user->email, ""};
                        message.subject =
                            en ? "Today's to-dos (" + date +
                                     "): " + std::to_string(activities.size()) + " activities, " +
                                     std::to_string(contacts.size()) + " customers to contact"
                               : "今日待办（" + date + "）：" + std::to_string(activities.size()) +
                                     " 项日程，" + std::to_string(contacts.size()) +
                                     " 位待联系客户";
                        std::string text;
                        if (!activities.empty()) {
                            text += en ? "Activities today:\n" : "今日日程：\n";
                            for (const db::Row& a : activities) {
                                const std::string at = a.Bool(2)
                                                           ? (en ? "all day" : "全天")
                                                           : LocalStamp(zone, a.Int(0), false);
                                text += "- " + at + "  " + a.Text(1) + "\n";
                            }
                            text += "\n";
                        }
                        if (!contacts.empty()) {
                            text += en ? "Customers to contact (today and overdue):\n"
                                       : "待联系客户（今日及逾期）：\n";
                            for (const db::Row& c : contacts) {
                                text += "- " + LocalStamp(zone, c.Int(1)) + "  " + c.Text(0) + "\n";
                            }
                        }
                        message.text_body = text;
                        if (!mail::Validate(message).ok()) return false;
                        GX_TRY_ASSIGN(auto id, mail::Enqueue(conn, message,
                                                             "digest:" + std::to_string(user_id) +
                                                                 ":" + date + ":email"));
                        return id.has_value();
                    }));
            if (queued) ++sent;
        }
        if (static_cast<std::int64_t>(due.size()) < kDigestBatch) break;
    }
    return sent;
}

// ---- Settings -------------------------------------------------------------------------------

json ReminderService::DefaultRules() {
    // Quiet-customer reminders for the categories worth chasing; none for the closed and the not
    // interested (docs/DEVELOPING.md "Reminder sources").
    json days = json::object();
    for (const std::string& category : Categories()) days[category] = nullptr;
    days["core"] = 7;
    days["interested"] = 7;
    days["potential"] = 14;
    days["payment_due"] = 3;
    return {{"activity_start", {{"enabled", true}}},
            {"next_contact", {{"enabled", true}}},
            {"no_followup", {{"enabled", true}, {"days", days}}},
            {"payment_due", {{"enabled", true}}}};  // domains/contracts' source
}

Result<json> ReminderService::ReadRules(db::Connection& conn) {
    json rules = DefaultRules();
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT rules FROM reminder_settings WHERE id = 1"));
    if (row) {
        const json stored = json::parse(row->Text(0), nullptr, false);
        if (stored.is_object()) rules.merge_patch(stored);
    }
    return rules;
}

namespace {

json RulesAnswer(json rules, const std::optional<db::Row>& row) {
    rules["categories"] = Categories();
    rules["updated_at"] = row ? json(FormatRfc3339(row->Int(0))) : json(nullptr);
    rules["updated_by"] = row && !row->IsNull(1) ? json(row->Int(1)) : json(nullptr);
    return rules;
}

// A 422 naming each bad key of a rules body; nothing is saved then.
Status ValidateRules(const json& body) {
    if (!body.is_object()) return Error::ValidationCode("body", "not_an_object");
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    for (const auto& [key, value] : body.items()) {
        if (key != "activity_start" && key != "next_contact" && key != "no_followup" &&
            key != "payment_due") {
            error.FieldCode(key, "unknown_field");
            bad = true;
            continue;
        }
        if (!value.is_object()) {
            error.FieldCode(key, "not_an_object");
            bad = true;
            continue;
        }
        for (const auto& [name, v] : value.items()) {
            const std::string field = key + "." + name;
            if (name == "enabled") {
                if (!v.is_boolean()) {
                    error.FieldCode(field, "not_a_boolean");
                    bad = true;
                }
            } else if (name == "days" && key == "no_followup" && v.is_object()) {
                for (const auto& [category, n] : v.items()) {
                    const std::string f = field + "." + category;
                    const auto& known = Categories();
                    if (std::find(known.begin(), known.end(), category) == known.end()) {
                        error.FieldCode(f, "unknown_field");
                        bad = true;
                    } else if (!n.is_null() &&
                               (!n.is_number_integer() || n.get<std::int64_t>() < 1 ||
                                n.get<std::int64_t>() > kMaxQuietDays)) {
                        error.FieldCode(f, "not_in_range", {{"min", 1}, {"max", kMaxQuietDays}});
                        bad = true;
                    }
                }
            } else if (name == "days" && key == "no_followup") {
                error.FieldCode(field, "not_an_object");
                bad = true;
            } else {
                error.FieldCode(field, "unknown_field");
                bad = true;
            }
        }
    }
    if (bad) return error;
    return {};
}

constexpr std::string_view kRulesRow =
    "SELECT updated_at, updated_by, rules FROM reminder_settings WHERE id = 1";

}  // namespace

Result<json> ReminderService::Rules(const Principal& caller) {
    if (!caller.Can("users.manage")) return Error::Forbidden();
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(json rules, ReadRules(*conn));
    GX_TRY_ASSIGN(auto row, conn->QueryOne(kRulesRow));
    return RulesAnswer(std::move(rules), row);
}

Result<json> ReminderService::UpdateRules(const Principal& caller, const json& body) {
    if (!caller.Can("users.manage")) return Error::Forbidden();
    GX_TRY(ValidateRules(body));
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<json> {
        GX_TRY_ASSIGN(json before, ReadRules(conn));
        json after = before;
        after.merge_patch(body);
        // merge_patch drops a key set to null; a category turned off is kept as null.
        for (const std::string& category : Categories()) {
            if (!after["no_followup"]["days"].contains(category))
                after["no_followup"]["days"][category] = nullptr;
        }
        const UnixSeconds now = clock_();
        GX_TRY(conn.Execute(
            "INSERT INTO reminder_settings (id, rules, updated_at, updated_by) VALUES (1, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            {after.dump(), now, caller.user_id}));
        GX_TRY(audit::Record(
            conn, caller,
            {"settings.update",
             "settings",
             std::nullopt,
             {{"section", "reminders"}, {"changes", audit::Changes(body, before, after)}}}));
        GX_TRY_ASSIGN(auto row, conn.QueryOne(kRulesRow));
        return RulesAnswer(std::move(after), row);
    });
}

namespace {

constexpr std::string_view kPreferencesRow =
    "SELECT email_kinds, digest_enabled, digest_time, next_digest_at FROM "
    "notification_preferences WHERE user_id = ?";

}  // namespace

Result<json> ReminderService::Preferences(const Principal& caller) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto user, LoadRecipient(*conn, caller.user_id));
    if (!user) return Error::NotFound("User");
    GX_TRY_ASSIGN(auto row, conn->QueryOne(kPreferencesRow, {caller.user_id}));
    const std::vector<std::string> on = row ? KindsOf(row->Text(0)) : std::vector<std::string>{};
    json email = json::object();
    json kinds = json::array();
    for (const ReminderSource& source : sources_) {
        email[source.name] = std::find(on.begin(), on.end(), source.name) != on.end();
        kinds.push_back({{"kind", source.name},
                         {"label", {{"en", source.label.en}, {"zh-CN", source.label.zh}}}});
    }
    return json{
        {"email", email},
        {"digest",
         {{"enabled", row ? row->Bool(1) : false}, {"time", row ? row->Text(2) : "08:00"}}},
        {"next_digest_at",
         row && !row->IsNull(3) && row->Bool(1) ? json(FormatRfc3339(row->Int(3))) : json(nullptr)},
        {"kinds", kinds},
        {"email_address", user->email.empty() ? json(nullptr) : json(user->email)},
        {"time_zone", user->zone}};
}

Result<json> ReminderService::UpdatePreferences(const Principal& caller, const json& body) {
    if (!body.is_object()) return Error::ValidationCode("body", "not_an_object");
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    std::string known;
    for (const ReminderSource& source : sources_)
        known += (known.empty() ? "" : ", ") + source.name;
    for (const auto& [key, value] : body.items()) {
        if (key == "email" && value.is_object()) {
            for (const auto& [kind, on] : value.items()) {
                const bool exists = std::any_of(sources_.begin(), sources_.end(),
                                                [&](const auto& s) { return s.name == kind; });
                if (!exists) {
                    error.FieldCode("email." + kind, "unknown_kind",
                                    {{"kind", kind}, {"known", known}});
                    bad = true;
                } else if (!on.is_boolean()) {
                    error.FieldCode("email." + kind, "not_a_boolean");
                    bad = true;
                }
            }
        } else if (key == "digest" && value.is_object()) {
            for (const auto& [name, v] : value.items()) {
                if (name == "enabled" && !v.is_boolean()) {
                    error.FieldCode("digest.enabled", "not_a_boolean");
                    bad = true;
                } else if (name == "time" &&
                           (!v.is_string() || !ParseClock(v.get<std::string>()))) {
                    error.FieldCode("digest.time", "not_a_clock_time");
                    bad = true;
                } else if (name != "enabled" && name != "time") {
                    error.FieldCode("digest." + name, "unknown_field");
                    bad = true;
                }
            }
        } else if (key == "email" || key == "digest") {
            error.FieldCode(key, "not_an_object");
            bad = true;
        } else {
            error.FieldCode(key, "unknown_field");
            bad = true;
        }
    }
    if (bad) return error;
    GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto user, LoadRecipient(conn, caller.user_id));
        if (!user) return Error::NotFound("User");
        GX_TRY_ASSIGN(auto row, conn.QueryOne(kPreferencesRow, {caller.user_id}));
        std::vector<std::string> on = row ? KindsOf(row->Text(0)) : std::vector<std::string>{};
        bool digest = row ? row->Bool(1) : false;
        std::string clock = row ? row->Text(2) : "08:00";
        if (body.contains("email")) {
            for (const auto& [kind, value] : body["email"].items()) {
                std::erase(on, kind);
                if (value.get<bool>()) on.push_back(kind);
            }
            std::sort(on.begin(), on.end());
        }
        if (body.contains("digest")) {
            digest = body["digest"].value("enabled", digest);
            clock = body["digest"].value("time", clock);
        }
        const UnixSeconds now = clock_();
        const std::optional<std::int64_t> next =
            digest ? std::optional<std::int64_t>(NextDigestAt(user->zone, clock, now))
                   : std::nullopt;
        GX_TRY(conn.Execute(
            "INSERT INTO notification_preferences (user_id, email_kinds, digest_enabled, "
            "digest_time, next_digest_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET email_kinds = excluded.email_kinds, "
            "digest_enabled = excluded.digest_enabled, digest_time = excluded.digest_time, "
            "next_digest_at = excluded.next_digest_at, updated_at = excluded.updated_at",
            {caller.user_id, json(on).dump(), std::int64_t{digest ? 1 : 0}, clock,
             db::Nullable(next), now}));
        return {};
    }));
    return Preferences(caller);
}

}  // namespace guanxi::reminders
