#pragma once
// Group commit (DESIGN.md "Storage": an acknowledged write is durable). On SQLite every commit is
// an fsync, and concurrent writers queue for the one write lock, so 64 clients writing follow-ups
// get fewer commits per second than one. Here concurrent writers' work is queued; one writer thread
// runs everything queued in one transaction — each piece in its own savepoint, so a failing piece
// rolls back alone — and commits once: one fsync for the whole batch. Each caller is told the
// outcome only after that commit, so nothing is acknowledged before it is on disk.
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

namespace guanxi::db {

class GroupCommit {
  public:
    // Runs inside the batch's transaction; an error rolls back this piece only.
    using Work = std::function<Status(Connection&)>;
    // Called once with the piece's outcome, after the commit, on the writer thread: keep it short.
    using Done = std::function<void(Status)>;

    struct Options {
        size_t max_batch = 512;
    };
    struct Stats {
        std::int64_t batches = 0;
        std::int64_t writes = 0;
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
    GroupCommit(Database& db, Options options) : db_(db), options_(options) {}
    void Loop();
    void RunBatch(std::vector<Item>& batch);

    Database& db_;
    Options options_;
    std::unique_ptr<Connection> conn_;  // SQLite: the writer's own connection
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Item> queue_;
    bool stopping_ = false;
    Stats stats_;
    std::thread writer_;
};

}  // namespace guanxi::db
