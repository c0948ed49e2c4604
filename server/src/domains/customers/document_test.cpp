#include "domains/customers/document_routes.hpp"
#include "domains/customers/document_type.hpp"

#include <gtest/gtest.h>

namespace guanxi::customers {
namespace {

TEST(DocumentTest, AFileNameKeepsOnlyItsLastPathComponentCleaned) {
    EXPECT_EQ(CleanFileName("报价单.pdf"), "报价单.pdf");
    EXPECT_EQ(CleanFileName("../../etc/passwd"), "passwd");
    EXPECT_EQ(CleanFileName("..\\..\\Windows\\win.ini"), "win.ini");
    EXPECT_EQ(CleanFileName("C:\\Users\\张三\\Desktop\\合同 v2.docx"), "合同 v2.docx");
    EXPECT_EQ(CleanFileName("a\x01\x1b\x7f"
                            "b\r\n.txt"),
              "ab.txt");
    EXPECT_EQ(CleanFileName("a\u0085b.txt"), "ab.txt");                  // a C1 control
    EXPECT_EQ(CleanFileName("invoice\u202efdp.exe"), "invoicefdp.exe");  // a right-to-left override
    EXPECT_EQ(CleanFileName("  spaced.txt  "), "spaced.txt");
    for (const char* nothing : {"", "   ", ".", "..", "../", "a/..", "dir/", "\x01\x02"}) {
        EXPECT_FALSE(CleanFileName(nothing).has_value()) << nothing;
    }
    EXPECT_FALSE(CleanFileName("\xff\xfe.txt").has_value());  // not UTF-8
}

TEST(DocumentTest, ALongNameIsCutKeepingItsExtension) {
    std::string long_name;
    for (int i = 0; i < 300; ++i) long_name += "文";
    const auto cut = CleanFileName(long_name + ".pdf");
    ASSERT_TRUE(cut.has_value());
    EXPECT_EQ(cut->size(), (kMaxFileNameLength - 4) * 3 + 4);
    EXPECT_EQ(cut->substr(cut->size() - 4), ".pdf");
}

TEST(DocumentTest, OnlyTheListedTypesAreKept) {
    for (const char* kept :
         {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
          "text/csv", "application/zip", "application/msword", "application/vnd.ms-excel",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}) {
        EXPECT_EQ(DocumentContentType(kept), kept);
    }
    for (const char* refused :
         {"application/x-executable", "application/x-pie-executable", "application/x-dosexec",
          "application/x-mach-binary", "text/x-shellscript", "text/html", "image/svg+xml",
          "application/octet-stream", "application/javascript", ""}) {
        EXPECT_FALSE(DocumentContentType(refused).has_value()) << refused;
    }
    EXPECT_TRUE(Previewable("application/pdf"));
    EXPECT_TRUE(Previewable("image/webp"));
    EXPECT_FALSE(Previewable("text/plain"));
    EXPECT_FALSE(Previewable("application/zip"));
}

TEST(DocumentTest, ContentDispositionNamesAChineseFileForEveryBrowser) {
    EXPECT_EQ(ContentDisposition(false, "报价单 v2.pdf"),
              "attachment; filename=\"___ v2.pdf\"; "
              "filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%20v2.pdf");
    EXPECT_EQ(ContentDisposition(true, "a\"b\\c%d;e.png"),
              "inline; filename=\"a_b_c_d;e.png\"; filename*=UTF-8''a%22b%5Cc%25d%3Be.png");
}

}  // namespace
}  // namespace guanxi::customers
