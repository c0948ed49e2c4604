#include "db/migrator.hpp"

#include "core/time.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace guanxi::db {

namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)";
constexpr std::string_view kIsApplied = "SELECT 1 FROM schema_migrations WHERE version = ?";
constexpr std::string_view kRecord =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";
constexpr std::int64_t kAdvisoryLockKey = 0x6775616e7869;  // "guanxi"

}  // namespace

Result<int> Migrate(Database& db) {
    std::vector<Migration> todo;
    for (const Migration& m : EmbeddedMigrations()) {
        if (m.backend == db.backend()) todo.push_back(m);
    }
    std::sort(todo.begin(), todo.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });

    GX_TRY_ASSIGN(Lease conn, db.Acquire());
    const bool pg = db.backend() == Backend::kPostgres;
    if (pg) GX_TRY(conn->Query("SELECT pg_advisory_lock(?)", {kAdvisoryLockKey}));
    // A migration may sort a large table (004 sorts the whole bigram index): on SQLite it gets a
    // 1 GB page cache as its sort budget and temporary storage on disk, not in memory, for the
    // duration; the connection's own settings come back afterwards.
    std::optional<std::int64_t> temp_store, cache_size;
    if (!pg) {
        GX_TRY_ASSIGN(auto store, conn->QueryOne("PRAGMA temp_store"));
        if (store) temp_store = store->Int(0);
        GX_TRY_ASSIGN(auto cache, conn->QueryOne("PRAGMA cache_size"));
        if (cache) cache_size = cache->Int(0);
        GX_TRY(conn->Execute("PRAGMA temp_store = FILE"));
        GX_TRY(conn->Execute("PRAGMA cache_size = -1048576"));
    }
    int applied = 0;
    Status status = [&]() -> Status {
        GX_TRY(conn->Execute(kCreateTable));
        for (const Migration& m : todo) {
            GX_TRY_ASSIGN(Transaction tx, Transaction::Begin(*conn, TxMode::kWrite));
            GX_TRY_ASSIGN(auto seen, conn->QueryOne(kIsApplied, {std::int64_t{m.version}}));
            if (seen) continue;
            Status script = conn->ExecuteScript(m.sql);
            if (!script) {
                Error error = std::move(script).error();
                error.log_detail = "migration " + std::string(m.name) + ": " + error.log_detail;
                return error;
            }
            GX_TRY(conn->Execute(kRecord,
                                 {std::int64_t{m.version}, std::string(m.name), NowSeconds()}));
            GX_TRY(tx.Commit());
            ++applied;
        }
        return {};
    }();
    if (pg) (void)conn->Query("SELECT pg_advisory_unlock(?)", {kAdvisoryLockKey});
    if (temp_store) {
        (void)conn->Execute("PRAGMA temp_store = " + std::to_string(*temp_store));
    }
    if (cache_size) {
        (void)conn->Execute("PRAGMA cache_size = " + std::to_string(*cache_size));
    }
    if (!status) return std::move(status).error();
    return applied;
}

}  // namespace guanxi::db
