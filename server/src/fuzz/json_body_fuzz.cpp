// libFuzzer target: arbitrary bytes as a request body, through the same steps a handler takes —
// UTF-8 check, JSON parse, then validation against every entity's field metadata. Must never crash,
// hang or accept a body that breaks the validator's promises.

#include "core/fields.hpp"
#include "core/text.hpp"
#include "domains/customers/customer.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    if (!guanxi::text::IsValidUtf8(body)) return 0;
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return 0;
    for (const auto* meta :
         {&guanxi::customers::CustomerMeta(), &guanxi::customers::FollowupMeta()}) {
        for (bool creating : {true, false}) {
            auto status = guanxi::ValidateBody(*meta, parsed, creating, {"version"});
            if (status.ok()) {
                // Accepted bodies only hold known fields with the declared types.
                for (const auto& [key, value] : parsed.items()) {
                    if (key != "version" && meta->Find(key) == nullptr) std::abort();
                }
            } else if (!status.error().details.contains("fields")) {
                std::abort();  // a 422 must name the fields
            }
        }
    }
    return 0;
}
