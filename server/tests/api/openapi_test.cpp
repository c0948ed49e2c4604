// The OpenAPI document and the router agree: every served route is described, and every described
// route is served.

#include "api_test_support.hpp"

#include "cli/openapi.hpp"

#include <algorithm>
#include <cctype>

namespace guanxi::testing {
namespace {

class OpenApiTest : public ApiTest {};

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

TEST_P(OpenApiTest, EveryServedRouteIsDocumentedAndEveryDocumentedRouteIsServed) {
    const nlohmann::json doc = nlohmann::json::parse(app().openapi());
    ASSERT_EQ(doc["openapi"], "3.1.0");
    std::set<std::pair<std::string, std::string>> served;
    for (const auto& route : app().router().routes()) {
        served.emplace(route.pattern, Lower(route.method));
        EXPECT_TRUE(doc["paths"].contains(route.pattern) &&
                    doc["paths"][route.pattern].contains(Lower(route.method)))
            << route.method << " " << route.pattern
            << " is served but missing from the OpenAPI document (server/openapi/openapi.json or a "
               "record type)";
    }
    for (const auto& [path, methods] : doc["paths"].items()) {
        for (const auto& [method, operation] : methods.items()) {
            EXPECT_TRUE(served.count({path, method}) > 0)
                << method << " " << path << " is documented but not served";
            EXPECT_TRUE(operation.contains("responses")) << method << " " << path;
        }
    }
}

TEST_P(OpenApiTest, TheDocumentIsServedWithoutLogin) {
    Reply r = Call("GET", "/api/openapi.json");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body["info"]["title"], "Guanxi CRM API");
}

GUANXI_API_TEST_SUITE(OpenApiTest);

}  // namespace
}  // namespace guanxi::testing
