// Content codings: what Accept-Encoding asks for (q-values, "*", q=0 refusals), gzip that inflates
// back to the same bytes, and which JSON answers are compressed.

#include "http/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace guanxi::http {
namespace {

// What a browser gets back from a gzip body.
std::string Gunzip(const std::string& data) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) return "<inflateInit2 failed>";
    std::string out(1 << 20, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : "<not gzip>";
}

// A JSON list page of `rows` customers, as a route answers it.
Response JsonPage(int rows) {
    std::string body = R"({"items":[)";
    for (int i = 0; i < rows; ++i) {
        if (i > 0) body += ',';
        body += R"({"id":)" + std::to_string(i) + R"(,"name":"深圳华强科技有限公司)" +
                std::to_string(i) + R"(","category":"potential","phone":"1380000)" +
                std::to_string(1000 + i) + R"("})";
    }
    body += R"(],"total":)" + std::to_string(rows) + "}";
    return Response::JsonText(200, std::move(body));
}

Request Asking(std::string accept_encoding) {
    Request request;
    request.method = "GET";
    request.path = "/api/v1/customers";
    if (!accept_encoding.empty()) request.headers["accept-encoding"] = std::move(accept_encoding);
    return request;
}

TEST(CompressionTest, PicksTheCodingTheClientPrefersOfThoseOffered) {
    struct Case {
        const char* header;
        bool brotli;
        bool gzip;
        Coding expected;
    };
    const Case cases[] = {
        {"", true, true, Coding::kIdentity},
        {"gzip, deflate, br", true, true, Coding::kBrotli},  // a tie: br first
        {"gzip, deflate, br, zstd", false, true, Coding::kGzip},
        {"gzip, deflate, br", true, false, Coding::kBrotli},
        {"gzip, deflate", true, true, Coding::kGzip},
        {"br", false, true, Coding::kIdentity},  // gzip not asked for
        {"deflate", true, true, Coding::kIdentity},
        {"br;q=0.5, gzip", true, true, Coding::kGzip},  // the higher q-value wins
        {"br;q=0.9, gzip;q=0.8", true, true, Coding::kBrotli},
        {"br;q=0, gzip", true, true, Coding::kGzip},  // q=0: not acceptable
        {"br;q=0, gzip;q=0", true, true, Coding::kIdentity},
        {"gzip;q=0.000", true, true, Coding::kIdentity},
        {"GZIP ; Q=1", true, true, Coding::kGzip},  // case-insensitive, spaces allowed
        {"x-gzip", false, true, Coding::kGzip},
        {"*", true, true, Coding::kBrotli},
        {"*", false, true, Coding::kGzip},
        {"gzip;q=0, *", true, true, Coding::kBrotli},  // "*" is every coding not named
        {"br;q=0, *;q=0.1", true, true, Coding::kGzip},
        {"*;q=0", true, true, Coding::kIdentity},
        {"identity", true, true, Coding::kIdentity},
        {"gzip;q=0.5, identity", true, true, Coding::kIdentity},  // identity preferred
        {"gzip, identity;q=0.5", true, true, Coding::kGzip},
        {"gzip;q=nonsense", true, true, Coding::kIdentity},  // a malformed q-value refuses
        {"gzip;q=1.5", true, true, Coding::kIdentity},
        {",,gzip,,", true, true, Coding::kGzip},
        {"gzip", false, false, Coding::kIdentity},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(PickCoding(c.header, c.brotli, c.gzip), c.expected)
            << "'" << c.header << "' br=" << c.brotli << " gzip=" << c.gzip;
    }
    EXPECT_EQ(CodingName(Coding::kBrotli), "br");
    EXPECT_EQ(CodingName(Coding::kGzip), "gzip");
    EXPECT_EQ(CodingName(Coding::kIdentity), "");
}

TEST(CompressionTest, GzipInflatesBackToTheSameBytes) {
    const std::string body = JsonPage(50).body;
    for (int level : {1, 6, 9}) {
        auto compressed = Gzip(body, level);
        ASSERT_TRUE(compressed) << level;
        EXPECT_LT(compressed->size(), body.size() / 3) << level;
        EXPECT_EQ(Gunzip(*compressed), body) << level;
    }
    auto empty = Gzip("", 1);
    ASSERT_TRUE(empty);
    EXPECT_EQ(Gunzip(*empty), "");
}

TEST(CompressionTest, JsonAboveTheThresholdIsGzippedForAClientThatAcceptsIt) {
    const Response original = JsonPage(50);
    ASSERT_GT(original.body.size(), kCompressJsonAbove);
    Response response = original;
    CompressJson(Asking("gzip, deflate, br"), response);
    EXPECT_EQ(response.HeaderValue("Content-Encoding"), "gzip");
    EXPECT_EQ(response.HeaderValue("Vary"), "Accept-Encoding");
    EXPECT_EQ(response.HeaderValue("Content-Type"), "application/json; charset=utf-8");
    EXPECT_LT(response.body.size(), original.body.size() / 3);
    EXPECT_EQ(Gunzip(response.body), original.body);
    EXPECT_EQ(response.status, 200);
}

TEST(CompressionTest, JsonIsSentAsItIsWithoutAnAcceptedGzip) {
    const Response original = JsonPage(50);
    for (const char* header : {"", "br", "identity", "gzip;q=0", "deflate"}) {
        Response response = original;
        CompressJson(Asking(header), response);
        EXPECT_EQ(response.body, original.body) << header;
        EXPECT_FALSE(response.HeaderValue("Content-Encoding")) << header;
        // Its form depends on the header all the same: a cache must not give it to another.
        EXPECT_EQ(response.HeaderValue("Vary"), "Accept-Encoding") << header;
    }
}

TEST(CompressionTest, SmallAnswersOtherTypesAndFilesAreLeftAlone) {
    Response small = Response::Json(200, {{"status", "ok"}});
    const std::string small_body = small.body;
    CompressJson(Asking("gzip"), small);
    EXPECT_EQ(small.body, small_body);
    EXPECT_FALSE(small.HeaderValue("Content-Encoding"));
    EXPECT_FALSE(small.HeaderValue("Vary"));  // its form never depends on the header

    Response exactly = Response::JsonText(200, std::string(kCompressJsonAbove, ' '));
    CompressJson(Asking("gzip"), exactly);
    EXPECT_FALSE(exactly.HeaderValue("Content-Encoding"));

    Response csv = JsonPage(50);
    csv.SetHeader("Content-Type", "text/csv; charset=utf-8");
    const std::string csv_body = csv.body;
    CompressJson(Asking("gzip"), csv);
    EXPECT_EQ(csv.body, csv_body);
    EXPECT_FALSE(csv.HeaderValue("Content-Encoding"));

    Response file = JsonPage(50);
    file.file = "/tmp/export.csv";
    const std::string file_body = file.body;
    CompressJson(Asking("gzip"), file);
    EXPECT_EQ(file.body, file_body);
    EXPECT_FALSE(file.HeaderValue("Content-Encoding"));

    Response encoded = JsonPage(50);
    encoded.SetHeader("Content-Encoding", "br");
    const std::string encoded_body = encoded.body;
    CompressJson(Asking("gzip"), encoded);
    EXPECT_EQ(encoded.body, encoded_body);
    EXPECT_EQ(encoded.HeaderValue("Content-Encoding"), "br");
}

TEST(CompressionTest, AnswersOfTheSameSizeAreNeverGivenEachOthersCompression) {
    // The compression of recent bodies is reused for the same bytes: two pages of one size that
    // differ in one character (another caller's customer) must each inflate to their own.
    Response first = JsonPage(50);
    Response second = first;
    second.body[second.body.size() / 2] ^= 1;
    ASSERT_EQ(first.body.size(), second.body.size());
    const Response originals[] = {first, second};
    for (int round = 0; round < 3; ++round) {
        for (const Response& original : originals) {
            Response response = original;
            CompressJson(Asking("gzip"), response);
            ASSERT_EQ(response.HeaderValue("Content-Encoding"), "gzip");
            EXPECT_EQ(Gunzip(response.body), original.body) << round;
        }
    }
}

TEST(CompressionTest, VaryIsAddedToOnceBesideWhatItNamesAlready) {
    Response response = JsonPage(50);
    response.SetHeader("Vary", "Origin");
    CompressJson(Asking("gzip"), response);
    EXPECT_EQ(response.HeaderValue("Vary"), "Origin, Accept-Encoding");
    AddVary(response, "accept-encoding");
    EXPECT_EQ(response.HeaderValue("Vary"), "Origin, Accept-Encoding");
    Response star;
    star.SetHeader("Vary", "*");
    AddVary(star, "Accept-Encoding");
    EXPECT_EQ(star.HeaderValue("Vary"), "*");
}

}  // namespace
}  // namespace guanxi::http
