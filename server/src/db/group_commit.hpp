#pragma once
// Group commit (DESIGN.md "Storage": an acknowledged write is durable). On SQLite every commit is
// an fsync, and concurrent writers queue for the one write lock, so 64 clients writing follow-ups
// get fewer commits per second than one. Here concurrent writers' work is queued; one writer thread
// runs everything queued in one transaction and commits once: one fsync for the whole batch. A
// failing piece rolls back alone: the batch first runs without savepoints (two savepoint
// statements per piece are a tenth of the writer's time); a piece refused before it wrote
// anything (the gate's 404, a stale version, a duplicate — the common failures) simply answers
// its error; when a piece fails after writing, the batch is rolled back and run again with each
// piece in its own savepoint. Each caller
// is told the outcome only after the commit, so nothing is acknowledged before it is on disk; the
// answers are handed to a second thread, so the writer goes on to the next batch at once.
//
// On PostgreSQL, which commits concurrent transactions itself (and groups their WAL flushes), each
// piece runs at once in its own transaction on a pooled connection.

#include "db/database.hpp"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace guanxi::db {

// What a request adds to each piece it submits: the Idempotency-Key row (ADR 0006, "Idempotency
// keys"). Bound to the thread that calls Transact / TransactAsync (RiderBinding) for one request;
// each piece the request submits gets the next number (0, 1, ...).
class PieceRider {
  public:
    virtual ~PieceRider() = default;
    // On the request's thread, as a piece is submitted: its number.
    virtual size_t NextPiece() = 0;
    // On the request's thread: the result piece `piece` recorded when it was committed before
    // (a replay of the request) — returned instead of running the piece again; nullopt: run it.
    virtual std::optional<nlohmann::json> Recorded(size_t piece) = 0;
    // On the writer, inside the piece's transaction, after its work succeeded: record `outcome`
    // (PieceOutcome). An error undoes the piece (e.g. another request holds the key).
    virtual Status Record(Connection& conn, size_t piece, const nlohmann::json& outcome) = 0;
    // Once the piece's outcome is known (after the commit): whether it committed.
    virtual void Settled(size_t piece, bool committed) = 0;
};

// Binds `rider` to the calling thread while alive (the previous one, if any, after).
class RiderBinding {
  public:
    explicit RiderBinding(std::shared_ptr<PieceRider> rider);
    ~RiderBinding();
    RiderBinding(const RiderBinding&) = delete;
    RiderBinding& operator=(const RiderBinding&) = delete;

  private:
    std::shared_ptr<PieceRider> previous_;
};

// How a piece's successful result is kept by a PieceRider and given back on replay: as JSON. A
// result type without a specialisation here does not compile with Transact.
template <typename T>
struct PieceOutcome;
template <>
struct PieceOutcome<Status> {
    static nlohmann::json Encode(const Status&) { return true; }
    static Status Decode(const nlohmann::json&) { return {}; }
};
template <>
struct PieceOutcome<Result<nlohmann::json>> {
    static nlohmann::json Encode(const Result<nlohmann::json>& out) { return *out; }
    static Result<nlohmann::json> Decode(const nlohmann::json& kept) { return kept; }
};
template <>
struct PieceOutcome<Result<std::int64_t>> {
    static nlohmann::json Encode(const Result<std::int64_t>& out) { return *out; }
    static Result<std::int64_t> Decode(const nlohmann::json& kept);
};
// A row as PostgreSQL delivers one: each value as text, or null (Row's accessors convert).
template <>
struct PieceOutcome<Result<Row>> {
    static nlohmann::json Encode(const Result<Row>& out);
    static Result<Row> Decode(const nlohmann::json& kept);
};

class GroupCommit {
  public:
    // Runs inside the batch's transaction; an error rolls back this piece only. It may run twice
    // (again after its batch was rolled back for another piece's error), so it must not act outside
    // the connection before the outcome is known: keep results where `done` reads them.
    using Work = std::function<Status(Connection&)>;
    // Called once with the piece's outcome, after the commit, on the answering thread.
    using Done = std::function<void(Status)>;

    struct Options {
        size_t max_batch = 512;
    };
    struct Stats {
        std::int64_t batches = 0;
        std::int64_t writes = 0;
        std::int64_t retried_batches = 0;  // run again piece by piece after a piece failed
    };

    static Result<std::unique_ptr<GroupCommit>> Start(Database& db, Options options);
    static Result<std::unique_ptr<GroupCommit>> Start(Database& db) { return Start(db, {}); }
    ~GroupCommit();  // finishes what is queued, then stops
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    void Submit(Work work, Done done);
    // Submits and waits for the outcome (for callers that may block: jobs, the CLI, tests).
    Status Run(Work work);

    // db::InTransaction's twin for writes: runs `fn(conn)` as a piece of the next batch and
    // returns its result once the batch is committed (Run with a value). For callers that may
    // block — HTTP write routes run on the router's write workers for that. `fn` may run twice
    // (see Work): it must leave nothing outside the connection but its result. Called on the
    // writer itself (a piece that calls another service's write), `fn` joins the running batch.
    // With a PieceRider bound to the calling thread (a request's Idempotency-Key), the rider
    // records the result inside the piece, or gives back the one it recorded before instead of
    // running `fn` again (PieceRider).
    template <typename Fn>
    auto Transact(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
        using Out = decltype(fn(std::declval<Connection&>()));
        if (Connection* running = PieceConnection()) return fn(*running);
        std::shared_ptr<PieceRider> rider = BoundRider();
        size_t piece = 0;
        if (rider) {
            piece = rider->NextPiece();
            if (auto recorded = rider->Recorded(piece)) return PieceOutcome<Out>::Decode(*recorded);
        }
        std::optional<Out> kept;
        Status status = Run([&](Connection& conn) -> Status {
            kept.reset();
            kept.emplace(fn(conn));
            return Ride(rider.get(), piece, conn, *kept);
        });
        if (rider) rider->Settled(piece, status.ok());
        if (!status) return std::move(status).error();
        if constexpr (std::is_same_v<Out, Status>) {
            return {};
        } else {
            return std::move(*kept);
        }
    }

    // Transact for callers that must not block (async routes): `then(result)` is called once,
    // after the commit, on the answering thread — or at once, on this thread, when the piece is
    // refused or replayed from its rider.
    template <typename Fn, typename Then>
    void TransactAsync(Fn fn, Then then) {
        using Out = decltype(fn(std::declval<Connection&>()));
        std::shared_ptr<PieceRider> rider = BoundRider();
        size_t piece = 0;
        if (rider) {
            piece = rider->NextPiece();
            if (auto recorded = rider->Recorded(piece)) {
                return then(PieceOutcome<Out>::Decode(*recorded));
            }
        }
        auto kept = std::make_shared<std::optional<Out>>();
        Submit(
            [fn = std::move(fn), kept, rider, piece](Connection& conn) -> Status {
                kept->reset();
                kept->emplace(fn(conn));
                return Ride(rider.get(), piece, conn, **kept);
            },
            [kept, rider, piece, then = std::move(then)](Status status) mutable {
                if (rider) rider->Settled(piece, status.ok());
                if (!status) return then(Out(std::move(status).error()));
                then(std::move(**kept));
            });
    }

    Stats stats() const;

    // Work a piece leaves to the end of its batch, so that one statement does it for every piece
    // that asked: e.g. the customers' full-text rows, where FTS5 writes a segment per statement
    // that touched it (one per batch instead of one per create). Pieces that name the same
    // `Deferred` (a long-lived object) add rows of values to one list; `flush` gets the list once,
    // on the writer, after the batch's pieces and before its commit — or after each piece when the
    // batch is run piece by piece, in the piece's savepoint. A flush that fails sends the batch
    // back to be run piece by piece, where it fails its own piece. Called outside a batch
    // (PostgreSQL, or no piece running on this thread), `flush` runs at once with this one row.
    struct Deferred {
        std::function<Status(Connection&, const std::vector<Params>&)> flush;
    };
    static Status Defer(Connection& conn, const Deferred& kind, Params row);

  private:
    struct Item {
        Work work;
        Done done;
    };
    struct Answer {
        Done done;
        Status status;
    };
    GroupCommit(Database& db, Options options) : db_(db), options_(options) {}
    void Loop();
    void RunBatch(std::vector<Item>& batch);
    // One transaction over the batch; false when a piece failed and the transaction was rolled
    // back (`outcomes` then says nothing).
    bool RunTogether(std::vector<Item>& batch, std::vector<Status>& outcomes, Status& committed);
    void RunPieceByPiece(std::vector<Item>& batch, std::vector<Status>& outcomes,
                         Status& committed);
    void AnswerLoop();
    // The connection of the piece this thread is running, or nullptr.
    static Connection* PieceConnection();
    // The rider bound to this thread (RiderBinding), or nullptr.
    static std::shared_ptr<PieceRider> BoundRider();
    // The end of a piece: its result's error, or the rider's record of it.
    template <typename Out>
    static Status Ride(PieceRider* rider, size_t piece, Connection& conn, const Out& out) {
        if (!out) return out.error();
        if (rider == nullptr) return {};
        return rider->Record(conn, piece, PieceOutcome<Out>::Encode(out));
    }
    // Runs and clears the deferred work of the pieces run since the last call.
    Status FlushDeferred();

    Database& db_;
    Options options_;
    std::unique_ptr<Connection> conn_;  // SQLite: the writer's own connection
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    Stats stats_;
    std::thread writer_;

    std::mutex answers_mutex_;
    std::condition_variable answers_wake_;
    std::vector<Answer> answers_;
    bool answers_stopping_ = false;
    std::thread answerer_;
};

}  // namespace guanxi::db
