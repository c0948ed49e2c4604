#include "http/multipart.hpp"

#include <gtest/gtest.h>

namespace guanxi::http {
namespace {

constexpr const char* kType = "multipart/form-data; boundary=XyZ";

std::string Part(const std::string& disposition, const std::string& data,
                 const std::string& extra_headers = "") {
    return "--XyZ\r\nContent-Disposition: " + disposition + "\r\n" + extra_headers + "\r\n" + data +
           "\r\n";
}

TEST(MultipartTest, ReadsAFileAndAFieldAsBrowsersSendThem) {
    const std::string body = Part("form-data; name=\"file\"; filename=\"报价单.pdf\"",
                                  "%PDF-1.4\r\n-XyZ a--XyZ", "Content-Type: application/pdf\r\n") +
                             Part("form-data; name=note", "第一版\r\n两行") + "--XyZ--\r\n";
    auto parts = ParseMultipart(kType, body);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].name, "file");
    EXPECT_EQ((*parts)[0].filename, "报价单.pdf");
    EXPECT_EQ((*parts)[0].content_type, "application/pdf");
    EXPECT_EQ((*parts)[0].data, "%PDF-1.4\r\n-XyZ a--XyZ");  // no delimiter: not after a CRLF
    EXPECT_EQ((*parts)[1].name, "note");
    EXPECT_FALSE((*parts)[1].filename.has_value());
    EXPECT_EQ((*parts)[1].data, "第一版\r\n两行");
}

TEST(MultipartTest, FilenameStarWinsAndQuotedValuesAreTakenAsSent) {
    const std::string body =
        "--a b'c\r\nCONTENT-DISPOSITION: Form-Data; filename=\"fallback.txt\"; "
        "filename*=UTF-8''%E6%8A%A5%E4%BB%B7.txt; name=\"C:\\dir\\%22q%22\"\r\n\r\nx\r\n--a b'c--";
    auto parts = ParseMultipart("Multipart/Form-Data; charset=utf-8; boundary=\"a b'c\"", body);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_EQ((*parts)[0].name, "C:\\dir\\%22q%22");  // as browsers send it
    EXPECT_EQ((*parts)[0].filename, "报价.txt");
    EXPECT_EQ((*parts)[0].data, "x");
}

TEST(MultipartTest, AnEmptyFileIsAPartWithNoData) {
    auto parts = ParseMultipart(kType, Part("form-data; name=file; filename=a", "") + "--XyZ--");
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_TRUE((*parts)[0].data.empty());
}

TEST(MultipartTest, AContentTypeThatIsNotAFormWithABoundaryIs415) {
    for (const std::string& type : std::vector<std::string>{
             "", "application/json", "multipart/mixed; boundary=XyZ", "multipart/form-data",
             "multipart/form-data; boundary=", "multipart/form-data; boundary=\"unclosed",
             "multipart/form-data; boundary=ends-in-space\" \"",
             "multipart/form-data; boundary=" + std::string(71, 'a')}) {
        auto parts = ParseMultipart(type, Part("form-data; name=a", "1") + "--XyZ--");
        ASSERT_FALSE(parts.ok()) << type;
        EXPECT_EQ(parts.error().code, ErrorCode::kUnsupportedMediaType) << type;
        EXPECT_EQ(parts.error().details["header"], "content-type");
    }
}

TEST(MultipartTest, AMalformedBodyIs400NamingTheBody) {
    const std::string ok = Part("form-data; name=a", "1");
    for (const std::string& body : std::vector<std::string>{
             std::string(""),
             "preamble\r\n" + ok + "--XyZ--",                   // text before the first part
             ok,                                                // no closing delimiter
             ok + "--XyZ",                                      // closing delimiter cut
             ok + "--XyZ--trailing",                            // data after the end
             "--XyZ--",                                         // no parts at all
             "--XyZ\r\n\r\n1\r\n--XyZ--",                       // no headers
             Part("attachment; name=a", "1") + "--XyZ--",       // not form-data
             Part("form-data; filename=a", "1") + "--XyZ--",    // no name
             Part("form-data; name=\"\"", "1") + "--XyZ--",     // an empty name
             Part("form-data; name=\"a", "1") + "--XyZ--",      // an unclosed quote
             Part("form-data; name=a; name", "1") + "--XyZ--",  // a parameter without value
             ok + Part("form-data; name=a", "2") + "--XyZ--",   // the same name twice
             Part("form-data; name=a; filename*=GBK''%B1%A8", "1") + "--XyZ--",
             Part("form-data; name=a; filename*=UTF-8''%ZZ", "1") + "--XyZ--",
             "--XyZ\nContent-Disposition: form-data; name=a\n\n1\n--XyZ--",  // bare LF
             "--XyZ  \r\n" + ok.substr(7) + "--XyZ--",  // padding after a delimiter
             Part("form-data; name=a", "1", "No colon here\r\n") + "--XyZ--",
             Part("form-data; name=a", "1", "Content-Disposition: form-data; name=b\r\n") +
                 "--XyZ--",
             Part("form-data; name=a", "1", std::string(9000, 'x') + ": y\r\n") + "--XyZ--",
         }) {
        auto parts = ParseMultipart(kType, body);
        ASSERT_FALSE(parts.ok()) << body;
        EXPECT_EQ(parts.error().code, ErrorCode::kBadRequest) << body;
        EXPECT_EQ(parts.error().details["parameter"], "body");
    }
}

TEST(MultipartTest, AtMostSixteenParts) {
    std::string body;
    for (int i = 0; i < 17; ++i) body += Part("form-data; name=p" + std::to_string(i), "x");
    EXPECT_FALSE(ParseMultipart(kType, body + "--XyZ--").ok());
    body.clear();
    for (int i = 0; i < 16; ++i) body += Part("form-data; name=p" + std::to_string(i), "x");
    EXPECT_TRUE(ParseMultipart(kType, body + "--XyZ--").ok());
}

}  // namespace
}  // namespace guanxi::http
