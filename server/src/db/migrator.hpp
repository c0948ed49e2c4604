#pragma once
// Applies the numbered migrations of the database's backend (server/migrations/<backend>/NNN_*.sql,
// compiled into the binary) that it has not seen yet, each in its own transaction. Safe to run from
// several processes at once: PostgreSQL takes an advisory lock, SQLite the write lock.

#include "db/database.hpp"

namespace guanxi::db {

struct Migration {
    Backend backend;
    int version;
    std::string_view name;
    std::string_view sql;
};

// All migrations compiled in (generated at build time).
const std::vector<Migration>& EmbeddedMigrations();

// Returns the number of migrations applied now.
Result<int> Migrate(Database& db);

}  // namespace guanxi::db
