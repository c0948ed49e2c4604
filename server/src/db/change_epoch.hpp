#pragma once
// A process-wide count of committed changes to the tables that say who a caller is (users, roles,
// sessions, departments, org_version). Caches of what those tables hold (the session cache in
// accounts) compare it before answering from memory.
//
// SQLite connections maintain it: an update hook notes a change to one of these tables, and the
// count moves once the change is committed (or rolled back), so a reader that took the epoch
// before its read and sees it unchanged afterwards read nothing older than the last commit.
// Other processes' writes are not seen (a cache must bound its entries' age); PostgreSQL
// connections do not maintain it (Tracked() is false for them).

#include <cstdint>
#include <string_view>

namespace guanxi::db {

// Whether a change to this table moves the epoch.
bool IsIdentityTable(std::string_view table);

std::uint64_t IdentityEpoch();
void BumpIdentityEpoch();

}  // namespace guanxi::db
