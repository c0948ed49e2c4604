#include "domains/customers/search_document.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace guanxi::customers::search {

void Document::Clear() {
    search_text.clear();
    grams.clear();
}

void Document::Add(std::string_view value) {
    if (value.empty()) return;
    const std::string lowered = text::AsciiLower(value);
    for (auto& g : text::SearchGrams(lowered)) grams.push_back(std::move(g));
    search_text += lowered;
    search_text.push_back('\n');
}

void Document::AddRow(std::string_view name, std::string_view phone, std::string_view email) {
    Add(name);
    Add(phone);
    Add(text::NormalizePhone(phone));
    Add(email);
}

void Document::Finish() {
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
}

}  // namespace guanxi::customers::search
