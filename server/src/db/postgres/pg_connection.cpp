#include "db/postgres/pg_connection.hpp"

#include <cstring>

namespace guanxi::db {

namespace {

struct ResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultFree>;

Row ReadRow(PGresult* result, int row) {
    const int n = PQnfields(result);
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (PQgetisnull(result, row, i)) {
            values.emplace_back(nullptr);
        } else {
            values.emplace_back(std::string(PQgetvalue(result, row, i),
                                            static_cast<size_t>(PQgetlength(result, row, i))));
        }
    }
    return Row(std::move(values));
}

}  // namespace

std::string PgConnection::NumberPlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 1;
    char quote = 0;
    for (char c : sql) {
        if (quote != 0) {
            if (c == quote) quote = 0;
            out.push_back(c);
        } else if (c == '\'' || c == '"') {
            quote = c;
            out.push_back(c);
        } else if (c == '?') {
            out += "$" + std::to_string(next++);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

Result<std::unique_ptr<Connection>> PgConnection::Open(const std::string& url) {
    PGconn* handle = PQconnectdb(url.c_str());
    if (PQstatus(handle) != CONNECTION_OK) {
        std::string message = PQerrorMessage(handle);
        PQfinish(handle);
        return Error{ErrorCode::kUnavailable,
                     "Cannot connect to the database.",
                     {},
                     "postgres connect: " + message};
    }
    std::unique_ptr<PgConnection> conn(new PgConnection(handle));
    GX_TRY(
        conn->ExecuteScript("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; "
                            "SET client_min_messages = warning; "
                            // LIKE's ESCAPE '\' (db::LikeClause) is one backslash only so.
                            "SET standard_conforming_strings = on;"));
    return std::unique_ptr<Connection>(std::move(conn));
}

PgConnection::~PgConnection() { PQfinish(handle_); }

Error PgConnection::ErrorFromResult(PGresult* result, std::string_view sql) const {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string detail = std::string(PQerrorMessage(handle_)) + " in: " + std::string(sql);
    if (PQstatus(handle_) != CONNECTION_OK) {
        return Error{ErrorCode::kUnavailable, "The database is unavailable.", {}, detail};
    }
    if (state != nullptr) {
        if (std::strcmp(state, "23505") == 0) {
            return Error{
                ErrorCode::kConflict, "This record conflicts with an existing one.", {}, detail};
        }
        if (std::strncmp(state, "23", 2) == 0) {
            return Error{
                ErrorCode::kValidationFailed, "A referenced record does not exist.", {}, detail};
        }
        if (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0) {
            return Error{ErrorCode::kUnavailable, "The database is busy; try again.", {}, detail};
        }
    }
    return Error::Internal(detail);
}

Result<const std::string*> PgConnection::Prepared(std::string_view sql) {
    auto it = statement_names_.find(sql);
    if (it == statement_names_.end()) {
        std::string name = "s" + std::to_string(statement_names_.size() + 1);
        ResultPtr prepared(
            PQprepare(handle_, name.c_str(), NumberPlaceholders(sql).c_str(), 0, nullptr));
        if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
            return ErrorFromResult(prepared.get(), sql);
        }
        it = statement_names_.emplace(std::string(sql), std::move(name)).first;
    }
    return &it->second;
}

namespace {

// Parameters as libpq takes them: text, or a null pointer for NULL.
class TextParams {
  public:
    explicit TextParams(const Params& params)
        : texts_(params.size()), values_(params.size(), nullptr) {
        for (size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (const auto* n = std::get_if<std::int64_t>(&v)) {
                texts_[i] = std::to_string(*n);
            } else if (const auto* d = std::get_if<double>(&v)) {
                texts_[i] = std::to_string(*d);
            } else if (const auto* s = std::get_if<std::string>(&v)) {
                texts_[i] = *s;
            } else {
                continue;  // NULL
            }
            values_[i] = texts_[i].c_str();
        }
    }
    int size() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }

  private:
    std::vector<std::string> texts_;
    std::vector<const char*> values_;
};

}  // namespace

Result<PGresult*> PgConnection::Run(std::string_view sql, const Params& params) {
    GX_TRY_ASSIGN(const std::string* name, Prepared(sql));
    const TextParams text(params);
    PGresult* result =
        PQexecPrepared(handle_, name->c_str(), text.size(), text.values(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        Error error = ErrorFromResult(result, sql);
        PQclear(result);
        return error;
    }
    return result;
}

// Rows arrive one at a time (libpq's single-row mode), so an export of a million customers never
// holds them all: PQexecPrepared collects the whole result first (627 MB for 900k customers). A
// callback that stops early leaves the rest to be read off the connection before it can run the
// next statement, as the whole result was read before.
Status PgConnection::ForEach(std::string_view sql, const Params& params,
                             const RowCallback& callback) {
    GX_TRY_ASSIGN(const std::string* name, Prepared(sql));
    const TextParams text(params);
    if (PQsendQueryPrepared(handle_, name->c_str(), text.size(), text.values(), nullptr, nullptr,
                            0) == 0) {
        return Error::Internal(std::string("postgres send: ") + PQerrorMessage(handle_));
    }
    PQsetSingleRowMode(handle_);  // if refused, the rows come in one result: read just the same
    Status status;
    bool wanted = true;
    while (PGresult* raw = PQgetResult(handle_)) {
        ResultPtr result(raw);
        switch (PQresultStatus(raw)) {
            case PGRES_SINGLE_TUPLE:
            case PGRES_TUPLES_OK:
                for (int row = 0; wanted && row < PQntuples(raw); ++row) {
                    wanted = callback(ReadRow(raw, row));
                }
                break;
            case PGRES_COMMAND_OK:
                break;
            default:
                if (status) status = ErrorFromResult(raw, sql);
        }
    }
    return status;
}

Result<Rows> PgConnection::Query(std::string_view sql, const Params& params) {
    GX_TRY_ASSIGN(PGresult * raw, Run(sql, params));
    ResultPtr result(raw);
    Rows rows;
    const int n = PQntuples(result.get());
    rows.reserve(static_cast<size_t>(n));
    for (int row = 0; row < n; ++row) rows.push_back(ReadRow(result.get(), row));
    return rows;
}

Result<std::optional<Row>> PgConnection::QueryOne(std::string_view sql, const Params& params) {
    GX_TRY_ASSIGN(PGresult * raw, Run(sql, params));
    ResultPtr result(raw);
    if (PQntuples(result.get()) == 0) return std::optional<Row>();
    return std::optional<Row>(ReadRow(result.get(), 0));
}

Result<std::int64_t> PgConnection::Execute(std::string_view sql, const Params& params) {
    GX_TRY_ASSIGN(PGresult * raw, Run(sql, params));
    ResultPtr result(raw);
    const char* affected = PQcmdTuples(result.get());
    return affected[0] == '\0' ? std::int64_t{0} : std::stoll(affected);
}

Status PgConnection::ExecuteScript(std::string_view sql) {
    ResultPtr result(PQexec(handle_, std::string(sql).c_str()));
    const auto status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return ErrorFromResult(result.get(), "script");
    }
    return {};
}

}  // namespace guanxi::db
