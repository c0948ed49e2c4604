#include "domains/idempotency/idempotency_store.hpp"

#include "core/time.hpp"

namespace guanxi::idempotency {

namespace {

constexpr std::string_view kForgetExpired =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND created_at < ?";
constexpr std::string_view kForgetAllExpired = "DELETE FROM idempotency_keys WHERE created_at < ?";
constexpr std::string_view kClaim =
    "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
constexpr std::string_view kRead =
    "SELECT fingerprint, status, content_type, body FROM idempotency_keys "
    "WHERE user_id = ? AND idempotency_key = ?";
enum Col { kColFingerprint, kColStatus, kColContentType, kColBody };
constexpr std::string_view kFinish =
    "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? "
    "WHERE user_id = ? AND idempotency_key = ?";
constexpr std::string_view kAbandon =
    "DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND status = 0";

// Expired keys of all users are swept on every this-many claims (each claim forgets its own).
constexpr std::uint64_t kSweepEvery = 256;

}  // namespace

Result<http::IdempotencyStore::Claim> SqlIdempotencyStore::Begin(std::int64_t user_id,
                                                                 const std::string& key,
                                                                 const std::string& fingerprint) {
    const std::int64_t now = NowSeconds();
    const std::int64_t expired_before = now - http::kIdempotencyKeySeconds;
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<Claim> {
        if (begins_.fetch_add(1) % kSweepEvery == 0) {
            GX_TRY(conn.Execute(kForgetAllExpired, {expired_before}));
        } else {
            GX_TRY(conn.Execute(kForgetExpired, {user_id, key, expired_before}));
        }
        GX_TRY_ASSIGN(std::int64_t claimed, conn.Execute(kClaim, {user_id, key, fingerprint, now}));
        if (claimed == 1) return Claim{Claim::kNew, fingerprint, 0, {}, {}};
        GX_TRY_ASSIGN(auto row, conn.QueryOne(kRead, {user_id, key}));
        if (!row) return Error::Internal("idempotency key vanished inside its transaction");
        Claim claim;
        claim.fingerprint = row->Text(kColFingerprint);
        claim.status = static_cast<int>(row->Int(kColStatus));
        claim.kind = claim.status == 0 ? Claim::kPending : Claim::kDone;
        claim.content_type = row->Text(kColContentType);
        claim.body = row->Text(kColBody);
        return claim;
    });
}

Status SqlIdempotencyStore::Finish(std::int64_t user_id, const std::string& key, int status,
                                   const std::string& content_type, const std::string& body) {
    GX_TRY_ASSIGN(db::Lease lease, db_.Acquire());
    GX_TRY(lease->Execute(kFinish, {std::int64_t{status}, content_type, body, user_id, key}));
    return {};
}

Status SqlIdempotencyStore::Abandon(std::int64_t user_id, const std::string& key) {
    GX_TRY_ASSIGN(db::Lease lease, db_.Acquire());
    GX_TRY(lease->Execute(kAbandon, {user_id, key}));
    return {};
}

}  // namespace guanxi::idempotency
