#pragma once
// A strict reader of multipart/form-data bodies (RFC 7578), for routes that take a browser's file
// upload. It reads what browsers and curl send and refuses the rest: no preamble, CRLF line ends,
// a Content-Disposition of form-data with a name on every part, no name twice, the closing
// delimiter present.

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::http {

struct FormPart {
    std::string name;
    // The part's file name as sent (filename*=UTF-8''... decoded when present, else
    // filename="..."); nullopt for a plain field. Not cleaned: it may hold folders, control
    // characters or bad UTF-8.
    std::optional<std::string> filename;
    std::string content_type;  // the part's Content-Type header as sent, "" when absent
    std::string_view data;     // into the body: valid as long as the body is
};

// Most parts and header bytes per part a body may hold.
inline constexpr std::size_t kMaxFormParts = 16;
inline constexpr std::size_t kMaxPartHeaderBytes = 8 * 1024;

// The parts of `body`, in order, under the boundary named by `content_type` (the request's
// Content-Type header). 415 unsupported_media_type (details.header "content-type") when that is
// not multipart/form-data with a valid boundary; 400 bad_request (details.parameter "body") when
// the body is malformed or holds more than kMaxFormParts parts.
Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

}  // namespace guanxi::http
