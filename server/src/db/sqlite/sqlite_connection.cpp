#include "db/sqlite/sqlite_connection.hpp"

#include "db/change_epoch.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace guanxi::db {

namespace {

// Reads the current row into `values`, reusing the strings already there (one row buffer serves
// every row of a statement: a list page no longer allocates a string per text column per row).
void ReadRow(sqlite3_stmt* stmt, std::vector<Value>& values) {
    const int n = sqlite3_column_count(stmt);
    values.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Value& v = values[static_cast<size_t>(i)];
        switch (sqlite3_column_type(stmt, i)) {
            case SQLITE_INTEGER:
                v = static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
                break;
            case SQLITE_FLOAT:
                v = sqlite3_column_double(stmt, i);
                break;
            case SQLITE_NULL:
                v = nullptr;
                break;
            default: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
                if (auto* s = std::get_if<std::string>(&v)) {
                    s->assign(text, size);
                } else {
                    v.emplace<std::string>(text, size);
                }
            }
        }
    }
}

}  // namespace

Result<std::unique_ptr<Connection>> SqliteConnection::Open(const std::string& path) {
    sqlite3* handle = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
        sqlite3_close(handle);
        return Error{ErrorCode::kUnavailable,
                     "Cannot open the database.",
                     {},
                     "sqlite open " + path + ": " + message};
    }
    std::unique_ptr<SqliteConnection> conn(new SqliteConnection(handle));
    sqlite3_update_hook(
        handle,
        [](void* self, int, const char*, const char* table, sqlite3_int64) {
            if (IsIdentityTable(table))
                static_cast<SqliteConnection*>(self)->identity_changed_ = true;
        },
        conn.get());
    sqlite3_commit_hook(
        handle,
        [](void* self) {
            static_cast<SqliteConnection*>(self)->data_committed_ = true;
            return 0;  // go on with the commit
        },
        conn.get());
    sqlite3_busy_timeout(handle, 10000);
    sqlite3_extended_result_codes(handle, 1);
    // A checkpoint every 10,000 WAL pages (40 MB) instead of SQLite's 1,000: a page many commits
    // change (the ends of the follow-up, audit and updated_at indexes) is copied back once per
    // checkpoint. Follow-ups on the storage ceiling: 20.6 → 13.3 KB written each, 6.0–6.6k →
    // 8.7–9.7k a second (docs/PERFORMANCE.md).
    GX_TRY(conn->ExecuteScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
        "PRAGMA wal_autocheckpoint=" +
        std::to_string(kWalAutocheckpointFrames) + ";"));
    return std::unique_ptr<Connection>(std::move(conn));
}

Status SqliteConnection::PresizeWal() {
    const char* db_path = sqlite3_db_filename(handle_, "main");
    if (db_path == nullptr || *db_path == '\0') return {};  // :memory: or a temporary database
    GX_TRY_ASSIGN(auto page_size, QueryOne("PRAGMA page_size"));
    constexpr std::int64_t kWalHeader = 32;
    constexpr std::int64_t kFrameHeader = 24;
    const std::int64_t target =
        kWalHeader +
        kWalAutocheckpointFrames * (kFrameHeader + (page_size ? page_size->Int(0) : 4096));
    GX_TRY(ExecuteScript("BEGIN IMMEDIATE"));
    auto done = [&](Status status) {
        Status end = ExecuteScript(status.ok() ? "COMMIT" : "ROLLBACK");
        return status.ok() ? end : status;
    };
    const std::string wal_path = std::string(db_path) + "-wal";
    const int fd = ::open(wal_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return done({});  // no WAL yet: SQLite makes it at the first write
    auto fail = [&](const char* what) {
        const std::string detail = std::string(what) + " " + wal_path + ": " + std::strerror(errno);
        ::close(fd);
        return done(Error{ErrorCode::kUnavailable, "Cannot prepare the database.", {}, detail});
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("fstat");
    const std::vector<char> zeros(std::size_t{1} << 20, 0);
    for (std::int64_t at = st.st_size; at < target;) {
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(target - at, zeros.size()));
        const ssize_t written = ::pwrite(fd, zeros.data(), n, at);
        if (written <= 0) return fail("pwrite");
        at += written;
    }
    if (st.st_size < target && ::fdatasync(fd) != 0) return fail("fdatasync");
    ::close(fd);
    return done({});
}

SqliteConnection::~SqliteConnection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(handle_);
    if (identity_changed_) BumpIdentityEpoch();
    if (data_committed_) BumpDataEpoch();
}

void SqliteConnection::AfterStatement() {
    if ((identity_changed_ || data_committed_) && sqlite3_get_autocommit(handle_) != 0) {
        if (identity_changed_) BumpIdentityEpoch();
        if (data_committed_) BumpDataEpoch();
        identity_changed_ = false;
        data_committed_ = false;
    }
}

Error SqliteConnection::ErrorFromSqlite(int rc, std::string_view sql) const {
    std::string detail = std::string(sqlite3_errmsg(handle_)) + " in: " + std::string(sql);
    const int primary = rc & 0xFF;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error{
            ErrorCode::kConflict, "This record conflicts with an existing one.", {}, detail};
    }
    if (primary == SQLITE_CONSTRAINT) {
        return Error{
            ErrorCode::kValidationFailed, "A referenced record does not exist.", {}, detail};
    }
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        return Error{ErrorCode::kUnavailable, "The database is busy; try again.", {}, detail};
    }
    return Error::Internal(detail);
}

// Resets the statement whichever way the caller leaves, then lets the connection note a commit.
struct SqliteConnection::StatementReset {
    sqlite3_stmt* stmt;
    SqliteConnection* conn;
    ~StatementReset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        conn->AfterStatement();
    }
};

Result<sqlite3_stmt*> SqliteConnection::Prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
        stmt = it->second;
    } else {
        const int rc = sqlite3_prepare_v3(handle_, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) return ErrorFromSqlite(rc, sql);
        statements_.emplace(std::string(sql), stmt);
    }
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
        return Error::Internal("parameter count mismatch in: " + std::string(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        const Value& v = params[i];
        int rc = SQLITE_OK;
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            rc = sqlite3_bind_int64(stmt, index, *n);
        } else if (const auto* d = std::get_if<double>(&v)) {
            rc = sqlite3_bind_double(stmt, index, *d);
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            rc = sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()),
                                   SQLITE_TRANSIENT);
        } else {
            rc = sqlite3_bind_null(stmt, index);
        }
        if (rc != SQLITE_OK) return ErrorFromSqlite(rc, sql);
    }
    return stmt;
}

Status SqliteConnection::ForEach(std::string_view sql, const Params& params,
                                 const RowCallback& callback) {
    GX_TRY_ASSIGN(sqlite3_stmt * stmt, Prepare(sql, params));
    StatementReset reset{stmt, this};
    Row row({});
    while (true) {
        const int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) return {};
        if (rc != SQLITE_ROW) return ErrorFromSqlite(sqlite3_extended_errcode(handle_), sql);
        ReadRow(stmt, row.values_);
        if (!callback(row)) return {};
    }
}

Result<Rows> SqliteConnection::Query(std::string_view sql, const Params& params) {
    Rows rows;
    GX_TRY(ForEach(sql, params, [&](const Row& row) {
        rows.push_back(row);
        return true;
    }));
    return rows;
}

Result<std::int64_t> SqliteConnection::Execute(std::string_view sql, const Params& params) {
    GX_TRY_ASSIGN(sqlite3_stmt * stmt, Prepare(sql, params));
    StatementReset reset{stmt, this};
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return ErrorFromSqlite(sqlite3_extended_errcode(handle_), sql);
    return static_cast<std::int64_t>(sqlite3_changes64(handle_));
}

Result<std::int64_t> SqliteConnection::InsertReturningId(std::string_view sql,
                                                         const Params& params) {
    GX_TRY(Execute(sql, params));
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(handle_));
}

Status SqliteConnection::ExecuteScript(std::string_view sql) {
    char* message = nullptr;
    const std::string script(sql);
    const int rc = sqlite3_exec(handle_, script.c_str(), nullptr, nullptr, &message);
    AfterStatement();
    if (rc != SQLITE_OK) {
        std::string detail = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return Error::Internal("sqlite script: " + detail);
    }
    return {};
}

Status SqliteConnection::NoteOtherWriters() {
    GX_TRY_ASSIGN(auto row, QueryOne("PRAGMA data_version"));
    const std::int64_t version = row ? row->Int(0) : -1;
    // The first answer says nothing about what happened before it: count it as a change.
    if (version != data_version_ || version < 0) BumpDataEpoch();
    data_version_ = version;
    return {};
}

SqliteMemory SqliteMemoryNow() {
    sqlite3_int64 used = 0, peak = 0;
    (void)sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 0);
    return {used, peak};
}

}  // namespace guanxi::db
