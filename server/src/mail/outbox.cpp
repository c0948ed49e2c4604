#include "mail/outbox.hpp"

#include "core/log.hpp"
#include "core/time.hpp"
#include "db/row_json.hpp"
#include "mail/smtp_settings_store.hpp"

#include <algorithm>
#include <thread>

namespace guanxi::mail {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO deliveries (channel, unique_key, recipient, recipient_name, subject, text_body, "
    "html_body, list_unsubscribe, one_click_unsubscribe, status, attempts, max_attempts, "
    "next_attempt_at, created_at, updated_at) VALUES ('email', ?, ?, ?, ?, ?, ?, ?, ?, 'queued', "
    "0, ?, ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id";
constexpr std::string_view kClaimRead =
    "SELECT status, attempts, max_attempts, next_attempt_at, lease_until, message_id, recipient, "
    "recipient_name, subject, text_body, html_body, list_unsubscribe, one_click_unsubscribe FROM "
    "deliveries WHERE id = ?";
constexpr std::string_view kClaim =
    "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, lease_until = ?, "
    "message_id = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kLostAttempt =
    "UPDATE delivery_attempts SET outcome = 'unknown', finished_at = ?, error = ? WHERE "
    "delivery_id = ? AND outcome = 'sending'";
constexpr std::string_view kLogAttempt =
    "INSERT INTO delivery_attempts (delivery_id, attempt, worker, started_at, outcome) VALUES (?, "
    "?, ?, ?, 'sending')";
constexpr std::string_view kSent =
    "UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL, lease_until = NULL, "
    "updated_at = ? WHERE id = ? AND status = 'sending' AND attempts = ?";
constexpr std::string_view kFailed =
    "UPDATE deliveries SET status = ?, next_attempt_at = ?, last_error = ?, lease_until = NULL, "
    "updated_at = ? WHERE id = ? AND status = 'sending' AND attempts = ?";
constexpr std::string_view kAttemptDone =
    "UPDATE delivery_attempts SET outcome = ?, finished_at = ?, error = ? WHERE id = ?";
constexpr std::string_view kRetry =
    "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? "
    "WHERE id = ? AND status IN ('dead', 'failed')";
constexpr std::string_view kListColumns =
    "SELECT id, channel, unique_key, recipient, recipient_name, subject, status, attempts, "
    "max_attempts, next_attempt_at, last_error, message_id, created_at, updated_at, sent_at";
constexpr std::string_view kAttempts =
    "SELECT attempt, worker, started_at, finished_at, outcome, error FROM delivery_attempts WHERE "
    "delivery_id = ? ORDER BY id";

constexpr std::string_view kLostText =
    "The process stopped while sending: the server may have accepted the message.";

nlohmann::json DeliveryJson(const db::Row& r) {
    const std::string status = r.Text(6);
    return {{"id", r.Int(0)},
            {"channel", r.Text(1)},
            {"unique_key", r.Text(2)},
            {"recipient", r.Text(3)},
            {"recipient_name", r.Text(4)},
            {"subject", r.Text(5)},
            {"status", status},
            {"attempts", r.Int(7)},
            {"max_attempts", r.Int(8)},
            {"next_attempt_at", status == "queued" || status == "failed"
                                    ? nlohmann::json(FormatRfc3339(r.Int(9)))
                                    : nlohmann::json()},
            {"last_error", db::JsonText(r, 10)},
            {"message_id", db::JsonText(r, 11)},
            {"created_at", FormatRfc3339(r.Int(12))},
            {"updated_at", FormatRfc3339(r.Int(13))},
            {"sent_at", db::JsonTime(r, 14)}};
}

Status EnqueueSendJob(db::Connection& conn, std::int64_t delivery_id, std::int64_t due_at) {
    // No unique key: a stray second job for a delivery finds it claimed or sent and does nothing.
    GX_TRY(jobs::JobStore::Enqueue(conn, kSendJob, {{"delivery_id", delivery_id}},
                                   {.due_at = due_at}));
    return {};
}

// A database write after the SMTP server answered is retried a few times before giving up: a
// write lost here is the window in which a message could be sent twice (outbox.hpp).
template <typename Fn>
Status WriteOutcome(db::Database& db, Fn&& fn) {
    Status status;
    for (int attempt = 0; attempt < 5; ++attempt) {
        status = db::InTransaction(db, db::TxMode::kWrite, fn);
        if (status) return status;
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
    }
    return status;
}

}  // namespace

Result<std::optional<std::int64_t>> Enqueue(db::Connection& conn, const Message& message,
                                            std::string_view unique_key,
                                            std::int64_t max_attempts) {
    GX_TRY(Validate(message));
    if (unique_key.empty() || unique_key.size() > 200) {
        return Error::Internal("mail::Enqueue: a unique key of 1 to 200 characters is required");
    }
    const std::int64_t now = NowSeconds();
    GX_TRY_ASSIGN(auto row,
                  conn.QueryOne(kInsert, {std::string(unique_key), message.to.address,
                                          message.to.name, message.subject, message.text_body,
                                          message.html_body, message.list_unsubscribe,
                                          std::int64_t{message.one_click_unsubscribe ? 1 : 0},
                                          std::max<std::int64_t>(1, max_attempts), now, now, now}));
    if (!row) return std::optional<std::int64_t>();
    GX_TRY(EnqueueSendJob(conn, row->Int(0), now));
    return std::optional(row->Int(0));
}

Outbox::Outbox(db::Database& db, OutboxOptions options) : db_(db), options_(std::move(options)) {
    if (!options_.backoff) options_.backoff = DefaultBackoff;
}

std::int64_t Outbox::DefaultBackoff(std::int64_t attempts) {
    const std::int64_t shift = std::clamp<std::int64_t>(attempts - 1, 0, 20);
    return std::min<std::int64_t>(30 * (std::int64_t{1} << shift), 3600);
}

void Outbox::SetBackoff(std::function<std::int64_t(std::int64_t)> backoff) {
    options_.backoff = std::move(backoff);
}

Result<nlohmann::json> Outbox::RunSendJob(const jobs::Job& job) {
    const std::int64_t id = job.payload.value("delivery_id", std::int64_t{0});
    struct Claimed {
        Message message;
        Envelope envelope;
        std::int64_t attempt = 0;
        std::int64_t max_attempts = 0;
        std::int64_t attempt_id = 0;
        std::optional<SmtpSettings> settings;
    };
    using Claim = std::variant<nlohmann::json, Claimed>;
    GX_TRY_ASSIGN(
        auto claimed,
        db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<Claim> {
            const std::int64_t now = NowSeconds();
            std::string sql(kClaimRead);
            if (conn.backend() == db::Backend::kPostgres) sql += " FOR UPDATE";
            GX_TRY_ASSIGN(auto row, conn.QueryOne(sql, {id}));
            if (!row) return Claim(nlohmann::json{{"skipped", "no such delivery"}});
            const std::string status = row->Text(0);
            const bool due = (status == "queued" || status == "failed") && row->Int(3) <= now;
            const bool lease_lost = status == "sending" && row->Int(4) < now;
            if (status == "sending" && !lease_lost) {
                // Another worker has it in hand. Should that worker's process die, this job
                // comes back when its lease ends and sends it.
                GX_TRY(EnqueueSendJob(conn, id, row->Int(4) + 1));
                return Claim(nlohmann::json{{"skipped", "in hand elsewhere"}});
            }
            if (!due && !lease_lost) return Claim(nlohmann::json{{"skipped", status}});
            if (lease_lost) {
                GX_TRY(conn.Execute(kLostAttempt, {now, std::string(kLostText), id}));
            }
            Claimed c;
            GX_TRY_ASSIGN(c.settings, LoadSmtpSettings(conn));
            c.attempt = row->Int(1) + 1;
            c.max_attempts = row->Int(2);
            c.message.to = {row->Text(6), row->Text(7)};
            c.message.subject = row->Text(8);
            c.message.text_body = row->Text(9);
            c.message.html_body = row->Text(10);
            c.message.list_unsubscribe = row->Text(11);
            c.message.one_click_unsubscribe = row->Int(12) != 0;
            // The Message-ID is chosen at the first attempt (its right part is the sender's
            // domain) and kept for every later one, so a copy is recognisable.
            std::string message_id = row->IsNull(5) ? "" : row->Text(5);
            if (message_id.empty()) {
                std::string domain = "guanxi.invalid";
                if (c.settings) {
                    const std::string& from = c.settings->from_address;
                    domain = from.substr(from.find('@') + 1);
                }
                message_id = NewMessageIdLocalPart() + "@" + domain;
            }
            c.envelope.message_id = message_id;
            GX_TRY(conn.Execute(kClaim, {now + options_.lease_seconds, message_id, now, id}));
            GX_TRY_ASSIGN(c.attempt_id,
                          conn.InsertReturningId(kLogAttempt, {id, c.attempt, job.worker, now}));
            return Claim(std::move(c));
        }));
    if (auto* skipped = std::get_if<nlohmann::json>(&claimed)) return *skipped;
    Claimed& c = std::get<Claimed>(claimed);

    Status sent = Error{ErrorCode::kUnavailable,
                        "SMTP is not configured (Settings → E-mail).",
                        nlohmann::json::object(),
                        {}};
    if (c.settings) {
        c.envelope.from = {c.settings->from_address, c.settings->from_name};
        c.envelope.date = NowSeconds();
        auto data = Build(c.message, c.envelope);
        sent = data ? Send(*c.settings, c.message.to.address, *data) : Status(data.error());
    }
    const std::int64_t now = NowSeconds();
    if (sent) {
        GX_TRY(WriteOutcome(db_, [&](db::Connection& conn) -> Status {
            GX_TRY(conn.Execute(kSent, {now, now, id, c.attempt}));
            GX_TRY(conn.Execute(kAttemptDone,
                                {std::string("sent"), now, db::Value(nullptr), c.attempt_id}));
            return {};
        }));
        return nlohmann::json{{"delivery_id", id}, {"status", "sent"}, {"attempt", c.attempt}};
    }
    const std::string error = sent.error().message.substr(0, 2000);
    const bool dead = c.attempt >= c.max_attempts;
    const std::int64_t next = now + (dead ? 0 : options_.backoff(c.attempt));
    GX_TRY(WriteOutcome(db_, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(std::int64_t changed,
                      conn.Execute(kFailed, {std::string(dead ? "dead" : "failed"), next, error,
                                             now, id, c.attempt}));
        GX_TRY(conn.Execute(kAttemptDone, {std::string("failed"), now, error, c.attempt_id}));
        if (changed == 1 && !dead) GX_TRY(EnqueueSendJob(conn, id, next));
        return {};
    }));
    log::Warn("mail_attempt_failed",
              {{"delivery_id", id}, {"attempt", c.attempt}, {"dead", dead}, {"error", error}});
    return nlohmann::json{{"delivery_id", id},
                          {"status", dead ? "dead" : "failed"},
                          {"attempt", c.attempt},
                          {"error", error}};
}

Status Outbox::SendNow(const Message& message) {
    GX_TRY_ASSIGN(auto settings, LoadSmtpSettings(db_));
    if (!settings) {
        return Error{ErrorCode::kConflict,
                     "SMTP is not configured: save the settings first.",
                     nlohmann::json::object(),
                     {}};
    }
    Envelope envelope{{settings->from_address, settings->from_name},
                      NowSeconds(),
                      NewMessageIdLocalPart() + "@" +
                          settings->from_address.substr(settings->from_address.find('@') + 1)};
    GX_TRY_ASSIGN(std::string data, Build(message, envelope));
    return Send(*settings, message.to.address, data);
}

Result<nlohmann::json> Outbox::List(std::optional<std::string> status,
                                    std::optional<std::string> recipient, std::int64_t limit,
                                    std::int64_t offset) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    std::string where;
    db::Params params;
    if (status) {
        where += " WHERE status = ?";
        params.emplace_back(*status);
    }
    if (recipient) {
        where += where.empty() ? " WHERE " : " AND ";
        where += "recipient = ?";
        params.emplace_back(*recipient);
    }
    GX_TRY_ASSIGN(auto count, conn->QueryOne("SELECT COUNT(*) FROM deliveries" + where, params));
    params.emplace_back(limit);
    params.emplace_back(offset);
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(std::string(kListColumns) + " FROM deliveries" +
                                                 where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                                             params));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& r : rows) items.push_back(DeliveryJson(r));
    return nlohmann::json{{"items", items}, {"total", count->Int(0)}};
}

Result<nlohmann::json> Outbox::Get(std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(std::string(kListColumns) +
                                               ", text_body, html_body, list_unsubscribe FROM "
                                               "deliveries WHERE id = ?",
                                           {id}));
    if (!row) return Error::NotFound("Delivery");
    nlohmann::json delivery = DeliveryJson(*row);
    delivery["text_body"] = row->Text(15);
    delivery["html_body"] = row->Text(16);
    delivery["list_unsubscribe"] = row->Text(17);
    GX_TRY_ASSIGN(db::Rows attempts, conn->Query(kAttempts, {id}));
    nlohmann::json log = nlohmann::json::array();
    for (const auto& a : attempts) {
        log.push_back({{"attempt", a.Int(0)},
                       {"worker", a.Text(1)},
                       {"started_at", FormatRfc3339(a.Int(2))},
                       {"finished_at", db::JsonTime(a, 3)},
                       {"outcome", a.Text(4)},
                       {"error", db::JsonText(a, 5)}});
    }
    delivery["attempt_log"] = log;
    return delivery;
}

Result<bool> Outbox::Retry(std::int64_t id) {
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
        const std::int64_t now = NowSeconds();
        GX_TRY_ASSIGN(std::int64_t n, conn.Execute(kRetry, {now, now, id}));
        if (n == 1) GX_TRY(EnqueueSendJob(conn, id, now));
        return n == 1;
    });
}

}  // namespace guanxi::mail
