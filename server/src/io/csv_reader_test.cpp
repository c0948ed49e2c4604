#include "io/table_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace guanxi::io {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows ReadAll(TableReader& reader, std::vector<std::int64_t>* numbers = nullptr) {
    Rows rows;
    std::vector<std::string> cells;
    while (true) {
        auto more = reader.Next(cells);
        EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().message);
        if (!more.ok() || !*more) break;
        rows.push_back(cells);
        if (numbers != nullptr) numbers->push_back(reader.row_number());
    }
    return rows;
}

TEST(CsvReaderTest, ReadsQuotedCellsWithCommasQuotesAndNewlines) {
    auto reader = CsvFromString(
        "\xEF\xBB\xBFname,address,note\r\n"
        "\"华强, 深圳\",\"1 Main St\r\nFloor 2\",\"He said \"\"hi\"\"\"\r\n"
        "plain,,last\n");
    std::vector<std::int64_t> numbers;
    Rows rows = ReadAll(*reader, &numbers);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"name", "address", "note"}));  // BOM dropped
    EXPECT_EQ(rows[1],
              (std::vector<std::string>{"华强, 深圳", "1 Main St\r\nFloor 2", "He said \"hi\""}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"plain", "", "last"}));
    EXPECT_EQ(numbers, (std::vector<std::int64_t>{1, 2, 3}));  // records, not lines
    EXPECT_DOUBLE_EQ(reader->progress(), 1.0);
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCountedAndTheLastLineNeedsNoNewline) {
    auto reader = CsvFromString("a\n\n\r\nb\rc");
    std::vector<std::int64_t> numbers;
    Rows rows = ReadAll(*reader, &numbers);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[1][0], "b");
    EXPECT_EQ(rows[2][0], "c");
    EXPECT_EQ(numbers, (std::vector<std::int64_t>{1, 4, 5}));
}

TEST(CsvReaderTest, AnUnclosedQuoteIsAnErrorNamingTheRow) {
    auto reader = CsvFromString("a,b\n\"never closed,x\n");
    std::vector<std::string> cells;
    ASSERT_TRUE(*reader->Next(cells));
    auto broken = reader->Next(cells);
    ASSERT_FALSE(broken.ok());
    EXPECT_NE(broken.error().message.find("Row 2"), std::string::npos);
}

TEST(CsvReaderTest, TooManyColumnsIsAnError) {
    auto reader = CsvFromString(std::string(kMaxColumns + 1, ','));
    std::vector<std::string> cells;
    EXPECT_FALSE(reader->Next(cells).ok());
}

TEST(CsvReaderTest, ResumesFromAPositionInAFile) {
    const auto path = std::filesystem::temp_directory_path() / "guanxi_csv_reader_test.csv";
    {
        std::ofstream out(path, std::ios::binary);
        out << "\xEF\xBB\xBFname\n\"one\nline two\"\ntwo\nthree\n";
    }
    std::int64_t position = 0, row = 0;
    {
        auto reader = OpenCsv(path.string());
        ASSERT_TRUE(reader.ok());
        std::vector<std::string> cells;
        ASSERT_TRUE(*(*reader)->Next(cells));
        ASSERT_TRUE(*(*reader)->Next(cells));
        EXPECT_EQ(cells[0], "one\nline two");
        position = (*reader)->position();
        row = (*reader)->row_number();
        EXPECT_GT((*reader)->progress(), 0.3);
        EXPECT_LT((*reader)->progress(), 1.0);
    }
    auto reader = OpenCsv(path.string());
    ASSERT_TRUE(reader.ok());
    ASSERT_TRUE((*reader)->Resume(position, row).ok());
    std::vector<std::int64_t> numbers;
    Rows rest = ReadAll(**reader, &numbers);
    EXPECT_EQ(rest, (Rows{{"two"}, {"three"}}));
    EXPECT_EQ(numbers, (std::vector<std::int64_t>{3, 4}));
    std::filesystem::remove(path);
}

TEST(CsvReaderTest, AMissingFileIsAnError) {
    EXPECT_FALSE(OpenCsv("/nonexistent/guanxi.csv").ok());
}

}  // namespace
}  // namespace guanxi::io
