// libFuzzer target: arbitrary bytes as a list URL's query string, through target decoding and the
// list-query parser. Must never crash; an accepted query respects the page bounds and only holds
// filters and sorts the resource declares, or well-formed custom field names.

#include "domains/customers/customer.hpp"
#include "http/list_query.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    guanxi::http::Request request;
    const std::string target =
        "/api/v1/customers?" + std::string(reinterpret_cast<const char*>(data), size);
    if (!request.SetTarget(target)) return 0;
    const auto& spec = guanxi::customers::CustomerListSpec();
    auto query = guanxi::http::ParseListQuery(request.query, spec);
    if (!query) return 0;
    if (query->page < 1 || query->page_size < 1 || query->page_size > guanxi::http::kMaxPageSize)
        std::abort();
    // Besides the declared names, only well-formed custom field names (judged later against the
    // defined fields).
    const auto custom = [&](const std::string& name) {
        return spec.custom && guanxi::http::IsCustomFieldName(name);
    };
    for (const auto& [name, value] : query->filters) {
        if (spec.filters.count(name) == 0 && !custom(name)) std::abort();
    }
    for (const auto& key : query->sort) {
        if (spec.sorts.count(key.field) == 0 && !custom(key.field)) std::abort();
    }
    return 0;
}
