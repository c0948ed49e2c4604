#pragma once
// The database's http::IdempotencyStore (table idempotency_keys), shared by every app server. A
// keyed request's writes carry the key into their group-commit pieces (db::PieceRider): the first
// committed write inserts the key's row, with what it returned, in its own transaction; the answer
// is kept after, through the group commit as well, without waiting for it.

#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "http/idempotency.hpp"

#include <atomic>

namespace guanxi::idempotency {

class SqlIdempotencyStore : public http::IdempotencyStore {
  public:
    SqlIdempotencyStore(db::Database& db, db::GroupCommit& writes) : db_(db), writes_(writes) {}

    Result<Claim> Begin(std::int64_t user_id, const std::string& key,
                        const std::string& fingerprint) override;

  private:
    friend class KeyedWrite;
    db::Database& db_;
    db::GroupCommit& writes_;
    std::atomic<std::uint64_t> records_{0};  // keys written: every so many, expired ones are swept
};

}  // namespace guanxi::idempotency
