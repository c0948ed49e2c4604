#pragma once
// Process-wide counts of committed changes, which caches compare before answering from memory:
//   * the identity epoch: changes to the tables that say who a caller is (users, roles, sessions,
//     departments, org_version) — the session cache in accounts;
//   * the data epoch: any committed write to the database — the customer page cache.
//
// SQLite connections maintain both: an update hook notes a change to an identity table, a commit
// hook any committed write, and the count moves once the statement that committed returns, so a
// reader that took the epoch before its read and finds it unchanged later read nothing older than
// the last commit. Writes by other processes move the data epoch only when a connection notices
// them (Connection::NoteOtherWriters, SQLite's data_version) and never the identity epoch (the
// session cache bounds its entries' age instead). PostgreSQL connections maintain neither.

#include <cstdint>
#include <string_view>

namespace guanxi::db {

// Whether a change to this table moves the epoch.
bool IsIdentityTable(std::string_view table);

std::uint64_t IdentityEpoch();
void BumpIdentityEpoch();

std::uint64_t DataEpoch();
void BumpDataEpoch();

}  // namespace guanxi::db
