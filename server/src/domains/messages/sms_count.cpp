#include "domains/messages/sms_count.hpp"

namespace guanxi::messages {

namespace {

// The GSM 03.38 basic character set, as Unicode code points (the escape to the extension table,
// 0x1B, is not a character of its own).
constexpr std::u32string_view kBasic =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
// The extension table: each is sent as the escape and a septet.
constexpr std::u32string_view kExtension = U"^{}\\[~]|€\f";

bool In(std::u32string_view table, char32_t c) {
    return table.find(c) != std::u32string_view::npos;
}

// The next code point of `text` from `i` (moved past it); an invalid byte stands for itself.
char32_t Next(std::string_view text, std::size_t& i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0;
    if (extra == 0 || i + extra >= text.size()) {
        ++i;
        return byte;
    }
    char32_t c = byte & (0x3F >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) {
            ++i;
            return byte;
        }
        c = (c << 6) | (next & 0x3F);
    }
    i += extra + 1;
    return c;
}

}  // namespace

SmsCount CountSms(std::string_view text) {
    std::int64_t septets = 0;
    std::int64_t units = 0;
    bool gsm = true;
    for (std::size_t i = 0; i < text.size();) {
        const char32_t c = Next(text, i);
        units += c > 0xFFFF ? 2 : 1;
        if (In(kBasic, c)) {
            septets += 1;
        } else if (In(kExtension, c)) {
            septets += 2;
        } else {
            gsm = false;
        }
    }
    SmsCount out;
    out.encoding = gsm ? "gsm7" : "ucs2";
    out.length = gsm ? septets : units;
    const std::int64_t single = gsm ? 160 : 70;
    const std::int64_t part = gsm ? 153 : 67;
    out.segments = out.length == 0 ? 0 : out.length <= single ? 1 : (out.length + part - 1) / part;
    return out;
}

}  // namespace guanxi::messages
