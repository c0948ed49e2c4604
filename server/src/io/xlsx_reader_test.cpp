#include "io/xlsx_reader.hpp"

#include <gtest/gtest.h>
#include <xlsxwriter.h>
#include <zip.h>

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

// Workbooks written part by part with libzip: zip bombs and files past each of XlsxLimits.
class XlsxLimitsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = fs::temp_directory_path() /
                ("guanxi_xlsx_limits_" + std::to_string(getpid()) + ".xlsx");
    }
    void TearDown() override { fs::remove(path_); }

    // A workbook whose first sheet is `sheet_data` (rows), with `shared` strings if not empty.
    void Write(const std::string& sheet_data, const std::string& shared = "",
               int extra_entries = 0) {
        std::vector<std::pair<std::string, std::string>> parts = {
            {"xl/workbook.xml",
             "<workbook><sheets><sheet name=\"s\" r:id=\"rId1\"/></sheets></workbook>"},
            {"xl/_rels/workbook.xml.rels",
             "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
             "</Relationships>"},
            {"xl/worksheets/sheet1.xml",
             "<worksheet><sheetData>" + sheet_data + "</sheetData></worksheet>"}};
        if (!shared.empty())
            parts.emplace_back("xl/sharedStrings.xml", "<sst>" + shared + "</sst>");
        for (int i = 0; i < extra_entries; ++i) {
            parts.emplace_back("xl/media/image" + std::to_string(i) + ".png", "png");
        }
        int error = 0;
        zip_t* zip = zip_open(path_.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
        ASSERT_NE(zip, nullptr);
        for (const auto& [name, content] : parts) {
            zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
            ASSERT_GE(zip_file_add(zip, name.c_str(), source, 0), 0);
        }
        ASSERT_EQ(zip_close(zip), 0);  // reads the buffers: `parts` is still alive
    }

    // Every row's cells, or the error that ended the file.
    Result<std::vector<std::vector<std::string>>> ReadAll(const XlsxLimits& limits = {}) {
        GX_TRY_ASSIGN(auto reader, OpenXlsx(path_.string(), limits));
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> cells;
        while (true) {
            GX_TRY_ASSIGN(bool more, reader->Next(cells));
            if (!more) return rows;
            rows.push_back(cells);
        }
    }

    // The message of the error ReadAll ends with ("" when it reads to the end).
    std::string Refusal(const XlsxLimits& limits = {}) {
        auto rows = ReadAll(limits);
        return rows.ok() ? std::string() : rows.error().message;
    }

    static std::string Row(int number, const std::string& cells) {
        return "<row r=\"" + std::to_string(number) + "\">" + cells + "</row>";
    }
    static std::string Inline(const std::string& text) {
        return "<c t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
    }
    static std::string Shared(int index) {
        return "<c t=\"s\"><v>" + std::to_string(index) + "</v></c>";
    }
    static std::string Repeat(const std::string& piece, size_t times) {
        std::string out;
        out.reserve(piece.size() * times);
        for (size_t i = 0; i < times; ++i) out += piece;
        return out;
    }

    fs::path path_;
};

TEST_F(XlsxLimitsTest, AZipBombOfEmptyRowsIsRefusedByItsRatio) {
    // 6 MB of empty rows compress to a few KB: a thousandfold, where spreadsheets compress 5-20
    // times. The header row comes first, so only the ratio can tell.
    Write(Row(1, Inline("name")) + Repeat("<row/>", 1 << 20) + Row(2, Inline("甲公司")));
    const std::string refusal = Refusal();
    EXPECT_NE(refusal.find("xl/worksheets/sheet1.xml expands to more than 100 times"),
              std::string::npos)
        << refusal;
    EXPECT_NE(refusal.find("compression ratio"), std::string::npos) << refusal;
}

TEST_F(XlsxLimitsTest, ABombWhoseZipUnderstatesItsSizeIsCountedAsItIsRead) {
    Write(Row(1, Inline("name")) + Repeat("<row/>", 1 << 20) + Row(2, Inline("甲公司")));
    // The sheet's uncompressed size says 1000 bytes in its local and central headers; libzip
    // decompresses past it all the same.
    std::string bytes;
    {
        std::ifstream in(path_, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::string name = "xl/worksheets/sheet1.xml";
    const auto patch = [&](const std::string& signature, size_t name_length_at, size_t name_at,
                           size_t size_at) {
        int patched = 0;
        for (size_t i = bytes.find(signature); i != std::string::npos;
             i = bytes.find(signature, i + 4)) {
            const size_t length = static_cast<unsigned char>(bytes[i + name_length_at]) |
                                  static_cast<unsigned char>(bytes[i + name_length_at + 1]) << 8;
            if (bytes.compare(i + name_at, length, name) != 0) continue;
            const char thousand[4] = {static_cast<char>(0xE8), 0x03, 0, 0};
            bytes.replace(i + size_at, 4, thousand, 4);
            ++patched;
        }
        return patched;
    };
    ASSERT_EQ(patch(std::string("PK\x03\x04", 4), 26, 30, 22), 1);
    ASSERT_EQ(patch(std::string("PK\x01\x02", 4), 28, 46, 24), 1);
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;

    auto reader = OpenXlsx(path_.string());
    ASSERT_TRUE(reader.ok()) << reader.error().message;  // the declared sizes pass
    std::vector<std::string> cells;
    ASSERT_TRUE(*(*reader)->Next(cells));  // the header row
    auto next = (*reader)->Next(cells);
    ASSERT_FALSE(next.ok()) << "the data row after the bomb was read";
    EXPECT_NE(next.error().message.find("expands to more than 100 times"), std::string::npos)
        << next.error().message;
    EXPECT_FALSE((*reader)->Next(cells).ok());  // the error ends the file
}

TEST_F(XlsxLimitsTest, ASharedStringsBombIsRefusedByItsRatio) {
    Write(Row(1, Shared(0)) + Row(2, Shared(1)),
          "<si><t>name</t></si><si><t>甲公司</t></si>" + Repeat("<si/>", 1 << 20));
    const std::string refusal = Refusal();
    EXPECT_NE(refusal.find("xl/sharedStrings.xml expands to more than 100 times"),
              std::string::npos)
        << refusal;
}

TEST_F(XlsxLimitsTest, ARatioUnderTheLimitOrAPartUnderTheGraceIsRead) {
    // 600 KB of empty rows (under the 1 MiB grace) between two rows: read through.
    Write(Row(1, Inline("name")) + Repeat("<row/>", 100000) + Row(100002, Inline("甲公司")));
    auto rows = ReadAll();
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[1][0], "甲公司");
    // Past the grace, a ratio the limit allows is read too.
    XlsxLimits lenient;
    lenient.ratio_grace_bytes = 1024;
    lenient.max_ratio = 5000;
    EXPECT_EQ(Refusal(lenient), "");
    lenient.max_ratio = 100;
    EXPECT_NE(Refusal(lenient).find("100 times"), std::string::npos);
}

TEST_F(XlsxLimitsTest, TheUncompressedSizeIsCappedAcrossParts) {
    // Distinct rows compress modestly; the shared strings and the sheet count together.
    std::string rows, shared;
    for (int i = 0; i < 20000; ++i) {
        shared += "<si><t>公司 " + std::to_string(i * 7919) + "</t></si>";
        rows += Row(i + 1, Shared(i));
    }
    Write(rows, shared);
    XlsxLimits limits;
    limits.max_uncompressed_bytes = 1 << 20;  // the sheet alone is under it, both are not
    const std::string refusal = Refusal(limits);
    EXPECT_NE(refusal.find("more than 1 MiB (the limit on the uncompressed size"),
              std::string::npos)
        << refusal;
    limits.max_uncompressed_bytes = 4 << 20;
    auto all = ReadAll(limits);
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_EQ(all->size(), 20000u);
    EXPECT_EQ(all->back()[0], "公司 " + std::to_string(19999 * 7919));
}

TEST_F(XlsxLimitsTest, TheSharedStringTableIsBoundedInMemory) {
    std::string shared;
    for (int i = 0; i < 20000; ++i) shared += "<si><t>客户 " + std::to_string(i) + "</t></si>";
    Write(Row(1, Shared(0)) + Row(2, Shared(19999)), shared);
    XlsxLimits limits;
    limits.max_shared_strings_bytes = 64 * 1024;  // 20,000 strings take more
    const std::string refusal = Refusal(limits);
    EXPECT_NE(refusal.find("shared strings take more than 65536 B (the limit on the "
                           "shared-string table)"),
              std::string::npos)
        << refusal;
    auto rows = ReadAll();  // the default admits it
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->at(1)[0], "客户 19999");
}

TEST_F(XlsxLimitsTest, ALongSharedStringReferredToAgainAndAgainIsBounded) {
    // One 100 KB string, referred to 20 times a row: 20 bytes of XML become 100 KB of text.
    const std::string cells = Repeat(Shared(0), 20);
    std::string rows = Row(1, Inline("name"));
    for (int i = 2; i <= 40; ++i) rows += Row(i, cells);
    Write(rows, "<si><t>" + std::string(100 * 1024, 'x') + "</t></si>");
    XlsxLimits limits;
    limits.max_row_bytes = 1 << 20;
    EXPECT_NE(Refusal(limits).find("row 2 holds more than 1 MiB of text (the limit per row)"),
              std::string::npos)
        << Refusal(limits);
    limits.max_row_bytes = 4 << 20;
    limits.max_text_bytes = 2 << 20;
    EXPECT_NE(Refusal(limits).find("more than 2 MiB of text (the limit per workbook)"),
              std::string::npos)
        << Refusal(limits);
    EXPECT_EQ(Refusal(), "");  // the defaults admit 4 MB
}

TEST_F(XlsxLimitsTest, ATagThatNeverEndsAndADtdAreRefused) {
    Write(Row(1, "<c r=\"A1\" x=\"" + std::string(200 * 1024, 'a') + "\"/>"));
    XlsxLimits limits;
    limits.max_tag_bytes = 64 * 1024;
    EXPECT_NE(Refusal(limits).find("XML tag longer than 65536 B (the limit per tag)"),
              std::string::npos)
        << Refusal(limits);

    Write("");
    std::string xml =
        "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaa\">]>"
        "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&a;</t></is></c></row>"
        "</sheetData></worksheet>";
    int error = 0;
    zip_t* zip = zip_open(path_.c_str(), 0, &error);
    ASSERT_NE(zip, nullptr);
    ASSERT_GE(zip_file_add(zip, "xl/worksheets/sheet1.xml",
                           zip_source_buffer(zip, xml.data(), xml.size(), 0), ZIP_FL_OVERWRITE),
              0);
    ASSERT_EQ(zip_close(zip), 0);
    EXPECT_NE(Refusal().find("declares a DTD"), std::string::npos) << Refusal();
}

TEST_F(XlsxLimitsTest, TooManyZipEntriesAreRefusedBeforeTheZipIsOpened) {
    Write(Row(1, Inline("name")), "", 40);
    XlsxLimits limits;
    limits.max_entries = 20;
    EXPECT_NE(Refusal(limits).find("more than 20 entries"), std::string::npos) << Refusal(limits);
    std::ifstream in(path_, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(XlsxFromString(bytes, limits).ok());
    EXPECT_TRUE(XlsxFromString(bytes).ok());
    EXPECT_EQ(Refusal(), "");
}

}  // namespace
}  // namespace guanxi::io
