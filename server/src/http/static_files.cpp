#include "http/static_files.hpp"

#include "core/text.hpp"
#include "http/compression.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

namespace guanxi::http {

namespace fs = std::filesystem;

namespace {

std::string_view ContentType(const fs::path& path) {
    const std::string ext = path.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".woff") return "font/woff";
    if (ext == ".ttf") return "font/ttf";
    if (ext == ".webmanifest") return "application/manifest+json";
    return "application/octet-stream";
}

// Whether the build writes .br and .gz siblings for files of this type
// (web/scripts/precompress.ts): text formats; images and fonts other than these are compressed
// already.
bool IsCompressible(const fs::path& path) {
    const std::string ext = path.extension().string();
    return ext == ".html" || ext == ".js" || ext == ".mjs" || ext == ".css" || ext == ".json" ||
           ext == ".svg" || ext == ".ico" || ext == ".ttf" || ext == ".webmanifest";
}

// Whether every segment of "/a/b/c" is a plain name (see the header); a trailing '/' is allowed.
bool IsPlainPath(std::string_view path) {
    if (path.empty() || path.front() != '/' || !text::IsValidUtf8(path)) return false;
    for (char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F || c == '\\' || c == '%') return false;
    }
    std::string_view rest = path.substr(1);
    while (!rest.empty()) {
        const size_t slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment.empty() || segment.front() == '.') return false;
        if (slash == std::string_view::npos) break;
        rest = rest.substr(slash + 1);
    }
    return true;
}

// Whether `path` is `root` itself or lies below it (both canonical).
bool IsUnder(const fs::path& root, const fs::path& path) {
    auto [root_end, path_at] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return root_end == root.end();
}

// Reads a regular file without following a symlink put in its place since it was resolved.
std::optional<std::string> ReadRegularFile(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    struct stat info {};
    std::optional<std::string> body;
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
        body.emplace();
        body->resize(static_cast<size_t>(info.st_size));
        size_t done = 0;
        while (done < body->size()) {
            const ssize_t n = ::read(fd, body->data() + done, body->size() - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
        body->resize(done);
    }
    ::close(fd);
    return body;
}

}  // namespace

StaticPath ResolveStaticPath(const fs::path& canonical_root, std::string_view request_path) {
    if (canonical_root.empty() || !IsPlainPath(request_path)) return {};
    std::string_view relative = request_path.substr(1);
    if (!relative.empty() && relative.back() == '/') relative.remove_suffix(1);
    if (relative.empty()) return {StaticPath::kMissing, {}};
    std::error_code error;
    fs::path file = fs::canonical(canonical_root / fs::path(relative), error);
    if (error) return {StaticPath::kMissing, {}};
    if (!IsUnder(canonical_root, file)) return {};  // a symlink that leads out of the root
    if (!fs::is_regular_file(file, error)) return {StaticPath::kMissing, {}};
    return {StaticPath::kFile, std::move(file)};
}

std::function<std::optional<Response>(const Request&)> MakeStaticFiles(fs::path root) {
    std::error_code ec;
    root = fs::canonical(root, ec);
    if (ec) root.clear();
    return [root](const Request& request) -> std::optional<Response> {
        StaticPath resolved = ResolveStaticPath(root, request.path);
        if (resolved.kind == StaticPath::kRefused) return std::nullopt;
        bool is_index = false;
        if (resolved.kind == StaticPath::kMissing) {
            // A client-side route ("/customers/12") gets the app; a missing asset is a 404.
            if (fs::path(request.path).extension() != "") return std::nullopt;
            resolved.file = root / "index.html";
            is_index = true;
        }
        Response response;
        std::optional<std::string> body;
        if (IsCompressible(resolved.file)) {
            // The precompressed sibling the client prefers, if the build wrote it (never made
            // here at request time); the file as it is otherwise. The sibling lies in the same
            // canonical folder, and ReadRegularFile refuses a symlink put in its place.
            const std::string accept = request.Header("accept-encoding").value_or("");
            bool brotli = true;
            bool gzip = true;
            Coding coding = PickCoding(accept, brotli, gzip);
            while (coding != Coding::kIdentity) {
                body = ReadRegularFile(resolved.file.string() +
                                       (coding == Coding::kBrotli ? ".br" : ".gz"));
                if (body) {
                    response.SetHeader("Content-Encoding", std::string(CodingName(coding)));
                    break;
                }
                (coding == Coding::kBrotli ? brotli : gzip) = false;  // no such sibling
                coding = PickCoding(accept, brotli, gzip);
            }
            AddVary(response, "Accept-Encoding");
        }
        if (!body) body = ReadRegularFile(resolved.file);
        if (!body) return std::nullopt;
        response.body = std::move(*body);
        response.SetHeader("Content-Type", std::string(ContentType(resolved.file)));
        const bool hashed = request.path.rfind("/assets/", 0) == 0 && !is_index;
        response.SetHeader("Cache-Control",
                           hashed ? "public, max-age=31536000, immutable" : "no-cache");
        response.SetHeader("X-Content-Type-Options", "nosniff");
        if (is_index || resolved.file.extension() == ".html") {
            response.SetHeader(
                "Content-Security-Policy",
                // data: fonts: the calendar's FullCalendar carries its icon font inline.
                "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
                "style-src 'self' 'unsafe-inline'; "
                "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
            response.SetHeader("X-Frame-Options", "DENY");
            response.SetHeader("Referrer-Policy", "same-origin");
        }
        return response;
    };
}

}  // namespace guanxi::http
