// The static-file handler against a web root with a secret file beside it: every spelling of a
// way out (raw, encoded, double-encoded, absolute, overlong UTF-8, symlinks) must answer nothing
// or the app's index.html — never a byte of a file outside the root.

#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace guanxi::http {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndex = "<!doctype html><title>Guanxi</title>";
constexpr const char* kSecret = "TOP-SECRET-beside-the-root";

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("guanxi_static_" + std::to_string(getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "web" / "assets");
        std::ofstream(dir_ / "web" / "index.html") << kIndex;
        std::ofstream(dir_ / "web" / "assets" / "app-1a2b.js") << "console.log('app')";
        std::ofstream(dir_ / "web" / ".env") << kSecret;
        std::ofstream(dir_ / "secret.txt") << kSecret;
        fs::create_symlink("../secret.txt", dir_ / "web" / "link-out");
        fs::create_symlink("..", dir_ / "web" / "parent");
        fs::create_symlink("/etc", dir_ / "web" / "etc");
        fs::create_symlink("assets/app-1a2b.js", dir_ / "web" / "app.js");  // stays inside
        // What the build writes beside the files (web/scripts/precompress.ts).
        std::ofstream(dir_ / "web" / "assets" / "app-1a2b.js.br") << "BROTLI-app";
        std::ofstream(dir_ / "web" / "assets" / "app-1a2b.js.gz") << "GZIP-app";
        std::ofstream(dir_ / "web" / "index.html.gz") << "GZIP-index";
        std::ofstream(dir_ / "web" / "assets" / "only-gz-77.css") << "body{}";
        std::ofstream(dir_ / "web" / "assets" / "only-gz-77.css.gz") << "GZIP-css";
        std::ofstream(dir_ / "web" / "assets" / "plain-5e.js") << "console.log('plain')";
        std::ofstream(dir_ / "web" / "assets" / "logo-4d.png") << "PNG-bytes";
        std::ofstream(dir_ / "web" / "assets" / "logo-4d.png.gz") << "GZIP-png";
        std::ofstream(dir_ / "secret.txt.gz") << kSecret;
        std::ofstream(dir_ / "web" / "assets" / "leak-6a.js") << "console.log('leak')";
        fs::create_symlink("../../secret.txt.gz", dir_ / "web" / "assets" / "leak-6a.js.gz");
        serve_ = MakeStaticFiles(dir_ / "web");
    }
    void TearDown() override { fs::remove_all(dir_); }

    // What a raw request target gets, decoded as the server decodes it; nullopt when refused.
    std::optional<Response> Get(const std::string& target,
                                const std::string& accept_encoding = "") {
        Request request;
        request.method = "GET";
        if (!request.SetTarget(target)) return std::nullopt;  // the server answers 400
        if (!accept_encoding.empty()) request.headers["accept-encoding"] = accept_encoding;
        return serve_(request);
    }

    fs::path dir_;
    std::function<std::optional<Response>(const Request&)> serve_;
};

TEST_F(StaticFilesTest, ServesFilesAndClientRoutesUnderTheRoot) {
    auto asset = Get("/assets/app-1a2b.js");
    ASSERT_TRUE(asset);
    EXPECT_EQ(asset->body, "console.log('app')");
    auto inner_link = Get("/app.js");
    ASSERT_TRUE(inner_link);
    EXPECT_EQ(inner_link->body, "console.log('app')");
    for (const char* route : {"/", "/customers/42", "/customers/", "/%E5%AE%A2%E6%88%B7"}) {
        auto page = Get(route);
        ASSERT_TRUE(page) << route;
        EXPECT_EQ(page->body, kIndex) << route;
    }
    EXPECT_FALSE(Get("/assets/missing.js"));
}

TEST_F(StaticFilesTest, SendsThePrecompressedSiblingTheClientPrefers) {
    struct Case {
        const char* accept_encoding;
        const char* body;
        const char* encoding;  // "" when sent as it is
    };
    const Case cases[] = {
        {"gzip, deflate, br, zstd", "BROTLI-app", "br"},
        {"gzip, deflate", "GZIP-app", "gzip"},
        {"br;q=0.5, gzip", "GZIP-app", "gzip"},
        {"br;q=0, gzip", "GZIP-app", "gzip"},
        {"*", "BROTLI-app", "br"},
        {"", "console.log('app')", ""},
        {"deflate", "console.log('app')", ""},
        {"identity", "console.log('app')", ""},
        {"br;q=0, gzip;q=0", "console.log('app')", ""},
        {"*;q=0", "console.log('app')", ""},
    };
    for (const Case& c : cases) {
        auto asset = Get("/assets/app-1a2b.js", c.accept_encoding);
        ASSERT_TRUE(asset) << c.accept_encoding;
        EXPECT_EQ(asset->body, c.body) << c.accept_encoding;
        EXPECT_EQ(asset->HeaderValue("Content-Encoding").value_or(""), c.encoding)
            << c.accept_encoding;
        EXPECT_EQ(asset->HeaderValue("Vary"), "Accept-Encoding") << c.accept_encoding;
        EXPECT_EQ(asset->HeaderValue("Content-Type"), "text/javascript; charset=utf-8");
        EXPECT_EQ(asset->HeaderValue("Cache-Control"), "public, max-age=31536000, immutable");
    }
    // The app's page, for a client-side route too: its .gz, still no-cache and with its headers.
    for (const char* route : {"/", "/index.html", "/customers/42"}) {
        auto page = Get(route, "gzip, deflate, br");
        ASSERT_TRUE(page) << route;
        EXPECT_EQ(page->body, "GZIP-index") << route;
        EXPECT_EQ(page->HeaderValue("Content-Encoding"), "gzip") << route;
        EXPECT_EQ(page->HeaderValue("Content-Type"), "text/html; charset=utf-8") << route;
        EXPECT_EQ(page->HeaderValue("Cache-Control"), "no-cache") << route;
        EXPECT_EQ(page->HeaderValue("Vary"), "Accept-Encoding") << route;
        const auto policy = page->HeaderValue("Content-Security-Policy");
        ASSERT_TRUE(policy) << route;
        // The calendar's icon font is a data: URL (FullCalendar): refused, the console errs.
        EXPECT_NE(policy->find("font-src 'self' data:"), std::string::npos) << *policy;
        EXPECT_NE(policy->find("default-src 'self';"), std::string::npos) << *policy;
    }
}

TEST_F(StaticFilesTest, SendsAFileAsItIsWhenTheWantedSiblingIsMissing) {
    // No .br: gzip when that is accepted too, the file itself when only br is.
    auto css = Get("/assets/only-gz-77.css", "br, gzip");
    ASSERT_TRUE(css);
    EXPECT_EQ(css->body, "GZIP-css");
    EXPECT_EQ(css->HeaderValue("Content-Encoding"), "gzip");
    auto css_br_only = Get("/assets/only-gz-77.css", "br");
    ASSERT_TRUE(css_br_only);
    EXPECT_EQ(css_br_only->body, "body{}");
    EXPECT_FALSE(css_br_only->HeaderValue("Content-Encoding"));
    EXPECT_EQ(css_br_only->HeaderValue("Vary"), "Accept-Encoding");
    auto plain = Get("/assets/plain-5e.js", "gzip, deflate, br");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->body, "console.log('plain')");
    EXPECT_FALSE(plain->HeaderValue("Content-Encoding"));
    EXPECT_EQ(plain->HeaderValue("Vary"), "Accept-Encoding");
    // An image is compressed already: never a sibling, and no Vary.
    auto png = Get("/assets/logo-4d.png", "gzip, deflate, br");
    ASSERT_TRUE(png);
    EXPECT_EQ(png->body, "PNG-bytes");
    EXPECT_FALSE(png->HeaderValue("Content-Encoding"));
    EXPECT_FALSE(png->HeaderValue("Vary"));
    // A sibling that is a symlink (here leading out of the root) is never followed.
    auto leak = Get("/assets/leak-6a.js", "gzip");
    ASSERT_TRUE(leak);
    EXPECT_EQ(leak->body, "console.log('leak')");
    EXPECT_FALSE(leak->HeaderValue("Content-Encoding"));
    // A missing file has no sibling to send either.
    EXPECT_FALSE(Get("/assets/missing.js", "gzip, br"));
}

TEST_F(StaticFilesTest, NoSpellingOfAWayOutReadsAFileOutsideTheRoot) {
    const std::string dir = dir_.string();
    const std::string encoded_dir = [&] {
        std::string out;
        for (char c : dir) out += c == '/' ? std::string("%2F") : std::string(1, c);
        return out;
    }();
    const std::vector<std::string> targets = {
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "/..%5Csecret.txt",
        "/..\\secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%252e%252e/secret.txt",
        "/./../secret.txt",
        "/assets/../../secret.txt",
        "/assets/./../../secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%c0%ae%c0%ae%c0%afsecret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/secret.txt%00.html",
        "/index.html%00",
        "/link-out",
        "/parent/secret.txt",
        "/parent/web/../secret.txt",
        "/etc/passwd",
        "/.env",
        "/%2eenv",
        "/assets/.%2e/.%2e/secret.txt",
        "//" + dir.substr(1) + "/secret.txt",
        "/" + dir + "/secret.txt",
        "/%2F" + dir.substr(1) + "/secret.txt",
        "/" + encoded_dir + "%2Fsecret.txt",
        "//etc/passwd",
        "/%2Fetc/passwd",
        "/%2fetc%2fpasswd",
        "//proc/self/environ",
        "/%2Fproc%2Fself%2Fenviron",
        "/..",
        "/...",
        "/../../../../../../etc/passwd",
    };
    for (const std::string& target : targets) {
        // (Asking for a compressed form too: /secret.txt.gz lies beside the root.)
        for (const char* accept_encoding : {"", "gzip, deflate, br"}) {
            auto response = Get(target, accept_encoding);
            if (!response) continue;
            EXPECT_TRUE(response->body == kIndex || response->body == "GZIP-index") << target;
            EXPECT_EQ(response->body.find(kSecret), std::string::npos) << target;
            EXPECT_EQ(response->body.find("root:"), std::string::npos) << target;
        }
    }
}

TEST_F(StaticFilesTest, TheResolverRefusesAnythingButAPlainPath) {
    const fs::path root = fs::canonical(dir_ / "web");
    EXPECT_EQ(ResolveStaticPath(root, "/assets/app-1a2b.js").kind, StaticPath::kFile);
    EXPECT_EQ(ResolveStaticPath(root, "/assets/app-1a2b.js").file, root / "assets" / "app-1a2b.js");
    EXPECT_EQ(ResolveStaticPath(root, "/customers/42").kind, StaticPath::kMissing);
    EXPECT_EQ(ResolveStaticPath(root, "/assets").kind, StaticPath::kMissing);  // a directory
    for (std::string_view path :
         {"", "assets/app-1a2b.js", "//etc/passwd", "/a//b", "/./index.html", "/../secret.txt",
          "/assets/..", "/a\\b", "/%2e%2e", "/.env", "/link-out", "/parent/secret.txt"}) {
        EXPECT_EQ(ResolveStaticPath(root, path).kind, StaticPath::kRefused) << path;
    }
    EXPECT_EQ(ResolveStaticPath(root, std::string_view("/index.html\0x", 13)).kind,
              StaticPath::kRefused);
    EXPECT_EQ(ResolveStaticPath(root, "/\xc0\xae\xc0\xae/secret.txt").kind, StaticPath::kRefused);
    EXPECT_EQ(ResolveStaticPath({}, "/index.html").kind, StaticPath::kRefused);  // no root
}

TEST_F(StaticFilesTest, ARootThatDoesNotExistServesNothing) {
    auto serve = MakeStaticFiles(dir_ / "no-such-folder");
    Request request;
    request.method = "GET";
    ASSERT_TRUE(request.SetTarget("//" + (dir_ / "secret.txt").string().substr(1)));
    EXPECT_FALSE(serve(request));
    ASSERT_TRUE(request.SetTarget("/"));
    EXPECT_FALSE(serve(request));
}

}  // namespace
}  // namespace guanxi::http
