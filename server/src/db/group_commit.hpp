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
    template <typename Fn>
    auto Transact(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
        using Out = decltype(fn(std::declval<Connection&>()));
        if (Connection* running = PieceConnection()) return fn(*running);
        if constexpr (std::is_same_v<Out, Status>) {
            return Run([&fn](Connection& conn) { return fn(conn); });
        } else {
            std::optional<Out> kept;
            Status status = Run([&](Connection& conn) -> Status {
                kept.reset();
                kept.emplace(fn(conn));
                if (!*kept) return kept->error();
                return {};
            });
            if (!status) return std::move(status).error();
            return std::move(*kept);
        }
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
