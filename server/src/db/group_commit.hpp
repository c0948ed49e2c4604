#pragma once
// Group commit (DESIGN.md "Storage": an acknowledged write is durable). On SQLite every commit is
// an fsync, and concurrent writers queue for the one write lock, so 64 clients writing follow-ups
// get fewer commits per second than one. Here concurrent writers' work is queued; one writer thread
// runs everything queued in one transaction and commits once: one fsync for the whole batch. A
// failing piece rolls back alone: the batch first runs without savepoints (one piece failing is
// rare, and two savepoint statements per piece are a tenth of the writer's time); when a piece
// fails, the batch is rolled back and run again with each piece in its own savepoint. Each caller
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
#include <thread>
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

    Stats stats() const;

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
