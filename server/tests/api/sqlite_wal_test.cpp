// SqliteConnection::PresizeWal, which `serve` runs at start so that a commit's fsync overwrites the
// WAL instead of growing it: the file reaches the autocheckpoint's size, and no committed write is
// lost — neither those already in the WAL when it grows, nor those written into the grown file —
// in the files as a crash leaves them (copied while the database is open, before any checkpoint).

#include "db/sqlite/sqlite_connection.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace guanxi::testing {
namespace {

namespace fs = std::filesystem;

class SqliteWalTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("guanxi_wal_" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::unique_ptr<db::Connection> Open(const fs::path& path) {
        auto conn = db::SqliteConnection::Open(path.string());
        EXPECT_TRUE(conn.ok());
        return conn.ok() ? std::move(*conn) : nullptr;
    }
    static void Insert(db::Connection& conn, int from, int to) {
        for (int i = from; i < to; ++i) {
            ASSERT_TRUE(conn.Execute("INSERT INTO t (n, body) VALUES (?, ?)",
                                     {std::int64_t{i}, std::string(3000, 'x')})
                            .ok());
        }
    }
    // The database as a kill -9 would leave it: its file and WAL, without the shared-memory index.
    fs::path CrashImage(const std::string& name) {
        const fs::path image = dir_ / name;
        fs::create_directories(image);
        fs::copy_file(dir_ / "g.db", image / "g.db");
        fs::copy_file(dir_ / "g.db-wal", image / "g.db-wal");
        return image / "g.db";
    }
    static std::int64_t Rows(db::Connection& conn) {
        auto row = conn.QueryOne("SELECT COUNT(*) FROM t");
        EXPECT_TRUE(row.ok());
        return row.ok() && *row ? (*row)->Int(0) : -1;
    }

    fs::path dir_;
};

TEST_F(SqliteWalTest, TheWalGrowsToTheCheckpointSizeAndKeepsEveryCommittedRow) {
    auto writer = Open(dir_ / "g.db");
    ASSERT_TRUE(writer);
    // Rows stay in the WAL until the test looks (no automatic checkpoint).
    ASSERT_TRUE(writer
                    ->ExecuteScript("PRAGMA wal_autocheckpoint=0; "
                                    "CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT)")
                    .ok());
    Insert(*writer, 1, 101);
    const auto before = fs::file_size(dir_ / "g.db-wal");
    ASSERT_GT(before, 100u * 3000u);  // the rows are in the WAL, not yet in the database file

    auto other = Open(dir_ / "g.db");
    ASSERT_TRUE(other);
    auto status = static_cast<db::SqliteConnection&>(*other).PresizeWal();
    ASSERT_TRUE(status.ok()) << status.error().log_detail;
    const std::uintmax_t target = 32 + db::kWalAutocheckpointFrames * (24 + 4096);
    EXPECT_EQ(fs::file_size(dir_ / "g.db-wal"), target);

    // The rows written before it grew, as a crash would leave the files.
    {
        auto image = Open(CrashImage("crash1"));
        ASSERT_TRUE(image);
        EXPECT_EQ(Rows(*image), 100);
    }
    // Rows written into the grown file, by both connections.
    Insert(*writer, 101, 151);
    Insert(*other, 151, 201);
    EXPECT_EQ(fs::file_size(dir_ / "g.db-wal"), target);  // overwritten, not grown
    {
        auto image = Open(CrashImage("crash2"));
        ASSERT_TRUE(image);
        EXPECT_EQ(Rows(*image), 200);
    }
    // A second start leaves a grown file as it is.
    ASSERT_TRUE(static_cast<db::SqliteConnection&>(*other).PresizeWal().ok());
    EXPECT_EQ(fs::file_size(dir_ / "g.db-wal"), target);
    EXPECT_EQ(Rows(*writer), 200);
}

TEST_F(SqliteWalTest, AfterACheckpointTheWalIsReusedFromItsStart) {
    auto conn = Open(dir_ / "g.db");
    ASSERT_TRUE(conn);
    ASSERT_TRUE(conn->ExecuteScript("CREATE TABLE t (n INTEGER PRIMARY KEY, body TEXT)").ok());
    ASSERT_TRUE(static_cast<db::SqliteConnection&>(*conn).PresizeWal().ok());
    const auto size = fs::file_size(dir_ / "g.db-wal");
    Insert(*conn, 1, 51);
    ASSERT_TRUE(conn->ExecuteScript("PRAGMA wal_checkpoint(PASSIVE)").ok());
    Insert(*conn, 51, 101);  // starts again at the WAL's beginning, over the old frames
    EXPECT_EQ(fs::file_size(dir_ / "g.db-wal"), size);
    auto image = Open(CrashImage("crash"));
    ASSERT_TRUE(image);
    EXPECT_EQ(Rows(*image), 100);
}

}  // namespace
}  // namespace guanxi::testing
