// users.manage is not admin: a user may grant only the permissions and data scope they hold
// themselves, nobody changes their own role or manager, a user with more rights than the caller is
// not the caller's to change (password resets included), and the last active administrator (a role
// with every permission and scope `all`) is never removed.

#include "api_test_support.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class PrivilegesTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_ = CreateDepartment("人事部");
        hr_role_ = CreateRole("hr", "self", {"users.manage"});
        hr_ = CreateUser("hr", hr_role_, dept_);
        alice_ = CreateUser("alice", RoleId("sales"), dept_);
        admin_id_ = Call("GET", "/api/v1/me", nullptr, admin()).body["id"].get<std::int64_t>();
    }

    static std::string UserPath(std::int64_t id) { return "/api/v1/users/" + std::to_string(id); }
    static std::string RolePath(std::int64_t id) { return "/api/v1/roles/" + std::to_string(id); }

    static void ExpectBeyondOwnRights(const Reply& r, const std::string& what) {
        EXPECT_EQ(r.status, 403) << what << ": " << r.body.dump();
        EXPECT_EQ(r.code(), "beyond_own_rights") << what << ": " << r.body.dump();
    }

    std::int64_t dept_ = 0;
    std::int64_t hr_role_ = 0;
    TestUser hr_;
    TestUser alice_;
    std::int64_t admin_id_ = 0;
};

TEST_P(PrivilegesTest, ARoleCanBeCreatedOrChangedOnlyWithinTheCallersOwnRights) {
    const json roles_before = Call("GET", "/api/v1/roles", nullptr, admin()).body["total"];
    // More permissions, or a wider scope, than hr holds.
    Reply more = Call("POST", "/api/v1/roles",
                      {{"name", "sneaky"},
                       {"data_scope", "self"},
                       {"permissions", {"users.manage", "customers.view"}}},
                      hr_.token);
    ExpectBeyondOwnRights(more, "more permissions");
    EXPECT_EQ(more.body["error"]["details"]["missing_permissions"], json({"customers.view"}));
    Reply wider = Call(
        "POST", "/api/v1/roles",
        {{"name", "sneaky"}, {"data_scope", "all"}, {"permissions", {"users.manage"}}}, hr_.token);
    ExpectBeyondOwnRights(wider, "wider scope");
    EXPECT_EQ(wider.body["error"]["details"]["data_scope"], "all");
    // Changing a role with rights hr lacks, even to give it less; or giving a role more.
    ExpectBeyondOwnRights(
        Call("PATCH", RolePath(RoleId("admin")), {{"permissions", {"users.manage"}}}, hr_.token),
        "narrow the admin role");
    ExpectBeyondOwnRights(
        Call("PATCH", RolePath(RoleId("sales")), {{"permissions", json::array()}}, hr_.token),
        "change the sales role");
    ExpectBeyondOwnRights(Call("DELETE", RolePath(RoleId("manager")), nullptr, hr_.token),
                          "delete the manager role");
    EXPECT_EQ(Call("GET", "/api/v1/roles", nullptr, admin()).body["total"], roles_before);
    // The admin role still holds every permission.
    EXPECT_EQ(Call("GET", "/api/v1/roles", nullptr, admin()).body["items"][0]["permissions"].size(),
              accounts::AccountService::AllPermissions().size());

    // Within its own rights hr may create, change and delete roles.
    Reply helper = Call(
        "POST", "/api/v1/roles",
        {{"name", "helper"}, {"data_scope", "self"}, {"permissions", json::array()}}, hr_.token);
    ASSERT_EQ(helper.status, 201) << helper.body.dump();
    const std::string helper_path = RolePath(helper.body["id"].get<std::int64_t>());
    EXPECT_EQ(Call("PATCH", helper_path, {{"permissions", {"users.manage"}}}, hr_.token).status,
              200);
    ExpectBeyondOwnRights(Call("PATCH", helper_path, {{"data_scope", "department"}}, hr_.token),
                          "widen helper");
    ExpectBeyondOwnRights(Call("PATCH", helper_path, {{"permissions", {"audit.view"}}}, hr_.token),
                          "audit.view");
    EXPECT_EQ(Call("DELETE", helper_path, nullptr, hr_.token).status, 204);
}

TEST_P(PrivilegesTest, ARoleCanBeGivenToAUserOnlyWithinTheCallersOwnRights) {
    const json users_before = Call("GET", "/api/v1/users", nullptr, admin()).body["total"];
    ExpectBeyondOwnRights(Call("POST", "/api/v1/users",
                               {{"username", "mallory"},
                                {"display_name", "M"},
                                {"password", "mallory-pass-1"},
                                {"role_id", RoleId("admin")}},
                               hr_.token),
                          "create an admin");
    ExpectBeyondOwnRights(
        Call("PATCH", UserPath(alice_.id), {{"role_id", RoleId("admin")}}, hr_.token),
        "make alice admin");
    EXPECT_EQ(Call("GET", "/api/v1/users", nullptr, admin()).body["total"], users_before);
    EXPECT_EQ(Call("GET", UserPath(alice_.id), nullptr, admin()).body["role_id"], RoleId("sales"));

    // A role within hr's rights can be given, and a user holding one managed.
    const std::int64_t clerk = CreateRole("clerk", "self", json::array());
    Reply created = Call("POST", "/api/v1/users",
                         {{"username", "clerk1"},
                          {"display_name", "Clerk"},
                          {"password", "clerk-pass-1"},
                          {"role_id", clerk}},
                         hr_.token);
    ASSERT_EQ(created.status, 201) << created.body.dump();
    const std::int64_t clerk_id = created.body["id"].get<std::int64_t>();
    EXPECT_EQ(Call("PATCH", UserPath(clerk_id), {{"password", "new-clerk-pass"}}, hr_.token).status,
              200);
    EXPECT_EQ(Call("PATCH", UserPath(clerk_id), {{"role_id", hr_role_}}, hr_.token).status, 200);
}

TEST_P(PrivilegesTest, AUserWithMoreRightsThanTheCallerCannotBeChangedByThem) {
    // alice (sales) holds customer permissions hr lacks: no password reset, no deactivation, no
    // new manager; the admin even less so.
    const std::vector<std::pair<std::int64_t, json>> attempts = {
        {admin_id_, {{"password", "taken-over-123"}}},
        {admin_id_, {{"active", false}}},
        {admin_id_, {{"manager_id", hr_.id}}},
        {alice_.id, {{"password", "taken-over-123"}}},
        {alice_.id, {{"active", false}}},
        {alice_.id, {{"display_name", "Mallory"}}},
    };
    for (const auto& [id, body] : attempts) {
        ExpectBeyondOwnRights(Call("PATCH", UserPath(id), body, hr_.token), body.dump());
    }
    EXPECT_EQ(Login("admin", "admin-password").empty(), false);
    EXPECT_EQ(Login("alice", kPassword).empty(), false);
    EXPECT_EQ(Call("GET", UserPath(alice_.id), nullptr, admin()).body["version"], 1);
    EXPECT_EQ(Call("GET", UserPath(admin_id_), nullptr, admin()).body["manager_id"], nullptr);
}

TEST_P(PrivilegesTest, NobodyChangesTheirOwnRoleOrManager) {
    const auto own = [&](const std::string& token, std::int64_t id, const json& body,
                         const std::string& field) {
        Reply r = Call("PATCH", UserPath(id), body, token);
        EXPECT_EQ(r.status, 403) << body.dump() << ": " << r.body.dump();
        EXPECT_EQ(r.code(), "forbidden");
        EXPECT_EQ(r.body["error"]["details"]["field"], field) << r.body.dump();
    };
    own(hr_.token, hr_.id, {{"manager_id", admin_id_}}, "manager_id");
    own(hr_.token, hr_.id, {{"role_id", CreateRole("helper", "self", json::array())}}, "role_id");
    own(admin(), admin_id_, {{"role_id", RoleId("sales")}}, "role_id");
    own(admin(), admin_id_, {{"manager_id", alice_.id}}, "manager_id");
    // Nor the rights of the role they hold.
    Reply role = Call("PATCH", RolePath(hr_role_), {{"permissions", json::array()}}, hr_.token);
    EXPECT_EQ(role.status, 403) << role.body.dump();
    Reply admin_role = Call("PATCH", RolePath(RoleId("admin")), {{"data_scope", "self"}}, admin());
    EXPECT_EQ(admin_role.status, 403) << admin_role.body.dump();
    // Sending one's own unchanged values (a whole form) is no change; other fields still save.
    Reply same =
        Call("PATCH", UserPath(hr_.id),
             {{"role_id", hr_role_}, {"manager_id", nullptr}, {"display_name", "HR"}}, hr_.token);
    EXPECT_EQ(same.status, 200) << same.body.dump();
    Reply me = Call("GET", "/api/v1/me", nullptr, hr_.token);
    EXPECT_EQ(me.body["role_id"], hr_role_);
    EXPECT_EQ(me.body["manager_id"], nullptr);
    EXPECT_EQ(me.body["display_name"], "HR");
}

TEST_P(PrivilegesTest, TheLastActiveAdministratorIsNeverRemoved) {
    const std::int64_t admin_role = RoleId("admin");
    // Alone, the admin can neither demote nor deactivate itself.
    EXPECT_EQ(Call("PATCH", UserPath(admin_id_), {{"role_id", RoleId("sales")}}, admin()).status,
              403);
    EXPECT_EQ(Call("PATCH", UserPath(admin_id_), {{"active", false}}, admin()).status, 422);
    // With a second administrator, each may demote the other — but not both: the second request
    // below comes from a caller read before it was demoted (two administrators demoting each other
    // at the same moment), and would leave nobody.
    Reply second = Call("POST", "/api/v1/users",
                        {{"username", "root2"},
                         {"display_name", "Root 2"},
                         {"password", "second-admin-pw"},
                         {"role_id", admin_role}},
                        admin());
    ASSERT_EQ(second.status, 201) << second.body.dump();
    const std::int64_t root2 = second.body["id"].get<std::int64_t>();
    const std::string root2_token = Login("root2", "second-admin-pw");
    auto stale_root2 = app().accounts().Authenticate(root2_token);
    ASSERT_TRUE(stale_root2.ok());
    ASSERT_EQ(Call("PATCH", UserPath(root2), {{"role_id", RoleId("manager")}}, admin()).status,
              200);
    for (const json& body : {json{{"role_id", RoleId("sales")}}, json{{"active", false}}}) {
        auto removed = app().accounts().UpdateUser(*stale_root2, admin_id_, body);
        ASSERT_FALSE(removed.ok()) << body.dump();
        EXPECT_EQ(removed.error().code, ErrorCode::kConflict) << removed.error().message;
        EXPECT_EQ(removed.error().details["reason"], "last_administrator");
    }
    // Narrowing an administrator role its last holders hold is refused the same way.
    const std::int64_t other_admin_role = CreateRole(
        "admin-b", "all", Call("GET", "/api/v1/permissions", nullptr, admin()).body["items"]);
    ASSERT_EQ(Call("PATCH", UserPath(root2), {{"role_id", other_admin_role}}, admin()).status, 200);
    ASSERT_EQ(Call("PATCH", UserPath(admin_id_), {{"role_id", RoleId("manager")}},
                   Login("root2", "second-admin-pw"))
                  .status,
              200);
    // The admin as it stood before root2 demoted it (the same race, the other way round).
    Principal stale_admin;
    stale_admin.user_id = admin_id_;
    stale_admin.role_id = admin_role;
    stale_admin.scope = DataScope::kAll;
    auto all = std::make_shared<PermissionSet>();
    Reply perms = Call("GET", "/api/v1/permissions", nullptr, root2_token);
    EXPECT_EQ(perms.status, 200) << perms.body.dump();
    for (const auto& p : perms.body["items"]) all->insert(p.get<std::string>());
    stale_admin.permissions = all;
    auto narrowed = app().accounts().UpdateRole(stale_admin, other_admin_role,
                                                {{"permissions", {"users.manage"}}});
    ASSERT_FALSE(narrowed.ok());
    EXPECT_EQ(narrowed.error().code, ErrorCode::kConflict)
        << narrowed.error().message << narrowed.error().details.dump();
    EXPECT_EQ(narrowed.error().details["reason"], "last_administrator");
    EXPECT_FALSE(Login("root2", "second-admin-pw").empty());
}

GUANXI_API_TEST_SUITE(PrivilegesTest);

}  // namespace
}  // namespace guanxi::testing
