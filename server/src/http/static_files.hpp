#pragma once
// Serves the built web UI. Hashed assets (/assets/*) are cached for a year; index.html and other
// files are revalidated every time. A path without a file extension that matches no file is a
// client-side route and gets index.html.
//
// Text files (html, js, css, json, svg, ico, ttf, webmanifest) are sent as their precompressed
// sibling "<file>.br" or "<file>.gz" when the build wrote one and the request's Accept-Encoding
// takes it (br preferred, then gzip; compression.hpp PickCoding), with Content-Encoding and the
// original file's Content-Type; they always carry "Vary: Accept-Encoding", also when sent as they
// are. Nothing is compressed at request time.
//
// Only regular files under the web root are ever served. A request path is refused (404) when it
// is not a plain relative path under the root: an empty segment ("//", which is also what an
// encoded "/" decodes to), "." or ".." or any other segment starting with a dot, a backslash, a
// '%' left after decoding (double encoding), a control character or NUL, or invalid UTF-8. What
// remains is resolved with symlinks followed and must still lie under the canonical root.

#include "http/message.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

namespace guanxi::http {

// The outcome of resolving a request path against the web root.
struct StaticPath {
    enum Kind {
        kRefused,  // not a plain path under the root: answer 404, never index.html
        kMissing,  // a plain path naming no regular file under the root
        kFile,     // `file` is a canonical regular file under the root
    };
    Kind kind = kRefused;
    std::filesystem::path file;
};

// Resolves `request_path` (percent-decoded, as Request::path) under `canonical_root`, which must
// be an absolute canonical path (std::filesystem::canonical). Touches the file system only to
// resolve symlinks and check the file's type; never throws.
StaticPath ResolveStaticPath(const std::filesystem::path& canonical_root,
                             std::string_view request_path);

// The fallback handler for GET requests no route matches; nullopt (404) when there is no such
// file. A root that does not exist serves nothing.
std::function<std::optional<Response>(const Request&)> MakeStaticFiles(std::filesystem::path root);

}  // namespace guanxi::http
