#pragma once
// The live channel of notifications: each open event stream (GET /api/v1/notifications/stream)
// subscribes its user here, and a scan every `scan_interval` sends each subscriber what became
// visible for them since the last scan, with their unread count. The scan reads the database, not
// this process's own writes, so a notification made by another process (or due now after being
// made days ago) reaches every process's subscribers alike. A window of `slack` before the last
// scan is read again, so a notification whose transaction committed late is still sent; one sent
// already is not sent twice to a stream (a stream remembers what it sent within the window).

#include "domains/notifications/notification_store.hpp"
#include "http/event_stream.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace guanxi::notifications {

struct HubOptions {
    std::chrono::milliseconds scan_interval{2000};
    std::int64_t slack_seconds = 10;
    std::int64_t scan_limit = 20000;  // rows read per scan; the next scan goes on from there
    // How often each stream's session is checked again: a stream ends at most this long after
    // its session did (logout, a password change ending other sessions, a deactivated user).
    std::chrono::milliseconds session_check_interval{30000};
};

// Whether the session a stream was opened with is still signed in (false: end the stream).
using SessionCheck = std::function<bool()>;

class NotificationHub {
  public:
    NotificationHub(NotificationStore& store, HubOptions options = {});
    ~NotificationHub();

    // A new stream for the user: it starts with the unread count and the unread notifications
    // that came after `last_event_id` (the EventSource's Last-Event-ID on a reconnect: what the
    // client missed meanwhile); without one, with the count alone.
    // `signed_in`, when given, is asked every session_check_interval.
    Result<std::shared_ptr<http::EventStream>> Subscribe(std::int64_t user_id,
                                                         std::optional<std::string> last_event_id,
                                                         UnixSeconds now,
                                                         SessionCheck signed_in = {});
    // Sends the user's streams in this process their unread count now (after a read or dismiss
    // here; other processes' streams get it with their next notification).
    void SendUnread(std::int64_t user_id, UnixSeconds now);

    // The scan thread.
    void Start();
    void Stop();
    // One scan up to `now` (the thread's work; tests call it with their own clock).
    Status ScanOnce(UnixSeconds now);

    // Asks every open stream's SessionCheck; a stream whose session ended gets a "signed_out"
    // event and is closed. Returns how many were closed. (The thread's work; tests call it.)
    std::size_t CheckSessions();

    std::size_t subscribers() const;

  private:
    // The user's streams still open (closed ones are dropped); under mutex_.
    std::vector<std::shared_ptr<http::EventStream>> StreamsOfLocked(std::int64_t user_id);
    void Send(std::int64_t user_id, const std::string& frames);

    NotificationStore& store_;
    HubOptions options_;
    mutable std::mutex mutex_;
    std::map<std::int64_t, std::vector<std::weak_ptr<http::EventStream>>> streams_;
    std::vector<std::pair<std::weak_ptr<http::EventStream>, SessionCheck>> checks_;
    // The scan's place: the last (visible_at, id) it read.
    UnixSeconds cursor_at_ = 0;
    std::int64_t cursor_id_ = 0;
    // (visible_at, id) of notifications sent within the slack window, not to send them twice.
    std::set<std::pair<UnixSeconds, std::int64_t>> sent_;
    std::thread thread_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

// "<visible_at>.<id>": a notification's event id in the stream.
std::string EventId(UnixSeconds visible_at, std::int64_t id);

}  // namespace guanxi::notifications
