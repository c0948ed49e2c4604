#pragma once

#include "db/database.hpp"

#include <sqlite3.h>

#include <map>

namespace guanxi::db {

// A SQLite connection in WAL mode with foreign keys on, synchronous=FULL (an acknowledged commit
// survives power loss) and a busy timeout, so writers queue instead of failing.
class SqliteConnection final : public Connection {
  public:
    static Result<std::unique_ptr<Connection>> Open(const std::string& path);
    ~SqliteConnection() override;

    Backend backend() const override { return Backend::kSqlite; }
    Result<Rows> Query(std::string_view sql, const Params& params) override;
    Result<std::int64_t> Execute(std::string_view sql, const Params& params) override;
    Status ForEach(std::string_view sql, const Params& params,
                   const RowCallback& callback) override;
    Status ExecuteScript(std::string_view sql) override;
    Result<std::int64_t> InsertReturningId(std::string_view sql, const Params& params) override;
    Status NoteOtherWriters() override;
    std::int64_t TotalChanges() const override { return sqlite3_total_changes64(handle_); }
    bool TransactionOpen() const override { return sqlite3_get_autocommit(handle_) == 0; }

    // Grows the database's WAL file with zeros to the size its autocheckpoint reaches (10,000
    // frames, about 41 MB at 4 KiB pages), so commits overwrite blocks the file already has: on
    // ext4 an fdatasync that grows a file must also commit the journal (≈ 10 ms on this project's
    // machines), one that only overwrites is a flush (docs/PERFORMANCE.md, 2026-12-07). SQLite
    // reads a WAL up to its first frame whose salt or checksum doesn't match, so zeros past the
    // end are no frames; it reuses the file from its start after a checkpoint and, with no
    // journal_size_limit, never shrinks it while open. Done holding the write lock (BEGIN
    // IMMEDIATE), so no writer in any process appends frames meanwhile. Not on :memory:.
    Status PresizeWal();

  private:
    explicit SqliteConnection(sqlite3* handle) : handle_(handle) {}
    Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params);
    Error ErrorFromSqlite(int rc, std::string_view sql) const;
    // After each statement: once a change to an identity table is committed or rolled back,
    // moves the identity epoch, and once any write is committed the data epoch
    // (db/change_epoch.hpp).
    void AfterStatement();
    struct StatementReset;

    sqlite3* handle_;
    bool identity_changed_ = false;   // set by the update hook
    bool data_committed_ = false;     // set by the commit hook
    std::int64_t data_version_ = -1;  // PRAGMA data_version when NoteOtherWriters last asked
    // Keyed by the SQL text; std::less<> finds a string_view without copying it.
    std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// What SQLite has allocated in this process, across every connection: mostly their page caches
// (`cache_size`), then prepared statements and sorts. Lets an operator tell SQLite's share of
// the server's RSS from the rest (`/metrics`, OPERATIONS.md).
// The WAL frames between automatic checkpoints (PRAGMA wal_autocheckpoint).
inline constexpr int kWalAutocheckpointFrames = 10000;

struct SqliteMemory {
    std::int64_t used = 0;
    std::int64_t peak = 0;  // the most used at once since the process started
};
SqliteMemory SqliteMemoryNow();

}  // namespace guanxi::db
