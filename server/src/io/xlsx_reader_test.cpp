#include "io/xlsx_reader.hpp"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

namespace guanxi::io {
namespace {

namespace fs = std::filesystem;

class XlsxReaderTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        path_ = fs::temp_directory_path() /
                ("guanxi_xlsx_reader_" + std::to_string(getpid()) + ".xlsx");
    }
    void TearDown() override { fs::remove(path_); }

    // A workbook written by libxlsxwriter: shared strings normally, inline strings in its
    // constant-memory mode (the test's parameter).
    void Write(int extra_rows) {
        lxw_workbook_options options = {};
        options.constant_memory = GetParam() ? LXW_TRUE : LXW_FALSE;
        lxw_workbook* book = workbook_new_opt(path_.c_str(), &options);
        lxw_worksheet* first = workbook_add_worksheet(book, "客户");
        lxw_worksheet* second = workbook_add_worksheet(book, "other");
        worksheet_write_string(second, 0, 0, "not this sheet", nullptr);
        worksheet_write_string(first, 0, 0, "名称", nullptr);
        worksheet_write_string(first, 0, 1, "电话", nullptr);
        worksheet_write_string(first, 0, 3, "amount", nullptr);
        worksheet_write_string(first, 1, 0, "深圳华强科技有限公司", nullptr);
        worksheet_write_number(first, 1, 1, 13800138000.0, nullptr);
        worksheet_write_boolean(first, 1, 2, 1, nullptr);
        worksheet_write_number(first, 1, 3, 12.5, nullptr);
        // Row 3 is left empty; row 4 has a gap before its only cell.
        worksheet_write_string(first, 3, 2, "Line one\nline two & <more>", nullptr);
        for (int i = 0; i < extra_rows; ++i) {
            worksheet_write_string(first, 4 + i, 0, ("Company " + std::to_string(i)).c_str(),
                                   nullptr);
        }
        ASSERT_EQ(workbook_close(book), LXW_NO_ERROR);
    }

    fs::path path_;
};

TEST_P(XlsxReaderTest, ReadsTheFirstSheetsStringsNumbersAndGaps) {
    Write(0);
    auto reader = OpenXlsx(path_.string());
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    std::vector<std::string> cells;
    ASSERT_TRUE(*(*reader)->Next(cells));
    EXPECT_EQ(cells, (std::vector<std::string>{"名称", "电话", "", "amount"}));
    EXPECT_EQ((*reader)->row_number(), 1);
    ASSERT_TRUE(*(*reader)->Next(cells));
    EXPECT_EQ(cells,
              (std::vector<std::string>{"深圳华强科技有限公司", "13800138000", "TRUE", "12.5"}));
    ASSERT_TRUE(*(*reader)->Next(cells));
    EXPECT_EQ((*reader)->row_number(), 4);  // the empty row 3 is skipped, its number kept
    EXPECT_EQ(cells, (std::vector<std::string>{"", "", "Line one\nline two & <more>"}));
    EXPECT_FALSE(*(*reader)->Next(cells));
    EXPECT_DOUBLE_EQ((*reader)->progress(), 1.0);
}

TEST_P(XlsxReaderTest, ResumesAfterAPosition) {
    Write(10000);
    std::int64_t position = 0, row = 0;
    {
        auto reader = OpenXlsx(path_.string());
        ASSERT_TRUE(reader.ok());
        std::vector<std::string> cells;
        for (int i = 0; i < 5003; ++i) ASSERT_TRUE(*(*reader)->Next(cells));
        EXPECT_EQ(cells[0], "Company 4999");
        position = (*reader)->position();
        row = (*reader)->row_number();
    }
    auto reader = OpenXlsx(path_.string());
    ASSERT_TRUE(reader.ok());
    ASSERT_TRUE((*reader)->Resume(position, row).ok());
    std::vector<std::string> cells;
    ASSERT_TRUE(*(*reader)->Next(cells));
    EXPECT_EQ(cells[0], "Company 5000");
    EXPECT_EQ((*reader)->row_number(), 5005);  // rows 1, 2 and 4, then Company 0 in row 5
    std::int64_t rest = 1;
    while (*(*reader)->Next(cells)) ++rest;
    EXPECT_EQ(rest, 10000 - 5000);
}

TEST_P(XlsxReaderTest, NotAWorkbookIsAnError) {
    std::ofstream(path_) << "name,phone\n";
    EXPECT_FALSE(OpenXlsx(path_.string()).ok());
}

INSTANTIATE_TEST_SUITE_P(SharedAndInlineStrings, XlsxReaderTest, ::testing::Bool());

}  // namespace
}  // namespace guanxi::io
