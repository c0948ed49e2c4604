#include "http/static_files.hpp"

#include <fstream>
#include <sstream>

namespace guanxi::http {

namespace {

std::string_view ContentType(const std::filesystem::path& path) {
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

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

std::function<std::optional<Response>(const Request&)> MakeStaticFiles(std::filesystem::path root) {
    std::error_code ec;
    root = std::filesystem::weakly_canonical(root, ec);
    return [root](const Request& request) -> std::optional<Response> {
        if (root.empty() || request.path.find("..") != std::string::npos ||
            request.path.find('\0') != std::string::npos) {
            return std::nullopt;
        }
        std::filesystem::path relative = request.path.substr(1);
        std::filesystem::path file = root / relative;
        std::error_code error;
        bool is_index = false;
        if (request.path == "/" || !std::filesystem::is_regular_file(file, error)) {
            if (!relative.extension().empty() && request.path != "/") return std::nullopt;
            file = root / "index.html";
            is_index = true;
        }
        auto body = ReadFile(file);
        if (!body) return std::nullopt;
        Response response;
        response.body = std::move(*body);
        response.SetHeader("Content-Type", std::string(ContentType(file)));
        const bool hashed = request.path.rfind("/assets/", 0) == 0 && !is_index;
        response.SetHeader("Cache-Control",
                           hashed ? "public, max-age=31536000, immutable" : "no-cache");
        response.SetHeader("X-Content-Type-Options", "nosniff");
        if (is_index || file.extension() == ".html") {
            response.SetHeader(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
            response.SetHeader("X-Frame-Options", "DENY");
            response.SetHeader("Referrer-Policy", "same-origin");
        }
        return response;
    };
}

}  // namespace guanxi::http
