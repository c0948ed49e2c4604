#pragma once
// Serves the built web UI. Hashed assets (/assets/*) are cached for a year; index.html and other
// files are revalidated every time. A path without a file extension that matches no file is a
// client-side route and gets index.html. Paths that try to leave the root are refused.

#include "http/message.hpp"

#include <filesystem>
#include <functional>
#include <optional>

namespace guanxi::http {

std::function<std::optional<Response>(const Request&)> MakeStaticFiles(std::filesystem::path root);

}  // namespace guanxi::http
