// db::Connection::ForEach as callers rely on it, on both backends: every row in order, a callback
// that stops early leaves the connection ready for the next statement, and a statement that fails
// after some rows reports the failure (PostgreSQL streams rows one at a time, so the failure
// arrives after rows were already handed over).

#include "api_test_support.hpp"

namespace guanxi::testing {
namespace {

// 1..n in both dialects.
std::string Numbers(int n) {
    return "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " +
           std::to_string(n) + ") ";
}

class ConnectionTest : public ApiTest {};

TEST_P(ConnectionTest, ForEachHandsOverEveryRowInOrder) {
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    std::vector<std::int64_t> seen;
    Status status = (*conn)->ForEach(
        Numbers(5000) + "SELECT n, 'row ' || n FROM s ORDER BY n", {}, [&](const db::Row& row) {
            EXPECT_EQ(row.Text(1), "row " + std::to_string(row.Int(0)));
            seen.push_back(row.Int(0));
            return true;
        });
    ASSERT_TRUE(status.ok()) << status.error().log_detail;
    ASSERT_EQ(seen.size(), 5000u);
    for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<std::int64_t>(i + 1));
}

TEST_P(ConnectionTest, AForEachStoppedEarlyLeavesTheConnectionReady) {
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    int calls = 0;
    ASSERT_TRUE((*conn)
                    ->ForEach(Numbers(5000) + "SELECT n FROM s", {},
                              [&](const db::Row&) { return ++calls < 3; })
                    .ok());
    EXPECT_EQ(calls, 3);
    // The same statement again, and another one, on the same connection.
    auto first = (*conn)->QueryOne(Numbers(5000) + "SELECT n FROM s");
    ASSERT_TRUE(first.ok()) << first.error().log_detail;
    EXPECT_EQ((*first)->Int(0), 1);
    auto count = (*conn)->QueryOne(Numbers(42) + "SELECT COUNT(*) FROM s");
    ASSERT_TRUE(count.ok()) << count.error().log_detail;
    EXPECT_EQ((*count)->Int(0), 42);
}

TEST_P(ConnectionTest, AStatementFailingAfterSomeRowsReportsTheFailure) {
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    // Fails on its 300th row: a malformed JSON text (SQLite) or number (PostgreSQL).
    const std::string bad = postgres() ? "CAST(CASE WHEN n = 300 THEN 'x' ELSE '1' END AS INTEGER)"
                                       : "json(CASE WHEN n = 300 THEN 'x' ELSE '1' END)";
    int calls = 0;
    Status status =
        (*conn)->ForEach(Numbers(1000) + "SELECT n, " + bad + " FROM s", {}, [&](const db::Row&) {
            ++calls;
            return true;
        });
    EXPECT_FALSE(status.ok());
    EXPECT_LT(calls, 300);
    auto after = (*conn)->QueryOne("SELECT 7");
    ASSERT_TRUE(after.ok()) << after.error().log_detail;
    EXPECT_EQ((*after)->Int(0), 7);
}

GUANXI_API_TEST_SUITE(ConnectionTest);

}  // namespace
}  // namespace guanxi::testing
