#pragma once
// Multi-row INSERTs for bulk loads (demo data, customer import): rows for one table are collected
// and sent as INSERT ... VALUES (...), (...), ... of `rows_per_statement` rows. Full batches reuse
// one SQL text, so the connection's statement cache prepares it once. The caller owns the
// transaction and calls Flush() before committing.

#include "db/database.hpp"

namespace guanxi::db {

class BulkInsert {
  public:
    // `head` is "INSERT INTO t (a, b, ...)" with `columns` columns. `parent` (if any) is flushed
    // first: rows here reference rows there.
    BulkInsert(Connection& conn, std::string head, size_t columns, size_t rows_per_statement,
               BulkInsert* parent = nullptr)
        : conn_(conn),
          head_(std::move(head)),
          columns_(columns),
          batch_(rows_per_statement),
          parent_(parent) {
        params_.reserve(columns_ * batch_);
    }

    template <typename... Values>
    Status Row(Values&&... values) {
        static_assert(sizeof...(Values) > 0);
        (params_.emplace_back(std::forward<Values>(values)), ...);
        if (params_.size() >= columns_ * batch_) return Flush();
        return {};
    }

    // One row from its values in column order.
    Status Append(Params values) {
        for (auto& v : values) params_.push_back(std::move(v));
        if (params_.size() >= columns_ * batch_) return Flush();
        return {};
    }

    Status Flush() {
        if (params_.empty()) return {};
        if (parent_) GX_TRY(parent_->Flush());
        const size_t rows = params_.size() / columns_;
        if (rows == batch_ && full_sql_.empty()) full_sql_ = Sql(rows);
        GX_TRY(conn_.Execute(rows == batch_ ? full_sql_ : Sql(rows), params_));
        params_.clear();
        return {};
    }

    // Drops the rows not yet sent (after a rolled-back transaction).
    void Discard() { params_.clear(); }

  private:
    std::string Sql(size_t rows) const {
        std::string tuple = "(";
        for (size_t c = 0; c < columns_; ++c) tuple += c == 0 ? "?" : ", ?";
        tuple += ")";
        std::string sql = head_ + " VALUES ";
        sql.reserve(sql.size() + rows * (tuple.size() + 2));
        for (size_t r = 0; r < rows; ++r) {
            if (r > 0) sql += ", ";
            sql += tuple;
        }
        return sql;
    }

    Connection& conn_;
    std::string head_;
    size_t columns_;
    size_t batch_;
    BulkInsert* parent_;
    std::string full_sql_;
    Params params_;
};

}  // namespace guanxi::db
