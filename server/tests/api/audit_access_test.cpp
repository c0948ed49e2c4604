// The audit log passes the access gate: an entry about a record is shown only to callers who may
// see that record — customer entries (contacts and follow-ups included) by the caller's customer
// scope, user / role / department entries to users.manage, everything to scope `all`.

#include "api_test_support.hpp"

#include <set>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class AuditAccessTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t dept = CreateDepartment("销售一部");
        auditor_ = CreateUser(
            "auditor",
            CreateRole("auditor", "self",
                       {"customers.view", "customers.create", "customers.edit", "audit.view"}),
            dept);
        hr_ = CreateUser("hr", CreateRole("hr", "self", {"users.manage", "audit.view"}), dept);
        bob_ = CreateUser("bob", RoleId("sales"), dept);
        // bob's customer, with a contact, a follow-up and a change: all about a record the
        // auditor may not see.
        bobs_ =
            CreateCustomer(bob_.token, {{"name", "Bob Secret Trading"}})["id"].get<std::int64_t>();
        const std::string bob_path = "/api/v1/customers/" + std::to_string(bobs_);
        EXPECT_EQ(
            Call("POST", bob_path + "/contacts", {{"name", "Bob Contact"}}, bob_.token).status,
            201);
        EXPECT_EQ(Call("POST", bob_path + "/followups",
                       {{"kind", "call"}, {"content", "bob's call"}}, bob_.token)
                      .status,
                  201);
        EXPECT_EQ(Call("PATCH", bob_path, {{"industry", "Secret Industry"}}, bob_.token).status,
                  200);
        mine_ =
            CreateCustomer(auditor_.token, {{"name", "Auditor Own Ltd"}})["id"].get<std::int64_t>();
        EXPECT_EQ(Call("POST", "/api/v1/customers/" + std::to_string(mine_) + "/followups",
                       {{"kind", "visit"}, {"content", "my visit"}}, auditor_.token)
                      .status,
                  201);
    }

    // Every page of the caller's audit log (filters in `query`).
    std::vector<json> Entries(const std::string& token, const std::string& query = "") {
        std::vector<json> out;
        for (int page = 1;; ++page) {
            Reply r =
                Call("GET", "/api/v1/audit-log?page_size=500&page=" + std::to_string(page) + query,
                     nullptr, token);
            EXPECT_EQ(r.status, 200) << r.body.dump();
            if (r.status != 200) return out;
            for (const auto& item : r.body["items"]) out.push_back(item);
            if (r.body["items"].size() < 500) {
                EXPECT_EQ(r.body["total"], out.size()) << "the count must match what is shown";
                return out;
            }
        }
    }

    TestUser auditor_, hr_, bob_;
    std::int64_t bobs_ = 0, mine_ = 0;
};

TEST_P(AuditAccessTest, ASelfScopeAuditorSeesOnlyEntriesAboutTheirOwnCustomers) {
    const std::vector<json> entries = Entries(auditor_.token);
    std::set<std::string> actions;
    for (const auto& e : entries) {
        actions.insert(e["action"].get<std::string>());
        if (e["entity"] == "customer") {
            EXPECT_EQ(e["entity_id"], mine_) << e.dump();
        } else {
            // Their own user record: their logins.
            EXPECT_EQ(e["entity"], "user") << e.dump();
            EXPECT_EQ(e["entity_id"], auditor_.id) << e.dump();
        }
        EXPECT_EQ(e.dump().find("Bob"), std::string::npos) << e.dump();
        EXPECT_EQ(e.dump().find("Secret"), std::string::npos) << e.dump();
    }
    EXPECT_TRUE(actions.count("customer.create")) << json(actions).dump();
    EXPECT_TRUE(actions.count("followup.create")) << json(actions).dump();
    // Asking for bob's customer by id, or for the organisation's changes, finds nothing.
    EXPECT_TRUE(
        Entries(auditor_.token, "&entity=customer&entity_id=" + std::to_string(bobs_)).empty());
    EXPECT_TRUE(Entries(auditor_.token, "&entity=role").empty());
    EXPECT_TRUE(Entries(auditor_.token, "&user_id=" + std::to_string(bob_.id)).empty());
}

TEST_P(AuditAccessTest, UsersManageSeesOrganisationEntriesAndAllScopeSeesEverything) {
    // hr: the organisation's changes, no customer at all.
    std::set<std::string> hr_entities;
    for (const auto& e : Entries(hr_.token)) hr_entities.insert(e["entity"].get<std::string>());
    EXPECT_EQ(hr_entities, (std::set<std::string>{"department", "role", "user"}));
    // The admin (scope all): bob's customer and everything done to it.
    std::set<std::string> about_bobs;
    for (const auto& e : Entries(admin(), "&entity=customer&entity_id=" + std::to_string(bobs_))) {
        about_bobs.insert(e["action"].get<std::string>());
    }
    EXPECT_EQ(about_bobs, (std::set<std::string>{"customer.create", "contact.create",
                                                 "followup.create", "customer.update"}));
    // bob's manager chain and department peers see it the way the gate says: make the auditor
    // bob's manager, and bob's customer's entries appear.
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(bob_.id),
                   {{"manager_id", auditor_.id}}, admin())
                  .status,
              200);
    EXPECT_EQ(Entries(auditor_.token, "&entity=customer&entity_id=" + std::to_string(bobs_)).size(),
              4u);
}

GUANXI_API_TEST_SUITE(AuditAccessTest);

}  // namespace
}  // namespace guanxi::testing
