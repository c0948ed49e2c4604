#include "domains/notifications/notification_store.hpp"

#include "db/row_json.hpp"
#include "db/sql_builder.hpp"

namespace guanxi::notifications {

namespace {

using nlohmann::json;

constexpr std::int64_t kMaxSnoozeMinutes = 30 * 24 * 60;
constexpr std::size_t kMaxKeyLength = 200;

constexpr const char* kInsert =
    "INSERT INTO notifications (user_id, unique_key, kind, title, body, link, entity, entity_id, "
    "due_at, visible_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (unique_key) DO NOTHING";

// What shows: not dismissed, visible by now.
constexpr const char* kShows = "n.dismissed_at IS NULL AND n.visible_at <= ?";

db::Value Opt(const std::optional<std::string>& v) {
    return v ? db::Value(*v) : db::Value(nullptr);
}

Error BadFilter(const std::string& name, const std::string& message) {
    return Error{ErrorCode::kBadRequest, message, {{"parameter", name}}, {}};
}

}  // namespace

const char* const kColumns =
    "n.id, n.kind, n.title, n.body, n.link, n.entity, n.entity_id, n.due_at, n.visible_at, "
    "n.created_at, n.read_at, n.user_id";

json ToJson(const db::Row& row) {
    return {{"id", row.Int(0)},
            {"kind", row.Text(1)},
            {"title", row.Text(2)},
            {"body", row.Text(3)},
            {"link", db::JsonText(row, 4)},
            {"entity", db::JsonText(row, 5)},
            {"entity_id", db::JsonInt(row, 6)},
            {"due_at", db::JsonTime(row, 7)},
            {"visible_at", db::JsonTime(row, 8)},
            {"created_at", db::JsonTime(row, 9)},
            {"read_at", db::JsonTime(row, 10)},
            {"read", !row.IsNull(10)}};
}

Result<bool> Notify(db::Connection& conn, const NewNotification& n, UnixSeconds now) {
    if (n.unique_key.empty() || n.unique_key.size() > kMaxKeyLength) {
        return Error::Internal("notification key must be 1 to 200 characters: " + n.unique_key);
    }
    const UnixSeconds visible = std::max(n.due_at, now);
    GX_TRY_ASSIGN(std::int64_t inserted,
                  conn.Execute(kInsert, {n.user_id, n.unique_key, n.kind, n.title, n.body,
                                         Opt(n.link), Opt(n.entity),
                                         n.entity_id ? db::Value(*n.entity_id) : db::Value(nullptr),
                                         n.due_at, visible, now}));
    return inserted > 0;
}

const http::ListSpec& NotificationStore::ListSpecification() {
    static const http::ListSpec kSpec{{"unread", "kind"}, {}, {}, false};
    return kSpec;
}

Result<json> NotificationStore::List(const Principal& caller, const http::ListQuery& query,
                                     UnixSeconds now) {
    db::Where where;
    where.Add("n.user_id = ?", {caller.user_id});
    where.Add(kShows, {now});
    for (const auto& [name, value] : query.filters) {
        if (name == "unread") {
            if (value != "true" && value != "false") {
                return BadFilter(name, "unread must be true or false.");
            }
            where.Add(value == "true" ? "n.read_at IS NULL" : "n.read_at IS NOT NULL");
        } else {
            where.Add("n.kind = ?", {value});
        }
    }
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto count, conn->QueryOne("SELECT COUNT(*) FROM notifications n" + where.Sql(),
                                             where.params()));
    db::Params params = where.params();
    params.emplace_back(query.page_size);
    params.emplace_back(query.Offset());
    GX_TRY_ASSIGN(
        db::Rows rows,
        conn->Query(std::string("SELECT ") + kColumns + " FROM notifications n" + where.Sql() +
                        " ORDER BY n.visible_at DESC, n.id DESC LIMIT ? OFFSET ?",
                    params));
    json items = json::array();
    for (const db::Row& row : rows) items.push_back(ToJson(row));
    GX_TRY_ASSIGN(std::int64_t unread, UnreadCount(caller.user_id, now));
    json page = http::ListPage(std::move(items), count ? count->Int(0) : 0, query);
    page["unread"] = unread;
    return page;
}

Result<std::int64_t> NotificationStore::UnreadCount(std::int64_t user_id, UnixSeconds now) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(std::string("SELECT COUNT(*) FROM notifications n "
                                                       "WHERE n.user_id = ? AND ") +
                                               kShows + " AND n.read_at IS NULL",
                                           {user_id, now}));
    return row ? row->Int(0) : 0;
}

Result<std::map<std::int64_t, std::int64_t>> NotificationStore::UnreadCounts(
    const std::vector<std::int64_t>& user_ids, UnixSeconds now) {
    constexpr std::size_t kChunk = 500;
    std::map<std::int64_t, std::int64_t> counts;
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    for (std::size_t at = 0; at < user_ids.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, user_ids.size() - at);
        db::Params params{now};
        params.insert(params.end(), user_ids.begin() + static_cast<std::ptrdiff_t>(at),
                      user_ids.begin() + static_cast<std::ptrdiff_t>(at + n));
        GX_TRY_ASSIGN(db::Rows rows,
                      conn->Query(std::string("SELECT n.user_id, COUNT(*) FROM notifications n "
                                              "WHERE n.dismissed_at IS NULL AND n.visible_at "
                                              "<= ? AND n.read_at IS NULL AND n.user_id IN (") +
                                      db::Placeholders(n) + ") GROUP BY n.user_id",
                                  params));
        for (const db::Row& row : rows) counts[row.Int(0)] = row.Int(1);
    }
    return counts;
}

Status NotificationStore::MarkRead(const Principal& caller, std::int64_t id, UnixSeconds now) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne("SELECT read_at FROM notifications WHERE id = ? AND "
                                           "user_id = ? AND dismissed_at IS NULL",
                                           {id, caller.user_id}));
    if (!row) return Error::NotFound("Notification");
    if (!row->IsNull(0)) return {};
    GX_TRY(conn->Execute("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL",
                         {now, id}));
    return {};
}

Result<std::int64_t> NotificationStore::ReadAll(const Principal& caller, UnixSeconds now) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return conn->Execute(
        "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND "
        "dismissed_at IS NULL AND visible_at <= ?",
        {now, caller.user_id, now});
}

Result<json> NotificationStore::Snooze(const Principal& caller, std::int64_t id, const json& body,
                                       UnixSeconds now) {
    if (!body.is_object()) return Error::ValidationCode("body", "not_an_object", {});
    UnixSeconds until = 0;
    if (const auto minutes = body.find("minutes"); minutes != body.end()) {
        if (!minutes->is_number_integer() || minutes->get<std::int64_t>() < 1 ||
            minutes->get<std::int64_t>() > kMaxSnoozeMinutes) {
            return Error::ValidationCode("minutes", "snooze_minutes", {{"max", kMaxSnoozeMinutes}});
        }
        until = now + minutes->get<std::int64_t>() * 60;
    } else if (const auto at = body.find("until"); at != body.end()) {
        const auto parsed = at->is_string() ? ParseRfc3339(at->get<std::string>()) : std::nullopt;
        if (!parsed) return Error::ValidationCode("until", "not_a_datetime", {});
        if (*parsed <= now || *parsed > now + kMaxSnoozeMinutes * 60) {
            return Error::ValidationCode("until", "snooze_until", {});
        }
        until = *parsed;
    } else {
        return Error::ValidationCode("minutes", "required", {});
    }
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn->Execute("UPDATE notifications SET visible_at = ?, read_at = NULL WHERE "
                                "id = ? AND user_id = ? AND dismissed_at IS NULL",
                                {until, id, caller.user_id}));
    if (changed == 0) return Error::NotFound("Notification");
    GX_TRY_ASSIGN(auto row, conn->QueryOne(std::string("SELECT ") + kColumns +
                                               " FROM notifications n WHERE n.id = ?",
                                           {id}));
    if (!row) return Error::NotFound("Notification");
    return ToJson(*row);
}

Status NotificationStore::Dismiss(const Principal& caller, std::int64_t id, UnixSeconds now) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn->Execute("UPDATE notifications SET dismissed_at = ?, read_at = COALESCE("
                                "read_at, ?) WHERE id = ? AND user_id = ? AND dismissed_at IS NULL",
                                {now, now, id, caller.user_id}));
    if (changed == 0) return Error::NotFound("Notification");
    return {};
}

Result<db::Rows> NotificationStore::BecameVisible(UnixSeconds after_at, std::int64_t after_id,
                                                  UnixSeconds to, std::int64_t limit) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return conn->Query(std::string("SELECT ") + kColumns +
                           " FROM notifications n WHERE (n.visible_at > ? OR (n.visible_at = ? "
                           "AND n.id > ?)) AND n.visible_at <= ? AND n.read_at IS NULL AND "
                           "n.dismissed_at IS NULL ORDER BY n.visible_at, n.id LIMIT ?",
                       {after_at, after_at, after_id, to, limit});
}

Result<db::Rows> NotificationStore::VisibleBetween(UnixSeconds from, UnixSeconds to) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return conn->Query(
        "SELECT n.id, n.visible_at, n.user_id FROM notifications n WHERE n.visible_at > ? AND "
        "n.visible_at <= ? AND n.read_at IS NULL AND n.dismissed_at IS NULL",
        {from, to});
}

Result<std::optional<db::Row>> NotificationStore::Get(std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return conn->QueryOne(
        std::string("SELECT ") + kColumns + " FROM notifications n WHERE n.id = ?", {id});
}

Result<db::Rows> NotificationStore::UnreadAfter(std::int64_t user_id, UnixSeconds after_at,
                                                std::int64_t after_id, UnixSeconds now,
                                                std::int64_t limit) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return conn->Query(std::string("SELECT ") + kColumns +
                           " FROM notifications n WHERE n.user_id = ? AND " + kShows +
                           " AND n.read_at IS NULL AND (n.visible_at > ? OR (n.visible_at "
                           "= ? AND n.id > ?)) ORDER BY n.visible_at, n.id LIMIT ?",
                       {user_id, now, after_at, after_at, after_id, limit});
}

}  // namespace guanxi::notifications
