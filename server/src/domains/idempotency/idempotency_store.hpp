#pragma once
// The database's http::IdempotencyStore (table idempotency_keys), shared by every app server.

#include "db/database.hpp"
#include "http/idempotency.hpp"

#include <atomic>

namespace guanxi::idempotency {

class SqlIdempotencyStore : public http::IdempotencyStore {
  public:
    explicit SqlIdempotencyStore(db::Database& db) : db_(db) {}

    Result<Claim> Begin(std::int64_t user_id, const std::string& key,
                        const std::string& fingerprint) override;
    Status Finish(std::int64_t user_id, const std::string& key, int status,
                  const std::string& content_type, const std::string& body) override;
    Status Abandon(std::int64_t user_id, const std::string& key) override;

  private:
    db::Database& db_;
    std::atomic<std::uint64_t> begins_{0};
};

}  // namespace guanxi::idempotency
