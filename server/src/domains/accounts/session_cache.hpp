#pragma once
// Callers recently resolved from their session token, so a request does not look its session,
// user and role up again (docs/PERFORMANCE.md: a fifth of a customer read's CPU at 1M).
//
// An entry answers only while all of these hold:
//   * nothing in this process has committed a change to users, roles, sessions, departments or
//     org_version since it was read (db::IdentityEpoch, kept by the SQLite connections) — so
//     logout, deactivation, a password reset, a role's permissions and organisation changes apply
//     to the very next request;
//   * it is younger than kMaxAge, the bound on how late a change made by another process (the
//     CLI, a second server on the same file) is seen;
//   * the session has not expired.
// PostgreSQL databases do not keep the epoch, so they are not cached (Enabled() is false).

#include "core/principal.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace guanxi::accounts {

class SessionCache {
  public:
    static constexpr std::chrono::milliseconds kMaxAge{1000};

    explicit SessionCache(bool enabled) : enabled_(enabled) {}
    bool Enabled() const { return enabled_; }

    // The caller for this token hash, if a valid entry holds it.
    std::optional<Principal> Find(const std::string& token_hash, std::int64_t now_seconds);
    // Keeps a caller read from the database; `epoch` is db::IdentityEpoch() taken before the read.
    void Put(const std::string& token_hash, const Principal& principal, std::int64_t expires_at,
             std::uint64_t epoch);

  private:
    static constexpr size_t kMaxEntries = 10000;
    struct Entry {
        Principal principal;
        std::int64_t expires_at;
        std::chrono::steady_clock::time_point read_at;
        std::uint64_t epoch;
    };
    bool enabled_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace guanxi::accounts
