// The record kit (docs/adr/0006-record-kit.md), tested over every registered type from its
// definition alone: the generic routes end to end, and the access matrix — who sees and changes a
// customer's records by role scope, department, manager chain and the public pool. A new type is
// covered without a new test; a type whose visibility rule is dropped fails here.

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/record_types.hpp"
#include "kit/record_routes.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class RecordKitTest : public ApiTest {
  protected:
    // The collection of a type: under the customer, or its own (/api/v1/<name>).
    static std::string Path(std::int64_t customer, const kit::CompiledType& type) {
        if (!type.type.UnderCustomer()) return "/api/v1/" + type.type.Segment();
        return "/api/v1/customers/" + std::to_string(customer) + "/" + type.type.Segment();
    }
    // The list across customers of a type listed so (RecordType::listed_across).
    static std::string Across(const kit::CompiledType& type) {
        return "/api/v1/" + type.type.Segment();
    }
    // Whether a list page holds the record `id`.
    static bool Lists(const Reply& page, const json& id) {
        for (const auto& item : page.body["items"]) {
            if (item["id"] == id) return true;
        }
        return false;
    }
    // Whether a type of its own names a customer (an opportunity's customer_id).
    static bool NamesCustomer(const kit::CompiledType& type) {
        for (const kit::Field& field : type.type.fields) {
            if (field.references == "customers" && type.type.example.contains(field.def.name))
                return true;
        }
        return false;
    }
    // Every permission of `type`, and customers.view.
    static json AllOf(const kit::CompiledType& type) {
        json permissions = {"customers.view", "customers.create", "customers.edit"};
        for (std::string_view action : kit::kActions)
            permissions.push_back(type.type.Permission(action));
        return permissions;
    }
};

TEST_P(RecordKitTest, EveryTypeLivesThroughCreateReadListPatchDeleteAndRestore) {
    const json customer = CreateCustomer(admin(), {{"name", "记录测试公司"}});
    const std::int64_t customer_id = customer["id"];
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string collection = Path(customer_id, *type);
        // A type of its own may have records already (a new installation's department).
        const std::int64_t before =
            Call("GET", collection, nullptr, admin()).body["total"].get<std::int64_t>();
        const json sent = FilledExample(*type, collection);
        Reply created = Send(ExampleCreate(*type, collection, admin(), sent));
        ASSERT_EQ(created.status, 201) << created.raw.body;
        for (const auto& [key, value] : sent.items()) {
            EXPECT_EQ(created.body[key], value) << key;
        }
        if (type->type.UnderCustomer()) {
            EXPECT_EQ(created.body["customer_id"], customer_id);
        } else if (!type->meta.Find("customer_id")) {  // (a field of its own: activities')
            EXPECT_FALSE(created.body.contains("customer_id"));
        }
        EXPECT_EQ(created.body["version"], 1);
        const std::string item = collection + "/" + created.body["id"].dump();
        EXPECT_EQ(Call("GET", item, nullptr, admin()).body, created.body);
        Reply list = Call("GET", collection + "?sort=-created_at", nullptr, admin());
        ASSERT_EQ(list.status, 200);
        EXPECT_EQ(list.body["total"], before + 1);
        EXPECT_EQ(list.body["items"][0], created.body);
        if (type->type.listed_across) {
            // Across customers: the same record, with its customer's name.
            Reply across = Call("GET", Across(*type) + "?sort=-created_at", nullptr, admin());
            ASSERT_EQ(across.status, 200) << across.raw.body;
            json row = across.body["items"][0];
            EXPECT_EQ(row["customer_name"], "记录测试公司");
            row.erase("customer_name");
            EXPECT_EQ(row, created.body);
        }
        // When it was made: on or after its creation time finds it, before it does not.
        const std::string made = created.body["created_at"];
        Reply since = Call("GET", collection + "?created_at_from=" + made, nullptr, admin());
        ASSERT_EQ(since.status, 200) << since.raw.body;
        EXPECT_TRUE(Lists(since, created.body["id"]));
        EXPECT_FALSE(Lists(
            Call("GET", collection + "?created_at_to=" + made + "&page_size=500", nullptr, admin()),
            created.body["id"]));
        Reply odd = Call("GET", collection + "?created_at_from=yesterday", nullptr, admin());
        EXPECT_EQ(odd.status, 400);
        EXPECT_EQ(odd.body["error"]["details"]["parameter"], "created_at_from") << odd.raw.body;
        // Unknown filters and sorts are refused, as on every list.
        EXPECT_EQ(Call("GET", collection + "?nonsense=1", nullptr, admin()).status, 400);
        EXPECT_EQ(Call("GET", collection + "?sort=nonsense", nullptr, admin()).status, 400);
        const auto& first = type->type.fields.front().def;
        if (type->type.append_only) {
            // A ledger is only added to: nothing edits, deletes or restores an entry.
            EXPECT_EQ(Call("PATCH", item, {{first.name, sent[first.name]}}, admin()).status, 405);
            EXPECT_EQ(Call("DELETE", item, nullptr, admin()).status, 405);
            EXPECT_EQ(Call("POST", item + "/restore", nullptr, admin()).status, 404);
            EXPECT_EQ(Call("GET", item, nullptr, admin()).body, created.body);
            EXPECT_EQ(Call("GET", "/api/v1/meta/" + type->type.name, nullptr, admin()).status, 200);
            continue;
        }
        // A patch with the current version, then a stale one.
        json patch = {{"version", 1}};
        patch[first.name] = type->type.example[first.name];
        Reply patched = Call("PATCH", item, patch, admin());
        ASSERT_EQ(patched.status, 200) << patched.raw.body;
        EXPECT_EQ(patched.body["version"], 2);
        Reply stale = Call("PATCH", item, patch, admin());
        EXPECT_EQ(stale.status, 409);
        EXPECT_EQ(stale.code(), "stale_version");
        // The recycle bin, and back.
        EXPECT_EQ(Call("DELETE", item, nullptr, admin()).status, 204);
        EXPECT_EQ(Call("GET", collection, nullptr, admin()).body["total"], before);
        EXPECT_EQ(Call("GET", collection + "?deleted=true", nullptr, admin()).body["total"], 1);
        EXPECT_EQ(Call("PATCH", item, {{first.name, patch[first.name]}}, admin()).status, 404);
        // Nor does any of its own routes serve it (a quote's PDF, a contract's plan...).
        for (const kit::ItemRoute& route : type->type.item_routes) {
            std::string at = kit::ItemBasePattern(type->type);
            at.replace(at.find("{id}"), 4,
                       at.find("{record_id}") != std::string::npos ? std::to_string(customer_id)
                                                                   : created.body["id"].dump());
            if (auto r = at.find("{record_id}"); r != std::string::npos) {
                at.replace(r, 11, created.body["id"].dump());
            }
            if (!route.name.empty()) at += "/" + route.name;
            EXPECT_EQ(Call(route.method, at, json::object(), admin()).status, 404)
                << route.method << " " << at;
        }
        Reply restored = Call("POST", item + "/restore", nullptr, admin());
        ASSERT_EQ(restored.status, 200) << restored.raw.body;
        EXPECT_TRUE(restored.body["deleted_at"].is_null());
        EXPECT_EQ(Call("GET", collection, nullptr, admin()).body["total"], before + 1);
        // Every write is in the audit trail: the customer's, or the record's own.
        const std::string filed =
            type->type.UnderCustomer()
                ? "entity=customer&entity_id=" + std::to_string(customer_id)
                : "entity=" + type->type.singular + "&entity_id=" + created.body["id"].dump();
        Reply audit =
            Call("GET", "/api/v1/audit-log?" + filed + "&page_size=100", nullptr, admin());
        ASSERT_EQ(audit.status, 200) << audit.raw.body;
        std::set<std::string> actions;
        for (const auto& entry : audit.body["items"]) actions.insert(entry["action"]);
        for (const char* action : {"create", "update", "delete", "restore"}) {
            EXPECT_TRUE(actions.count(type->type.singular + "." + action)) << action;
        }
        // The metadata the web renders from.
        Reply meta = Call("GET", "/api/v1/meta/" + type->type.name, nullptr, admin());
        ASSERT_EQ(meta.status, 200);
        EXPECT_EQ(meta.body["fields"].size(), type->type.fields.size());
        EXPECT_FALSE(meta.body["fields"][0]["label"]["zh-CN"].get<std::string>().empty());
    }
}

// Who sees and changes a type's records, by its visibility: through the customer (the owner's
// scope, the manager chain, the public pool), by the record's own owner (the same scopes), or by
// the type's permissions alone (administrators' types).
TEST_P(RecordKitTest, WhoSeesAndChangesRecordsFollowsTheGate) {
    for (const auto& type : RecordTypes().types()) {
        SCOPED_TRACE(type->type.name);
        const std::string n = type->type.name;
        const std::int64_t sales = CreateDepartment(n + "销售部");
        const std::int64_t sales_east = CreateDepartment(n + "华东组", sales);
        const std::int64_t other = CreateDepartment(n + "其他部");
        const json all = AllOf(*type);
        const std::int64_t self_role = CreateRole(n + "-self", "self", all);
        const std::int64_t dept_role = CreateRole(n + "-dept", "department", all);
        const std::int64_t tree_role = CreateRole(n + "-tree", "department_tree", all);
        const std::int64_t all_role = CreateRole(n + "-all", "all", all);
        const std::int64_t blind_role = CreateRole(n + "-blind", "all", {"customers.view"});
        TestUser boss = CreateUser(n + ".boss", self_role, other);  // manages the owner
        TestUser owner = CreateUser(n + ".owner", self_role, sales_east, boss.id);
        TestUser peer = CreateUser(n + ".peer", self_role, sales_east);
        TestUser dept_head = CreateUser(n + ".dept", dept_role, sales_east);
        TestUser tree_head = CreateUser(n + ".tree", tree_role, sales);
        TestUser other_dept = CreateUser(n + ".other", dept_role, other);
        TestUser everyone = CreateUser(n + ".all", all_role, other);
        TestUser blind = CreateUser(n + ".blind", blind_role, other);

        const json customer = CreateCustomer(owner.token, {{"name", n + "的客户"}});
        const std::string collection = Path(customer["id"], *type);
        // A type whose participants see its records too: the peer, outside the owner's scope,
        // takes part in this one.
        const std::string& participants = type->type.participants;
        http::Request create = ExampleCreate(*type, collection, owner.token);
        if (!participants.empty()) {
            json body = json::parse(create.body);
            body[participants] = {peer.id};
            create.body = body.dump();
        }
        Reply created = Send(create);
        ASSERT_EQ(created.status, 201) << created.raw.body;
        const std::string item = collection + "/" + created.body["id"].dump();
        const kit::Visibility visibility = type->type.visibility;
        // A type of an administrator's: the permissions alone decide, so everyone here sees it.
        const bool scoped = visibility != kit::Visibility::kAdminOnly;

        struct Case {
            const TestUser* user;
            const char* who;
            bool sees;
        };
        const std::vector<Case> cases = {{&owner, "owner", true},
                                         {&boss, "manager chain", true},
                                         {&dept_head, "department", true},
                                         {&tree_head, "department tree", true},
                                         {&everyone, "all", true},
                                         {&peer, "peer (self)", !scoped || !participants.empty()},
                                         {&other_dept, "other department", !scoped}};
        for (const Case& c : cases) {
            SCOPED_TRACE(c.who);
            const int want = c.sees ? 200 : 404;
            Reply list = Call("GET", collection, nullptr, c.user->token);
            if (type->type.UnderCustomer()) {
                EXPECT_EQ(list.status, want);
            } else {
                // A list of its own is everyone's; the record is in it or not.
                EXPECT_EQ(list.status, 200);
                EXPECT_EQ(Lists(list, created.body["id"]), c.sees);
            }
            EXPECT_EQ(Call("GET", item, nullptr, c.user->token).status, want);
            if (type->type.listed_across) {
                Reply across = Call("GET", Across(*type), nullptr, c.user->token);
                EXPECT_EQ(across.status, 200);
                EXPECT_EQ(Lists(across, created.body["id"]), c.sees);
            }
            // Under a customer, only those who see it add to it; of one's own, anyone may —
            // but one that names a customer (an opportunity's) only a customer they see.
            const int refused = type->type.UnderCustomer() ? 404 : 422;
            EXPECT_EQ(
                Send(ExampleCreate(*type, collection, c.user->token)).status,
                c.sees || (!type->type.UnderCustomer() && !NamesCustomer(*type)) ? 201 : refused);
            if (!type->type.customer_from.empty()) {
                // Created across customers too, under the customer of the record it names: as
                // the customer's own create, for whoever sees that record.
                EXPECT_EQ(
                    Call("POST", Across(*type), FilledExample(*type, collection), c.user->token)
                        .status,
                    c.sees ? 201 : 404);
            }
            // A ledger's entries are never changed, by anyone (RecordType::append_only).
            const auto& first = type->type.fields.front().def;
            EXPECT_EQ(
                Call("PATCH", item, {{first.name, type->type.example[first.name]}}, c.user->token)
                    .status,
                type->type.append_only ? 405 : want);
        }
        // The type's own routes on the record (RecordType::item_routes) are gated as its GET:
        // 404 for whoever doesn't see it, never for one who does, 403 without the permissions.
        // Each is sent a body of the declared shape with empty lists.
        const bool nested =
            kit::ItemBasePattern(type->type).find("{record_id}") != std::string::npos;
        const std::string base =
            nested ? item : "/api/v1/" + type->type.Segment() + "/" + created.body["id"].dump();
        for (const kit::ItemRoute& route : type->type.item_routes) {
            SCOPED_TRACE(route.method + " " + route.name);
            const std::string path = route.name.empty() ? base : base + "/" + route.name;
            json body = nullptr;
            if (route.body) {
                body = json::object();
                for (const kit::ListMember& list : route.body->lists)
                    body[list.name] = json::array();
            }
            for (const Case& c : cases) {
                SCOPED_TRACE(c.who);
                const Reply reply = Call(route.method, path, body, c.user->token);
                if (c.sees) {
                    EXPECT_NE(reply.status, 404) << reply.raw.body;
                } else {
                    EXPECT_EQ(reply.status, 404) << reply.raw.body;
                }
                EXPECT_LT(reply.status, 500) << reply.raw.body;
            }
            EXPECT_EQ(Call(route.method, path, body, blind.token).status, 403);
        }
        // Without the type's permissions: refused whatever the scope.
        // (A type read with the customer's own permission — contacts — is read with it.)
        const int blind_reads = type->type.Permission("view") == "customers.view" ? 200 : 403;
        EXPECT_EQ(Call("GET", collection, nullptr, blind.token).status, blind_reads);
        EXPECT_EQ(Call("GET", item, nullptr, blind.token).status, blind_reads);
        if (type->type.listed_across) {
            EXPECT_EQ(Call("GET", Across(*type), nullptr, blind.token).status, blind_reads);
        }
        EXPECT_EQ(Send(ExampleCreate(*type, collection, blind.token)).status, 403);
        if (!type->type.customer_from.empty()) {
            EXPECT_EQ(
                Call("POST", Across(*type), FilledExample(*type, collection), blind.token).status,
                403);
        }
        if (!scoped) continue;
        if (!type->type.append_only) {
            // An invisible caller can't delete either; the owner can.
            EXPECT_EQ(Call("DELETE", item, nullptr, other_dept.token).status, 404);
            EXPECT_EQ(Call("DELETE", item, nullptr, owner.token).status, 204);
            EXPECT_EQ(Call("POST", item + "/restore", nullptr, other_dept.token).status, 404);
            EXPECT_EQ(Call("POST", item + "/restore", nullptr, owner.token).status, 200);
        }
        if (visibility == kit::Visibility::kOwnScope) {
            // A record is given only within the giver's scope: the peer is outside the owner's.
            EXPECT_EQ(Call("PATCH", item, {{"owner_id", peer.id}}, owner.token).status, 422);
            EXPECT_EQ(Call("PATCH", item, {{"owner_id", owner.id}}, boss.token).status, 200);
            continue;
        }

        // In the public pool: the history stays with those who could see its last owner (a part
        // of the customer's card — contacts — with everyone who sees the pool); nobody adds to
        // it before claiming it.
        ASSERT_EQ(Call("POST", "/api/v1/customers/" + customer["id"].dump() + "/release",
                       json::object(), owner.token)
                      .status,
                  200);
        EXPECT_EQ(Call("GET", collection, nullptr, dept_head.token).status, 200);
        EXPECT_TRUE(Lists(Call("GET", collection, nullptr, dept_head.token), created.body["id"]));
        // The customer is visible to the other department (the pool), its history is not: an
        // empty list, and the record itself is absent.
        Reply hidden = Call("GET", collection, nullptr, other_dept.token);
        EXPECT_EQ(hidden.status, 200);
        EXPECT_EQ(Lists(hidden, created.body["id"]), type->type.read_with_customer);
        EXPECT_EQ(Call("GET", item, nullptr, other_dept.token).status,
                  type->type.read_with_customer ? 200 : 404);
        if (type->type.listed_across) {
            EXPECT_TRUE(
                Lists(Call("GET", Across(*type), nullptr, dept_head.token), created.body["id"]));
            EXPECT_EQ(
                Lists(Call("GET", Across(*type), nullptr, other_dept.token), created.body["id"]),
                type->type.read_with_customer);
        }
        Reply unclaimed = Send(ExampleCreate(*type, collection, dept_head.token));
        EXPECT_EQ(unclaimed.status, 403);
        EXPECT_EQ(unclaimed.code(), "claim_first");
        if (!type->type.customer_from.empty()) {
            Reply across =
                Call("POST", Across(*type), FilledExample(*type, collection), dept_head.token);
            EXPECT_EQ(across.status, 403);
            EXPECT_EQ(across.code(), "claim_first");
        }
    }
}

TEST_P(RecordKitTest, AMailingOfTheSameItemAgainIsAWarningTheCallerCanOverride) {
    const json customer = CreateCustomer(admin(), {{"name", "邮寄测试公司"}});
    const std::string mailings = "/api/v1/customers/" + customer["id"].dump() + "/mailings";
    json catalogue = {
        {"item", "2027 年产品目录"}, {"carrier", "顺丰速运"}, {"sent_on", "2026-12-01"}};
    ASSERT_EQ(Call("POST", mailings, catalogue, admin()).status, 201);
    json again = catalogue;
    again["item"] = " 2027 年产品目录 ";  // the same item, spaced differently
    Reply warned = Call("POST", mailings, again, admin());
    EXPECT_EQ(warned.status, 409);
    EXPECT_EQ(warned.code(), "duplicate");
    ASSERT_EQ(warned.body["error"]["details"]["matches"].size(), 1u);
    EXPECT_EQ(warned.body["error"]["details"]["matches"][0]["sent_on"], "2026-12-01");
    EXPECT_EQ(Call("GET", mailings, nullptr, admin()).body["total"], 1);
    again["allow_duplicate"] = true;
    EXPECT_EQ(Call("POST", mailings, again, admin()).status, 201);
    // A parcel can't arrive before it left: on create and on a patch.
    json early = {{"item", "样品"}, {"sent_on", "2026-12-05"}, {"received_on", "2026-12-01"}};
    Reply refused = Call("POST", mailings, early, admin());
    EXPECT_EQ(refused.status, 422);
    EXPECT_TRUE(refused.body["error"]["details"]["fields"].contains("received_on"));
    early.erase("received_on");
    Reply sample = Call("POST", mailings, early, admin());
    ASSERT_EQ(sample.status, 201);
    EXPECT_EQ(Call("PATCH", mailings + "/" + sample.body["id"].dump(),
                   {{"received_on", "2026-12-04"}}, admin())
                  .status,
              422);
    // Search, filter and sort as declared.
    Reply found = Call("GET", mailings + "?q=样品", nullptr, admin());
    EXPECT_EQ(found.body["total"], 1);
    EXPECT_EQ(Call("GET", mailings + "?q=%25", nullptr, admin()).body["total"], 0);
    EXPECT_EQ(Call("GET", mailings + "?carrier=顺丰速运", nullptr, admin()).body["total"], 2);
    EXPECT_EQ(Call("GET", mailings + "?sent_on=not-a-date", nullptr, admin()).status, 400);
    Reply sorted = Call("GET", mailings + "?sort=sent_on", nullptr, admin());
    EXPECT_EQ(sorted.body["items"][0]["sent_on"], "2026-12-01");
    EXPECT_EQ(sorted.body["items"][2]["sent_on"], "2026-12-05");
}

GUANXI_API_TEST_SUITE(RecordKitTest);

}  // namespace
}  // namespace guanxi::testing
