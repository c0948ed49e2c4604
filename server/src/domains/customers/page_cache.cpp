#include "domains/customers/page_cache.hpp"

#include <algorithm>

namespace guanxi::customers {

namespace {

// Length-prefixed, so no value can run into the next one.
void Append(std::string& key, std::string_view value) {
    key += std::to_string(value.size());
    key += ':';
    key += value;
}

}  // namespace

std::string PageCache::Key(const Principal& caller, const http::ListQuery& query, bool pool_only) {
    std::string key;
    Append(key, std::to_string(caller.user_id));
    Append(key, std::to_string(caller.role_id));
    Append(key, std::to_string(static_cast<int>(caller.scope)));
    Append(key, std::to_string(caller.department_id.value_or(0)));
    Append(key, pool_only ? "pool" : "customers");
    Append(key, std::to_string(query.page));
    Append(key, std::to_string(query.page_size));
    for (const http::SortKey& sort : query.sort)
        Append(key, (sort.descending ? "-" : "+") + sort.field);
    Append(key, query.q ? "q=" + *query.q : "");
    auto filters = query.filters;
    std::sort(filters.begin(), filters.end());
    for (const auto& [name, value] : filters) {
        Append(key, name);
        Append(key, value);
    }
    return key;
}

void PageCache::ClearOlderThan(std::uint64_t epoch) {
    if (epoch <= epoch_) return;
    epoch_ = epoch;
    entries_.clear();
    lru_.clear();
    bytes_ = 0;
}

std::optional<std::string> PageCache::Find(const std::string& key, std::uint64_t epoch) {
    if (!enabled_) return std::nullopt;
    std::lock_guard lock(mutex_);
    ClearOlderThan(epoch);
    auto it = entries_.find(key);
    if (it == entries_.end() || epoch != epoch_) {
        ++misses_;
        return std::nullopt;
    }
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second.used);
    return it->second.page;
}

void PageCache::Put(const std::string& key, std::uint64_t epoch, const std::string& page) {
    if (!enabled_) return;
    const size_t size = key.size() + page.size();
    if (size > max_bytes_ / 4) return;  // one huge page would push out everything else
    std::lock_guard lock(mutex_);
    ClearOlderThan(epoch);
    if (epoch != epoch_) return;  // the database changed while this page was read
    if (auto it = entries_.find(key); it != entries_.end()) {
        bytes_ -= key.size() + it->second.page.size();
        lru_.erase(it->second.used);
        entries_.erase(it);
    }
    while (bytes_ + size > max_bytes_ && !lru_.empty()) {
        auto oldest = entries_.find(lru_.back());
        bytes_ -= oldest->first.size() + oldest->second.page.size();
        entries_.erase(oldest);
        lru_.pop_back();
    }
    lru_.push_front(key);
    entries_.emplace(key, Entry{page, lru_.begin()});
    bytes_ += size;
}

PageCache::Stats PageCache::stats() const {
    std::lock_guard lock(mutex_);
    return {hits_, misses_, entries_.size(), bytes_};
}

}  // namespace guanxi::customers
