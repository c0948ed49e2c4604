#pragma once
// What a file is, told from its bytes alone (never from its name or the type a client claims).

#include <string>
#include <string_view>

namespace guanxi::io {

// The media type of `bytes` by their content (libmagic, reading at most its first MiB), such as
// "application/pdf", "image/png", "text/plain"; "application/octet-stream" when it can't tell.
// Thread-safe.
std::string SniffMediaType(std::string_view bytes);

// Whether `bytes` begin as a program or script a system would run: ELF, PE/MZ (Windows, DOS),
// Mach-O (also universal), or a "#!" script — whatever libmagic makes of the rest.
bool LooksExecutable(std::string_view bytes);

}  // namespace guanxi::io
