#include "domains/accounts/session_cache.hpp"

#include "db/change_epoch.hpp"

namespace guanxi::accounts {

std::optional<Principal> SessionCache::Find(const std::string& token_hash,
                                            std::int64_t now_seconds) {
    if (!enabled_) return std::nullopt;
    const std::uint64_t epoch = db::IdentityEpoch();
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    auto it = entries_.find(token_hash);
    if (it == entries_.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.epoch != epoch || now - e.read_at >= kMaxAge || e.expires_at <= now_seconds) {
        entries_.erase(it);
        return std::nullopt;
    }
    return e.principal;
}

void SessionCache::Put(const std::string& token_hash, const Principal& principal,
                       std::int64_t expires_at, std::uint64_t epoch) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(token_hash, Entry{principal, expires_at, now, epoch});
}

}  // namespace guanxi::accounts
