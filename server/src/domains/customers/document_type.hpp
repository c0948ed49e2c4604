#pragma once
// Documents (文档) of a customer: files uploaded as multipart forms — a record type of the kit
// (docs/adr/0006-record-kit.md) whose records are made by its own upload route
// (document_routes.hpp), never by the generic JSON create. What a client may write is the file's
// name (a rename) and a note; the server alone sets what it found out about the content: its type
// sniffed from the bytes (content_type), its size in bytes and its SHA-256.

#include "kit/record_type.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace guanxi::customers {

kit::RecordType DocumentType();

// The longest file name kept, in code points.
inline constexpr std::size_t kMaxFileNameLength = 255;

// A file name as a client sent it, made safe to keep and show: its last path component only (no
// "../", no folders, either slash), without control characters or bidirectional overrides,
// trimmed, and cut to kMaxFileNameLength code points keeping its extension. Nullopt when it is
// not UTF-8 or nothing usable remains ("", ".", "..").
std::optional<std::string> CleanFileName(std::string_view sent);

// The content_type a document of sniffed type `sniffed` (io::SniffMediaType) is kept as; nullopt
// when documents of that type are refused. Allowed: PNG, JPEG, GIF and WebP images, PDF, Office
// documents (docx, xlsx, pptx, doc, xls, ppt), plain text, CSV and zip archives.
std::optional<std::string> DocumentContentType(std::string_view sniffed);

// Whether a browser may show the content itself (images and PDF); others are only downloaded.
bool Previewable(std::string_view content_type);

}  // namespace guanxi::customers
