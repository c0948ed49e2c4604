// Group commit (db::GroupCommit): concurrent writers share one transaction and one fsync on SQLite,
// a failing piece rolls back alone, and nobody is told "done" before their write is committed. On
// PostgreSQL each piece is its own transaction. Then the follow-up route that uses it, under load.

#include "api_test_support.hpp"

#include "domains/customers/search_index.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class GroupCommitTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)->Execute("CREATE TABLE gc_probe (n BIGINT NOT NULL)").ok());
    }

    static db::GroupCommit::Work Insert(std::int64_t n) {
        return [n](db::Connection& conn) -> Status {
            GX_TRY(conn.Execute("INSERT INTO gc_probe (n) VALUES (?)", {n}));
            return {};
        };
    }

    // Holds the writer with a piece (inserting `n`) until Release(), so that whatever is submitted
    // meanwhile queues into one batch behind it. (On PostgreSQL the piece runs on its own thread.)
    class HeldWriter {
      public:
        HeldWriter(db::GroupCommit& writes, std::int64_t n)
            : thread_([this, &writes, n] {
                  EXPECT_TRUE(writes
                                  .Run([&](db::Connection& conn) -> Status {
                                      holding_.count_down();
                                      queued_.wait();
                                      return Insert(n)(conn);
                                  })
                                  .ok());
              }) {
            holding_.wait();
        }
        void Release() {
            queued_.count_down();
            thread_.join();
        }

      private:
        std::latch holding_{1};
        std::latch queued_{1};
        std::thread thread_;
    };

    // The outcome each submitted piece was told, by its number.
    struct Outcomes {
        explicit Outcomes(std::ptrdiff_t pieces) : done(pieces) {}
        db::GroupCommit::Done Of(std::int64_t n) {
            return [this, n](Status status) {
                std::lock_guard lock(mutex);
                told.emplace(n, std::move(status));
                done.count_down();
            };
        }
        std::mutex mutex;
        std::map<std::int64_t, Status> told;
        std::latch done;
    };

    // Whether row `n` is visible to another connection, i.e. committed.
    bool Committed(std::int64_t n) {
        auto conn = app().db().Acquire();
        if (!conn) return false;
        auto row = (*conn)->QueryOne("SELECT COUNT(*) FROM gc_probe WHERE n = ?", {n});
        return row.ok() && *row && (*row)->Int(0) == 1;
    }
};

TEST_P(GroupCommitTest, ConcurrentWritesShareACommitAndAreDurableWhenAcknowledged) {
    db::GroupCommit& writes = app().writes();
    const auto before = writes.stats();
    // A first piece holds the writer until every other piece is queued behind it. The writers
    // start only once it is running (on PostgreSQL it runs on the holder's own thread), so none
    // of their pieces can be committed in batches of their own before it.
    HeldWriter held(writes, 0);
    constexpr int kWriters = 8, kEach = 25;
    std::atomic<int> acknowledged{0}, visible{0};
    std::latch done(kWriters * kEach);
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            for (int i = 0; i < kEach; ++i) {
                const std::int64_t n = 1 + w * kEach + i;
                writes.Submit(Insert(n), [&, n](Status status) {
                    if (status.ok()) {
                        ++acknowledged;
                        if (Committed(n)) ++visible;  // acknowledged ⇒ already committed
                    }
                    done.count_down();
                });
            }
        });
    }
    for (auto& t : writers) t.join();
    held.Release();
    done.wait();
    EXPECT_EQ(acknowledged, kWriters * kEach);
    EXPECT_EQ(visible, kWriters * kEach);
    const auto after = writes.stats();
    EXPECT_EQ(after.writes - before.writes, kWriters * kEach + 1);
    if (postgres()) {
        EXPECT_EQ(after.batches - before.batches, after.writes - before.writes);
    } else {
        // The holder's batch, then everything that queued behind it (at most 512 per batch).
        EXPECT_LE(after.batches - before.batches, 3);
    }
}

TEST_P(GroupCommitTest, AFailingPieceRollsBackAloneAndTheOthersCommit) {
    db::GroupCommit& writes = app().writes();
    // The held piece runs before the four pieces are queued, so they share the batch after it.
    HeldWriter held(writes, 100);
    Outcomes outcomes(4);
    writes.Submit(Insert(1), outcomes.Of(1));
    writes.Submit(
        [](db::Connection& conn) -> Status {
            GX_TRY(conn.Execute("INSERT INTO gc_probe (n) VALUES (2)"));
            return Error::Validation("n", "is refused after its insert");
        },
        outcomes.Of(2));
    writes.Submit(
        [](db::Connection& conn) -> Status {
            GX_TRY(conn.Execute("INSERT INTO gc_probe (n) VALUES (3)"));
            throw std::runtime_error("a piece that throws");
        },
        outcomes.Of(3));
    writes.Submit(Insert(4), outcomes.Of(4));
    held.Release();
    outcomes.done.wait();
    ASSERT_EQ(outcomes.told.size(), 4u);
    EXPECT_TRUE(outcomes.told.at(1).ok());
    ASSERT_FALSE(outcomes.told.at(2).ok());
    EXPECT_EQ(outcomes.told.at(2).error().code, ErrorCode::kValidationFailed);
    ASSERT_FALSE(outcomes.told.at(3).ok());
    EXPECT_EQ(outcomes.told.at(3).error().code, ErrorCode::kInternal);
    EXPECT_TRUE(outcomes.told.at(4).ok());
    EXPECT_TRUE(Committed(1));
    EXPECT_FALSE(Committed(2));  // its insert was rolled back with it
    EXPECT_FALSE(Committed(3));
    EXPECT_TRUE(Committed(4));
    EXPECT_TRUE(Committed(100));
    if (!postgres()) {
        // Pieces 1–4 shared a batch: it ran once together, failed, and once piece by piece.
        EXPECT_EQ(writes.stats().retried_batches, 1);
    }
}

// Operators tell the SQLite writer and its answering thread apart in `top -H` (OPERATIONS.md).
TEST_P(GroupCommitTest, TheWriterThreadsAreNamedOnSqlite) {
    std::set<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        std::getline(comm, name);
        names.insert(name);
    }
    EXPECT_EQ(names.count("gx-writer"), postgres() ? 0u : 1u);
    EXPECT_EQ(names.count("gx-answers"), postgres() ? 0u : 1u);
}

TEST_P(GroupCommitTest, TheWriterGoesOnWhileAnAnswerIsBeingDelivered) {
    db::GroupCommit& writes = app().writes();
    std::latch answering(1);
    std::latch release(1);
    std::latch second_told(1);
    // The first caller is slow to take its answer (on PostgreSQL it is answered on its own thread).
    std::thread first([&] {
        writes.Submit(Insert(1), [&](Status status) {
            EXPECT_TRUE(status.ok());
            answering.count_down();
            release.wait();
        });
    });
    answering.wait();
    writes.Submit(Insert(2), [&](Status status) {
        EXPECT_TRUE(status.ok());
        second_told.count_down();
    });
    // The second write commits while the first answer is still being delivered.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!Committed(2) && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_TRUE(Committed(2));
    release.count_down();
    second_told.wait();
    first.join();
    EXPECT_TRUE(Committed(1));
}

TEST_P(GroupCommitTest, ManySimultaneousFollowUpsAreAllRecorded) {
    const json customer = CreateCustomer(admin(), {{"name", "并发跟进测试公司"}});
    const std::string path = "/api/v1/customers/" + customer["id"].dump();
    const json version_before = Call("GET", path, nullptr, admin()).body["version"];
    constexpr int kClients = 16, kEach = 5;
    std::atomic<int> created{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            for (int i = 0; i < kEach; ++i) {
                Reply r =
                    Call("POST", path + "/followups",
                         {{"kind", "call"},
                          {"content", "第" + std::to_string(c * kEach + i) + "次电话"},
                          {"next_contact_at", "2031-01-0" + std::to_string(1 + i) + "T08:00:00Z"}},
                         admin());
                if (r.status == 201) ++created;
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(created, kClients * kEach);
    Reply list = Call("GET", path + "/followups?page_size=500", nullptr, admin());
    EXPECT_EQ(list.body["total"], kClients * kEach);
    std::set<std::string> contents;
    for (const auto& f : list.body["items"]) contents.insert(f["content"].get<std::string>());
    EXPECT_EQ(contents.size(), static_cast<size_t>(kClients * kEach));
    Reply after = Call("GET", path, nullptr, admin());
    EXPECT_FALSE(after.body["last_contact_at"].is_null());
    // Each follow-up touched the customer once: no lost update among the simultaneous ones.
    EXPECT_EQ(after.body["version"], version_before.get<int>() + kClients * kEach);
    Reply audit =
        Call("GET", "/api/v1/audit-log?page_size=1&action=followup.create", nullptr, admin());
    EXPECT_EQ(audit.body["total"], kClients * kEach);
    // A follow-up on a customer that does not exist fails alone, with 404.
    EXPECT_EQ(Call("POST", "/api/v1/customers/999999/followups",
                   {{"kind", "call"}, {"content", "x"}}, admin())
                  .status,
              404);
}

TEST_P(GroupCommitTest, APieceRefusedBeforeWritingLeavesItsBatchRunning) {
    db::GroupCommit& writes = app().writes();
    const auto before = writes.stats();
    HeldWriter held(writes, 200);
    Outcomes outcomes(3);
    writes.Submit(Insert(201), outcomes.Of(201));
    // Reads, then refuses — as the gate's 404 or a stale version does.
    writes.Submit(
        [](db::Connection& conn) -> Status {
            GX_TRY(conn.QueryOne("SELECT COUNT(*) FROM gc_probe"));
            return Error::NotFound("Probe");
        },
        outcomes.Of(202));
    writes.Submit(Insert(203), outcomes.Of(203));
    held.Release();
    outcomes.done.wait();
    EXPECT_TRUE(outcomes.told.at(201).ok());
    ASSERT_FALSE(outcomes.told.at(202).ok());
    EXPECT_EQ(outcomes.told.at(202).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(outcomes.told.at(203).ok());
    EXPECT_TRUE(Committed(201));
    EXPECT_TRUE(Committed(203));
    // Nothing to undo: the batch was not rolled back and run again.
    EXPECT_EQ(writes.stats().retried_batches, before.retried_batches);
}

TEST_P(GroupCommitTest, TransactReturnsAfterTheCommitAndJoinsARunningPiece) {
    db::GroupCommit& writes = app().writes();
    Result<std::int64_t> outer = writes.Transact([&](db::Connection& conn) -> Result<std::int64_t> {
        GX_TRY(Insert(300)(conn));
        // A write called from inside a piece (one service's write calling another's) joins the
        // piece's transaction instead of waiting for the writer it is running on.
        GX_TRY(writes.Transact([](db::Connection& inner) { return Insert(301)(inner); }));
        return std::int64_t{300};
    });
    ASSERT_TRUE(outer.ok());
    EXPECT_EQ(*outer, 300);
    EXPECT_TRUE(Committed(300));
    EXPECT_TRUE(Committed(301));
    // An error undoes the whole piece, the inner write included.
    Status failed = writes.Transact([&](db::Connection&) -> Status {
        GX_TRY(writes.Transact([](db::Connection& inner) { return Insert(302)(inner); }));
        return Error::Validation("n", "is refused after the inner write");
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_FALSE(Committed(302));
}

// Every write route goes through the group commit: simultaneous customer creates (each with its
// duplicate check, search postings, ownership and audit rows) share commits on SQLite, and every
// one acknowledged is there.
TEST_P(GroupCommitTest, SimultaneousCustomerCreatesShareCommits) {
    db::GroupCommit& writes = app().writes();
    const auto before = writes.stats();
    constexpr int kClients = 16, kEach = 5;
    std::atomic<int> created{0};
    std::mutex mutex;
    std::set<std::int64_t> ids;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            for (int i = 0; i < kEach; ++i) {
                const int n = c * kEach + i;
                Reply r = Call("POST", "/api/v1/customers",
                               {{"name", "并发新建客户" + std::to_string(n)},
                                {"phone", "1390000" + std::to_string(1000 + n)}},
                               admin());
                if (r.status != 201) continue;
                ++created;
                std::lock_guard lock(mutex);
                ids.insert(r.body["id"].get<std::int64_t>());
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(created, kClients * kEach);
    EXPECT_EQ(ids.size(), static_cast<size_t>(kClients * kEach));
    for (std::int64_t id : ids) {
        EXPECT_EQ(Call("GET", "/api/v1/customers/" + std::to_string(id), nullptr, admin()).status,
                  200);
    }
    const auto after = writes.stats();
    EXPECT_GE(after.writes - before.writes, kClients * kEach);
    if (!postgres()) {
        EXPECT_LT(after.batches - before.batches, after.writes - before.writes);
    }
    // The same phone again is refused as a duplicate, and the refusal changed nothing.
    Reply dup = Call("POST", "/api/v1/customers",
                     {{"name", "重复的客户"}, {"phone", "13900001000"}}, admin());
    EXPECT_EQ(dup.status, 409);
}

// Deferred work (GroupCommit::Defer): the pieces of a batch leave rows for one flush before the
// commit; a piece that fails takes its rows with it; outside a batch the flush runs at once.
TEST_P(GroupCommitTest, DeferredWorkIsFlushedOncePerBatchAndUndoneWithItsPiece) {
    db::GroupCommit& writes = app().writes();
    std::mutex mutex;
    std::vector<size_t> flushes;  // rows per flush
    const db::GroupCommit::Deferred probe{
        [&](db::Connection& conn, const std::vector<db::Params>& rows) -> Status {
            for (const auto& row : rows) {
                GX_TRY(conn.Execute("INSERT INTO gc_probe (n) VALUES (?)", row));
            }
            std::lock_guard lock(mutex);
            flushes.push_back(rows.size());
            return {};
        }};
    const auto deferring = [&](std::int64_t n, bool fail) -> db::GroupCommit::Work {
        return [&, n, fail](db::Connection& conn) -> Status {
            GX_TRY(db::GroupCommit::Defer(conn, probe, {n}));
            if (fail) return Error::Validation("n", "is refused after deferring");
            return {};
        };
    };
    HeldWriter held(writes, 400);
    Outcomes outcomes(4);
    writes.Submit(deferring(401, false), outcomes.Of(401));
    writes.Submit(deferring(402, true), outcomes.Of(402));
    writes.Submit(deferring(403, false), outcomes.Of(403));
    writes.Submit(deferring(404, false), outcomes.Of(404));
    held.Release();
    outcomes.done.wait();
    EXPECT_TRUE(outcomes.told[401].ok());
    EXPECT_FALSE(outcomes.told[402].ok());
    EXPECT_TRUE(Committed(401));
    EXPECT_FALSE(Committed(402));  // undone with its piece
    EXPECT_TRUE(Committed(403));
    EXPECT_TRUE(Committed(404));
    std::lock_guard lock(mutex);
    if (postgres()) {
        EXPECT_EQ(flushes, (std::vector<size_t>{1, 1, 1, 1}));  // each piece alone, at once
    } else {
        // Run together, the failing piece (it deferred, so it counts as having written) sends
        // the batch back; piece by piece, each good piece's rows are flushed in its savepoint.
        EXPECT_EQ(flushes, (std::vector<size_t>{1, 1, 1}));
    }
}

// Customers' search_text is written at the end of the batch: creates that share a batch are all
// found by a 4-character (trigram) search, and of two edits of one customer in one batch the
// later one's text is the one searched.
TEST_P(GroupCommitTest, CustomersWrittenInOneBatchAreFoundByTheirLatestText) {
    db::GroupCommit& writes = app().writes();
    const auto query = [](const std::string& q) {
        std::string out;
        for (unsigned char c : q) {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
        return "/api/v1/customers?q=" + out;
    };
    constexpr int kClients = 12;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            Reply r = Call("POST", "/api/v1/customers",
                           {{"name", "批量检索客户" + std::to_string(100 + c)}}, admin());
            EXPECT_EQ(r.status, 201);
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(Call("GET", query("批量检索"), nullptr, admin()).body["total"], kClients);
    EXPECT_EQ(Call("GET", query("检索客户107"), nullptr, admin()).body["total"], 1);

    Reply created = Call("POST", "/api/v1/customers", {{"name", "甲乙丙丁公司"}}, admin());
    ASSERT_EQ(created.status, 201);
    const std::int64_t id = created.body["id"].get<std::int64_t>();
    const auto rename = [id](std::string name) -> db::GroupCommit::Work {
        return [id, name](db::Connection& conn) -> Status {
            GX_TRY(conn.Execute("UPDATE customers SET name = ? WHERE id = ?", {name, id}));
            return customers::search::Reindex(conn, id);
        };
    };
    HeldWriter held(writes, 500);
    Outcomes outcomes(2);
    writes.Submit(rename("戊己庚辛公司"), outcomes.Of(1));
    writes.Submit(rename("子丑寅卯公司"), outcomes.Of(2));
    held.Release();
    outcomes.done.wait();
    EXPECT_EQ(Call("GET", query("子丑寅卯"), nullptr, admin()).body["total"], 1);
    EXPECT_EQ(Call("GET", query("戊己庚辛"), nullptr, admin()).body["total"], 0);
    EXPECT_EQ(Call("GET", query("甲乙丙丁"), nullptr, admin()).body["total"], 0);
}

GUANXI_API_TEST_SUITE(GroupCommitTest);

}  // namespace
}  // namespace guanxi::testing
