#pragma once
// Fixed-window rate limits counted in the database (table rate_limits), so that every app server
// in front of one database counts the same requests (DESIGN.md: nothing may assume one process).

#include "core/error.hpp"
#include "db/database.hpp"

#include <cstdint>
#include <string_view>

namespace guanxi::db {

struct RateLimit {
    std::int64_t limit = 60;           // requests allowed per window
    std::int64_t window_seconds = 60;  // windows start at multiples of this (UTC seconds)
};

// Counts one request under `bucket` (e.g. "duplicates:user:42") in the window that holds `now`.
// Answers 429 rate_limited — details: limit, window_seconds, retry_after_seconds — when the
// window already holds `limit.limit` requests; the refused request counts too, so hammering does
// not shorten the wait. One upsert in its own write transaction: call it before the work it
// guards, outside any other transaction. `what` names the request in the message ("duplicate
// checks").
Status CountRequest(Database& db, std::string_view bucket, RateLimit limit, std::int64_t now,
                    std::string_view what);

}  // namespace guanxi::db
