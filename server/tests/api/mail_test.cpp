// E-mail end to end against a real SMTP server (Debian's python3-aiosmtpd, smtp_sink.py, started
// by the test on 127.0.0.1): the SMTP settings routes, the outbox drained by the job runner, the
// delivery log, retries while the server is down, dead and retried by hand, exactly once for a
// batch sent by several workers, STARTTLS with a login, and the settings page's test e-mail.
// Received messages are decoded by Python's e-mail parser, not by our own code.

#include "api_test_support.hpp"
#include "smtp_sink.hpp"

#include "core/time.hpp"
#include "mail/outbox.hpp"
#include "mail/smtp_settings_store.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A received message as Python's e-mail package reads it.
json Parse(const fs::path& eml) {
    const fs::path script = eml.parent_path() / "parse.py";
    std::ofstream(script) << R"(import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
parts = [{'type': p.get_content_type(), 'body': p.get_content()}
         for p in m.walk() if not p.is_multipart()]
print(json.dumps({'subject': m['subject'], 'to': str(m['to']), 'from': str(m['from']),
                  'message_id': m['message-id'], 'date': m['date'], 'type': m.get_content_type(),
                  'defects': len(m.defects), 'parts': parts}))
)";
    const std::string out_file = eml.string() + ".json";
    const std::string command =
        Python() + " " + script.string() + " " + eml.string() + " > " + out_file;
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return json::parse(Slurp(out_file));
}

class MailTest : public ApiTest {
  protected:
    json Settings(const SmtpSink& sink, const std::string& security = "none") {
        return {{"host", "127.0.0.1"},
                {"port", sink.port()},
                {"security", security},
                {"from_address", "crm@example.com"},
                {"from_name", "Guanxi 客户管理"},
                {"verify_certificate", true}};
    }
    void Configure(const json& settings) {
        Reply put = Call("PUT", "/api/v1/settings/smtp", settings, admin());
        ASSERT_EQ(put.status, 200) << put.raw.body;
    }
    static mail::Message Reminder(const std::string& to) {
        mail::Message m;
        m.to = {to, "李雷"};
        m.subject = "提醒：明天 09:00 拜访深圳华强科技";
        m.text_body = "您好，明天 09:00 拜访客户。\n";
        m.html_body = "<p>您好，明天 <b>09:00</b> 拜访客户。</p>";
        return m;
    }
    // Queues in a transaction of its own, as a caller's write would.
    std::optional<std::int64_t> Queue(const mail::Message& m, const std::string& key,
                                      std::int64_t max_attempts = mail::kDefaultMaxAttempts) {
        auto id = db::InTransaction(app().db(), db::TxMode::kWrite, [&](db::Connection& conn) {
            return mail::Enqueue(conn, m, key, max_attempts);
        });
        EXPECT_TRUE(id.ok()) << id.error().message << id.error().log_detail;
        return id.ok() ? *id : std::nullopt;
    }
    std::int64_t Drain() {
        auto ran = app().job_runner().Drain("test-worker");
        EXPECT_TRUE(ran.ok());
        return ran.ok() ? *ran : 0;
    }
    json Delivery(std::int64_t id) {
        Reply r = Call("GET", "/api/v1/deliveries/" + std::to_string(id), nullptr, admin());
        EXPECT_EQ(r.status, 200);
        return r.body;
    }
};

TEST_P(MailTest, SettingsAreForAdministratorsAndThePasswordIsNeverAnswered) {
    Reply empty = Call("GET", "/api/v1/settings/smtp", nullptr, admin());
    ASSERT_EQ(empty.status, 200);
    EXPECT_EQ(empty.body["configured"], false);
    EXPECT_EQ(empty.body["port"], 587);
    json settings = {{"host", "smtp.example.com"}, {"port", 465},
                     {"security", "tls"},          {"username", "crm"},
                     {"password", "s3cret-密码"},  {"from_address", "crm@example.com"},
                     {"from_name", "Guanxi"}};
    Reply put = Call("PUT", "/api/v1/settings/smtp", settings, admin());
    ASSERT_EQ(put.status, 200) << put.raw.body;
    EXPECT_FALSE(put.body.contains("password"));
    EXPECT_EQ(put.body["password_set"], true);
    EXPECT_EQ(put.body["security"], "tls");
    Reply got = Call("GET", "/api/v1/settings/smtp", nullptr, admin());
    EXPECT_EQ(got.raw.body.find("s3cret"), std::string::npos);
    EXPECT_EQ(got.body["configured"], true);
    // Left out, the password is kept; "" clears it.
    settings.erase("password");
    settings["port"] = 587;
    EXPECT_EQ(Call("PUT", "/api/v1/settings/smtp", settings, admin()).body["password_set"], true);
    auto stored = mail::LoadSmtpSettings(app().db());
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->password, "s3cret-密码");
    EXPECT_EQ((*stored)->port, 587);
    settings["password"] = "";
    EXPECT_EQ(Call("PUT", "/api/v1/settings/smtp", settings, admin()).body["password_set"], false);

    // Each bad field named, nothing changed.
    json bad = {{"host", "evil.example.com/x?"},
                {"port", 70000},
                {"security", "ssl"},
                {"from_address", "not-an-address"},
                {"from_name", "A\r\nBcc: x@y.z"},
                {"colour", "red"}};
    Reply refused = Call("PUT", "/api/v1/settings/smtp", bad, admin());
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(refused.code(), "validation_failed");
    for (const char* field : {"host", "port", "security", "from_address", "from_name", "colour"}) {
        EXPECT_TRUE(refused.body["error"]["details"]["fields"].contains(field)) << field;
    }
    EXPECT_EQ(Call("GET", "/api/v1/settings/smtp", nullptr, admin()).body["port"], 587);

    // Not an administrator: no settings, no test e-mail, no delivery log.
    TestUser sales = CreateUser("mail.sales", RoleId("sales"), std::nullopt);
    EXPECT_EQ(Call("GET", "/api/v1/settings/smtp", nullptr, sales.token).status, 403);
    EXPECT_EQ(Call("PUT", "/api/v1/settings/smtp", settings, sales.token).status, 403);
    EXPECT_EQ(
        Call("POST", "/api/v1/settings/smtp/test", {{"to", "a@example.com"}}, sales.token).status,
        403);
    EXPECT_EQ(Call("GET", "/api/v1/deliveries", nullptr, sales.token).status, 403);
}

TEST_P(MailTest, AQueuedMessageArrivesWithItsChineseSubjectBothPartsAndItsMessageId) {
    SmtpSink sink;
    sink.Start();
    Configure(Settings(sink));
    auto id = Queue(Reminder("li.lei@example.com"), "reminder:1:email");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(Delivery(*id)["status"], "queued");
    EXPECT_GE(Drain(), 1);

    auto messages = sink.Messages();
    ASSERT_EQ(messages.size(), 1u);
    json received = Parse(messages[0]);
    EXPECT_EQ(received["subject"], "提醒：明天 09:00 拜访深圳华强科技");
    EXPECT_EQ(received["to"], "李雷 <li.lei@example.com>");
    EXPECT_EQ(received["from"], "Guanxi 客户管理 <crm@example.com>");
    EXPECT_EQ(received["type"], "multipart/alternative");
    EXPECT_EQ(received["defects"], 0);
    ASSERT_EQ(received["parts"].size(), 2u);
    EXPECT_EQ(received["parts"][0]["type"], "text/plain");
    EXPECT_EQ(received["parts"][0]["body"], "您好，明天 09:00 拜访客户。\n");
    EXPECT_EQ(received["parts"][1]["type"], "text/html");
    EXPECT_EQ(received["parts"][1]["body"], "<p>您好，明天 <b>09:00</b> 拜访客户。</p>");
    EXPECT_EQ(Slurp(fs::path(messages[0]).replace_extension(".rcpt")), "li.lei@example.com\n");

    json delivery = Delivery(*id);
    EXPECT_EQ(delivery["status"], "sent");
    EXPECT_EQ(delivery["attempts"], 1);
    EXPECT_FALSE(delivery["sent_at"].is_null());
    EXPECT_EQ(received["message_id"], "<" + delivery["message_id"].get<std::string>() + ">");
    EXPECT_NE(delivery["message_id"].get<std::string>().find("@example.com"), std::string::npos);
    ASSERT_EQ(delivery["attempt_log"].size(), 1u);
    EXPECT_EQ(delivery["attempt_log"][0]["outcome"], "sent");
    // The log lists it, filtered by status and recipient; bodies only on the record itself.
    Reply sent = Call("GET", "/api/v1/deliveries?status=sent&recipient=li.lei@example.com", nullptr,
                      admin());
    ASSERT_EQ(sent.status, 200);
    ASSERT_EQ(sent.body["total"], 1);
    EXPECT_FALSE(sent.body["items"][0].contains("text_body"));
    EXPECT_EQ(Call("GET", "/api/v1/deliveries?status=dead", nullptr, admin()).body["total"], 0);
    EXPECT_EQ(Call("GET", "/api/v1/deliveries?status=lost", nullptr, admin()).status, 400);
    EXPECT_EQ(Call("GET", "/api/v1/deliveries?colour=red", nullptr, admin()).status, 400);
    // Running the jobs again sends nothing more.
    Drain();
    EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_P(MailTest, TheSameUniqueKeyIsQueuedOnceAndARolledBackCallerQueuesNothing) {
    ASSERT_TRUE(Queue(Reminder("a@example.com"), "reminder:7:email").has_value());
    EXPECT_FALSE(Queue(Reminder("a@example.com"), "reminder:7:email").has_value());
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        auto tx = db::Transaction::Begin(**conn, db::TxMode::kWrite);
        ASSERT_TRUE(tx.ok());
        ASSERT_TRUE(mail::Enqueue(**conn, Reminder("b@example.com"), "reminder:8:email").ok());
        // No commit: the caller's work failed, so its e-mail is not queued either.
    }
    EXPECT_EQ(Call("GET", "/api/v1/deliveries", nullptr, admin()).body["total"], 1);
    // A message that could not be sent as it is is refused when it is queued.
    mail::Message evil = Reminder("a@example.com");
    evil.subject += "\r\nBcc: everyone@example.com";
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto refused = mail::Enqueue(**conn, evil, "reminder:9:email");
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().details["fields"].contains("subject"));
}

TEST_P(MailTest, WithTheServerDownAMessageIsRetriedAndArrivesOnceWhenItIsBack) {
    app().outbox().SetBackoff([](std::int64_t) { return 2; });
    SmtpSink sink;  // not started yet
    Configure(Settings(sink));
    auto id = Queue(Reminder("wang.fang@example.com"), "reminder:2:email");
    ASSERT_TRUE(id.has_value());
    Drain();
    json delivery = Delivery(*id);
    EXPECT_EQ(delivery["status"], "failed");
    EXPECT_FALSE(delivery["last_error"].get<std::string>().empty());
    EXPECT_FALSE(delivery["next_attempt_at"].is_null());
    // Every attempt so far failed (one, unless that drain outlasted the backoff on a loaded
    // machine and the retry came round in it too).
    const std::size_t failed = delivery["attempt_log"].size();
    ASSERT_GE(failed, 1u);
    EXPECT_EQ(delivery["attempts"], failed);
    for (const json& attempt : delivery["attempt_log"]) EXPECT_EQ(attempt["outcome"], "failed");
    EXPECT_EQ(Drain(), 0);  // the retry waits for its backoff

    sink.Start();
    for (int i = 0; i < 300 && Delivery(*id)["status"] != "sent"; ++i) {  // the backoff, then 1 try
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        Drain();
    }
    delivery = Delivery(*id);
    EXPECT_EQ(delivery["status"], "sent");
    EXPECT_EQ(delivery["attempts"], failed + 1);
    EXPECT_TRUE(delivery["last_error"].is_null());
    ASSERT_EQ(delivery["attempt_log"].size(), failed + 1);
    EXPECT_EQ(delivery["attempt_log"][failed]["outcome"], "sent");
    ASSERT_EQ(sink.Messages().size(), 1u);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    Drain();
    EXPECT_EQ(sink.Messages().size(), 1u);
}

TEST_P(MailTest, AfterItsLastAttemptAMessageIsDeadVisibleAndCanBeRetriedByHand) {
    app().outbox().SetBackoff([](std::int64_t) { return 0; });
    SmtpSink sink;
    Configure(Settings(sink));
    auto id = Queue(Reminder("zhao.min@example.com"), "reminder:3:email", 2);
    ASSERT_TRUE(id.has_value());
    Drain();
    json delivery = Delivery(*id);
    EXPECT_EQ(delivery["status"], "dead");
    EXPECT_EQ(delivery["attempts"], 2);
    EXPECT_EQ(delivery["attempt_log"].size(), 2u);
    Reply dead = Call("GET", "/api/v1/deliveries?status=dead", nullptr, admin());
    ASSERT_EQ(dead.body["total"], 1);
    EXPECT_FALSE(dead.body["items"][0]["last_error"].get<std::string>().empty());

    sink.Start();
    Reply retried =
        Call("POST", "/api/v1/deliveries/" + std::to_string(*id) + "/retry", nullptr, admin());
    ASSERT_EQ(retried.status, 200) << retried.raw.body;
    EXPECT_EQ(retried.body["status"], "queued");
    EXPECT_EQ(retried.body["attempts"], 0);
    Drain();
    EXPECT_EQ(Delivery(*id)["status"], "sent");
    EXPECT_EQ(sink.Messages().size(), 1u);
    Reply again =
        Call("POST", "/api/v1/deliveries/" + std::to_string(*id) + "/retry", nullptr, admin());
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body["error"]["details"]["status"], "sent");
    EXPECT_EQ(Call("POST", "/api/v1/deliveries/999999/retry", nullptr, admin()).status, 404);
}

TEST_P(MailTest, FiftyQueuedMessagesSentByThreeWorkersArriveExactlyOnceEach) {
    SmtpSink sink;
    sink.Start();
    Configure(Settings(sink));
    auto queued =
        db::InTransaction(app().db(), db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            for (int i = 0; i < 50; ++i) {
                const std::string to = "customer" + std::to_string(i) + "@example.com";
                GX_TRY(mail::Enqueue(conn, Reminder(to), "batch:1:" + std::to_string(i)));
            }
            return Status{};
        });
    ASSERT_TRUE(queued.ok());
    std::vector<std::thread> workers;
    for (int w = 0; w < 3; ++w) {
        workers.emplace_back([this, w] {
            auto ran = app().job_runner().Drain("worker-" + std::to_string(w));
            EXPECT_TRUE(ran.ok());
        });
    }
    for (auto& t : workers) t.join();
    std::multiset<std::string> recipients;
    for (const auto& eml : sink.Messages())
        recipients.insert(Slurp(fs::path(eml).replace_extension(".rcpt")));
    EXPECT_EQ(recipients.size(), 50u);
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(recipients.count("customer" + std::to_string(i) + "@example.com\n"), 1u) << i;
    }
    Reply sent = Call("GET", "/api/v1/deliveries?status=sent&page_size=100", nullptr, admin());
    EXPECT_EQ(sent.body["total"], 50);
    for (const auto& item : sent.body["items"]) EXPECT_EQ(item["attempts"], 1);
}

TEST_P(MailTest, TheTestEmailIsSentNowOrTheServersErrorIsSaidInWords) {
    Reply unconfigured =
        Call("POST", "/api/v1/settings/smtp/test", {{"to", "admin@example.com"}}, admin());
    EXPECT_EQ(unconfigured.status, 409);
    SmtpSink sink;
    Configure(Settings(sink));
    Reply down = Call("POST", "/api/v1/settings/smtp/test", {{"to", "admin@example.com"}}, admin());
    ASSERT_EQ(down.status, 200);
    EXPECT_EQ(down.body["sent"], false);
    EXPECT_NE(down.body["error"].get<std::string>().find("onnect"), std::string::npos)
        << down.body["error"];
    sink.Start();
    Reply ok = Call("POST", "/api/v1/settings/smtp/test", {{"to", "admin@example.com"}}, admin());
    ASSERT_EQ(ok.status, 200) << ok.raw.body;
    EXPECT_EQ(ok.body["sent"], true);
    ASSERT_EQ(sink.Messages().size(), 1u);
    EXPECT_EQ(Parse(sink.Messages()[0])["subject"], "Guanxi 测试邮件 / test e-mail");
    Reply bad = Call("POST", "/api/v1/settings/smtp/test", {{"to", "x\r\n@y"}}, admin());
    EXPECT_EQ(bad.status, 422);
    EXPECT_TRUE(bad.body["error"]["details"]["fields"].contains("to"));
}

TEST_P(MailTest, StartTlsWithALoginAgainstASelfSignedServer) {
    SmtpSink sink;
    const std::string cert = (sink.dir() / "cert.pem").string();
    const std::string key = (sink.dir() / "key.pem").string();
    const std::string openssl =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " + key +
        " -out " + cert + " 2>/dev/null";
    ASSERT_EQ(std::system(openssl.c_str()), 0);
    sink.Start({"--starttls", cert, key, "--auth", "crm:s3cret"});
    json settings = Settings(sink, "starttls");
    settings["username"] = "crm";
    settings["password"] = "s3cret";
    // A self-signed certificate is refused while it is checked...
    Configure(settings);
    Reply checked =
        Call("POST", "/api/v1/settings/smtp/test", {{"to", "admin@example.com"}}, admin());
    EXPECT_EQ(checked.body["sent"], false) << checked.raw.body;
    // ...taken when the administrator turns the check off, with the login.
    settings["verify_certificate"] = false;
    Configure(settings);
    auto id = Queue(Reminder("tls@example.com"), "reminder:tls:email");
    ASSERT_TRUE(id.has_value());
    Drain();
    EXPECT_EQ(Delivery(*id)["status"], "sent") << Delivery(*id)["last_error"];
    // Without STARTTLS the server refuses the message (it requires it).
    settings["security"] = "none";
    Configure(settings);
    EXPECT_EQ(Call("POST", "/api/v1/settings/smtp/test", {{"to", "admin@example.com"}}, admin())
                  .body["sent"],
              false);
    ASSERT_EQ(sink.Messages().size(), 1u);
    EXPECT_EQ(Parse(sink.Messages()[0])["subject"], "提醒：明天 09:00 拜访深圳华强科技");
}

GUANXI_API_TEST_SUITE(MailTest);

}  // namespace
}  // namespace guanxi::testing
