#pragma once

#include "db/database.hpp"

#include <libpq-fe.h>

#include <map>

namespace guanxi::db {

// A libpq connection. Parameters travel as text; statements are prepared on first use and kept.
class PgConnection final : public Connection {
  public:
    static Result<std::unique_ptr<Connection>> Open(const std::string& url);
    ~PgConnection() override;

    Backend backend() const override { return Backend::kPostgres; }
    Result<Rows> Query(std::string_view sql, const Params& params) override;
    Result<std::int64_t> Execute(std::string_view sql, const Params& params) override;
    Status ForEach(std::string_view sql, const Params& params,
                   const RowCallback& callback) override;
    // The first row from the whole result: a row per result, as ForEach reads them, costs more
    // than it saves for the one-row statements this is for.
    Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params) override;
    Status ExecuteScript(std::string_view sql) override;

    // "? = ?" → "$1 = $2", leaving quoted text alone.
    static std::string NumberPlaceholders(std::string_view sql);

  private:
    explicit PgConnection(PGconn* handle) : handle_(handle) {}
    // The name of `sql`'s prepared statement, preparing it on first use.
    Result<const std::string*> Prepared(std::string_view sql);
    // Runs a statement and returns its whole result.
    Result<PGresult*> Run(std::string_view sql, const Params& params);
    Error ErrorFromResult(PGresult* result, std::string_view sql) const;

    PGconn* handle_;
    // Keyed by the SQL text; std::less<> finds a string_view without copying it.
    std::map<std::string, std::string, std::less<>> statement_names_;
};

}  // namespace guanxi::db
