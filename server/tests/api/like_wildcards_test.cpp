// q is a substring to find, never a pattern: % _ and \ in it match only themselves (issue 13, "Bad
// input": q=% on the user list once matched everyone). Tested as a class: every GET route whose
// OpenAPI operation takes `q` — hand-written or generated for a record type — is called with each
// character, and must answer exactly the one record that contains it. A new route with `q` is
// covered without a new test, or fails here until its records are seeded.

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/record_types.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class LikeWildcardsTest : public ApiTest {};

// The values seeded for each searchable thing: one per character, and one plain.
struct Marker {
    const char* text;   // in the seeded value
    const char* query;  // as sent in the target (percent-encoded)
};
constexpr Marker kMarkers[] = {
    {"%", "%25"}, {"_", "_"}, {"\\", "%5C"}, {"普通", "%E6%99%AE%E9%80%9A"}};

// "值%" etc.: one seeded value per marker, built around a prefix that holds none of them.
std::string Seeded(const std::string& prefix, const Marker& marker) {
    return prefix + marker.text + "甲";
}

// How many records a route's answer holds: a list page's items, a count's total, an export's rows.
std::optional<std::int64_t> Matches(const Reply& reply) {
    if (auto rows = reply.raw.HeaderValue("X-Export-Rows")) return std::stoll(*rows);
    if (reply.body.is_object() && reply.body.contains("items")) {
        return static_cast<std::int64_t>(reply.body["items"].size());
    }
    if (reply.body.is_object() && reply.body.contains("total")) {
        return reply.body["total"].get<std::int64_t>();
    }
    return std::nullopt;
}

TEST_P(LikeWildcardsTest, EveryQParameterFindsPercentUnderscoreAndBackslashLiterally) {
    // Users (q: username and display name).
    int n = 0;
    for (const Marker& marker : kMarkers) {
        TestUser user =
            CreateUser("like.user" + std::to_string(++n), RoleId("sales"), std::nullopt);
        ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(user.id),
                       {{"display_name", Seeded("用户", marker)}}, admin())
                      .status,
                  200);
    }
    // Customers: owned ones (the list, counts, export), and released ones (the public pool).
    for (const Marker& marker : kMarkers) {
        CreateCustomer(admin(), {{"name", Seeded("客户", marker)}});
        const json pooled = CreateCustomer(admin(), {{"name", Seeded("公海", marker)}});
        ASSERT_EQ(Call("POST", "/api/v1/customers/" + pooled["id"].dump() + "/release",
                       json::object(), admin())
                      .status,
                  200);
    }
    // Every record type's records, under one customer (or of their own): the example, its last
    // searchable field patched to the seeded value (one field is enough: q is one pattern ORed over
    // them all; the last is free text where a type's first is checked, e.g. a document's file
    // name).
    const json holder = CreateCustomer(admin(), {{"name", "记录客户"}});
    for (const auto& type : RecordTypes().types()) {
        const kit::Field* searched = nullptr;
        for (const kit::Field& field : type->type.fields) {
            const bool free_text =
                field.def.type == FieldType::kString || field.def.type == FieldType::kText;
            if (field.search && free_text) searched = &field;
        }
        if (searched == nullptr) continue;
        const std::string collection =
            type->type.UnderCustomer()
                ? "/api/v1/customers/" + holder["id"].dump() + "/" + type->type.Segment()
                : "/api/v1/" + type->type.Segment();
        for (const Marker& marker : kMarkers) {
            if (type->type.append_only) {
                // A ledger's entries are never patched: the value goes in with the create.
                json body = FilledExample(*type, collection);
                body[searched->def.name] = Seeded("值", marker);
                Reply created = Send(ExampleCreate(*type, collection, admin(), body));
                ASSERT_EQ(created.status, 201) << type->type.name << " " << created.raw.body;
                continue;
            }
            Reply created = Send(ExampleCreate(*type, collection, admin()));
            ASSERT_EQ(created.status, 201) << type->type.name << " " << created.raw.body;
            Reply seeded = Call("PATCH", collection + "/" + created.body["id"].dump(),
                                {{searched->def.name, Seeded("值", marker)}}, admin());
            ASSERT_EQ(seeded.status, 200) << type->type.name << " " << seeded.raw.body;
        }
    }

    // Every route with q, from the document the server serves.
    const json doc = json::parse(app().openapi());
    std::vector<std::string> routes;
    for (const auto& [path, methods] : doc["paths"].items()) {
        if (!methods.contains("get")) continue;
        bool has_q = false;
        for (const json& parameter : methods["get"].value("parameters", json::array())) {
            if (parameter.value("name", "") == "q" && parameter.value("in", "") == "query") {
                has_q = true;
            }
        }
        if (has_q) routes.push_back(path);
    }
    // The hand-written ones (users, customers, counts, export, pool) and each type's list and
    // export: a route dropped from the document would escape the test.
    EXPECT_GE(routes.size(), 5 + 2 * RecordTypes().types().size());

    for (std::string route : routes) {
        SCOPED_TRACE(route);
        if (const auto at = route.find("{id}"); at != std::string::npos) {
            route.replace(at, 4, holder["id"].dump());
        }
        ASSERT_EQ(route.find('{'), std::string::npos)
            << "a route with q and a path parameter this test does not seed: seed its records";
        for (const Marker& marker : kMarkers) {
            SCOPED_TRACE(marker.text);
            Reply reply = Call("GET", route + "?q=" + marker.query, nullptr, admin());
            ASSERT_EQ(reply.status, 200) << reply.raw.body;
            const auto matches = Matches(reply);
            ASSERT_TRUE(matches) << "an answer this test can't count: " << reply.raw.body;
            EXPECT_EQ(*matches, 1) << reply.raw.body;
            if (reply.body.is_object() && reply.body.contains("items")) {
                for (const json& item : reply.body["items"]) {
                    EXPECT_NE(item.dump().find(marker.text), std::string::npos) << item.dump();
                }
            }
        }
    }
}

GUANXI_API_TEST_SUITE(LikeWildcardsTest);

}  // namespace
}  // namespace guanxi::testing
