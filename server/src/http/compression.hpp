#pragma once
// Content codings (RFC 9110 §8.4, §12.5.3): which one a client accepts, gzip of a body, and the
// compression of JSON answers. Static files are compressed at build time instead (their .br and
// .gz siblings, static_files.hpp); exports, sent from a file, are not compressed (an XLSX is a
// zip already, and a CSV download is streamed from disk).

#include "http/message.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace guanxi::http {

enum class Coding { kIdentity, kGzip, kBrotli };

// The coding to send a body in, of those on offer (identity always is), for a request's
// Accept-Encoding value: the offered coding with the highest q-value, br before gzip when they tie.
// A coding named with q=0 is never chosen; "*" gives its q-value to every coding not named;
// "x-gzip" is gzip. Identity when the header is empty or accepts none of the offered codings, and
// when it names identity with a q-value above theirs.
Coding PickCoding(std::string_view accept_encoding, bool brotli_offered, bool gzip_offered);

// The Content-Encoding value of a coding ("br", "gzip"; "" for identity).
std::string_view CodingName(Coding coding);

// `data` in gzip format at zlib `level` (1 fastest … 9 smallest); nullopt when zlib fails.
std::optional<std::string> Gzip(std::string_view data, int level);

// Adds `token` to the response's Vary header unless it is there already.
void AddVary(Response& response, std::string_view token);

// JSON answers of more than this many bytes are compressed: below it the body fits one TCP
// segment (~1,460 bytes) and compressing saves no round trip.
inline constexpr std::size_t kCompressJsonAbove = 1400;
// zlib's fastest level: a list page compresses ~6:1 at it, for a fraction of level 6's CPU
// (docs/PERFORMANCE.md "Compression").
inline constexpr int kJsonGzipLevel = 1;

// Gzips `response` in place when it is a JSON body (Content-Type application/json) of more than
// kCompressJsonAbove bytes, not already encoded and not sent from a file, and `request` accepts
// gzip. Every such answer gets "Vary: Accept-Encoding", also when it is sent as it is; smaller
// ones, whose form never depends on the header, get none. The gzip of the last few dozen bodies
// is kept and given again for the same bytes (a repeated page from the page cache). Thread-safe.
void CompressJson(const Request& request, Response& response);

}  // namespace guanxi::http
