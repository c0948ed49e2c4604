#include "http/multipart.hpp"

#include "core/text.hpp"
#include "http/message.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

namespace guanxi::http {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

Error NotMultipart(std::string message) {
    return Error{
        ErrorCode::kUnsupportedMediaType, std::move(message), {{"header", "content-type"}}, {}};
}

Error Malformed(std::string message) {
    return Error{
        ErrorCode::kBadRequest, "The form is malformed: " + message, {{"parameter", "body"}}, {}};
}

bool IsTokenChar(char c) {
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void SkipSpace(std::string_view s, std::size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// `; name=value` pairs after a header's first word (RFC 9110 parameters): names lower-cased,
// values a token or a quoted string. A backslash in a quoted string is itself: browsers send a
// file name's quote as %22 and its backslashes as they are (WHATWG HTML, "multipart/form-data
// encoding"; curl does the same), so a Windows path keeps the separators its base name is cut at.
// Nullopt when malformed.
std::optional<Params> ParseParams(std::string_view s) {
    Params out;
    std::size_t i = 0;
    for (;;) {
        SkipSpace(s, i);
        if (i == s.size()) return out;
        if (s[i] != ';') return std::nullopt;
        ++i;
        SkipSpace(s, i);
        const std::size_t name_start = i;
        while (i < s.size() && IsTokenChar(s[i])) ++i;
        if (i == name_start) return std::nullopt;
        std::string name = text::AsciiLower(s.substr(name_start, i - name_start));
        SkipSpace(s, i);
        if (i == s.size() || s[i] != '=') return std::nullopt;
        ++i;
        SkipSpace(s, i);
        std::string value;
        if (i < s.size() && s[i] == '"') {
            ++i;
            bool closed = false;
            while (i < s.size()) {
                const char c = s[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                value.push_back(c);
            }
            if (!closed) return std::nullopt;
        } else {
            const std::size_t start = i;
            while (i < s.size() && IsTokenChar(s[i])) ++i;
            if (i == start) return std::nullopt;
            value = std::string(s.substr(start, i - start));
        }
        out.emplace_back(std::move(name), std::move(value));
    }
}

const std::string* Find(const Params& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) return &value;
    }
    return nullptr;
}

// An RFC 8187 ext-value ("UTF-8''%E6%8A%A5.pdf") as its UTF-8 text; nullopt for another charset
// or a bad escape.
std::optional<std::string> DecodeExtValue(std::string_view value) {
    const std::size_t first = value.find('\'');
    if (first == std::string_view::npos) return std::nullopt;
    const std::size_t second = value.find('\'', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    if (text::AsciiLower(value.substr(0, first)) != "utf-8") return std::nullopt;
    return PercentDecode(value.substr(second + 1), false);
}

// A boundary as RFC 2046 allows it: 1 to 70 of its characters, not ending in a space.
bool ValidBoundary(std::string_view b) {
    if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
    return std::all_of(b.begin(), b.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
    });
}

// Splits "Name: value" lines of one part's header section (without its final CRLF CRLF) and
// fills `part`. An error message when malformed.
std::optional<std::string> ReadHeaders(std::string_view section, FormPart& part) {
    bool disposition = false;
    std::size_t lines = 0;
    while (!section.empty()) {
        const std::size_t end = section.find("\r\n");
        const std::string_view line = section.substr(0, end);
        section = end == std::string_view::npos ? std::string_view() : section.substr(end + 2);
        if (++lines > 8) return "a part has too many header lines";
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return "a part header has no name";
        const std::string_view raw_name = line.substr(0, colon);
        if (!std::all_of(raw_name.begin(), raw_name.end(), IsTokenChar)) {
            return "a part header has a bad name";
        }
        const std::string name = text::AsciiLower(raw_name);
        std::string_view value = line.substr(colon + 1);
        std::size_t i = 0;
        SkipSpace(value, i);
        value = value.substr(i);
        if (name == "content-disposition") {
            if (disposition) return "a part has two Content-Disposition headers";
            disposition = true;
            std::size_t word = 0;
            while (word < value.size() && IsTokenChar(value[word])) ++word;
            if (text::AsciiLower(value.substr(0, word)) != "form-data") {
                return "a part is not form-data";
            }
            auto params = ParseParams(value.substr(word));
            if (!params) return "a part's Content-Disposition is malformed";
            const std::string* field = Find(*params, "name");
            if (field == nullptr || field->empty()) return "a part has no name";
            part.name = *field;
            if (const std::string* ext = Find(*params, "filename*")) {
                part.filename = DecodeExtValue(*ext);
                if (!part.filename) return "a part's filename* is not UTF-8''<percent-encoded>";
            } else if (const std::string* plain = Find(*params, "filename")) {
                part.filename = *plain;
            }
        } else if (name == "content-type") {
            part.content_type = std::string(value);
        }
        // Other headers (Content-Transfer-Encoding, which RFC 7578 deprecates) are ignored.
    }
    if (!disposition) return "a part has no Content-Disposition";
    return std::nullopt;
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
    std::size_t word = 0;
    while (word < content_type.size() && content_type[word] != ';') ++word;
    if (text::AsciiLower(text::Trim(content_type.substr(0, word))) != "multipart/form-data") {
        return NotMultipart("Send the upload as multipart/form-data.");
    }
    auto params = ParseParams(content_type.substr(word));
    const std::string* boundary = params ? Find(*params, "boundary") : nullptr;
    if (boundary == nullptr || !ValidBoundary(*boundary)) {
        return NotMultipart("The multipart/form-data Content-Type has no valid boundary.");
    }
    // Every delimiter but the first follows a line end, which belongs to it (RFC 2046).
    const std::string delimiter = "\r\n--" + *boundary;
    const std::boyer_moore_horspool_searcher searcher(delimiter.begin(), delimiter.end());
    if (body.substr(0, delimiter.size() - 2) != std::string_view(delimiter).substr(2)) {
        return Malformed("it does not start with the boundary");
    }
    std::size_t at = delimiter.size() - 2;  // just past the first delimiter
    std::vector<FormPart> parts;
    std::set<std::string, std::less<>> names;
    for (;;) {
        if (body.substr(at, 2) == "--") {
            // The close delimiter: nothing may follow but one line end.
            const std::string_view rest = body.substr(at + 2);
            if (!rest.empty() && rest != "\r\n") return Malformed("data after the last part");
            if (parts.empty()) return Malformed("it has no parts");
            return parts;
        }
        if (body.substr(at, 2) != "\r\n") return Malformed("a boundary line has trailing data");
        at += 2;
        if (parts.size() == kMaxFormParts) return Malformed("it has too many parts");
        const std::size_t header_end = body.find("\r\n\r\n", at);
        // A part without headers would start with the blank line itself: refused below, as it
        // has no Content-Disposition.
        if (header_end == std::string_view::npos || header_end - at > kMaxPartHeaderBytes) {
            return Malformed("a part's headers do not end");
        }
        FormPart part;
        if (auto problem = ReadHeaders(body.substr(at, header_end - at), part)) {
            return Malformed(*problem);
        }
        if (!names.insert(part.name).second) {
            return Malformed("the part \"" + part.name + "\" comes twice");
        }
        const std::size_t data_start = header_end + 4;
        const auto found = std::search(body.begin() + static_cast<std::ptrdiff_t>(data_start),
                                       body.end(), searcher);
        if (found == body.end()) return Malformed("it ends without its closing boundary");
        const auto data_end = static_cast<std::size_t>(found - body.begin());
        part.data = body.substr(data_start, data_end - data_start);
        parts.push_back(std::move(part));
        at = data_end + delimiter.size();
    }
}

}  // namespace guanxi::http
