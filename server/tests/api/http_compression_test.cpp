// Compression over real sockets: the web UI's precompressed files and gzip of large JSON answers,
// with Content-Length counting the bytes sent and Vary on everything whose form depends on
// Accept-Encoding.

#include "real_server.hpp"

#include <gtest/gtest.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <string>

namespace guanxi::testing {
namespace {

std::string Gunzip(const std::string& data) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) return "<inflateInit2 failed>";
    std::string out(4 << 20, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : "<not gzip>";
}

// The value of header `name` in a raw reply's header block; "" when absent.
std::string HeaderOf(const RawReply& reply, const std::string& name) {
    std::smatch m;
    if (!std::regex_search(reply.headers, m,
                           std::regex("\r\n" + name + ": *([^\r]*)", std::regex::icase))) {
        return "";
    }
    return m[1];
}

std::string GetWith(const std::string& path, const std::string& extra_headers) {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers + "\r\n";
}

class HttpCompressionTest : public HttpServerTest {};

TEST_F(HttpCompressionTest, LargeJsonIsGzippedForClientsThatAcceptIt) {
    Connection conn(port_);
    const std::string auth = AdminAuthorization(conn);
    // The customer metadata: several KB of JSON.
    conn.Send(GetWith("/api/v1/meta/customers", auth));
    const RawReply plain = conn.Read();
    ASSERT_EQ(plain.status, 200) << plain.body;
    ASSERT_GT(plain.body.size(), 1400u);
    EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
    EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept-Encoding");

    conn.Send(GetWith("/api/v1/meta/customers", auth + "Accept-Encoding: gzip, deflate, br\r\n"));
    const RawReply gzipped = conn.Read();
    ASSERT_EQ(gzipped.status, 200);
    EXPECT_EQ(HeaderOf(gzipped, "Content-Encoding"), "gzip");
    EXPECT_EQ(HeaderOf(gzipped, "Vary"), "Accept-Encoding");
    EXPECT_EQ(HeaderOf(gzipped, "Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(HeaderOf(gzipped, "Content-Length"), std::to_string(gzipped.body.size()));
    EXPECT_LT(gzipped.body.size(), plain.body.size() / 2);
    EXPECT_EQ(Gunzip(gzipped.body), plain.body);

    conn.Send(GetWith("/api/v1/meta/customers", auth + "Accept-Encoding: gzip;q=0, br\r\n"));
    const RawReply refused = conn.Read();
    EXPECT_EQ(HeaderOf(refused, "Content-Encoding"), "");
    EXPECT_EQ(refused.body, plain.body);

    // A small answer is sent as it is, without Vary.
    conn.Send(GetWith("/healthz", "Accept-Encoding: gzip\r\n"));
    const RawReply health = conn.Read();
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(HeaderOf(health, "Content-Encoding"), "");
    EXPECT_EQ(HeaderOf(health, "Vary"), "");
    EXPECT_EQ(nlohmann::json::parse(health.body)["status"], "ok");
    EXPECT_FALSE(conn.Closed());
}

TEST_F(HttpCompressionTest, WebFilesAreSentAsTheirPrecompressedSiblings) {
    const fs::path asset = dir_ / "web" / "assets" / "app-3f2a1b.js";
    std::ofstream(asset.string() + ".br", std::ios::binary) << "BR:" << std::string(3000, 'b');
    std::ofstream(asset.string() + ".gz", std::ios::binary) << "GZ:" << std::string(2000, 'g');
    Connection conn(port_);
    struct Case {
        const char* accept_encoding;
        const char* encoding;
        size_t length;
    };
    const Case cases[] = {
        {"gzip, deflate, br, zstd", "br", 3003},
        {"gzip, deflate", "gzip", 2003},
        {"br;q=0, gzip", "gzip", 2003},
        {"", "", std::string("console.log('guanxi')").size()},
        {"gzip;q=0", "", std::string("console.log('guanxi')").size()},
    };
    for (const Case& c : cases) {
        conn.Send(GetWith("/assets/app-3f2a1b.js",
                          *c.accept_encoding
                              ? "Accept-Encoding: " + std::string(c.accept_encoding) + "\r\n"
                              : ""));
        const RawReply reply = conn.Read();
        EXPECT_EQ(reply.status, 200) << c.accept_encoding;
        EXPECT_EQ(HeaderOf(reply, "Content-Encoding"), c.encoding) << c.accept_encoding;
        EXPECT_EQ(HeaderOf(reply, "Content-Length"), std::to_string(c.length)) << c.accept_encoding;
        EXPECT_EQ(reply.body.size(), c.length) << c.accept_encoding;
        EXPECT_EQ(HeaderOf(reply, "Vary"), "Accept-Encoding") << c.accept_encoding;
        EXPECT_EQ(HeaderOf(reply, "Content-Type"), "text/javascript; charset=utf-8");
        EXPECT_EQ(HeaderOf(reply, "Cache-Control"), "public, max-age=31536000, immutable");
    }
    // index.html has no sibling here: sent as it is, but with Vary all the same.
    conn.Send(GetWith("/customers/7", "Accept-Encoding: gzip, br\r\n"));
    const RawReply page = conn.Read();
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(HeaderOf(page, "Content-Encoding"), "");
    EXPECT_EQ(HeaderOf(page, "Vary"), "Accept-Encoding");
    EXPECT_NE(page.body.find("<title>Guanxi</title>"), std::string::npos);
    // A way out of the root stays refused when a compressed form is asked for.
    conn.Send(GetWith("/%2e%2e/%2e%2e/etc/passwd", "Accept-Encoding: gzip, br\r\n"));
    const RawReply traversal = conn.Read();
    EXPECT_EQ(traversal.body.find("root:"), std::string::npos);
}

}  // namespace
}  // namespace guanxi::testing
