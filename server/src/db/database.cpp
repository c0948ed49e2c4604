#include "db/database.hpp"

#include "db/postgres/pg_connection.hpp"
#include "db/sqlite/sqlite_connection.hpp"

#include <charconv>
#include <chrono>

namespace guanxi::db {

Value Nullable(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

Value Nullable(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

bool Row::IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }

std::int64_t Row::Int(size_t i) const {
    const Value& v = values_.at(i);
    if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) {
        if (*s == "t") return 1;  // PostgreSQL booleans, should one slip through
        std::int64_t out = 0;
        std::from_chars(s->data(), s->data() + s->size(), out);
        return out;
    }
    return 0;
}

double Row::Real(size_t i) const {
    const Value& v = values_.at(i);
    if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
    return 0;
}

std::string Row::Text(size_t i) const {
    const Value& v = values_.at(i);
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
    return {};
}

std::optional<std::int64_t> Row::OptInt(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
    if (IsNull(i)) return std::nullopt;
    return Text(i);
}

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql, const Params& params) {
    std::optional<Row> first;
    GX_TRY(ForEach(sql, params, [&](const Row& row) {
        first = row;
        return false;
    }));
    return first;
}

Result<std::int64_t> Connection::InsertReturningId(std::string_view sql, const Params& params) {
    std::string returning(sql);
    returning += " RETURNING id";
    GX_TRY_ASSIGN(std::optional<Row> row, QueryOne(returning, params));
    if (!row) return Error::Internal("INSERT returned no row");
    return row->Int(0);
}

Result<Transaction> Transaction::Begin(Connection& conn, TxMode mode) {
    std::string_view sql = "BEGIN";
    if (conn.backend() == Backend::kSqlite && mode == TxMode::kWrite) sql = "BEGIN IMMEDIATE";
    GX_TRY(conn.Execute(sql));
    return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept : conn_(other.conn_) {
    other.conn_ = nullptr;
}

Transaction::~Transaction() {
    if (conn_ != nullptr) (void)conn_->Execute("ROLLBACK");
}

Status Transaction::Commit() {
    Connection* conn = conn_;
    conn_ = nullptr;
    GX_TRY(conn->Execute("COMMIT"));
    return {};
}

Lease::~Lease() {
    if (conn_) db_->Return(std::move(conn_));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, OpenOptions options) {
    Backend backend;
    if (url.rfind("sqlite:", 0) == 0) {
        backend = Backend::kSqlite;
    } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        backend = Backend::kPostgres;
    } else {
        return Error{ErrorCode::kBadRequest,
                     "Database URL must start with sqlite: or postgresql://",
                     {},
                     url};
    }
    std::unique_ptr<Database> db(new Database(backend, url));
    for (int i = 0; i < options.pool_size; ++i) {
        GX_TRY_ASSIGN(std::unique_ptr<Connection> conn, db->Connect());
        db->idle_.push_back(std::move(conn));
    }
    db->size_ = options.pool_size;
    return db;
}

Result<std::unique_ptr<Connection>> Database::Connect() const {
    std::unique_ptr<Connection> conn;
    if (backend_ == Backend::kSqlite) {
        GX_TRY_ASSIGN(conn, SqliteConnection::Open(url_.substr(7)));
    } else {
        GX_TRY_ASSIGN(conn, PgConnection::Open(url_));
    }
    return conn;
}

Result<Lease> Database::Acquire() {
    std::unique_lock lock(mutex_);
    if (idle_.empty()) {
        ++waits_;
        if (!available_.wait_for(lock, std::chrono::seconds(10), [&] { return !idle_.empty(); })) {
            return Error{ErrorCode::kUnavailable,
                         "The database is busy; try again.",
                         {},
                         "connection pool exhausted"};
        }
    }
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
}

void Database::Return(std::unique_ptr<Connection> conn) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(conn));
    }
    available_.notify_one();
}

PoolStats Database::Stats() const {
    std::lock_guard lock(mutex_);
    return {size_, size_ - static_cast<int>(idle_.size()), waits_};
}

}  // namespace guanxi::db
