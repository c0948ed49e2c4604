#pragma once
// Assembles parameterised WHERE clauses. Only fixed SQL text from our own code goes into `sql`;
// every value a client sent goes into `params`.

#include "db/database.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guanxi::db {

class Where {
  public:
    // Adds "(clause)" joined with AND; `values` bind to its `?`s in order.
    Where& Add(std::string clause, Params values = {}) {
        clauses_.push_back("(" + std::move(clause) + ")");
        for (auto& v : values) params_.push_back(std::move(v));
        return *this;
    }

    // " WHERE a AND b" or "".
    std::string Sql() const {
        std::string out;
        for (size_t i = 0; i < clauses_.size(); ++i)
            out += (i == 0 ? " WHERE " : " AND ") + clauses_[i];
        return out;
    }

    const Params& params() const { return params_; }

  private:
    std::vector<std::string> clauses_;
    Params params_;
};

// `s` with LIKE's wildcards escaped by '\\', for a pattern used with ESCAPE '\\'.
inline std::string EscapeLike(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

// Every LIKE the server runs is `LikeClause(expr)` with a pattern built by EscapeLike (here or by
// ContainsPattern), so a client's % _ and \ match only themselves on both backends. The escape
// character is a backslash in a plain literal: PostgreSQL reads '\' as one backslash because every
// connection sets standard_conforming_strings (pg_connection.cpp), as SQLite always does.
inline std::string LikeClause(std::string_view expr) {
    return std::string(expr) + " LIKE ? ESCAPE '\\'";
}

// The LIKE pattern of text containing `s` literally: "%" + EscapeLike(s) + "%".
inline std::string ContainsPattern(std::string_view s) { return "%" + EscapeLike(s) + "%"; }

// "?,?,?" for n values (n ≥ 1).
inline std::string Placeholders(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ",?";
    return out;
}

}  // namespace guanxi::db
