#pragma once
// The OpenAPI paths and schemas of every registered record type, generated from the definitions,
// merged into the hand-written document of the special routes (server/openapi/openapi.json). No
// kit route is ever written by hand in that file.

#include "kit/registry.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace guanxi::kit {

// `document` (the hand-written OpenAPI 3.1 document) with every type's paths, schemas and
// operationIds added.
nlohmann::json WithRecordTypes(nlohmann::json document, const Registry& registry);

}  // namespace guanxi::kit
