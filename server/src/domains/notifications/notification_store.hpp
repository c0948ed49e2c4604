#pragma once
// The in-app notifications (提醒, issue 15; docs/adr/0008-notifications.md): what a reminder rule
// leaves for one user, read by that user only. A notification has a unique key (the rule's name
// for the reminder, e.g. "activity:42:start"), so a rule that runs twice — a job retried, two
// server processes — notifies once. It shows from its due time (visible_at: the due time, or the
// end of a snooze) until dismissed; it is unread until read.

#include "core/error.hpp"
#include "core/principal.hpp"
#include "core/time.hpp"
#include "db/database.hpp"
#include "http/list_query.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guanxi::notifications {

struct NewNotification {
    std::int64_t user_id = 0;
    std::string unique_key;  // at most 200 characters
    // What made it: activity_start, next_contact, no_followup, pool_warning, payment_due, system.
    std::string kind;
    std::string title;  // in the recipient's language (the rule knows it)
    std::string body;
    std::optional<std::string> link;  // the web page it opens, e.g. "/customers/42"
    std::optional<std::string> entity;
    std::optional<std::int64_t> entity_id;
    UnixSeconds due_at = 0;
};

// In the caller's transaction: true when the notification is new, false when one with its key
// exists already (nothing changes then). It shows from max(due_at, now).
Result<bool> Notify(db::Connection& conn, const NewNotification& notification, UnixSeconds now);

// A notification as the API answers it.
nlohmann::json ToJson(const db::Row& row);
// The columns ToJson reads, in order, from a notifications row aliased `n`.
extern const char* const kColumns;

class NotificationStore {
  public:
    explicit NotificationStore(db::Database& db) : db_(db) {}

    static const http::ListSpec& ListSpecification();

    // The caller's notifications that show at `now`, newest first; ?unread=true|false, ?kind=.
    Result<nlohmann::json> List(const Principal& caller, const http::ListQuery& query,
                                UnixSeconds now);
    Result<std::int64_t> UnreadCount(std::int64_t user_id, UnixSeconds now);
    // The same for many users in one query per 500 (the live scan's, after a pass that reached
    // thousands of users); a user with none is absent.
    Result<std::map<std::int64_t, std::int64_t>> UnreadCounts(
        const std::vector<std::int64_t>& user_ids, UnixSeconds now);
    // 404 unless it is the caller's.
    Status MarkRead(const Principal& caller, std::int64_t id, UnixSeconds now);
    // Every notification of the caller's that shows at `now`; how many were unread.
    Result<std::int64_t> ReadAll(const Principal& caller, UnixSeconds now);
    // Hides it until `until` (in the future, at most 30 days ahead), unread again: the live
    // channel sends it anew then. Body: {"minutes": N} or {"until": RFC 3339}.
    Result<nlohmann::json> Snooze(const Principal& caller, std::int64_t id,
                                  const nlohmann::json& body, UnixSeconds now);
    Status Dismiss(const Principal& caller, std::int64_t id, UnixSeconds now);

    // Unread notifications that show at `to` and come after (after_at, after_id) in the order
    // (visible_at, id), that order, at most `limit` (the live channel's scan).
    Result<db::Rows> BecameVisible(UnixSeconds after_at, std::int64_t after_id, UnixSeconds to,
                                   std::int64_t limit);
    // (id, visible_at, user_id) of the unread ones with visible_at in (from, to]: the scan's
    // second look for what committed after it passed.
    Result<db::Rows> VisibleBetween(UnixSeconds from, UnixSeconds to);
    Result<std::optional<db::Row>> Get(std::int64_t id);
    // The user's unread ones that show at `now` and come after the event id `after`
    // ("<visible_at>.<id>", the live channel's Last-Event-ID), oldest first, at most `limit`.
    Result<db::Rows> UnreadAfter(std::int64_t user_id, UnixSeconds after_at, std::int64_t after_id,
                                 UnixSeconds now, std::int64_t limit);

  private:
    db::Database& db_;
};

}  // namespace guanxi::notifications
