#include "http/event_stream.hpp"

namespace guanxi::http {

std::string EventStream::Frame(std::string_view event, std::string_view data, std::string_view id) {
    std::string out;
    out.reserve(data.size() + event.size() + id.size() + 24);
    if (!id.empty()) out.append("id: ").append(id).append("\n");
    if (!event.empty()) out.append("event: ").append(event).append("\n");
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = data.find('\n', start);
        out.append("data: ").append(data.substr(start, end - start)).append("\n");
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    out.append("\n");
    return out;
}

bool EventStream::Send(std::string frames) {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    if (pending_.size() + frames.size() > kMaxPending) {
        closed_ = true;
        if (wake_) wake_();
        return false;
    }
    pending_ += frames;
    if (wake_) wake_();
    return true;
}

void EventStream::Close() {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    if (wake_) wake_();
}

bool EventStream::closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
}

std::string EventStream::Take(bool& closed) {
    std::lock_guard lock(mutex_);
    closed = closed_;
    return std::exchange(pending_, {});
}

void EventStream::OnReady(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

}  // namespace guanxi::http
