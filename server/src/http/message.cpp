#include "http/message.hpp"

#include "core/text.hpp"

namespace guanxi::http {

namespace {

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return text::AsciiLower(a) == text::AsciiLower(b);
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            const int hi = HexValue(in[i + 1]);
            const int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (in[i] == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(in[i]);
        }
    }
    if (!text::IsValidUtf8(out)) return std::nullopt;
    return out;
}

bool Request::SetTarget(std::string_view target) {
    const size_t question = target.find('?');
    auto decoded_path = PercentDecode(target.substr(0, question), false);
    if (!decoded_path) return false;
    path = std::move(*decoded_path);
    query.clear();
    if (question == std::string_view::npos) return true;
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const size_t amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const size_t eq = pair.find('=');
        auto key = PercentDecode(pair.substr(0, eq), true);
        auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (!key || !value) return false;
        query.emplace_back(std::move(*key), std::move(*value));
    }
    return true;
}

std::optional<std::string> Request::QueryValue(std::string_view key) const {
    for (const auto& [k, v] : query) {
        if (k == key) return v;
    }
    return std::nullopt;
}

std::optional<std::string> Request::Header(std::string_view lower_name) const {
    auto it = headers.find(std::string(lower_name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
    auto header = Header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest = *header;
    while (!rest.empty()) {
        const size_t semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        const size_t eq = item.find('=');
        if (eq != std::string_view::npos && item.substr(0, eq) == name) {
            return std::string(item.substr(eq + 1));
        }
    }
    return std::nullopt;
}

Response Response::Json(int status, const nlohmann::json& value) {
    Response r;
    r.status = status;
    r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return r;
}

Response Response::JsonText(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    return r;
}

Response Response::NoContent() {
    Response r;
    r.status = 204;
    return r;
}

Response Response::FromError(const Error& error) {
    nlohmann::json body = {
        {"error",
         {{"code", ErrorCodeName(error.code)},
          {"message", error.message},
          {"details", error.details.is_null() ? nlohmann::json::object() : error.details}}}};
    return Json(HttpStatus(error.code), body);
}

Response& Response::SetHeader(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
        if (EqualsIgnoreCase(k, name)) {
            v = std::move(value);
            return *this;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
}

std::optional<std::string> Response::HeaderValue(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (EqualsIgnoreCase(k, name)) return v;
    }
    return std::nullopt;
}

}  // namespace guanxi::http
