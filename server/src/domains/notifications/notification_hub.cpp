#include "domains/notifications/notification_hub.hpp"

#include "core/log.hpp"
#include "core/threads.hpp"

#include <charconv>

namespace guanxi::notifications {

namespace {

using nlohmann::json;

// Notifications sent to a stream that (re)connects with a Last-Event-ID: the newest of what it
// missed; the client reads the rest from the list.
constexpr std::int64_t kCatchUpLimit = 200;

std::string UnreadFrame(std::int64_t unread) {
    return http::EventStream::Frame("unread", json{{"unread", unread}}.dump());
}

std::string NotificationFrame(const db::Row& row) {
    return http::EventStream::Frame("notification", ToJson(row).dump(),
                                    EventId(row.Int(8), row.Int(0)));
}

// "<visible_at>.<id>" → the pair; nullopt for anything else.
std::optional<std::pair<UnixSeconds, std::int64_t>> ParseEventId(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::int64_t at = 0, id = 0;
    const auto a = std::from_chars(text.data(), text.data() + dot, at);
    const auto b = std::from_chars(text.data() + dot + 1, text.data() + text.size(), id);
    if (a.ec != std::errc() || a.ptr != text.data() + dot || b.ec != std::errc() ||
        b.ptr != text.data() + text.size() || at < 0 || id < 0) {
        return std::nullopt;
    }
    return std::pair{at, id};
}

}  // namespace

std::string EventId(UnixSeconds visible_at, std::int64_t id) {
    return std::to_string(visible_at) + "." + std::to_string(id);
}

NotificationHub::NotificationHub(NotificationStore& store, HubOptions options)
    : store_(store), options_(options) {}

NotificationHub::~NotificationHub() { Stop(); }

Result<std::shared_ptr<http::EventStream>> NotificationHub::Subscribe(
    std::int64_t user_id, std::optional<std::string> last_event_id, UnixSeconds now,
    SessionCheck signed_in) {
    auto stream = std::make_shared<http::EventStream>();
    std::string frames;
    if (last_event_id) {
        if (auto after = ParseEventId(*last_event_id)) {
            GX_TRY_ASSIGN(db::Rows missed, store_.UnreadAfter(user_id, after->first, after->second,
                                                              now, kCatchUpLimit));
            for (const db::Row& row : missed) frames += NotificationFrame(row);
        }
    }
    GX_TRY_ASSIGN(std::int64_t unread, store_.UnreadCount(user_id, now));
    frames += UnreadFrame(unread);
    stream->Send(std::move(frames));
    std::lock_guard lock(mutex_);
    streams_[user_id].push_back(stream);
    if (signed_in) checks_.emplace_back(stream, std::move(signed_in));
    return stream;
}

std::size_t NotificationHub::CheckSessions() {
    std::vector<std::pair<std::weak_ptr<http::EventStream>, SessionCheck>> checks;
    {
        std::lock_guard lock(mutex_);
        std::erase_if(checks_, [](const auto& check) {
            auto stream = check.first.lock();
            return !stream || stream->closed();
        });
        checks = checks_;
    }
    // The checks read sessions (a database read when the session cache has no answer): outside
    // the lock, so subscribing and sending never wait for them.
    std::size_t closed = 0;
    for (const auto& [weak, signed_in] : checks) {
        auto stream = weak.lock();
        if (!stream || stream->closed() || signed_in()) continue;
        stream->Send(http::EventStream::Frame("signed_out", "{}"));
        stream->Close();
        ++closed;
    }
    return closed;
}

std::vector<std::shared_ptr<http::EventStream>> NotificationHub::StreamsOfLocked(
    std::int64_t user_id) {
    std::vector<std::shared_ptr<http::EventStream>> open;
    auto it = streams_.find(user_id);
    if (it == streams_.end()) return open;
    auto& list = it->second;
    for (auto weak = list.begin(); weak != list.end();) {
        auto stream = weak->lock();
        if (!stream || stream->closed()) {
            weak = list.erase(weak);
        } else {
            open.push_back(std::move(stream));
            ++weak;
        }
    }
    if (list.empty()) streams_.erase(it);
    return open;
}

void NotificationHub::Send(std::int64_t user_id, const std::string& frames) {
    std::vector<std::shared_ptr<http::EventStream>> streams;
    {
        std::lock_guard lock(mutex_);
        streams = StreamsOfLocked(user_id);
    }
    for (const auto& stream : streams) stream->Send(frames);
}

void NotificationHub::SendUnread(std::int64_t user_id, UnixSeconds now) {
    {
        std::lock_guard lock(mutex_);
        if (!streams_.contains(user_id)) return;
    }
    auto unread = store_.UnreadCount(user_id, now);
    if (unread) Send(user_id, UnreadFrame(*unread));
}

std::size_t NotificationHub::subscribers() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [user, list] : streams_) n += list.size();
    return n;
}

Status NotificationHub::ScanOnce(UnixSeconds now) {
    std::set<std::int64_t> users;
    {
        std::lock_guard lock(mutex_);
        if (cursor_at_ == 0) cursor_at_ = now - options_.slack_seconds;
        for (const auto& [user, list] : streams_) users.insert(user);
    }
    std::map<std::int64_t, std::string> frames;  // per user, in order
    const auto take = [&](const db::Row& row) {
        const std::int64_t user = row.Int(11);
        if (!users.contains(user)) return;
        if (!sent_.emplace(row.Int(8), row.Int(0)).second) return;
        frames[user] += NotificationFrame(row);
    };
    // What came after the cursor (a page at most; the next scan goes on).
    GX_TRY_ASSIGN(db::Rows rows,
                  store_.BecameVisible(cursor_at_, cursor_id_, now, options_.scan_limit));
    for (const db::Row& row : rows) take(row);
    const bool caught_up = static_cast<std::int64_t>(rows.size()) < options_.scan_limit;
    if (!rows.empty()) {
        cursor_at_ = rows.back().Int(8);
        cursor_id_ = rows.back().Int(0);
    }
    if (caught_up) {
        // A second look behind the cursor for what committed after the scan passed it.
        GX_TRY_ASSIGN(db::Rows late,
                      store_.VisibleBetween(cursor_at_ - options_.slack_seconds, cursor_at_));
        for (const db::Row& brief : late) {
            if (!users.contains(brief.Int(2)) || sent_.contains({brief.Int(1), brief.Int(0)})) {
                continue;
            }
            GX_TRY_ASSIGN(auto row, store_.Get(brief.Int(0)));
            if (row) take(*row);
        }
        // Nothing is left before now: the cursor moves to now, so an empty minute costs one
        // read of nothing.
        if (cursor_at_ < now) {
            cursor_at_ = now;
            cursor_id_ = 0;
        }
    }
    for (auto it = sent_.begin();
         it != sent_.end() && it->first <= cursor_at_ - options_.slack_seconds;) {
        it = sent_.erase(it);
    }
    std::vector<std::int64_t> reached;
    reached.reserve(frames.size());
    for (const auto& [user, text] : frames) reached.push_back(user);
    // The frames go out even if the counts can't be read (they are marked sent already); the
    // count then comes with the next change.
    const auto unread = store_.UnreadCounts(reached, now);
    for (auto& [user, text] : frames) {
        if (unread) {
            const auto count = unread->find(user);
            text += UnreadFrame(count == unread->end() ? 0 : count->second);
        }
        Send(user, text);
    }
    return {};
}

void NotificationHub::Start() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] {
        // A scan is background work: it never preempts the group-commit writer when it wakes.
        core::NameThisThread("gx-notify");
        core::WaitYourTurnOnWakeUp();
        std::unique_lock lock(wake_mutex_);
        auto sessions_checked = std::chrono::steady_clock::now();
        while (!stopping_) {
            lock.unlock();
            if (Status scanned = ScanOnce(NowSeconds()); !scanned) {
                log::Warn("notification_scan_failed", {{"error", scanned.error().message}});
            }
            if (std::chrono::steady_clock::now() - sessions_checked >=
                options_.session_check_interval) {
                sessions_checked = std::chrono::steady_clock::now();
                if (const std::size_t ended = CheckSessions(); ended > 0) {
                    log::Info("notification_streams_signed_out", {{"streams", ended}});
                }
            }
            lock.lock();
            wake_.wait_for(lock, options_.scan_interval, [this] { return stopping_; });
        }
    });
}

void NotificationHub::Stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    for (auto& [user, list] : streams_) {
        for (auto& weak : list) {
            if (auto stream = weak.lock()) stream->Close();
        }
    }
    streams_.clear();
}

}  // namespace guanxi::notifications
