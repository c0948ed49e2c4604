#include "http/compression.hpp"

#include "core/text.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

namespace guanxi::http {

namespace {

constexpr int kNotNamed = -1;

std::string_view TrimSpaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A qvalue ("0", "0.5", "1.000") in thousandths; nullopt when it is not one (RFC 9110 §12.4.2).
std::optional<int> ParseQ(std::string_view text) {
    if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1')) return std::nullopt;
    int value = (text[0] - '0') * 1000;
    if (text.size() == 1) return value;
    if (text[1] != '.') return std::nullopt;
    int scale = 100;
    for (char c : text.substr(2)) {
        if (c < '0' || c > '9') return std::nullopt;
        value += (c - '0') * scale;
        scale /= 10;
    }
    return value <= 1000 ? std::optional<int>(value) : std::nullopt;
}

// The q-values (thousandths) the header gives br, gzip, identity and "*"; kNotNamed when absent.
struct Preferences {
    int brotli = kNotNamed;
    int gzip = kNotNamed;
    int identity = kNotNamed;
    int any = kNotNamed;
};

Preferences ParseAcceptEncoding(std::string_view header) {
    Preferences prefs;
    while (!header.empty()) {
        const size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        const size_t semi = item.find(';');
        const std::string name = text::AsciiLower(TrimSpaces(item.substr(0, semi)));
        if (name.empty()) continue;
        int q = 1000;
        if (semi != std::string_view::npos) {
            // Parameters: only q counts; a malformed one makes the coding unacceptable.
            std::string_view params = item.substr(semi + 1);
            while (!params.empty()) {
                const size_t next = params.find(';');
                const std::string_view param = TrimSpaces(params.substr(0, next));
                params =
                    next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
                if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                    q = ParseQ(TrimSpaces(param.substr(2))).value_or(0);
                }
            }
        }
        int* slot = name == "br"                         ? &prefs.brotli
                    : name == "gzip" || name == "x-gzip" ? &prefs.gzip
                    : name == "identity"                 ? &prefs.identity
                    : name == "*"                        ? &prefs.any
                                                         : nullptr;
        if (slot != nullptr) *slot = std::max(*slot, q);
    }
    return prefs;
}

// The gzip of recent JSON bodies, to give again for the same bytes: the page cache answers a
// repeated list page with identical bytes, whose compression then costs a copy instead of zlib's
// ~200 µs for a 50-customer page (docs/PERFORMANCE.md "Compression"). A body is found by its size
// and confirmed by comparing all of it, so two answers are never confused, whoever asked.
class GzipMemo {
  public:
    std::optional<std::string> Find(std::string_view body) {
        std::lock_guard lock(mutex_);
        for (Entry& entry : entries_) {
            if (entry.body.size() == body.size() &&
                std::memcmp(entry.body.data(), body.data(), body.size()) == 0) {
                entry.used = ++clock_;
                return entry.gzip;
            }
        }
        return std::nullopt;
    }

    void Put(std::string_view body, const std::string& gzip) {
        if (body.size() > kMaxBody) return;
        std::lock_guard lock(mutex_);
        if (entries_.size() < kEntries) {
            entries_.push_back({std::string(body), gzip, ++clock_});
            return;
        }
        Entry& oldest =
            *std::min_element(entries_.begin(), entries_.end(),
                              [](const Entry& a, const Entry& b) { return a.used < b.used; });
        oldest = {std::string(body), gzip, ++clock_};
    }

  private:
    // At most ~10 MB: 32 bodies of up to 256 KiB (a 100-customer page is ~100 KB) and their gzip.
    static constexpr size_t kEntries = 32;
    static constexpr size_t kMaxBody = 256 * 1024;
    struct Entry {
        std::string body;
        std::string gzip;
        std::uint64_t used = 0;
    };
    std::mutex mutex_;
    std::vector<Entry> entries_;
    std::uint64_t clock_ = 0;
};

GzipMemo& Memo() {
    static GzipMemo memo;
    return memo;
}

}  // namespace

Coding PickCoding(std::string_view accept_encoding, bool brotli_offered, bool gzip_offered) {
    if (accept_encoding.empty() || (!brotli_offered && !gzip_offered)) return Coding::kIdentity;
    const Preferences prefs = ParseAcceptEncoding(accept_encoding);
    const auto q_of = [&prefs](int named) {
        return named != kNotNamed ? named : std::max(prefs.any, 0);
    };
    const int brotli = brotli_offered ? q_of(prefs.brotli) : 0;
    const int gzip = gzip_offered ? q_of(prefs.gzip) : 0;
    const int best = std::max(brotli, gzip);
    if (best == 0 || prefs.identity > best) return Coding::kIdentity;
    return brotli == best ? Coding::kBrotli : Coding::kGzip;
}

std::string_view CodingName(Coding coding) {
    switch (coding) {
        case Coding::kBrotli:
            return "br";
        case Coding::kGzip:
            return "gzip";
        case Coding::kIdentity:
            break;
    }
    return "";
}

std::optional<std::string> Gzip(std::string_view data, int level) {
    z_stream stream{};
    // windowBits 15 + 16: the gzip wrapper (header and CRC-32) rather than zlib's.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return std::nullopt;
    }
    std::string out;
    out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END) return std::nullopt;
    return out;
}

void AddVary(Response& response, std::string_view token) {
    auto vary = response.HeaderValue("Vary");
    if (!vary || vary->empty()) {
        response.SetHeader("Vary", std::string(token));
        return;
    }
    const std::string wanted = text::AsciiLower(token);
    std::string_view rest = *vary;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view item = TrimSpaces(rest.substr(0, comma));
        if (item == "*" || text::AsciiLower(item) == wanted) return;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    response.SetHeader("Vary", *vary + ", " + std::string(token));
}

void CompressJson(const Request& request, Response& response) {
    if (response.body.size() <= kCompressJsonAbove || !response.file.empty()) return;
    const auto type = response.HeaderValue("Content-Type");
    if (!type || type->rfind("application/json", 0) != 0) return;
    if (response.HeaderValue("Content-Encoding")) return;
    AddVary(response, "Accept-Encoding");
    if (PickCoding(request.Header("accept-encoding").value_or(""), false, true) != Coding::kGzip) {
        return;
    }
    auto compressed = Memo().Find(response.body);
    if (!compressed) {
        compressed = Gzip(response.body, kJsonGzipLevel);
        if (compressed) Memo().Put(response.body, *compressed);
    }
    if (!compressed || compressed->size() >= response.body.size()) return;
    response.body = std::move(*compressed);
    response.SetHeader("Content-Encoding", "gzip");
}

}  // namespace guanxi::http
