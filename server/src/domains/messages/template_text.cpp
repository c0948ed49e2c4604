#include "domains/messages/template_text.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace guanxi::messages {

namespace {

struct Placeholder {
    std::size_t begin;  // of "{{"
    std::size_t end;    // past "}}"
    std::string name;
};

// Each {{...}} of `text`, in order.
std::vector<Placeholder> Placeholders(std::string_view text) {
    std::vector<Placeholder> out;
    for (std::size_t at = text.find("{{"); at != std::string_view::npos;) {
        const std::size_t close = text.find("}}", at + 2);
        if (close == std::string_view::npos) break;
        out.push_back(
            {at, close + 2, text::Trim(std::string(text.substr(at + 2, close - at - 2)))});
        at = text.find("{{", close + 2);
    }
    return out;
}

void AppendEscaped(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
}

}  // namespace

const std::vector<std::string>& BuiltInVariables() {
    static const std::vector<std::string> names = {
        "customer.name",  "customer.industry",  "customer.region", "customer.phone",
        "customer.email", "customer.address",   "contact.name",    "contact.phone",
        "contact.email",  "owner.display_name", "owner.phone",     "owner.email"};
    return names;
}

std::vector<std::string> VariablesIn(std::string_view text) {
    std::vector<std::string> names;
    for (Placeholder& p : Placeholders(text)) {
        if (std::find(names.begin(), names.end(), p.name) == names.end())
            names.push_back(std::move(p.name));
    }
    return names;
}

std::string Render(std::string_view text, const std::map<std::string, std::string>& values,
                   bool html) {
    std::string out;
    std::size_t from = 0;
    for (const Placeholder& p : Placeholders(text)) {
        out.append(text.substr(from, p.begin - from));
        auto it = values.find(p.name);
        if (it != values.end()) {
            if (html) {
                AppendEscaped(out, it->second);
            } else {
                out += it->second;
            }
        }
        from = p.end;
    }
    out.append(text.substr(from));
    return out;
}

}  // namespace guanxi::messages
