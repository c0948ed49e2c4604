#include "io/file_type.hpp"

#include "core/log.hpp"

#include <magic.h>

#include <algorithm>
#include <array>
#include <memory>

namespace guanxi::io {

namespace {

// A magic_t is not safe to share between threads, and loading its database takes a few ms: one
// per thread, made on first use.
struct MagicCloser {
    void operator()(magic_set* m) const { magic_close(m); }
};

magic_set* ThreadMagic() {
    thread_local std::unique_ptr<magic_set, MagicCloser> magic = [] {
        // No decompression, no peeking into compressed or encoded content: the type of the bytes
        // as sent.
        std::unique_ptr<magic_set, MagicCloser> m(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR));
        if (m && magic_load(m.get(), nullptr) != 0) {
            // Every file then reads as application/octet-stream (and uploads are refused): say
            // why, for the operator.
            log::Error("libmagic_load",
                       {{"error", magic_error(m.get()) ? magic_error(m.get()) : "unknown"}});
            m.reset();
        }
        return m;
    }();
    return magic.get();
}

constexpr std::size_t kSniffBytes = 1 << 20;

bool StartsWith(std::string_view bytes, std::string_view prefix) {
    return bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string SniffMediaType(std::string_view bytes) {
    magic_set* magic = ThreadMagic();
    if (magic == nullptr || bytes.empty()) return "application/octet-stream";
    const char* type = magic_buffer(magic, bytes.data(), std::min(bytes.size(), kSniffBytes));
    return type != nullptr ? std::string(type) : "application/octet-stream";
}

bool LooksExecutable(std::string_view bytes) {
    static constexpr std::array<std::string_view, 7> kMagics = {
        std::string_view("\177ELF", 4),            // Linux, BSD (ELF)
        std::string_view("#!", 2),                 // a script for any interpreter
        std::string_view("\xfe\xed\xfa\xce", 4),   // Mach-O 32-bit
        std::string_view("\xfe\xed\xfa\xcf", 4),   // Mach-O 64-bit
        std::string_view("\xce\xfa\xed\xfe", 4),   // Mach-O 32-bit, little-endian
        std::string_view("\xcf\xfa\xed\xfe", 4),   // Mach-O 64-bit, little-endian
        std::string_view("\xca\xfe\xba\xbe", 4)};  // Mach-O universal (and Java classes)
    if (std::any_of(kMagics.begin(), kMagics.end(),
                    [&](std::string_view magic) { return StartsWith(bytes, magic); })) {
        return true;
    }
    // "MZ" (Windows PE, DOS): its header holds NUL bytes, which a text that merely begins with
    // the two letters (a CSV's "MZ Trading,...") never does.
    return StartsWith(bytes, "MZ") && bytes.substr(0, 64).find('\0') != std::string_view::npos;
}

}  // namespace guanxi::io
