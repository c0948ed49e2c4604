#pragma once
// The e-mail outbox and its delivery log (docs/DEVELOPING.md "Sending e-mail"). A caller queues a
// message inside its own transaction with Enqueue; a job ("mail.send", one per message and attempt)
// sends it over SMTP and records every attempt. SMTP down: the message is retried with backoff,
// then dead (kept, visible at /api/v1/deliveries, retryable by hand).
//
// Exactly once: a delivery is claimed (status sending, a lease) before it is sent and marked sent
// in the first write after the server accepted it, guarded by the attempt number, so two workers
// never both send it and a job run twice finds it sent. The one window left is a process that
// dies between the server's 250 and that write: after the lease (lease_seconds) the message is
// sent again, with the same Message-ID so that receivers can drop the copy, and the lost attempt is
// logged as outcome "unknown".

#include "db/database.hpp"
#include "jobs/job_store.hpp"
#include "mail/mime.hpp"
#include "mail/smtp.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

namespace guanxi::mail {

inline constexpr std::string_view kSendJob = "mail.send";
inline constexpr std::int64_t kDefaultMaxAttempts = 8;

// Queues `message` in the caller's transaction: a delivery (status queued) and the job that sends
// it, committed or rolled back with the caller's work. `unique_key` (1 to 200 characters, e.g.
// "reminder:42:email") names the e-mail: a second Enqueue with it adds nothing and answers nullopt.
// A message Validate refuses is a 422.
Result<std::optional<std::int64_t>> Enqueue(db::Connection& conn, const Message& message,
                                            std::string_view unique_key,
                                            std::int64_t max_attempts = kDefaultMaxAttempts);

struct OutboxOptions {
    // Seconds before attempt n + 1 after n failed; default 30 s doubling, capped at an hour (8
    // attempts span about an hour).
    std::function<std::int64_t(std::int64_t attempts)> backoff;
    // How long a delivery in hand stays claimed: longer than an SMTP conversation may last.
    std::int64_t lease_seconds = 300;
};

class Outbox {
  public:
    Outbox(db::Database& db, OutboxOptions options = {});

    // The "mail.send" job handler: claims the job's delivery if it is due, sends it, records the
    // attempt. An SMTP failure is the delivery's (retried or dead), not the job's: the job
    // succeeds; only a database failure fails the job (the job runner retries it).
    Result<nlohmann::json> RunSendJob(const jobs::Job& job);

    // Sends one message now, outside the outbox (the settings page's test e-mail).
    Status SendNow(const Message& message);

    // GET /api/v1/deliveries: newest first, filtered by status and recipient; without bodies.
    Result<nlohmann::json> List(std::optional<std::string> status,
                                std::optional<std::string> recipient, std::int64_t limit,
                                std::int64_t offset);
    // One delivery with its bodies and its attempts, oldest first.
    Result<nlohmann::json> Get(std::int64_t id);
    // A dead or failed delivery is due again at once, with a fresh set of attempts. False when it
    // was neither.
    Result<bool> Retry(std::int64_t id);

    // Tests shorten the backoff; call before any job runs.
    void SetBackoff(std::function<std::int64_t(std::int64_t attempts)> backoff);
    static std::int64_t DefaultBackoff(std::int64_t attempts);

  private:
    db::Database& db_;
    OutboxOptions options_;
};

}  // namespace guanxi::mail
