// The notification stream over a real socket (issue 15): `guanxi serve` answers
// GET /api/v1/notifications/stream with Server-Sent Events, sends a notification that another
// process wrote within a few seconds of its due time, catches a reconnecting client up from its
// Last-Event-ID, and still stops promptly on SIGTERM with streams open.

#include "real_server.hpp"

#include "core/time.hpp"

namespace guanxi::testing {
namespace {

class NotificationStreamTest : public HttpServerTest {
  protected:
    // The way a rule in another process would leave a notification for the admin (user 1). It
    // waits its turn like any writer: the server's own schedules (the reminder scan every 5 s)
    // write too.
    void Insert(const std::string& key, const std::string& title) {
        const auto now = std::to_string(NowSeconds());
        const std::string sql =
            "INSERT INTO notifications (user_id, unique_key, kind, title, body, due_at, "
            "visible_at, created_at) VALUES (1, '" +
            key + "', 'system', '" + title + "', '', " + now + ", " + now + ", " + now + ")";
        const std::string command = "sqlite3 -cmd '.timeout 10000' '" +
                                    (dir_ / "data" / "guanxi.db").string() + "' \"" + sql + "\"";
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    static std::string Stream(const std::string& authorization, const std::string& extra = "") {
        return "GET /api/v1/notifications/stream HTTP/1.1\r\nHost: x\r\nAccept: "
               "text/event-stream\r\n" +
               authorization + extra + "\r\n";
    }
};

TEST_F(NotificationStreamTest, DeliversLiveAndCatchesUpAReconnect) {
    Connection login(port_);
    const std::string authorization = AdminAuthorization(login);

    Connection stream(port_);
    ASSERT_TRUE(stream.connected());
    stream.Send(Stream(authorization));
    std::string got = stream.ReadUntil("event: unread");
    ASSERT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
    EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos) << got;
    EXPECT_EQ(got.find("Content-Length"), std::string::npos) << got;
    EXPECT_NE(got.find("data: {\"unread\":0}"), std::string::npos) << got;

    // Written by another process; the scan (every 2 s) finds it.
    const auto written = std::chrono::steady_clock::now();
    Insert("stream:1", "来自另一个进程的提醒");
    got = stream.ReadUntil("来自另一个进程的提醒");
    ASSERT_NE(got.find("来自另一个进程的提醒"), std::string::npos) << got;
    EXPECT_LT(std::chrono::steady_clock::now() - written, std::chrono::seconds(15));
    got = stream.ReadUntil("data: {\"unread\":1}");
    EXPECT_NE(got.find("data: {\"unread\":1}"), std::string::npos) << got;

    // A client that reconnects after the event it last had gets what came after it.
    Insert("stream:2", "断线期间的提醒");
    Connection again(port_);
    again.Send(Stream(authorization, "Last-Event-ID: 0.0\r\n"));
    got = again.ReadUntil("event: unread");
    EXPECT_NE(got.find("来自另一个进程的提醒"), std::string::npos) << got;
    EXPECT_NE(got.find("断线期间的提醒"), std::string::npos) << got;
    EXPECT_NE(got.find("data: {\"unread\":2}"), std::string::npos) << got;

    // SIGTERM with two streams open: the server still stops at once, cleanly.
    const auto asked = std::chrono::steady_clock::now();
    EXPECT_EQ(Terminate(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(10));
}

}  // namespace
}  // namespace guanxi::testing
