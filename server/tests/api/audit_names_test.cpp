// The audit log names the record each entry is about (entity_name), so the web can write "张伟
// 修改了客户「华为」" instead of "customer 12": a customer's, user's, role's and department's name,
// also once the customer is in the recycle bin.

#include "api_test_support.hpp"

#include <map>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class AuditNamesTest : public ApiTest {};

TEST_P(AuditNamesTest, EachEntryNamesItsRecord) {
    const std::int64_t dept = CreateDepartment("华南大区");
    const std::int64_t role = CreateRole("区域经理", "department", {"customers.view"});
    TestUser zhang = CreateUser("zhang.wei", role, dept);
    const std::int64_t huawei =
        CreateCustomer(admin(), {{"name", "华为"}})["id"].get<std::int64_t>();
    const std::string path = "/api/v1/customers/" + std::to_string(huawei);
    ASSERT_EQ(Call("PATCH", path, {{"industry", "通信"}}, admin()).status, 200);
    ASSERT_EQ(Call("DELETE", path, nullptr, admin()).status, 204);

    Reply log = Call("GET", "/api/v1/audit-log?page_size=500", nullptr, admin());
    ASSERT_EQ(log.status, 200) << log.body.dump();
    std::map<std::string, std::string> named;  // "<action> <entity_id>" → entity_name
    for (const json& item : log.body["items"]) {
        ASSERT_TRUE(item.contains("entity_name")) << item.dump();
        if (item["entity_name"].is_string()) {
            named[item["action"].get<std::string>() + " " + item["entity_id"].dump()] =
                item["entity_name"];
        }
    }
    const std::string id = std::to_string(huawei);
    EXPECT_EQ(named["customer.update " + id], "华为");
    EXPECT_EQ(named["customer.delete " + id], "华为") << "named in the recycle bin too";
    Reply user = Call("GET", "/api/v1/users/" + std::to_string(zhang.id), nullptr, admin());
    EXPECT_EQ(named["user.create " + std::to_string(zhang.id)], user.body["display_name"]);
    EXPECT_EQ(named["role.create " + std::to_string(role)], "区域经理");
    EXPECT_EQ(named["department.create " + std::to_string(dept)], "华南大区");
}

// An edit's audit row says what changed, before → after, as a kit record's does: a field sent with
// the value it already had is left out, a time sent in another offset is the instant stored, and a
// new owner is named.
TEST_P(AuditNamesTest, ACustomerEditIsLoggedBeforeAndAfter) {
    TestUser li = CreateUser("li.na", RoleId("sales"), CreateDepartment("华东"));
    const json customer = CreateCustomer(
        admin(),
        {{"name", "华为"}, {"industry", "通信"}, {"next_contact_at", "2031-03-01T09:00:00Z"}});
    const std::string path = "/api/v1/customers/" + customer["id"].dump();
    Reply edit = Call("PATCH", path,
                      {{"industry", "电子"},
                       {"name", "华为"},
                       {"next_contact_at", "2031-03-01T17:00:00+08:00"},
                       {"owner_id", li.id},
                       {"version", customer["version"]}},
                      admin());
    ASSERT_EQ(edit.status, 200) << edit.body.dump();

    Reply log =
        Call("GET", "/api/v1/audit-log?action=customer.update&entity_id=" + customer["id"].dump(),
             nullptr, admin());
    ASSERT_EQ(log.status, 200) << log.body.dump();
    ASSERT_EQ(log.body["items"].size(), 1u) << log.body.dump();
    const json changes = log.body["items"][0]["details"]["changes"];
    EXPECT_EQ(changes["industry"], json({{"before", "通信"}, {"after", "电子"}}));
    EXPECT_FALSE(changes.contains("name")) << "sent unchanged: " << changes.dump();
    EXPECT_FALSE(changes.contains("next_contact_at")) << "the same instant: " << changes.dump();
    EXPECT_EQ(changes["owner_id"]["after"], li.id);
    EXPECT_EQ(changes["owner_id"]["after_name"], edit.body["owner_name"]);

    // A user's edit too, its new password only as changed.
    const std::string user_path = "/api/v1/users/" + std::to_string(li.id);
    Reply before = Call("GET", user_path, nullptr, admin());
    ASSERT_EQ(Call("PATCH", user_path,
                   {{"display_name", "李娜娜"},
                    {"password", "Kx9-lantern-204"},
                    {"version", before.body["version"]}},
                   admin())
                  .status,
              200);
    Reply users =
        Call("GET", "/api/v1/audit-log?action=user.update&entity_id=" + std::to_string(li.id),
             nullptr, admin());
    ASSERT_EQ(users.body["items"].size(), 1u) << users.body.dump();
    const json user_changes = users.body["items"][0]["details"]["changes"];
    EXPECT_EQ(user_changes["display_name"],
              json({{"before", before.body["display_name"]}, {"after", "李娜娜"}}));
    EXPECT_EQ(user_changes["password"], json({{"after", "(changed)"}}));
    EXPECT_EQ(users.body.dump().find("Kx9"), std::string::npos);
}

// A role's edit says what changed as well: name and data scope before → after, the permissions as
// the ones added and removed (not two lists of dozens); a value sent unchanged is left out.
TEST_P(AuditNamesTest, ARoleEditIsLoggedBeforeAndAfter) {
    const std::int64_t role =
        CreateRole("片区销售", "self", {"customers.view", "customers.create", "customers.edit"});
    const std::string path = "/api/v1/roles/" + std::to_string(role);
    Reply edit = Call("PATCH", path,
                      {{"name", "大区销售"},
                       {"data_scope", "self"},
                       {"permissions", {"customers.view", "customers.export", "customers.edit"}}},
                      admin());
    ASSERT_EQ(edit.status, 200) << edit.body.dump();
    Reply log =
        Call("GET", "/api/v1/audit-log?action=role.update&entity_id=" + std::to_string(role),
             nullptr, admin());
    ASSERT_EQ(log.body["items"].size(), 1u) << log.body.dump();
    const json changes = log.body["items"][0]["details"]["changes"];
    EXPECT_EQ(changes["name"], json({{"before", "片区销售"}, {"after", "大区销售"}}));
    EXPECT_FALSE(changes.contains("data_scope")) << "sent unchanged: " << changes.dump();
    EXPECT_EQ(changes["permissions"],
              json({{"added", {"customers.export"}}, {"removed", {"customers.create"}}}));
    EXPECT_EQ(log.body["items"][0]["details"].size(), 1u) << "only the changes, not the body";

    ASSERT_EQ(Call("PATCH", path, {{"data_scope", "department"}}, admin()).status, 200);
    Reply scope =
        Call("GET", "/api/v1/audit-log?action=role.update&entity_id=" + std::to_string(role),
             nullptr, admin());
    ASSERT_EQ(scope.body["items"].size(), 2u) << scope.body.dump();
    EXPECT_EQ(scope.body["items"][0]["details"]["changes"],
              json({{"data_scope", {{"before", "self"}, {"after", "department"}}}}));
}

GUANXI_API_TEST_SUITE(AuditNamesTest);

}  // namespace
}  // namespace guanxi::testing
