#include "io/encoding.hpp"

#include "core/text.hpp"

#include <iconv.h>

#include <cerrno>
#include <fstream>
#include <vector>

namespace guanxi::io {

bool LooksLikeUtf8(std::string_view head) {
    if (text::IsValidUtf8(head)) return true;
    // The cut may have split the last character: drop up to 3 trailing bytes of it.
    for (size_t drop = 1; drop <= 3 && drop < head.size(); ++drop) {
        const auto c = static_cast<unsigned char>(head[head.size() - drop]);
        if ((c & 0xC0) == 0xC0) return text::IsValidUtf8(head.substr(0, head.size() - drop));
        if ((c & 0xC0) != 0x80) return false;
    }
    return false;
}

Status ConvertToUtf8(const std::string& from, const std::string& to, const char* encoding) {
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return Error::Internal(std::string("iconv: no converter from ") + encoding);
    }
    struct Closer {
        iconv_t cd;
        ~Closer() { iconv_close(cd); }
    } closer{cd};
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    if (!in || !out) return Error::Internal("iconv: cannot open " + from + " or " + to);
    std::vector<char> input(64 * 1024 + 8), output(4 * input.size());
    size_t carried = 0;  // bytes of a character cut at the end of the previous chunk
    std::int64_t offset = 0;
    while (true) {
        in.read(input.data() + carried, static_cast<std::streamsize>(input.size() - carried));
        const size_t got = static_cast<size_t>(in.gcount());
        const bool last = got == 0;
        size_t left = carried + got;
        if (left == 0) break;
        char* src = input.data();
        char* dst = output.data();
        size_t room = output.size();
        if (iconv(cd, &src, &left, &dst, &room) == static_cast<size_t>(-1) && errno != EINVAL) {
            Error error{ErrorCode::kValidationFailed,
                        "The file is neither UTF-8 nor " + std::string(encoding) + " text (byte " +
                            std::to_string(offset + (src - input.data())) + ").",
                        nlohmann::json::object(),
                        {}};
            return error.FieldCode("file", "not_utf8_or_gb18030");
        }
        out.write(output.data(), static_cast<std::streamsize>(dst - output.data()));
        offset += src - input.data();
        if (last) {
            if (left > 0) {
                Error error{ErrorCode::kValidationFailed,
                            "The file ends in the middle of a character.",
                            nlohmann::json::object(),
                            {}};
                return error.FieldCode("file", "ends_mid_character");
            }
            break;
        }
        std::copy(src, src + left, input.data());
        carried = left;
    }
    out.close();
    if (!out) return Error::Internal("iconv: cannot write " + to);
    return {};
}

}  // namespace guanxi::io
