#pragma once
// Text encodings of uploaded files. Spreadsheets saved as "CSV" by a Chinese Excel are GB18030
// (GBK), not UTF-8; the import converts them once, before reading.

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace guanxi::io {

// Whether `head` — the first bytes of a file, possibly cut in the middle of a character — is UTF-8.
bool LooksLikeUtf8(std::string_view head);

// Rewrites the file at `from` (in `encoding`, an iconv name such as "GB18030") as UTF-8 at `to`,
// streaming. An error names the byte offset of the first invalid sequence.
Status ConvertToUtf8(const std::string& from, const std::string& to, const char* encoding);

}  // namespace guanxi::io
