#pragma once
// Customer list pages (and searches) recently written, so the same caller asking for the same page
// again is answered from memory instead of reading and writing fifty customers again
// (docs/PERFORMANCE.md "Page cache": a list page is ~0.5 ms of CPU, the HTTP exchange ~0.05 ms).
//
// A page is answered from memory only while the database is exactly as it was when the page was
// read: an entry carries db::DataEpoch as taken before its read, and any committed write — by this
// process (SQLite's commit hook) or another one (data_version, checked by the caller through
// Connection::NoteOtherWriters before each lookup) — moves the epoch and empties the cache. Who
// may see what is itself stored in the database (users, roles, departments), so a change to it
// empties the cache too; pages are keyed by the caller's user id and the whole query.
// PostgreSQL databases keep no epoch, so they are not cached (Enabled() is false).

#include "core/principal.hpp"
#include "http/list_query.hpp"

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace guanxi::customers {

class PageCache {
  public:
    struct Stats {
        std::uint64_t hits = 0;
        std::uint64_t misses = 0;
        size_t entries = 0;
        size_t bytes = 0;
    };

    explicit PageCache(bool enabled, size_t max_bytes = size_t{16} << 20)
        : enabled_(enabled), max_bytes_(max_bytes) {}
    bool Enabled() const { return enabled_; }

    // One key per caller, list (customers or pool) and query, whatever order its parameters came
    // in.
    static std::string Key(const Principal& caller, const http::ListQuery& query, bool pool_only);

    // The page kept under `key`, if it was read at `epoch` (db::DataEpoch now).
    std::optional<std::string> Find(const std::string& key, std::uint64_t epoch);
    // Keeps a page read after db::DataEpoch was `epoch`; dropped if the epoch has moved since.
    void Put(const std::string& key, std::uint64_t epoch, const std::string& page);

    Stats stats() const;

  private:
    using Lru = std::list<std::string>;  // keys, most recently used first
    struct Entry {
        std::string page;
        Lru::iterator used;
    };
    void ClearOlderThan(std::uint64_t epoch);  // callers hold mutex_

    bool enabled_;
    size_t max_bytes_;
    mutable std::mutex mutex_;
    std::uint64_t epoch_ = 0;  // every entry was read at this epoch
    std::unordered_map<std::string, Entry> entries_;
    Lru lru_;
    size_t bytes_ = 0;
    std::uint64_t hits_ = 0;
    std::uint64_t misses_ = 0;
};

}  // namespace guanxi::customers
