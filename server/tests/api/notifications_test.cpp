// The in-app notifications (issue 15): each reminder reaches its recipient exactly once, only its
// recipient, and shows from its due time; read, read all, snooze and dismiss; the live stream
// sends what became visible, once per stream, and what a reconnecting client missed.

#include "api_test_support.hpp"
#include "domains/notifications/notification_hub.hpp"
#include "http/event_stream.hpp"

#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;
using notifications::NewNotification;

class NotificationsTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t role = CreateRole("n_sales", "self", json::array({"customers.view"}));
        alice_ = CreateUser("alice", role, std::nullopt);
        bob_ = CreateUser("bob", role, std::nullopt);
    }
    // Notify in its own transaction, as a rule's job does; true when it was new.
    bool Notify(std::int64_t user, const std::string& key, UnixSeconds due,
                const std::string& title = "回访客户") {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn);
        auto tx = db::Transaction::Begin(**conn, db::TxMode::kWrite);
        EXPECT_TRUE(tx);
        auto made = notifications::Notify(**conn,
                                          NewNotification{.user_id = user,
                                                          .unique_key = key,
                                                          .kind = "next_contact",
                                                          .title = title,
                                                          .body = "计划今天联系",
                                                          .link = "/customers/1",
                                                          .entity = "customer",
                                                          .entity_id = 1,
                                                          .due_at = due},
                                          NowSeconds());
        EXPECT_TRUE(made) << (made ? "" : made.error().message);
        EXPECT_TRUE(tx->Commit());
        return made && *made;
    }
    json List(const std::string& token, const std::string& query = "") {
        Reply r = Call("GET", "/api/v1/notifications" + query, nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body;
    }
    std::int64_t Unread(const std::string& token) {
        Reply r = Call("GET", "/api/v1/notifications/unread-count", nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body["unread"].get<std::int64_t>();
    }
    // Everything a stream has queued.
    static std::string Drain(const std::shared_ptr<http::EventStream>& stream) {
        bool closed = false;
        return stream->Take(closed);
    }
    static int Count(const std::string& text, const std::string& needle) {
        int n = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
            ++n;
        return n;
    }
    TestUser alice_, bob_;
};

TEST_P(NotificationsTest, OneKeyNotifiesOnceEvenFromManyWritersAtOnce) {
    const UnixSeconds now = NowSeconds();
    EXPECT_TRUE(Notify(alice_.id, "next_contact:1:2026-12-07", now));
    EXPECT_FALSE(Notify(alice_.id, "next_contact:1:2026-12-07", now));  // the rule ran again
    // Eight writers at once, as two processes running the same rule would.
    std::atomic<int> made{0};
    std::latch start(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            if (Notify(alice_.id, "activity:7:start", now)) ++made;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(made.load(), 1);
    EXPECT_EQ(List(alice_.token)["total"], 2);
    EXPECT_EQ(Unread(alice_.token), 2);
}

TEST_P(NotificationsTest, OnlyTheRecipientSeesOrTouchesIt) {
    ASSERT_TRUE(Notify(alice_.id, "k:alice", NowSeconds()));
    const json mine = List(alice_.token);
    ASSERT_EQ(mine["items"].size(), 1u);
    EXPECT_EQ(mine["items"][0]["title"], "回访客户");
    EXPECT_EQ(mine["items"][0]["link"], "/customers/1");
    EXPECT_EQ(mine["items"][0]["read"], false);
    const std::string id = mine["items"][0]["id"].dump();
    // Neither a colleague nor the administrator (data scope "all") sees or changes it.
    for (const std::string& token : {bob_.token, admin()}) {
        EXPECT_EQ(List(token)["total"], 0);
        EXPECT_EQ(Unread(token), 0);
        EXPECT_EQ(Call("POST", "/api/v1/notifications/" + id + "/read", nullptr, token).status,
                  404);
        EXPECT_EQ(Call("POST", "/api/v1/notifications/" + id + "/dismiss", nullptr, token).status,
                  404);
        EXPECT_EQ(Call("POST", "/api/v1/notifications/" + id + "/snooze", {{"minutes", 10}}, token)
                      .status,
                  404);
        EXPECT_EQ(Call("POST", "/api/v1/notifications/read-all", nullptr, token).body["read"], 0);
    }
    EXPECT_EQ(Unread(alice_.token), 1);
    EXPECT_EQ(Call("GET", "/api/v1/notifications", nullptr, "").status, 401);
}

TEST_P(NotificationsTest, ShowsFromItsDueTimeAndIsReadSnoozedAndDismissed) {
    const UnixSeconds now = NowSeconds();
    ASSERT_TRUE(Notify(alice_.id, "due:now", now - 60, "已到期"));
    ASSERT_TRUE(Notify(alice_.id, "due:later", now + 3600, "一小时后"));
    json list = List(alice_.token);
    ASSERT_EQ(list["total"], 1);  // the later one does not show yet
    EXPECT_EQ(list["items"][0]["title"], "已到期");
    EXPECT_EQ(list["unread"], 1);
    const std::string path = "/api/v1/notifications/" + list["items"][0]["id"].dump();

    EXPECT_EQ(Call("POST", path + "/read", nullptr, alice_.token).status, 204);
    EXPECT_EQ(Unread(alice_.token), 0);
    EXPECT_EQ(List(alice_.token, "?unread=true")["total"], 0);
    EXPECT_EQ(List(alice_.token, "?unread=false")["items"][0]["read"], true);

    // Snoozed: hidden until then, and unread again.
    Reply snoozed = Call("POST", path + "/snooze", {{"minutes", 15}}, alice_.token);
    ASSERT_EQ(snoozed.status, 200) << snoozed.raw.body;
    EXPECT_EQ(snoozed.body["read"], false);
    const auto until = ParseRfc3339(snoozed.body["visible_at"].get<std::string>());
    ASSERT_TRUE(until);
    EXPECT_GE(*until, now + 15 * 60);
    EXPECT_LE(*until, NowSeconds() + 15 * 60);
    EXPECT_EQ(List(alice_.token)["total"], 0);

    // Bad snoozes are refused, naming the field, and change nothing.
    for (const json& bad :
         {json{{"minutes", 0}}, json{{"minutes", 60 * 24 * 31}}, json{{"minutes", "10"}},
          json{{"until", "2020-01-01T00:00:00Z"}}, json{{"until", "tomorrow"}}, json::object()}) {
        Reply r = Call("POST", path + "/snooze", bad, alice_.token);
        EXPECT_EQ(r.status, 422) << bad.dump();
        EXPECT_EQ(r.code(), "validation_failed");
        EXPECT_EQ(r.body["error"]["details"]["fields"].size(), 1u) << r.raw.body;
        EXPECT_TRUE(r.body["error"]["details"].contains("field_codes")) << r.raw.body;
    }
    EXPECT_EQ(Call("GET", "/api/v1/notifications?unread=maybe", nullptr, alice_.token).status, 400);
    EXPECT_EQ(Call("GET", "/api/v1/notifications?owner_id=1", nullptr, alice_.token).status, 400);

    // Dismissed: gone for good, and a second dismissal is a 404.
    ASSERT_TRUE(Notify(alice_.id, "due:second", now, "第二条"));
    json second = List(alice_.token);
    ASSERT_EQ(second["total"], 1);
    const std::string second_path = "/api/v1/notifications/" + second["items"][0]["id"].dump();
    EXPECT_EQ(Call("POST", second_path + "/dismiss", nullptr, alice_.token).status, 204);
    EXPECT_EQ(Call("POST", second_path + "/dismiss", nullptr, alice_.token).status, 404);
    EXPECT_EQ(List(alice_.token)["total"], 0);

    // Read all reads what shows, not what is still to come.
    ASSERT_TRUE(Notify(alice_.id, "due:third", now));
    ASSERT_TRUE(Notify(alice_.id, "due:fourth", now));
    Reply all = Call("POST", "/api/v1/notifications/read-all", nullptr, alice_.token);
    ASSERT_EQ(all.status, 200);
    EXPECT_EQ(all.body["read"], 2);
    EXPECT_EQ(Unread(alice_.token), 0);
    EXPECT_EQ(List(alice_.token, "?kind=next_contact")["total"], 2);
}

TEST_P(NotificationsTest, AStreamEndsWhenItsSessionDoes) {
    // Alice has two sessions with a stream each; Bob one. Nothing has ended: nothing is closed.
    notifications::NotificationHub& hub = app().notification_hub();
    const std::string second = Login("alice", kPassword);
    auto open = [&](const std::string& token) {
        Reply r = Call("GET", "/api/v1/notifications/stream", nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.raw.events;
    };
    auto first_stream = open(alice_.token);
    auto second_stream = open(second);
    auto bobs = open(bob_.token);
    ASSERT_TRUE(first_stream && second_stream && bobs);
    EXPECT_EQ(hub.CheckSessions(), 0u);
    EXPECT_FALSE(first_stream->closed());

    // Alice logs out of the first session: its stream is told and closed, the other stays, so a
    // signed-out browser no longer receives her reminders (titles name customers).
    ASSERT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, alice_.token).status, 204);
    EXPECT_EQ(hub.CheckSessions(), 1u);
    bool closed = false;
    const std::string told = first_stream->Take(closed);
    EXPECT_NE(told.find("event: signed_out"), std::string::npos) << told;
    EXPECT_TRUE(closed);
    EXPECT_FALSE(second_stream->closed());
    ASSERT_TRUE(Notify(alice_.id, "after:logout", NowSeconds(), "登出后的提醒"));
    ASSERT_TRUE(hub.ScanOnce(NowSeconds()));
    ASSERT_TRUE(hub.ScanOnce(NowSeconds() + 1));
    EXPECT_NE(Drain(second_stream).find("登出后的提醒"), std::string::npos);

    // An administrator deactivates Bob: his stream ends too.
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(bob_.id), {{"active", false}}, admin())
            .status,
        200);
    EXPECT_EQ(hub.CheckSessions(), 1u);
    EXPECT_TRUE(bobs->closed());
    EXPECT_FALSE(second_stream->closed());
}

TEST_P(NotificationsTest, TheStreamSendsEachOnceAndCatchesUpAReconnect) {
    notifications::NotificationHub& hub = app().notification_hub();
    ASSERT_TRUE(Notify(alice_.id, "old:1", NowSeconds(), "连接前的提醒"));
    Reply opened = Call("GET", "/api/v1/notifications/stream", nullptr, alice_.token);
    ASSERT_EQ(opened.status, 200);
    ASSERT_TRUE(opened.raw.events);
    auto stream = opened.raw.events;
    // It starts with the unread count.
    std::string first = Drain(stream);
    EXPECT_NE(first.find("event: unread\ndata: {\"unread\":1}\n\n"), std::string::npos) << first;
    ASSERT_TRUE(hub.ScanOnce(NowSeconds()));  // the first scan only places the cursor
    Drain(stream);

    // Bob's stream never carries Alice's notifications.
    auto bobs = Call("GET", "/api/v1/notifications/stream", nullptr, bob_.token).raw.events;
    ASSERT_TRUE(bobs);
    Drain(bobs);

    ASSERT_TRUE(Notify(alice_.id, "live:1", NowSeconds(), "新提醒"));
    ASSERT_TRUE(hub.ScanOnce(NowSeconds()));
    std::string sent = Drain(stream);
    EXPECT_EQ(Count(sent, "event: notification\n"), 1) << sent;
    EXPECT_NE(sent.find("新提醒"), std::string::npos) << sent;
    EXPECT_NE(sent.find("event: unread\ndata: {\"unread\":2}"), std::string::npos) << sent;
    EXPECT_EQ(Drain(bobs).find("新提醒"), std::string::npos);
    // Scanning again sends nothing new.
    ASSERT_TRUE(hub.ScanOnce(NowSeconds()));
    EXPECT_EQ(Count(Drain(stream), "event: notification\n"), 0);

    // A notification that committed after the scan passed its time is still sent (the second
    // look behind the cursor), once.
    ASSERT_TRUE(hub.ScanOnce(NowSeconds() + 5));
    Drain(stream);
    ASSERT_TRUE(Notify(alice_.id, "late:1", NowSeconds(), "晚到的提醒"));
    ASSERT_TRUE(hub.ScanOnce(NowSeconds() + 6));
    sent = Drain(stream);
    EXPECT_EQ(Count(sent, "晚到的提醒"), 1) << sent;
    ASSERT_TRUE(hub.ScanOnce(NowSeconds() + 7));
    EXPECT_EQ(Count(Drain(stream), "晚到的提醒"), 0);

    // A read elsewhere updates the count on the open stream.
    std::string live_id;
    const json items = List(alice_.token)["items"];
    for (const json& item : items) {
        if (item["title"] == "新提醒") live_id = item["id"].dump();
    }
    ASSERT_FALSE(live_id.empty()) << items.dump();
    ASSERT_EQ(
        Call("POST", "/api/v1/notifications/" + live_id + "/read", nullptr, alice_.token).status,
        204);
    EXPECT_NE(Drain(stream).find("event: unread\ndata: {\"unread\":2}"), std::string::npos);

    // The client reconnects with the id of the last event it had ("0.0": before all): it gets
    // the ones after it that are still unread.
    EXPECT_NE(sent.find("id: "), std::string::npos) << sent;
    http::Request again;
    again.method = "GET";
    again.SetTarget("/api/v1/notifications/stream");
    again.headers["authorization"] = "Bearer " + alice_.token;
    again.headers["last-event-id"] = "0.0";
    Reply reconnected = Send(again);
    ASSERT_TRUE(reconnected.raw.events);
    const std::string caught_up = Drain(reconnected.raw.events);
    EXPECT_EQ(Count(caught_up, "event: notification\n"), 2) << caught_up;
    EXPECT_EQ(Count(caught_up, "晚到的提醒"), 1);
    EXPECT_EQ(Count(caught_up, "连接前的提醒"), 1);
    // Closed streams are dropped from the hub.
    stream->Close();
    bobs->Close();
    reconnected.raw.events->Close();
    hub.SendUnread(alice_.id, NowSeconds());
    hub.SendUnread(bob_.id, NowSeconds());
    EXPECT_EQ(hub.subscribers(), 0u);
}

GUANXI_API_TEST_SUITE(NotificationsTest);

}  // namespace
}  // namespace guanxi::testing
