// libFuzzer target: arbitrary bytes as a multipart/form-data body (the first line, up to a
// newline, as the Content-Type's boundary). Must never crash; every part it accepts has a name,
// lies inside the body, and names come once.

#include "http/multipart.hpp"

#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string boundary = input.substr(0, newline);
    const std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
    auto parts = guanxi::http::ParseMultipart("multipart/form-data; boundary=" + boundary, body);
    if (!parts) return 0;
    if (parts->empty() || parts->size() > guanxi::http::kMaxFormParts) std::abort();
    std::set<std::string> names;
    for (const auto& part : *parts) {
        if (part.name.empty() || !names.insert(part.name).second) std::abort();
        if (part.data.data() < body.data() ||
            part.data.data() + part.data.size() > body.data() + body.size()) {
            std::abort();
        }
    }
    return 0;
}
