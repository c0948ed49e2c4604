#pragma once
// The thin database layer: one Connection interface over the sqlite3 and libpq C APIs, a fixed-size
// pool, and RAII transactions. SQL is written once with `?` placeholders; the PostgreSQL backend
// numbers them. Statements are prepared once per connection and cached by their text.
//
// Thread-safety: a Connection is used by one thread at a time (the pool guarantees it); Database is
// thread-safe.

#include "core/error.hpp"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace guanxi::db {

enum class Backend { kSqlite, kPostgres };

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

// Optional values bind as NULL when empty.
Value Nullable(const std::optional<std::int64_t>& v);
Value Nullable(const std::optional<std::string>& v);

// One result row. Accessors convert: PostgreSQL delivers text, SQLite typed values.
class Row {
  public:
    explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

    size_t size() const { return values_.size(); }
    bool IsNull(size_t i) const;
    std::int64_t Int(size_t i) const;  // 0 for NULL
    double Real(size_t i) const;       // 0 for NULL
    std::string Text(size_t i) const;  // "" for NULL
    bool Bool(size_t i) const { return Int(i) != 0; }
    std::optional<std::int64_t> OptInt(size_t i) const;
    std::optional<std::string> OptText(size_t i) const;

  private:
    friend class SqliteConnection;  // refills one row per statement (ForEach's callbacks get a
                                    // row valid only during the call; Query copies them)
    std::vector<Value> values_;
};

using Rows = std::vector<Row>;
// Return false to stop. The row is valid only during the call: keep a copy, not a reference.
using RowCallback = std::function<bool(const Row&)>;

class Connection {
  public:
    virtual ~Connection() = default;

    virtual Backend backend() const = 0;

    // Runs one statement and returns all its rows.
    virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
    // Runs one statement; returns the number of rows it changed.
    virtual Result<std::int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;
    // Streams rows to `callback` without holding them all (exports, bulk reads).
    virtual Status ForEach(std::string_view sql, const Params& params,
                           const RowCallback& callback) = 0;
    // Runs several statements without parameters (migrations).
    virtual Status ExecuteScript(std::string_view sql) = 0;
    // Moves db::DataEpoch if another connection — of this process or another — committed since
    // this one last asked (SQLite: PRAGMA data_version). A no-op where epochs are not kept.
    virtual Status NoteOtherWriters() { return {}; }
    // Rows inserted, changed or deleted through this connection since it opened, triggers'
    // included, and whether a transaction is open: lets the group commit tell a failed piece that
    // wrote nothing (nothing to undo) from one that did. -1 / unknown where not kept.
    virtual std::int64_t TotalChanges() const { return -1; }
    virtual bool TransactionOpen() const { return false; }

    // The first row, or nullopt.
    virtual Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
    // Runs an INSERT of one row — `sql` without a RETURNING clause — and returns the new row's
    // `id`. (SQLite: its rowid, read without RETURNING's temporary table; elsewhere `RETURNING
    // id`.)
    virtual Result<std::int64_t> InsertReturningId(std::string_view sql, const Params& params);
};

enum class TxMode { kRead, kWrite };

// Rolls back on destruction unless committed. For SQLite, kWrite takes the write lock at once
// (BEGIN IMMEDIATE) so a read-then-write transaction cannot deadlock on upgrade.
class Transaction {
  public:
    static Result<Transaction> Begin(Connection& conn, TxMode mode);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();

    Status Commit();

  private:
    explicit Transaction(Connection* conn) : conn_(conn) {}
    Connection* conn_;
};

struct PoolStats {
    int size = 0;
    int in_use = 0;
    std::int64_t waits = 0;  // acquisitions that had to wait for a free connection
};

class Database;

// A connection borrowed from the pool; returned when destroyed.
class Lease {
  public:
    Lease(Database* db, std::unique_ptr<Connection> conn) : db_(db), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

  private:
    Database* db_;
    std::unique_ptr<Connection> conn_;
};

struct OpenOptions {
    int pool_size = 4;
};

class Database {
  public:
    // `url` is "sqlite:<path>" or "postgresql://...". Opens the whole pool or fails.
    static Result<std::unique_ptr<Database>> Open(const std::string& url, OpenOptions options = {});

    Backend backend() const { return backend_; }
    const std::string& url() const { return url_; }

    // Opens one more connection outside the pool (for a thread that keeps its own).
    Result<std::unique_ptr<Connection>> Connect() const;

    // Waits up to 10 s for a free connection; kUnavailable after that.
    Result<Lease> Acquire();
    PoolStats Stats() const;

  private:
    friend class Lease;
    Database(Backend backend, std::string url) : backend_(backend), url_(std::move(url)) {}
    void Return(std::unique_ptr<Connection> conn);

    Backend backend_;
    std::string url_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int size_ = 0;
    std::int64_t waits_ = 0;
};

// Runs `fn(conn)` inside a transaction on a pooled connection; commits if it succeeds.
template <typename Fn>
auto InTransaction(Database& db, TxMode mode, Fn&& fn)
    -> decltype(fn(std::declval<Connection&>())) {
    GX_TRY_ASSIGN(Lease lease, db.Acquire());
    GX_TRY_ASSIGN(Transaction tx, Transaction::Begin(*lease, mode));
    auto result = fn(*lease);
    if (!result) return result;
    GX_TRY(tx.Commit());
    return result;
}

}  // namespace guanxi::db
