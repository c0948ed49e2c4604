// Custom fields (issue 13): an administrator defines them; customers and every kit record type keep
// their values under `custom`, validated, filtered, sorted where indexed, exported and imported
// like built-in fields, by a key that survives a rename of the label.

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/record_types.hpp"

#include <algorithm>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class CustomFieldsTest : public ApiTest {
  protected:
    json Define(const json& body) {
        Reply r = Call("POST", "/api/v1/custom-fields", body, admin());
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body;
    }
    json Budget(const std::string& entity = "customers") {
        return Define({{"entity", entity},
                       {"key", "budget"},
                       {"type", "money"},
                       {"label", {{"zh-CN", "预算"}, {"en", "Budget"}}},
                       {"indexed", true}});
    }
    std::int64_t CountCustomers() {
        return Call("GET", "/api/v1/customers?in_pool=any&page_size=1", nullptr, admin())
            .body["total"]
            .get<std::int64_t>();
    }
    // The names of a 422's fields.
    static std::set<std::string> Named(const Reply& r) {
        std::set<std::string> out;
        for (const auto& [key, value] : r.body["error"]["details"]["fields"].items())
            out.insert(key);
        return out;
    }
    // An export's text (the test support reads the file the response would send).
    std::string Export(const std::string& query) {
        Reply r = Call("GET", "/api/v1/customers/export?" + query, nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.raw.body;
    }
};

TEST_P(CustomFieldsTest, ACustomerFieldLivesThroughCreateFilterPatchRenameAndSort) {
    const json budget = Budget();
    EXPECT_EQ(budget["key"], "budget");
    EXPECT_EQ(budget["label"]["zh-CN"], "预算");
    Define({{"entity", "customers"},
            {"key", "level"},
            {"type", "choice"},
            {"label", {{"zh-CN", "等级"}, {"en", "Level"}}},
            {"choices", {"A", "B", "C"}},
            {"required", true}});
    const json a = CreateCustomer(
        admin(), {{"name", "甲公司"}, {"custom", {{"budget", "1200.5"}, {"level", "A"}}}});
    const json b = CreateCustomer(
        admin(), {{"name", "乙公司"}, {"custom", {{"budget", "90.00"}, {"level", "B"}}}});
    const json c = CreateCustomer(admin(), {{"name", "丙公司"}, {"custom", {{"level", "B"}}}});
    EXPECT_EQ(a["custom"]["budget"], "1200.50");  // stored in one form
    // Filters: by equality, of the field's type.
    Reply by_level = Call("GET", "/api/v1/customers?custom.level=B", nullptr, admin());
    ASSERT_EQ(by_level.status, 200) << by_level.raw.body;
    EXPECT_EQ(by_level.body["total"], 2);
    Reply by_budget = Call("GET", "/api/v1/customers?custom.budget=90", nullptr, admin());
    ASSERT_EQ(by_budget.status, 200) << by_budget.raw.body;
    ASSERT_EQ(by_budget.body["total"], 1);
    EXPECT_EQ(by_budget.body["items"][0]["id"], b["id"]);
    EXPECT_EQ(
        Call("GET", "/api/v1/customers/counts?custom.level=A", nullptr, admin()).body["total"], 1);
    // An unknown custom filter or a value the field can't hold is a 400 naming it.
    Reply unknown = Call("GET", "/api/v1/customers?custom.nothing=1", nullptr, admin());
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.body["error"]["details"]["parameter"], "custom.nothing");
    Reply bad_value = Call("GET", "/api/v1/customers?custom.budget=lots", nullptr, admin());
    EXPECT_EQ(bad_value.status, 400);
    EXPECT_EQ(bad_value.body["error"]["details"]["parameter"], "custom.budget");
    // Sorts: an indexed field sorts (as a number, blanks last either way); another is refused.
    Reply sorted = Call("GET", "/api/v1/customers?sort=-custom.budget", nullptr, admin());
    ASSERT_EQ(sorted.status, 200) << sorted.raw.body;
    ASSERT_EQ(sorted.body["items"].size(), 3u);
    EXPECT_EQ(sorted.body["items"][0]["id"], a["id"]);
    EXPECT_EQ(sorted.body["items"][1]["id"], b["id"]);
    EXPECT_EQ(sorted.body["items"][2]["id"], c["id"]);
    Reply ascending = Call("GET", "/api/v1/customers?sort=custom.budget", nullptr, admin());
    EXPECT_EQ(ascending.body["items"][0]["id"], b["id"]);
    EXPECT_EQ(ascending.body["items"][2]["id"], c["id"]);
    Reply not_indexed = Call("GET", "/api/v1/customers?sort=custom.level", nullptr, admin());
    EXPECT_EQ(not_indexed.status, 400);
    EXPECT_EQ(not_indexed.code(), "unknown_sort");
    // A patch merges: the keys sent change, the others stay; null clears an optional one.
    const std::string item = "/api/v1/customers/" + a["id"].dump();
    Reply patched = Call("PATCH", item, {{"custom", {{"level", "C"}}}}, admin());
    ASSERT_EQ(patched.status, 200) << patched.raw.body;
    EXPECT_EQ(patched.body["custom"], json({{"budget", "1200.50"}, {"level", "C"}}));
    Reply cleared = Call("PATCH", item, {{"custom", {{"budget", nullptr}}}}, admin());
    ASSERT_EQ(cleared.status, 200) << cleared.raw.body;
    EXPECT_EQ(cleared.body["custom"], json({{"level", "C"}}));
    // Renaming the label changes nothing stored: the value is read by key.
    Reply renamed = Call("PATCH", "/api/v1/custom-fields/" + budget["id"].dump(),
                         {{"label", {{"zh-CN", "年度预算"}, {"en", "Annual budget"}}}}, admin());
    ASSERT_EQ(renamed.status, 200) << renamed.raw.body;
    EXPECT_EQ(renamed.body["label"]["en"], "Annual budget");
    EXPECT_EQ(renamed.body["key"], "budget");
    Reply after = Call("GET", "/api/v1/customers/" + b["id"].dump(), nullptr, admin());
    EXPECT_EQ(after.body["custom"]["budget"], "90.00");
    EXPECT_EQ(Call("GET", "/api/v1/customers?custom.budget=90.00", nullptr, admin()).body["total"],
              1);
    // The meta the web's forms render from names the field, flagged custom, with its new label.
    Reply meta = Call("GET", "/api/v1/meta/customers", nullptr, admin());
    bool found = false;
    for (const auto& field : meta.body["fields"]) {
        if (field.value("custom", false) && field["name"] == "custom.budget") {
            found = true;
            EXPECT_EQ(field["type"], "money");
            EXPECT_EQ(field["label"]["zh-CN"], "年度预算");
            EXPECT_TRUE(field["sort"].get<bool>());
        }
    }
    EXPECT_TRUE(found) << meta.raw.body;
}

// The bad input of issue 13: a custom field of the wrong type, an unknown key, a missing required
// one — a 422 naming custom.<key>, and nothing changed.
TEST_P(CustomFieldsTest, AWrongTypeAnUnknownKeyOrAMissingRequiredFieldIsA422NamingIt) {
    Budget();
    Define({{"entity", "customers"},
            {"key", "headcount"},
            {"type", "integer"},
            {"label", {{"zh-CN", "人数"}, {"en", "Headcount"}}},
            {"required", true}});
    const std::int64_t before = CountCustomers();
    for (const auto& [custom, named] : std::vector<std::pair<json, std::string>>{
             {{{"budget", 1200}, {"headcount", 3}}, "custom.budget"},  // money as a number
             {{{"budget", "12.345"}, {"headcount", 3}}, "custom.budget"},
             {{{"headcount", "3"}}, "custom.headcount"},
             {{{"headcount", 3}, {"colour", "red"}}, "custom.colour"},
             {{{"budget", "10"}}, "custom.headcount"},  // required
             {{{"headcount", nullptr}}, "custom.headcount"},
             {json("not an object"), "custom"}}) {
        Reply r =
            Call("POST", "/api/v1/customers", {{"name", "坏公司"}, {"custom", custom}}, admin());
        EXPECT_EQ(r.status, 422) << custom.dump() << " → " << r.raw.body;
        EXPECT_EQ(r.code(), "validation_failed");
        EXPECT_TRUE(Named(r).count(named) > 0) << custom.dump() << " → " << r.raw.body;
    }
    // A built-in and a custom problem together: one 422 names both.
    Reply both = Call("POST", "/api/v1/customers",
                      {{"name", ""}, {"custom", {{"headcount", "many"}}}}, admin());
    EXPECT_EQ(Named(both), (std::set<std::string>{"name", "custom.headcount"})) << both.raw.body;
    EXPECT_EQ(CountCustomers(), before);
    // On a patch: the same, and the customer is as it was.
    const json ok = CreateCustomer(admin(), {{"name", "好公司"}, {"custom", {{"headcount", 5}}}});
    const std::string item = "/api/v1/customers/" + ok["id"].dump();
    for (const json& custom :
         {json{{"headcount", 1.5}}, json{{"headcount", nullptr}}, json{{"budget", true}}}) {
        Reply r = Call("PATCH", item, {{"custom", custom}}, admin());
        EXPECT_EQ(r.status, 422) << custom.dump() << " → " << r.raw.body;
        EXPECT_EQ(Named(r).size(), 1u) << r.raw.body;
        EXPECT_EQ(Named(r).begin()->rfind("custom.", 0), 0u) << r.raw.body;
    }
    Reply now = Call("GET", item, nullptr, admin());
    EXPECT_EQ(now.body["custom"], json({{"headcount", 5}}));
    EXPECT_EQ(now.body["version"], ok["version"]);
}

// Every kit record type takes custom fields the same way, from its definition alone.
TEST_P(CustomFieldsTest, EveryRecordTypeTakesValidatesFiltersAndPatchesCustomFields) {
    const json customer = CreateCustomer(admin(), {{"name", "记录公司"}});
    const std::string base = "/api/v1/customers/" + customer["id"].dump() + "/";
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string collection = type->type.UnderCustomer()
                                           ? base + type->type.Segment()
                                           : "/api/v1/" + type->type.Segment();
        // A type of its own may have records already (a new installation's department).
        const json before = Call("GET", collection, nullptr, admin()).body["total"];
        Define({{"entity", type->type.name},
                {"key", "priority"},
                {"type", "integer"},
                {"label", {{"zh-CN", "优先级"}, {"en", "Priority"}}},
                {"indexed", true}});
        Define({{"entity", type->type.name},
                {"key", "labels"},
                {"type", "tags"},
                {"label", {{"zh-CN", "标记"}, {"en", "Labels"}}}});
        if (!type->type.generic_create) {
            // A type its own route creates (a document's upload) takes its custom values by patch.
            Reply created = Send(ExampleCreate(*type, collection, admin()));
            ASSERT_EQ(created.status, 201) << created.raw.body;
            const std::string item = collection + "/" + created.body["id"].dump();
            Reply wrong = Call("PATCH", item, {{"custom", {{"priority", "high"}}}}, admin());
            EXPECT_EQ(wrong.status, 422) << wrong.raw.body;
            EXPECT_EQ(Named(wrong), std::set<std::string>{"custom.priority"}) << wrong.raw.body;
            Reply patched = Call("PATCH", item, {{"custom", {{"priority", 5}}}}, admin());
            ASSERT_EQ(patched.status, 200) << patched.raw.body;
            EXPECT_EQ(patched.body["custom"]["priority"], 5);
            Reply filtered = Call("GET", collection + "?custom.priority=5", nullptr, admin());
            ASSERT_EQ(filtered.status, 200) << filtered.raw.body;
            EXPECT_EQ(filtered.body["total"], 1);
            continue;
        }
        json body = FilledExample(*type, collection);
        for (const std::string& option : type->type.create_options) body[option] = true;
        body["custom"] = {{"priority", "high"}};
        Reply wrong = Call("POST", collection, body, admin());
        EXPECT_EQ(wrong.status, 422) << wrong.raw.body;
        EXPECT_EQ(Named(wrong), std::set<std::string>{"custom.priority"}) << wrong.raw.body;
        EXPECT_EQ(Call("GET", collection, nullptr, admin()).body["total"], before);
        body = FilledExample(*type, collection);  // a record of its own (unique fields)
        for (const std::string& option : type->type.create_options) body[option] = true;
        body["custom"] = {{"priority", 2}, {"labels", {"急", "重要", "急"}}};
        Reply first = Call("POST", collection, body, admin());
        ASSERT_EQ(first.status, 201) << first.raw.body;
        EXPECT_EQ(first.body["custom"], json({{"priority", 2}, {"labels", {"急", "重要"}}}));
        body = FilledExample(*type, collection);
        for (const std::string& option : type->type.create_options) body[option] = true;
        body["custom"] = {{"priority", 7}};
        Reply second = Call("POST", collection, body, admin());
        ASSERT_EQ(second.status, 201) << second.raw.body;
        Reply filtered = Call("GET", collection + "?custom.priority=7", nullptr, admin());
        ASSERT_EQ(filtered.status, 200) << filtered.raw.body;
        ASSERT_EQ(filtered.body["total"], 1);
        EXPECT_EQ(filtered.body["items"][0]["id"], second.body["id"]);
        Reply holding = Call("GET", collection + "?custom.labels=%E6%80%A5", nullptr, admin());
        ASSERT_EQ(holding.status, 200) << holding.raw.body;
        EXPECT_EQ(holding.body["total"], 1);
        Reply sorted = Call("GET", collection + "?sort=-custom.priority", nullptr, admin());
        ASSERT_EQ(sorted.status, 200) << sorted.raw.body;
        EXPECT_EQ(sorted.body["items"][0]["id"], second.body["id"]);
        EXPECT_EQ(Call("GET", collection + "?custom.nothing=1", nullptr, admin()).status, 400);
        const std::string item = collection + "/" + first.body["id"].dump();
        // (A ledger's entries keep the values they were made with: RecordType::append_only.)
        const int want = type->type.append_only ? 2 : 3;
        if (!type->type.append_only) {
            Reply patched = Call("PATCH", item, {{"custom", {{"priority", 3}}}}, admin());
            ASSERT_EQ(patched.status, 200) << patched.raw.body;
            EXPECT_EQ(patched.body["custom"], json({{"priority", 3}, {"labels", {"急", "重要"}}}));
            Reply bad = Call("PATCH", item, {{"custom", {{"priority", "3"}}}}, admin());
            EXPECT_EQ(bad.status, 422);
            EXPECT_EQ(Named(bad), std::set<std::string>{"custom.priority"});
        }
        EXPECT_EQ(Call("GET", item, nullptr, admin()).body["custom"]["priority"], want);
        // The type's meta lists its custom fields for the web's generic forms.
        Reply meta = Call("GET", "/api/v1/meta/" + type->type.name, nullptr, admin());
        size_t custom = 0;
        for (const auto& field : meta.body["fields"]) custom += field.value("custom", false);
        EXPECT_EQ(custom, 2u);
    }
}

TEST_P(CustomFieldsTest, OnlyAnAdministratorDefinesAndAnyoneLoggedInReadsThem) {
    const auto sales = CreateUser("sales1", RoleId("sales"), std::nullopt);
    const json body = {{"entity", "customers"},
                       {"key", "budget"},
                       {"type", "money"},
                       {"label", {{"zh-CN", "预算"}, {"en", "Budget"}}}};
    Reply refused = Call("POST", "/api/v1/custom-fields", body, sales.token);
    EXPECT_EQ(refused.status, 403);
    const json defined = Define(body);
    const std::string item = "/api/v1/custom-fields/" + defined["id"].dump();
    EXPECT_EQ(Call("PATCH", item, {{"required", true}}, sales.token).status, 403);
    EXPECT_EQ(Call("DELETE", item, nullptr, sales.token).status, 403);
    Reply list = Call("GET", "/api/v1/custom-fields?entity=customers", nullptr, sales.token);
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(list.body["items"].size(), 1u);
    EXPECT_EQ(list.body["items"][0]["label"]["en"], "Budget");
    EXPECT_EQ(Call("GET", "/api/v1/custom-fields", nullptr).status, 401);
    EXPECT_EQ(Call("GET", "/api/v1/custom-fields?entity=nothing", nullptr, admin()).status, 400);
}

TEST_P(CustomFieldsTest, DefinitionsAreCheckedAndKeysNeverChange) {
    const json budget = Budget();
    const auto create = [&](json body) {
        return Call("POST", "/api/v1/custom-fields", body, admin());
    };
    const json label = {{"zh-CN", "某字段"}, {"en", "Some field"}};
    for (const auto& [body, named] : std::vector<std::pair<json, std::string>>{
             {{{"entity", "nothing"}, {"key", "a"}, {"type", "text"}, {"label", label}}, "entity"},
             {{{"entity", "customers"}, {"key", "Bad Key"}, {"type", "text"}, {"label", label}},
              "key"},
             {{{"entity", "customers"}, {"key", "a"}, {"type", "colour"}, {"label", label}},
              "type"},
             {{{"entity", "customers"}, {"key", "a"}, {"type", "choice"}, {"label", label}},
              "choices"},
             {{{"entity", "customers"},
               {"key", "a"},
               {"type", "text"},
               {"label", {{"zh-CN", "某字段"}}}},
              "label.en"}}) {
        Reply r = create(body);
        EXPECT_EQ(r.status, 422) << body.dump() << " → " << r.raw.body;
        EXPECT_TRUE(Named(r).count(named) > 0) << body.dump() << " → " << r.raw.body;
    }
    Reply again =
        create({{"entity", "customers"}, {"key", "budget"}, {"type", "text"}, {"label", label}});
    EXPECT_EQ(again.status, 409) << again.raw.body;
    Reply same_label = create({{"entity", "customers"},
                               {"key", "other"},
                               {"type", "text"},
                               {"label", {{"zh-CN", "预算"}, {"en", "Other"}}}});
    EXPECT_EQ(same_label.status, 409) << same_label.raw.body;
    // The same key on another entity is another field.
    EXPECT_EQ(
        create({{"entity", "deals"}, {"key", "budget"}, {"type", "text"}, {"label", label}}).status,
        201);
    const std::string item = "/api/v1/custom-fields/" + budget["id"].dump();
    for (const char* fixed : {"key", "type", "entity"}) {
        Reply r = Call("PATCH", item, {{fixed, "x"}}, admin());
        EXPECT_EQ(r.status, 422) << fixed;
        EXPECT_TRUE(Named(r).count(fixed) > 0) << r.raw.body;
    }
    Reply stale = Call("PATCH", item, {{"required", true}, {"version", 99}}, admin());
    EXPECT_EQ(stale.code(), "stale_version");
    // Removed, a field's values stay in the records but are no longer taken.
    const json kept =
        CreateCustomer(admin(), {{"name", "留存公司"}, {"custom", {{"budget", "5"}}}});
    EXPECT_EQ(Call("DELETE", item, nullptr, admin()).status, 204);
    Reply refused = Call("POST", "/api/v1/customers",
                         {{"name", "新公司"}, {"custom", {{"budget", "5"}}}}, admin());
    EXPECT_EQ(refused.status, 422);
    EXPECT_EQ(Call("GET", "/api/v1/customers/" + kept["id"].dump(), nullptr, admin())
                  .body["custom"]["budget"],
              "5.00");
    EXPECT_EQ(Call("GET", "/api/v1/customers?sort=custom.budget", nullptr, admin()).status, 400);
}

// Export: a column per custom field, headed by its label in the export's language; import: a
// column whose header is a custom field's key or either label, checked like the API (a bad value
// fails its row, the others import).
TEST_P(CustomFieldsTest, ExportHasAColumnPerFieldAndImportMapsItByLabelOrKey) {
    Budget();
    Define({{"entity", "customers"},
            {"key", "vip"},
            {"type", "boolean"},
            {"label", {{"zh-CN", "贵宾"}, {"en", "VIP"}}}});
    Define({{"entity", "customers"},
            {"key", "note"},
            {"type", "text"},
            {"label", {{"zh-CN", "备注"}, {"en", "Note"}}}});
    CreateCustomer(admin(), {{"name", "导出公司"},
                             {"custom", {{"budget", "1200"}, {"vip", true}, {"note", "=1+1"}}}});
    CreateCustomer(admin(), {{"name", "导出公司二"}, {"custom", {{"budget", "88"}}}});
    const std::string en = Export("format=csv&sort=name");
    const std::string header = en.substr(0, en.find("\r\n"));
    EXPECT_NE(header.find(",Budget,VIP,Note"), std::string::npos) << header;
    EXPECT_NE(en.find(",88.00,"), std::string::npos) << en;
    EXPECT_NE(en.find(",true,"), std::string::npos) << en;
    EXPECT_NE(en.find(",'=1+1"), std::string::npos) << en;  // a formula is defused, as elsewhere
    const std::string zh = Export("format=csv&lang=zh-CN");
    EXPECT_NE(zh.substr(0, zh.find("\r\n")).find(",预算,贵宾,备注"), std::string::npos) << zh;
    // Filters apply to the export as to the list.
    const std::string filtered = Export("format=csv&custom.vip=true");
    EXPECT_EQ(std::count(filtered.begin(), filtered.end(), '\n'), 2) << filtered;
    EXPECT_EQ(Call("GET", "/api/v1/customers/export?lang=fr", nullptr, admin()).status, 400);

    // Import: 预算 by its Chinese label, vip by its key; the second row's budget is no amount.
    const std::string csv =
        "名称,预算,vip\n"
        "导入一,1500,是\n"
        "导入二,很多,否\n"
        "导入三,,true\n";
    http::Request upload;
    upload.method = "POST";
    ASSERT_TRUE(upload.SetTarget("/api/v1/customers/import?format=csv"));
    upload.body = csv;
    upload.headers["content-type"] = "text/csv";
    upload.headers["authorization"] = "Bearer " + admin();
    upload.remote_ip = "10.0.0.1";
    Reply started = Send(std::move(upload));
    ASSERT_EQ(started.status, 202) << started.raw.body;
    ASSERT_TRUE(app().job_runner().Drain("test-worker").ok());
    const std::string import_path =
        "/api/v1/customers/imports/" + started.body["import"]["id"].dump();
    const json import = Call("GET", import_path, nullptr, admin()).body;
    ASSERT_EQ(import["status"], "done") << import.dump();
    EXPECT_EQ(import["created"], 2) << import.dump();
    EXPECT_EQ(import["failed"], 1) << import.dump();
    Reply one = Call("GET", "/api/v1/customers?q=%E5%AF%BC%E5%85%A5%E4%B8%80", nullptr, admin());
    ASSERT_EQ(one.body["total"], 1) << one.raw.body;
    EXPECT_EQ(one.body["items"][0]["custom"], json({{"budget", "1500.00"}, {"vip", true}}));
    Reply errors = Call("GET", import_path + "/errors", nullptr, admin());
    EXPECT_NE(errors.raw.body.find("custom.budget"), std::string::npos) << errors.raw.body;
}

GUANXI_API_TEST_SUITE(CustomFieldsTest);

}  // namespace
}  // namespace guanxi::testing
