#pragma once
// Idempotency-Key (API.md): a POST sent with `Idempotency-Key: <client-chosen string>` is answered
// once; a retry with the same key by the same user within 24 h gets the first answer again (with
// `Idempotent-Replayed: true`) instead of acting twice. The router keeps the rule; a store keeps
// the answers where every app server sees them (the database). The key's row is written inside
// the transaction of the write it guards (ADR 0006, "Idempotency keys"), so a write is never
// committed without it.

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace guanxi::http {

// How long an answer is kept.
inline constexpr std::int64_t kIdempotencyKeySeconds = 24 * 3600;

// One request sent with a key, from its look-up to its answer.
class KeyedRequest {
  public:
    virtual ~KeyedRequest() = default;
    // Makes the writes the calling thread submits, until Unbind, carry the key: the first
    // committed one writes the key's row in its own transaction, with what it wrote; on a replay
    // they give back what they committed the first time instead of writing again. Called on the
    // thread that runs the handler.
    virtual void Bind() = 0;
    virtual void Unbind() = 0;
    // Keeps the answer (not for answers without an effect to repeat: 5xx, 429, files). Nothing is
    // kept when another request took the key inside the write (its answer is the one kept).
    virtual void Answered(int status, const std::string& content_type, const std::string& body) = 0;
    // Whether another request (of another server) took the key while this one was writing: this
    // one's write was undone and it answers 409 idempotency_key_in_use.
    virtual bool Overtaken() const = 0;
};

class IdempotencyStore {
  public:
    virtual ~IdempotencyStore() = default;

    struct Claim {
        enum Kind {
            kNew,      // nobody used the key: act, through `request`
            kDone,     // answered before: status, content_type, body are that answer
            kPending,  // a request with this key is being answered (an older server's claim)
            kReplay,   // its writes committed but the answer was not kept (the server stopped
                       // first): act again through `request`, whose writes give back what they
                       // committed instead of writing
        };
        Kind kind = kNew;
        std::string fingerprint;  // of the request that holds the key
        int status = 0;
        std::string content_type;
        std::string body;
        std::shared_ptr<KeyedRequest> request;  // kNew, kReplay (when the fingerprint matches)
    };

    // What the key (user_id, key) holds for a request whose method, path and body hash to
    // `fingerprint` (one older than kIdempotencyKeySeconds is forgotten). Reads only.
    virtual Result<Claim> Begin(std::int64_t user_id, const std::string& key,
                                const std::string& fingerprint) = 0;
};

}  // namespace guanxi::http
