#include "db/rate_limit.hpp"

namespace guanxi::db {

namespace {

// One statement, so two servers counting the same bucket at once both count: PostgreSQL locks the
// row for the update, SQLite has one writer.
constexpr std::string_view kCount =
    "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) "
    "ON CONFLICT (bucket) DO UPDATE SET "
    "hits = CASE WHEN rate_limits.window_start = excluded.window_start "
    "THEN rate_limits.hits + 1 ELSE 1 END, "
    "window_start = excluded.window_start "
    "RETURNING hits";

}  // namespace

Status CountRequest(Database& db, std::string_view bucket, RateLimit limit, std::int64_t now,
                    std::string_view what) {
    const std::int64_t window_start = now - now % limit.window_seconds;
    GX_TRY_ASSIGN(
        const std::int64_t hits,
        InTransaction(db, TxMode::kWrite, [&](Connection& conn) -> Result<std::int64_t> {
            GX_TRY_ASSIGN(auto row, conn.QueryOne(kCount, {std::string(bucket), window_start}));
            if (!row) return Error::Internal("rate limit: the upsert returned no row");
            return row->Int(0);
        }));
    if (hits <= limit.limit) return {};
    const std::int64_t retry_after = window_start + limit.window_seconds - now;
    return Error{ErrorCode::kRateLimited,
                 "Too many " + std::string(what) + ": at most " + std::to_string(limit.limit) +
                     " in " + std::to_string(limit.window_seconds) + " seconds. Try again in " +
                     std::to_string(retry_after) + " seconds.",
                 {{"limit", limit.limit},
                  {"window_seconds", limit.window_seconds},
                  {"retry_after_seconds", retry_after}},
                 {}};
}

}  // namespace guanxi::db
