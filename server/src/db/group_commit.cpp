#include "db/group_commit.hpp"

#include "core/log.hpp"
#include "core/threads.hpp"

#include <future>

namespace guanxi::db {

namespace {

Status Exec(Connection& conn, std::string_view sql) {
    auto changed = conn.Execute(sql);
    if (!changed) return changed.error();
    return {};
}

// The connection of the piece running on this thread, so that a piece that calls another
// write (GroupCommit::Transact) joins its transaction instead of waiting for itself.
thread_local Connection* t_piece_conn = nullptr;
// The rider of the request this thread is answering (RiderBinding).
thread_local std::shared_ptr<PieceRider> t_rider;

// The writer's deferred work (GroupCommit::Defer) for the batch it is running, in the order each
// kind was first asked for; nullptr on other threads.
using DeferredLists = std::vector<std::pair<const GroupCommit::Deferred*, std::vector<Params>>>;
thread_local DeferredLists* t_deferred = nullptr;

Status Guarded(const GroupCommit::Work& work, Connection& conn) {
    Connection* const outer = t_piece_conn;
    t_piece_conn = &conn;
    Status status;
    try {
        status = work(conn);
    } catch (const std::exception& e) {
        status = Error::Internal(e.what());
    }
    t_piece_conn = outer;
    return status;
}

}  // namespace

Result<std::unique_ptr<GroupCommit>> GroupCommit::Start(Database& db, Options options) {
    std::unique_ptr<GroupCommit> gc(new GroupCommit(db, options));
    if (db.backend() == Backend::kSqlite) {
        GX_TRY_ASSIGN(gc->conn_, db.Connect());
        gc->answerer_ = std::thread([g = gc.get()] {
            core::NameThisThread("gx-answers");
            core::WaitYourTurnOnWakeUp();
            g->AnswerLoop();
        });
        gc->writer_ = std::thread([g = gc.get()] {
            core::NameThisThread("gx-writer");
            DeferredLists deferred;
            t_deferred = &deferred;
            g->Loop();
            t_deferred = nullptr;
        });
    }
    return gc;
}

GroupCommit::~GroupCommit() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (writer_.joinable()) writer_.join();  // every queued piece has run and been handed over
    {
        std::lock_guard lock(answers_mutex_);
        answers_stopping_ = true;
    }
    answers_wake_.notify_all();
    if (answerer_.joinable()) answerer_.join();
}

void GroupCommit::Submit(Work work, Done done) {
    if (!conn_) {
        // PostgreSQL: its own transaction, now, on this thread.
        Status status = InTransaction(db_, TxMode::kWrite,
                                      [&](Connection& conn) { return Guarded(work, conn); });
        {
            std::lock_guard lock(mutex_);
            ++stats_.batches;
            ++stats_.writes;
        }
        done(std::move(status));
        return;
    }
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(work), std::move(done)});
    }
    wake_.notify_one();
}

Connection* GroupCommit::PieceConnection() { return t_piece_conn; }

std::shared_ptr<PieceRider> GroupCommit::BoundRider() { return t_rider; }

RiderBinding::RiderBinding(std::shared_ptr<PieceRider> rider) : previous_(std::move(t_rider)) {
    t_rider = std::move(rider);
}

RiderBinding::~RiderBinding() { t_rider = std::move(previous_); }

Result<std::int64_t> PieceOutcome<Result<std::int64_t>>::Decode(const nlohmann::json& kept) {
    if (!kept.is_number_integer()) return Error::Internal("kept piece outcome is not an integer");
    return kept.get<std::int64_t>();
}

nlohmann::json PieceOutcome<Result<Row>>::Encode(const Result<Row>& out) {
    nlohmann::json values = nlohmann::json::array();
    for (size_t i = 0; i < out->size(); ++i) {
        values.push_back(out->IsNull(i) ? nlohmann::json() : nlohmann::json(out->Text(i)));
    }
    return values;
}

Result<Row> PieceOutcome<Result<Row>>::Decode(const nlohmann::json& kept) {
    if (!kept.is_array()) return Error::Internal("kept piece outcome is not a row");
    std::vector<Value> values;
    values.reserve(kept.size());
    for (const nlohmann::json& value : kept) {
        if (value.is_null()) {
            values.emplace_back(nullptr);
        } else if (value.is_string()) {
            values.emplace_back(value.get<std::string>());
        } else {
            return Error::Internal("kept piece outcome holds a value that is not text");
        }
    }
    return Row(std::move(values));
}

Status GroupCommit::Defer(Connection& conn, const Deferred& kind, Params row) {
    if (t_deferred == nullptr || t_piece_conn != &conn) {
        std::vector<Params> one;
        one.push_back(std::move(row));
        return kind.flush(conn, one);
    }
    for (auto& [k, rows] : *t_deferred) {
        if (k == &kind) {
            rows.push_back(std::move(row));
            return {};
        }
    }
    t_deferred->emplace_back(&kind, std::vector<Params>{});
    t_deferred->back().second.push_back(std::move(row));
    return {};
}

Status GroupCommit::FlushDeferred() {
    DeferredLists lists;
    lists.swap(*t_deferred);
    for (auto& [kind, rows] : lists) {
        try {
            GX_TRY(kind->flush(*conn_, rows));
        } catch (const std::exception& e) {
            return Error::Internal(e.what());
        }
    }
    return {};
}

Status GroupCommit::Run(Work work) {
    std::promise<Status> outcome;
    auto future = outcome.get_future();
    Submit(std::move(work), [&outcome](Status status) { outcome.set_value(std::move(status)); });
    return future.get();
}

GroupCommit::Stats GroupCommit::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

void GroupCommit::Loop() {
    std::vector<Item> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything queued is done
            while (!queue_.empty() && batch.size() < options_.max_batch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        RunBatch(batch);
        batch.clear();
    }
}

bool GroupCommit::RunTogether(std::vector<Item>& batch, std::vector<Status>& outcomes,
                              Status& committed) {
    auto tx = Transaction::Begin(*conn_, TxMode::kWrite);
    if (!tx) {
        committed = tx.error();
        return true;
    }
    const auto deferred_rows = [] {
        size_t n = 0;
        for (const auto& list : *t_deferred) n += list.second.size();
        return n;
    };
    for (Item& item : batch) {
        const std::int64_t changes = conn_->TotalChanges();
        const size_t deferred = deferred_rows();
        Status status = Guarded(item.work, *conn_);
        // A piece refused before it wrote anything (a 404 from the gate, a stale version, a
        // duplicate) has nothing to undo: the batch goes on. One that wrote, or failed inside
        // the database (which may have ended the transaction), rolls the whole batch back.
        if (!status &&
            (changes < 0 || conn_->TotalChanges() != changes || deferred_rows() != deferred ||
             !conn_->TransactionOpen() || HttpStatus(status.error().code) >= 500)) {
            return false;  // ~Transaction rolls the whole batch back
        }
        outcomes.push_back(std::move(status));
    }
    // The pieces' deferred work, once for the batch; if it fails, the batch is run piece by
    // piece, where it fails only the piece whose rows it could not write.
    if (!FlushDeferred()) return false;
    committed = tx->Commit();
    return true;
}

void GroupCommit::RunPieceByPiece(std::vector<Item>& batch, std::vector<Status>& outcomes,
                                  Status& committed) {
    Connection& conn = *conn_;
    auto tx = Transaction::Begin(conn, TxMode::kWrite);
    if (!tx) {
        committed = tx.error();
        return;
    }
    for (Item& item : batch) {
        Status status = Exec(conn, "SAVEPOINT gc_piece");
        if (status) status = Guarded(item.work, conn);
        if (status) {
            status = FlushDeferred();
        } else {
            t_deferred->clear();  // the failed piece's deferred rows are undone with it
        }
        if (status) {
            status = Exec(conn, "RELEASE gc_piece");
        } else {
            // Undo this piece only; the batch goes on.
            (void)conn.Execute("ROLLBACK TO gc_piece");
            (void)conn.Execute("RELEASE gc_piece");
        }
        outcomes.push_back(std::move(status));
    }
    committed = tx->Commit();
}

void GroupCommit::RunBatch(std::vector<Item>& batch) {
    std::vector<Status> outcomes;
    outcomes.reserve(batch.size());
    Status committed;
    const bool together = RunTogether(batch, outcomes, committed);
    if (!together) {
        outcomes.clear();
        t_deferred->clear();  // rolled back with the batch
        RunPieceByPiece(batch, outcomes, committed);
    }
    if (!committed) {
        log::Error("group_commit_failed",
                   {{"writes", batch.size()}, {"error", committed.error().message}});
    }
    {
        std::lock_guard lock(mutex_);
        ++stats_.batches;
        stats_.writes += static_cast<std::int64_t>(batch.size());
        if (!together) ++stats_.retried_batches;
    }
    std::vector<Answer> answers;
    answers.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        // A piece that worked is only done if the batch committed.
        const bool piece_ok = i < outcomes.size() && outcomes[i];
        answers.push_back({std::move(batch[i].done), !committed ? committed
                                                     : piece_ok ? Status{}
                                                                : outcomes[i]});
    }
    {
        std::lock_guard lock(answers_mutex_);
        for (Answer& answer : answers) answers_.push_back(std::move(answer));
    }
    answers_wake_.notify_one();
}

void GroupCommit::AnswerLoop() {
    std::vector<Answer> answering;
    for (;;) {
        {
            std::unique_lock lock(answers_mutex_);
            answers_wake_.wait(lock, [&] { return answers_stopping_ || !answers_.empty(); });
            if (answers_.empty()) return;  // stopping, and every outcome was told
            answering.swap(answers_);
        }
        for (Answer& answer : answering) answer.done(std::move(answer.status));
        answering.clear();
    }
}

}  // namespace guanxi::db
