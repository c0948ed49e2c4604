#include "mail/mime.hpp"

#include "core/text.hpp"

#include <sodium.h>

#include <ctime>

namespace guanxi::mail {

namespace {

constexpr std::size_t kMaxLine = 78;
// An encoded word is "=?UTF-8?B?" + base64 + "?=": 36 bytes make 48 base64 characters, a word of
// 60, which fits after "Subject: " (9) and after a fold's single space.
constexpr std::size_t kWordBytes = 36;
constexpr std::size_t kQpLine = 76;

bool OneLine(std::string_view s) {
    return text::IsValidUtf8(s) && !text::HasControlCharacters(s, false);
}

bool PlainAscii(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

std::string Base64(std::string_view bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.resize(out.size() - 1);  // the terminating NUL
    return out;
}

// Joins tokens with single spaces, folding (CRLF SP) before a token that would pass 78 columns;
// the first line already holds `used` characters (the header's name and ": ").
std::string Fold(const std::vector<std::string>& tokens, std::size_t used) {
    std::string out;
    std::size_t column = used;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) {
            if (column + 1 + tokens[i].size() > kMaxLine) {
                out += "\r\n";
                column = 0;
            }
            out += ' ';
            ++column;
        }
        out += tokens[i];
        column += tokens[i].size();
    }
    return out;
}

std::vector<std::string> EncodedWords(std::string_view text) {
    std::vector<std::string> words;
    std::string chunk;
    auto flush = [&] {
        if (!chunk.empty()) words.push_back("=?UTF-8?B?" + Base64(chunk) + "?=");
        chunk.clear();
    };
    for (std::string_view cp : text::CodePoints(text)) {
        if (chunk.size() + cp.size() > kWordBytes) flush();
        chunk += cp;
    }
    flush();
    return words;
}

std::string QuoteAscii(std::string_view name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

bool IsAddress(std::string_view address) {
    if (address.empty() || address.size() > 254) return false;
    const std::size_t at = address.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() ||
        address.find('@', at + 1) != std::string_view::npos ||
        address.find('.', at) == std::string_view::npos) {
        return false;
    }
    for (unsigned char c : address) {
        if (c <= 0x20 || c >= 0x7f) return false;
        if (c == '<' || c == '>' || c == '"' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == ':' || c == '[' || c == ']' || c == '\\') {
            return false;
        }
    }
    return true;
}

Status Validate(const Message& message) {
    Error error{
        ErrorCode::kValidationFailed, "Some fields are invalid.", nlohmann::json::object(), {}};
    if (message.to.address.empty()) {
        error.FieldCode("to", "required");
    } else if (!IsAddress(message.to.address)) {
        error.FieldCode("to", "not_an_email");
    }
    if (!OneLine(message.to.name)) error.FieldCode("to_name", "control_characters");
    if (message.subject.empty()) {
        error.FieldCode("subject", "required");
    } else if (!OneLine(message.subject)) {
        error.FieldCode("subject", "control_characters");
    } else if (text::CodePointCount(message.subject) > 500) {
        error.FieldCode("subject", "too_long", {{"max", 500}});
    }
    if (message.text_body.empty()) {
        error.FieldCode("text_body", "required");
    } else if (!text::IsValidUtf8(message.text_body)) {
        error.FieldCode("text_body", "not_utf8");
    }
    if (!text::IsValidUtf8(message.html_body)) error.FieldCode("html_body", "not_utf8");
    const std::string_view uri = message.list_unsubscribe;
    if (!uri.empty() &&
        (!PlainAscii(uri) || uri.size() > 900 || uri.find_first_of(" <>") != uri.npos ||
         !(uri.starts_with("https:") || uri.starts_with("http:") || uri.starts_with("mailto:")))) {
        error.FieldCode("list_unsubscribe", "not_a_uri");
    }
    if (!error.details.contains("fields")) return {};
    return error;
}

std::string EncodeHeaderText(std::string_view text, std::size_t name_length) {
    // Plain ASCII that fits stays readable; anything else (or text that looks like an encoded
    // word itself) is encoded, so a decoder never misreads it.
    if (PlainAscii(text) && text.find("=?") == text.npos && name_length + text.size() <= kMaxLine) {
        return std::string(text);
    }
    return Fold(EncodedWords(text), name_length);
}

std::string FormatMailbox(const Mailbox& mailbox, std::size_t name_length) {
    const std::string address = "<" + mailbox.address + ">";
    if (mailbox.name.empty()) return mailbox.address;
    std::vector<std::string> tokens;
    const std::string quoted = QuoteAscii(mailbox.name);
    if (PlainAscii(mailbox.name) && mailbox.name.find("=?") == std::string::npos &&
        name_length + quoted.size() <= kMaxLine) {
        tokens.push_back(quoted);
    } else {
        tokens = EncodedWords(mailbox.name);
    }
    tokens.push_back(address);
    return Fold(tokens, name_length);
}

std::string QuotedPrintable(std::string_view input) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(input.size() * 3 / 2);
    std::size_t line_start = 0;
    while (line_start <= input.size()) {
        std::size_t end = input.find('\n', line_start);
        const bool last = end == std::string_view::npos;
        if (last) end = input.size();
        std::string_view line = input.substr(line_start, end - line_start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t column = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            const bool at_end = i + 1 == line.size();
            const bool literal = (c >= 33 && c <= 126 && c != '=' && !(c == '.' && column == 0)) ||
                                 ((c == ' ' || c == '\t') && !at_end);
            std::string token;
            if (literal) {
                token = static_cast<char>(c);
            } else {
                token = {'=', kHex[c >> 4], kHex[c & 15]};
            }
            // A soft break ("=") keeps each line within 76 characters; the line's last token may
            // use the place the "=" would need.
            const std::size_t limit = at_end ? kQpLine : kQpLine - 1;
            if (column + token.size() > limit) {
                out += "=\r\n";
                column = 0;
                if (token == ".") token = "=2E";  // a line start again
            }
            out += token;
            column += token.size();
        }
        if (last) break;
        out += "\r\n";
        line_start = end + 1;
    }
    return out;
}

std::string FormatDate(std::int64_t unix_seconds) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

std::string NewMessageIdLocalPart() {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

Result<std::string> Build(const Message& message, const Envelope& envelope) {
    GX_TRY(Validate(message));
    if (!IsAddress(envelope.from.address) || !OneLine(envelope.from.name)) {
        return Error::ValidationCode("from_address", "not_an_email");
    }
    if (!PlainAscii(envelope.message_id) ||
        envelope.message_id.find_first_of(" <>") != std::string::npos ||
        envelope.message_id.find('@') == std::string::npos) {
        return Error::Internal("bad Message-ID: " + envelope.message_id);
    }
    const std::string boundary = "=_gx_" + NewMessageIdLocalPart();
    std::string out;
    out += "From: " + FormatMailbox(envelope.from, 6) + "\r\n";
    out += "To: " + FormatMailbox(message.to, 4) + "\r\n";
    out += "Subject: " + EncodeHeaderText(message.subject, 9) + "\r\n";
    out += "Date: " + FormatDate(envelope.date) + "\r\n";
    out += "Message-ID: <" + envelope.message_id + ">\r\n";
    if (!message.list_unsubscribe.empty()) {
        // A long URI is one token: it may pass 78 columns (never 998: Validate caps it at 900).
        out += "List-Unsubscribe: <" + message.list_unsubscribe + ">\r\n";
        if (message.one_click_unsubscribe) {
            out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
        }
    }
    out += "MIME-Version: 1.0\r\n";
    const std::string text_part =
        "Content-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        QuotedPrintable(message.text_body) + "\r\n";
    if (message.html_body.empty()) return out + text_part;
    // Quoted-printable never writes "=_", so the boundary can't occur in a part.
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "--" + boundary + "\r\n" + text_part;
    out += "--" + boundary + "\r\n";
    out +=
        "Content-Type: text/html; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        QuotedPrintable(message.html_body) + "\r\n";
    out += "--" + boundary + "--\r\n";
    return out;
}

}  // namespace guanxi::mail
