#pragma once
// Idempotency-Key (API.md): a POST sent with `Idempotency-Key: <client-chosen string>` is answered
// once; a retry with the same key by the same user within 24 h gets the first answer again (with
// `Idempotent-Replayed: true`) instead of acting twice. The router keeps the rule; a store keeps
// the answers where every app server sees them (the database).

#include "core/error.hpp"

#include <cstdint>
#include <string>

namespace guanxi::http {

// How long an answer is kept.
inline constexpr std::int64_t kIdempotencyKeySeconds = 24 * 3600;

class IdempotencyStore {
  public:
    virtual ~IdempotencyStore() = default;

    struct Claim {
        enum Kind {
            kNew,      // the key is now this request's: act, then Finish or Abandon
            kDone,     // answered before: status, content_type, body are that answer
            kPending,  // another request with this key is being answered, or its server stopped
        };
        Kind kind = kNew;
        std::string fingerprint;  // of the request that holds the key
        int status = 0;
        std::string content_type;
        std::string body;
    };

    // Claims (user_id, key) for a request whose method, path and body hash to `fingerprint`, or
    // returns the claim already there (one older than kIdempotencyKeySeconds is forgotten first).
    virtual Result<Claim> Begin(std::int64_t user_id, const std::string& key,
                                const std::string& fingerprint) = 0;
    // Keeps the answer to the request that claimed the key.
    virtual Status Finish(std::int64_t user_id, const std::string& key, int status,
                          const std::string& content_type, const std::string& body) = 0;
    // Forgets a claim whose request had no effect (a 5xx, a 429): a retry acts afresh.
    virtual Status Abandon(std::int64_t user_id, const std::string& key) = 0;
};

}  // namespace guanxi::http
