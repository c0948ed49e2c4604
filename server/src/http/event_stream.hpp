#pragma once
// A response that stays open and sends Server-Sent Events (text/event-stream, the WHATWG HTML
// standard's EventSource): a route answers with Response::events set, the server writes the head
// and then whatever producers Send, from any thread, until the client goes away, the producer
// closes it or the server stops. A comment line goes out when nothing was sent for a while, so a
// dead client is noticed and proxies keep the connection.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace guanxi::http {

class EventStream {
  public:
    // One event in the stream's wire form: "id: <id>\nevent: <event>\ndata: <data>\n\n" (data on
    // one line: JSON text has no newline unless pretty-printed; any is split into data lines).
    static std::string Frame(std::string_view event, std::string_view data,
                             std::string_view id = {});

    // Producers: queues frames (Frame's text) and wakes the session. False once closed (the
    // client went away): drop the stream. A client that reads slower than it is sent to is cut
    // off once kMaxPending bytes wait (it reconnects and catches up with Last-Event-ID).
    bool Send(std::string frames);
    // Ends the stream: the session writes what is queued and closes the connection.
    void Close();
    bool closed() const;

    // The session's side (http/server.cpp): takes everything queued; `closed` says whether the
    // stream ended.
    std::string Take(bool& closed);
    // The session's wake-up, called (under the stream's lock) by Send and Close; cleared when the
    // session ends.
    void OnReady(std::function<void()> wake);

    static constexpr std::size_t kMaxPending = 1 << 20;

  private:
    mutable std::mutex mutex_;
    std::string pending_;
    bool closed_ = false;
    std::function<void()> wake_;
};

}  // namespace guanxi::http
