#pragma once
// The OpenAPI 3.1 description of the HTTP API (server/openapi/openapi.json), served at
// GET /api/openapi.json. A test fails when a route the router serves is missing from it.

#include <string_view>

namespace guanxi {

std::string_view OpenApiDocument();

}  // namespace guanxi
