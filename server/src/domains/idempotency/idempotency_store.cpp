#include "domains/idempotency/idempotency_store.hpp"

#include "core/log.hpp"
#include "core/time.hpp"

#include <mutex>

namespace guanxi::idempotency {

namespace {

constexpr std::string_view kRead =
    "SELECT fingerprint, status, content_type, body, outcomes FROM idempotency_keys "
    "WHERE user_id = ? AND idempotency_key = ? AND created_at >= ?";
enum Col { kColFingerprint, kColStatus, kColContentType, kColBody, kColOutcomes };
// Inside the first committed write: the key's row with that write's outcome. An expired row of
// the same key is replaced; a live one is another request's (nothing changes).
constexpr std::string_view kInsertWithOutcomes =
    "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at, outcomes) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, idempotency_key) DO UPDATE SET "
    "fingerprint = excluded.fingerprint, created_at = excluded.created_at, "
    "outcomes = excluded.outcomes, status = 0, content_type = '', body = '' "
    "WHERE idempotency_keys.created_at < ?";
constexpr std::string_view kSetOutcomes =
    "UPDATE idempotency_keys SET outcomes = ? WHERE user_id = ? AND idempotency_key = ?";
constexpr std::string_view kSetAnswer =
    "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? "
    "WHERE user_id = ? AND idempotency_key = ?";
// The answer of a request that committed no write under its key (a refusal, a route outside the
// group commit).
constexpr std::string_view kInsertWithAnswer =
    "INSERT INTO idempotency_keys "
    "(user_id, idempotency_key, fingerprint, created_at, status, content_type, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, idempotency_key) DO UPDATE SET "
    "fingerprint = excluded.fingerprint, created_at = excluded.created_at, "
    "status = excluded.status, content_type = excluded.content_type, body = excluded.body, "
    "outcomes = NULL WHERE idempotency_keys.created_at < ?";
constexpr std::string_view kForgetAllExpired = "DELETE FROM idempotency_keys WHERE created_at < ?";

// Expired keys of all users are swept on every this-many keys written (each write replaces its
// own expired key).
constexpr std::uint64_t kSweepEvery = 256;

}  // namespace

// One keyed request: the rider of its writes (db::PieceRider) and the router's handle on it.
class KeyedWrite final : public http::KeyedRequest,
                         public db::PieceRider,
                         public std::enable_shared_from_this<KeyedWrite> {
  public:
    KeyedWrite(SqlIdempotencyStore& store, std::int64_t user_id, std::string key,
               std::string fingerprint, nlohmann::json outcomes)
        : store_(store),
          user_id_(user_id),
          key_(std::move(key)),
          fingerprint_(std::move(fingerprint)),
          outcomes_(std::move(outcomes)),
          stored_(!outcomes_.empty()) {}

    // http::KeyedRequest
    void Bind() override { binding_.emplace(shared_from_this()); }
    void Unbind() override { binding_.reset(); }
    bool Overtaken() const override {
        std::lock_guard lock(mutex_);
        return overtaken_;
    }
    void Answered(int status, const std::string& content_type, const std::string& body) override;

    // db::PieceRider
    size_t NextPiece() override {
        std::lock_guard lock(mutex_);
        return next_piece_++;
    }
    std::optional<nlohmann::json> Recorded(size_t piece) override {
        std::lock_guard lock(mutex_);
        if (piece >= outcomes_.size() || outcomes_[piece].is_null()) return std::nullopt;
        return outcomes_[piece];
    }
    Status Record(db::Connection& conn, size_t piece, const nlohmann::json& outcome) override;
    void Settled(size_t piece, bool committed) override;

  private:
    SqlIdempotencyStore& store_;
    const std::int64_t user_id_;
    const std::string key_;
    const std::string fingerprint_;
    std::optional<db::RiderBinding> binding_;

    mutable std::mutex mutex_;  // the writer records, the request's thread reads
    // What each of the request's committed pieces returned, by piece number; null: a piece that
    // did not commit (it runs again on a replay).
    nlohmann::json outcomes_;
    nlohmann::json recording_;  // the running piece's outcome, until it settles
    bool conflict_ = false;     // the running piece found the key taken by another request
    bool stored_ = false;       // the key's row of this request is committed
    bool overtaken_ = false;
    size_t next_piece_ = 0;
};

Status KeyedWrite::Record(db::Connection& conn, size_t piece, const nlohmann::json& outcome) {
    nlohmann::json outcomes;
    bool stored = false;
    {
        std::lock_guard lock(mutex_);
        outcomes = outcomes_;
        stored = stored_;
        recording_ = outcome;
        conflict_ = false;
    }
    while (outcomes.size() <= piece) outcomes.push_back(nullptr);
    outcomes[piece] = outcome;
    // Text that is not UTF-8 cannot come from a request (bodies are checked); replaced rather
    // than failing the write should a stored value hold some.
    const std::string text =
        outcomes.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (stored) {
        GX_TRY(conn.Execute(kSetOutcomes, {text, user_id_, key_}));
        return {};
    }
    const std::int64_t now = NowSeconds();
    const std::int64_t expired_before = now - http::kIdempotencyKeySeconds;
    GX_TRY_ASSIGN(std::int64_t inserted,
                  conn.Execute(kInsertWithOutcomes,
                               {user_id_, key_, fingerprint_, now, text, expired_before}));
    if (inserted == 0) {
        std::lock_guard lock(mutex_);
        conflict_ = true;
        return Error{ErrorCode::kIdempotencyKeyInUse,
                     "Another request with this Idempotency-Key was answered first; send it "
                     "again to get that answer.",
                     {{"header", "Idempotency-Key"}},
                     {}};
    }
    if (store_.records_.fetch_add(1) % kSweepEvery == kSweepEvery - 1) {
        GX_TRY(conn.Execute(kForgetAllExpired, {expired_before}));
    }
    return {};
}

void KeyedWrite::Settled(size_t piece, bool committed) {
    std::lock_guard lock(mutex_);
    while (outcomes_.size() <= piece) outcomes_.push_back(nullptr);
    if (committed) {
        outcomes_[piece] = std::move(recording_);
        stored_ = true;
    }
    overtaken_ = !committed && !stored_ && conflict_;
    recording_ = nullptr;
}

void KeyedWrite::Answered(int status, const std::string& content_type, const std::string& body) {
    bool stored = false;
    {
        std::lock_guard lock(mutex_);
        if (overtaken_) return;  // the key and its answer are the other request's
        stored = stored_;
    }
    // A piece of the group commit, not waited for: until it commits, a retry finds the write's
    // outcomes and is answered from them (the crash window, closed).
    store_.writes_.Submit(
        [self = shared_from_this(), stored, status, content_type,
         body](db::Connection& conn) -> Status {
            const std::int64_t now = NowSeconds();
            if (stored) {
                GX_TRY(conn.Execute(kSetAnswer, {std::int64_t{status}, content_type, body,
                                                 self->user_id_, self->key_}));
            } else {
                GX_TRY(conn.Execute(
                    kInsertWithAnswer,
                    {self->user_id_, self->key_, self->fingerprint_, now, std::int64_t{status},
                     content_type, body, now - http::kIdempotencyKeySeconds}));
            }
            return {};
        },
        [user_id = user_id_](Status kept) {
            if (!kept) {
                log::Error("idempotency_answer_not_saved",
                           {{"user_id", user_id}, {"detail", kept.error().log_detail}});
            }
        });
}

Result<http::IdempotencyStore::Claim> SqlIdempotencyStore::Begin(std::int64_t user_id,
                                                                 const std::string& key,
                                                                 const std::string& fingerprint) {
    const std::int64_t live_since = NowSeconds() - http::kIdempotencyKeySeconds;
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, conn->QueryOne(kRead, {user_id, key, live_since}));
    Claim claim;
    if (!row) {
        claim.fingerprint = fingerprint;
        claim.request =
            std::make_shared<KeyedWrite>(*this, user_id, key, fingerprint, nlohmann::json::array());
        return claim;
    }
    claim.fingerprint = row->Text(kColFingerprint);
    claim.status = static_cast<int>(row->Int(kColStatus));
    claim.content_type = row->Text(kColContentType);
    claim.body = row->Text(kColBody);
    if (claim.status != 0) {
        claim.kind = Claim::kDone;
    } else if (row->IsNull(kColOutcomes)) {
        claim.kind = Claim::kPending;
    } else {
        claim.kind = Claim::kReplay;
        nlohmann::json outcomes = nlohmann::json::parse(row->Text(kColOutcomes), nullptr, false);
        if (!outcomes.is_array()) return Error::Internal("idempotency key's outcomes unreadable");
        if (claim.fingerprint == fingerprint) {
            claim.request =
                std::make_shared<KeyedWrite>(*this, user_id, key, fingerprint, std::move(outcomes));
        }
    }
    return claim;
}

}  // namespace guanxi::idempotency
