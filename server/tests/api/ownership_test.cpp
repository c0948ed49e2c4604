// Ownership: transfer, handover, the public pool (release, claim, and two claims at once), the
// ownership history, and the audit log of every write.

#include "api_test_support.hpp"

#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class OwnershipTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        dept_one_ = CreateDepartment("销售一部");
        dept_two_ = CreateDepartment("销售二部");
        const std::int64_t sales = RoleId("sales");
        alice_ = CreateUser("alice", sales, dept_one_);
        bob_ = CreateUser("bob", sales, dept_one_);
        carol_ = CreateUser("carol", sales, dept_two_);
        boss_ = CreateUser("boss", RoleId("manager"), dept_one_);  // department_tree, may transfer
    }

    static std::string PathOf(const json& customer) {
        return "/api/v1/customers/" + customer["id"].dump();
    }

    json Owner(const json& customer) {
        return Call("GET", PathOf(customer), nullptr, admin()).body["owner_id"];
    }

    json History(const json& customer) {
        Reply r = Call("GET", PathOf(customer) + "/history", nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.body.dump();
        return r.body["items"];
    }

    Reply Transfer(const std::string& token, const json& ids, const json& owner,
                   const std::string& reason = "") {
        json body = {{"ids", ids}, {"owner_id", owner}};
        if (!reason.empty()) body["reason"] = reason;
        return Call("POST", "/api/v1/customers/transfer", body, token);
    }

    json AuditLog(const std::string& query = "") {
        Reply r = Call("GET", "/api/v1/audit-log?page_size=500" + query, nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.body.dump();
        return r.body;
    }

    std::int64_t dept_one_ = 0, dept_two_ = 0;
    TestUser alice_, bob_, carol_, boss_;
};

// The search index is kept per owner; every ownership change must move a customer's entries with
// it, for 1-, 2- and 4-character words alike.
TEST_P(OwnershipTest, SearchFollowsTheCustomerThroughEveryOwnershipChange) {
    json c =
        CreateCustomer(alice_.token, {{"name", "澜涛智能科技有限公司"}, {"phone", "13811112222"}});
    // Which of the queries find the customer, as `token` sees the list (default: assigned
    // customers).
    const auto found = [&](const std::string& token, const std::string& extra = "") {
        std::string out;
        // 涛 (1), 澜涛 (2), 智能科技 (4), a phone fragment (5).
        for (const char* q :
             {"%E6%B6%9B", "%E6%BE%9C%E6%B6%9B", "%E6%99%BA%E8%83%BD%E7%A7%91%E6%8A%80", "11112"}) {
            Reply r = Call("GET", "/api/v1/customers?q=" + std::string(q) + extra, nullptr, token);
            EXPECT_EQ(r.status, 200) << r.body.dump();
            const bool hit = r.body["total"] == 1 && r.body["items"][0]["id"] == c["id"];
            EXPECT_TRUE(hit || r.body["total"] == 0) << r.body.dump();
            out += hit ? "y" : "n";
        }
        return out;
    };
    EXPECT_EQ(found(alice_.token), "yyyy");
    EXPECT_EQ(found(bob_.token), "nnnn");

    ASSERT_EQ(Transfer(boss_.token, json::array({c["id"]}), bob_.id).status, 200);
    EXPECT_EQ(found(alice_.token), "nnnn");
    EXPECT_EQ(found(bob_.token), "yyyy");
    EXPECT_EQ(found(boss_.token), "yyyy");  // the manager's tree, through the posting lists

    ASSERT_EQ(Call("POST", PathOf(c) + "/release", nullptr, bob_.token).status, 200);
    EXPECT_EQ(found(bob_.token), "nnnn");  // the list shows assigned customers
    EXPECT_EQ(found(carol_.token, "&in_pool=any"), "yyyy");
    Reply pool = Call("GET", "/api/v1/pool?q=%E6%BE%9C%E6%B6%9B", nullptr, carol_.token);
    EXPECT_EQ(pool.body["total"], 1) << pool.body.dump();

    ASSERT_EQ(Call("POST", PathOf(c) + "/claim", nullptr, carol_.token).status, 200);
    EXPECT_EQ(found(carol_.token), "yyyy");
    EXPECT_EQ(found(bob_.token, "&in_pool=any"), "nnnn");

    ASSERT_EQ(Call("POST", "/api/v1/users/" + std::to_string(carol_.id) + "/handover",
                   {{"to_user_id", alice_.id}}, admin())
                  .status,
              200);
    EXPECT_EQ(found(carol_.token), "nnnn");
    EXPECT_EQ(found(alice_.token), "yyyy");
    EXPECT_EQ(found(admin()), "yyyy");  // scope all
}

TEST_P(OwnershipTest, TransferNeedsThePermission) {
    json c = CreateCustomer(alice_.token, {{"name", "转移测试公司"}});
    Reply refused = Transfer(alice_.token, json::array({c["id"]}), bob_.id);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.code(), "forbidden");
    EXPECT_EQ(Owner(c), alice_.id);

    Reply moved = Transfer(boss_.token, json::array({c["id"]}), carol_.id, "调整区域");
    ASSERT_EQ(moved.status, 200) << moved.body.dump();
    EXPECT_EQ(moved.body["transferred"], 1);
    Reply got = Call("GET", PathOf(c), nullptr, carol_.token);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.body["owner_id"], carol_.id);
    EXPECT_EQ(got.body["department_id"], dept_two_);  // follows the new owner
    EXPECT_EQ(Call("GET", PathOf(c), nullptr, alice_.token).status, 404);
    const json history = History(c);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0]["kind"], "transfer");
    EXPECT_EQ(history[0]["from_user_id"], alice_.id);
    EXPECT_EQ(history[0]["to_user_id"], carol_.id);
    EXPECT_EQ(history[0]["by_user_id"], boss_.id);
    EXPECT_EQ(history[0]["reason"], "调整区域");
    // Changing the owner in a PATCH is a transfer too: it needs the permission and is recorded.
    EXPECT_EQ(Call("PATCH", PathOf(c), {{"owner_id", carol_.id}}, carol_.token).status,
              200);  // unchanged owner
    EXPECT_EQ(Call("PATCH", PathOf(c), {{"owner_id", alice_.id}}, carol_.token).status, 403);
    EXPECT_EQ(Owner(c), carol_.id);
    ASSERT_EQ(Call("PATCH", PathOf(c), {{"owner_id", alice_.id}}, admin()).status, 200);
    EXPECT_EQ(History(c)[0]["kind"], "transfer");
    EXPECT_EQ(History(c)[0]["from_user_id"], carol_.id);
}

TEST_P(OwnershipTest, TransferToADeactivatedOrUnknownUserIsRefusedAndChangesNothing) {
    json c1 = CreateCustomer(alice_.token, {{"name", "客户甲"}});
    json c2 = CreateCustomer(bob_.token, {{"name", "客户乙"}});
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(carol_.id), {{"active", false}}, admin())
            .status,
        200);
    for (const json& to : {json(carol_.id), json(999999)}) {
        Reply r = Transfer(boss_.token, {c1["id"], c2["id"]}, to);
        EXPECT_EQ(r.status, 422) << r.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("owner_id")) << r.body.dump();
    }
    Reply patch = Call("PATCH", PathOf(c1), {{"owner_id", carol_.id}}, admin());
    EXPECT_EQ(patch.status, 422);
    for (const json& bad_ids : {json::array(), json::array({"x"}), json::array({-1}), json("1")}) {
        Reply r = Transfer(boss_.token, bad_ids, bob_.id);
        EXPECT_EQ(r.status, 422) << bad_ids.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("ids")) << r.body.dump();
    }
    EXPECT_EQ(Owner(c1), alice_.id);
    EXPECT_EQ(Owner(c2), bob_.id);
    EXPECT_EQ(History(c1).size(), 1u);
    // The deactivated user's customers can be handed to an active colleague.
    json another = CreateCustomer(admin(), {{"name", "客户丙"}, {"owner_id", alice_.id}});
    EXPECT_EQ(Transfer(admin(), json::array({another["id"]}), bob_.id).status, 200);
}

TEST_P(OwnershipTest, ATransferWithOneInvisibleIdChangesNothing) {
    json visible = CreateCustomer(alice_.token, {{"name", "看得见的公司"}});
    json hidden =
        CreateCustomer(carol_.token, {{"name", "看不见的公司"}});  // 销售二部: outside boss's tree
    Reply r = Transfer(boss_.token, {visible["id"], hidden["id"]}, bob_.id);
    EXPECT_EQ(r.status, 404) << r.body.dump();
    EXPECT_EQ(r.body["error"]["details"]["id"], hidden["id"]);
    EXPECT_EQ(r.raw.body.find("看不见"), std::string::npos);
    EXPECT_EQ(Owner(visible), alice_.id);
    EXPECT_EQ(Owner(hidden), carol_.id);
    EXPECT_EQ(History(visible).size(), 1u);
    EXPECT_EQ(Transfer(boss_.token, {visible["id"], 999999}, bob_.id).status, 404);
    EXPECT_EQ(Owner(visible), alice_.id);
}

TEST_P(OwnershipTest, HandoverMovesEveryCustomerOfAUserInOneGo) {
    std::vector<json> hers;
    for (int i = 0; i < 3; ++i)
        hers.push_back(CreateCustomer(alice_.token, {{"name", "交接客户" + std::to_string(i)}}));
    json bobs = CreateCustomer(bob_.token, {{"name", "Bob 的客户"}});
    const std::string path = "/api/v1/users/" + std::to_string(alice_.id) + "/handover";

    // Refusals first: nothing may move.
    EXPECT_EQ(Call("POST", path, {{"to_user_id", carol_.id}}, boss_.token).status, 403);
    EXPECT_EQ(Call("POST", path, {{"to_user_id", alice_.id}}, admin()).status, 422);
    EXPECT_EQ(Call("POST", path, {{"to_user_id", 999999}}, admin()).status, 422);
    EXPECT_EQ(Call("POST", path, {{"to", carol_.id}}, admin()).status, 422);
    EXPECT_EQ(
        Call("POST", "/api/v1/users/999999/handover", {{"to_user_id", carol_.id}}, admin()).status,
        404);
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(bob_.id), {{"active", false}}, admin())
            .status,
        200);
    EXPECT_EQ(Call("POST", path, {{"to_user_id", bob_.id}}, admin()).status, 422);
    for (const auto& c : hers) EXPECT_EQ(Owner(c), alice_.id);

    // alice leaves: deactivated, then her customers go to carol.
    ASSERT_EQ(
        Call("PATCH", "/api/v1/users/" + std::to_string(alice_.id), {{"active", false}}, admin())
            .status,
        200);
    Reply r = Call("POST", path, {{"to_user_id", carol_.id}}, admin(), "192.0.2.10");
    ASSERT_EQ(r.status, 200) << r.body.dump();
    EXPECT_EQ(r.body["transferred"], 3);
    Reply carols = Call("GET", "/api/v1/customers", nullptr, carol_.token);
    EXPECT_EQ(carols.body["total"], 3);
    for (const auto& item : carols.body["items"]) EXPECT_EQ(item["department_id"], dept_two_);
    EXPECT_EQ(Owner(bobs), bob_.id);
    for (const auto& c : hers) {
        const json h = History(c);
        ASSERT_EQ(h.size(), 2u);
        EXPECT_EQ(h[0]["kind"], "handover");
        EXPECT_EQ(h[0]["from_user_id"], alice_.id);
        EXPECT_EQ(h[0]["to_user_id"], carol_.id);
        EXPECT_EQ(h[0]["by_user_id"], Call("GET", "/api/v1/me", nullptr, admin()).body["id"]);
    }
    const json audit = AuditLog("&action=user.handover");
    ASSERT_EQ(audit["total"], 1);
    EXPECT_EQ(audit["items"][0]["entity_id"], alice_.id);
    EXPECT_EQ(audit["items"][0]["details"]["customers"], 3);
    EXPECT_EQ(audit["items"][0]["ip"], "192.0.2.10");
    // Nothing left to hand over.
    EXPECT_EQ(Call("POST", path, {{"to_user_id", carol_.id}}, admin()).body["transferred"], 0);
}

TEST_P(OwnershipTest, ReleasePutsACustomerInThePoolAndClaimTakesItOut) {
    json c = CreateCustomer(alice_.token, {{"name", "公海测试公司"}});
    EXPECT_EQ(Call("GET", PathOf(c), nullptr, bob_.token).status, 404);
    EXPECT_EQ(Call("POST", PathOf(c) + "/claim", nullptr, bob_.token).status,
              404);  // not in the pool, not his to see

    Reply released =
        Call("POST", PathOf(c) + "/release", {{"reason", "客户暂无需求"}}, alice_.token);
    ASSERT_EQ(released.status, 200) << released.body.dump();
    EXPECT_EQ(released.body["owner_id"], nullptr);
    EXPECT_TRUE(released.body["in_pool"].get<bool>());
    Reply pool = Call("GET", "/api/v1/pool", nullptr, carol_.token);
    ASSERT_EQ(pool.body["total"], 1);
    EXPECT_EQ(pool.body["items"][0]["id"], c["id"]);
    EXPECT_EQ(Call("GET", "/api/v1/customers?in_pool=true", nullptr, bob_.token).body["total"], 1);
    EXPECT_EQ(Call("POST", PathOf(c) + "/release", nullptr, alice_.token).status, 409);

    Reply claimed = Call("POST", PathOf(c) + "/claim", nullptr, carol_.token);
    ASSERT_EQ(claimed.status, 200) << claimed.body.dump();
    EXPECT_EQ(claimed.body["owner_id"], carol_.id);
    EXPECT_EQ(claimed.body["department_id"], dept_two_);
    EXPECT_EQ(Call("GET", "/api/v1/pool", nullptr, carol_.token).body["total"], 0);
    Reply late = Call("POST", PathOf(c) + "/claim", nullptr, bob_.token);
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.code(), "already_claimed");
    EXPECT_EQ(late.raw.body.find("公海测试"), std::string::npos);
    EXPECT_EQ(Call("GET", PathOf(c), nullptr, alice_.token).status, 404);  // no longer hers

    // Releasing someone else's customer needs customers.transfer, and seeing it.
    const std::int64_t viewer =
        CreateRole("dept_viewer", "department", json::array({"customers.view", "customers.edit"}));
    TestUser dana = CreateUser("dana", viewer, dept_two_);
    EXPECT_EQ(Call("POST", PathOf(c) + "/release", nullptr, dana.token).status, 403);
    EXPECT_EQ(Call("POST", PathOf(c) + "/release", nullptr, boss_.token).status,
              404);  // 销售二部 is not in his tree
    EXPECT_EQ(Owner(c), carol_.id);
    EXPECT_EQ(Call("POST", PathOf(c) + "/release", {{"reason", 42}}, carol_.token).status, 422);
    EXPECT_EQ(Call("POST", PathOf(c) + "/release", nullptr, admin()).status, 200);
    EXPECT_EQ(Owner(c), nullptr);
}

// A pool customer is visible to everyone with customers.view; without this rule anyone with
// customers.edit or customers.delete could rewrite or delete customers outside their scope.
TEST_P(OwnershipTest, APoolCustomerIsClaimedBeforeItIsChangedUnlessTheCallerManagesThePool) {
    json c = CreateCustomer(alice_.token, {{"name", "公海修改测试"}, {"region", "华东"}});
    const std::string path = PathOf(c);
    Reply contact = Call("POST", path + "/contacts", {{"name", "张三"}}, alice_.token);
    ASSERT_EQ(contact.status, 201);
    const std::string contact_path = path + "/contacts/" + contact.body["id"].dump();
    ASSERT_EQ(Call("POST", path + "/release", json::object(), alice_.token).status, 200);
    const json before = Call("GET", path, nullptr, admin()).body;

    // carol (another department), the manager boss, and a self-scope role that may delete: all
    // see it, none may change it before claiming it.
    TestUser deleter = CreateUser(
        "deleter",
        CreateRole("deleter", "self",
                   json::array({"customers.view", "customers.edit", "customers.delete"})),
        dept_two_);
    for (const TestUser* user : {&carol_, &boss_, &deleter}) {
        ASSERT_EQ(Call("GET", path, nullptr, user->token).status, 200);
        for (const auto& [method, target, body] :
             std::vector<std::tuple<std::string, std::string, json>>{
                 {"PATCH", path, {{"region", "改了"}}},
                 {"DELETE", path, nullptr},
                 {"POST", path + "/contacts", {{"name", "李四"}}},
                 {"PATCH", contact_path, {{"title", "经理"}}},
                 {"DELETE", contact_path, nullptr}}) {
            Reply r = Call(method, target, body, user->token);
            EXPECT_EQ(r.status, 403) << method << " " << target << " → " << r.raw.body;
            // carol (sales) may not delete customers at all.
            const bool no_permission = user == &carol_ && method == "DELETE" && target == path;
            EXPECT_EQ(r.code(), no_permission ? "forbidden" : "claim_first")
                << user->id << " " << method << " " << target;
        }
    }
    EXPECT_EQ(Call("GET", path, nullptr, admin()).body, before);

    // pool.manage: the admin role has it (every permission), and a role may be given it.
    Reply me = Call("GET", "/api/v1/me", nullptr, admin());
    const json& perms = me.body["permissions"];
    EXPECT_NE(std::find(perms.begin(), perms.end(), "pool.manage"), perms.end()) << me.raw.body;
    TestUser keeper = CreateUser("keeper",
                                 CreateRole("pool_keeper", "self",
                                            json::array({"customers.view", "customers.edit",
                                                         "customers.delete", "pool.manage"})),
                                 dept_two_);
    Reply patched = Call("PATCH", path, {{"region", "华南"}}, keeper.token);
    ASSERT_EQ(patched.status, 200) << patched.raw.body;
    EXPECT_EQ(patched.body["owner_id"], nullptr);  // still in the pool
    EXPECT_EQ(Call("PATCH", contact_path, {{"title", "经理"}}, keeper.token).status, 200);
    EXPECT_EQ(Call("DELETE", contact_path, nullptr, keeper.token).status, 204);
    EXPECT_EQ(Call("POST", contact_path + "/restore", nullptr, keeper.token).status, 200);
    ASSERT_EQ(Call("DELETE", path, nullptr, keeper.token).status, 204);
    // A deleted pool customer comes back by one who manages the pool too.
    TestUser restorer = CreateUser(
        "restorer",
        CreateRole("restorer", "all", json::array({"customers.view", "customers.delete"})),
        dept_two_);
    Reply refused = Call("POST", path + "/restore", nullptr, restorer.token);
    EXPECT_EQ(refused.status, 403) << refused.raw.body;
    EXPECT_EQ(refused.code(), "claim_first");
    ASSERT_EQ(Call("POST", path + "/restore", nullptr, keeper.token).status, 200);

    // Claimed, it is carol's to change.
    ASSERT_EQ(Call("POST", path + "/claim", nullptr, carol_.token).status, 200);
    Reply mine = Call("PATCH", path, {{"region", "西南"}}, carol_.token);
    EXPECT_EQ(mine.status, 200) << mine.raw.body;
    EXPECT_EQ(Call("PATCH", contact_path, {{"title", "总监"}}, carol_.token).status, 200);
}

TEST_P(OwnershipTest, OfTwoSimultaneousClaimsExactlyOneWins) {
    // alice and carol are in different departments and cannot see each other's customers: the
    // loser still learns that the customer was claimed (409), not that it vanished (404).
    for (int round = 0; round < 20; ++round) {
        json c = CreateCustomer(
            admin(), {{"name", "抢单客户 " + std::to_string(round)}, {"owner_id", nullptr}});
        ASSERT_EQ(c["owner_id"], nullptr);
        const std::string path = PathOf(c) + "/claim";
        std::latch start(2);
        Reply replies[2];
        const std::string* tokens[2] = {&alice_.token, &carol_.token};
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                replies[i] = Call("POST", path, nullptr, *tokens[i]);
            });
        }
        for (auto& t : threads) t.join();
        const int winner = replies[0].status == 200 ? 0 : 1;
        const int loser = 1 - winner;
        ASSERT_EQ(replies[winner].status, 200)
            << "round " << round << ": " << replies[winner].body.dump();
        EXPECT_EQ(replies[loser].status, 409)
            << "round " << round << ": " << replies[loser].body.dump();
        EXPECT_EQ(replies[loser].code(), "already_claimed");
        const std::int64_t winner_id = winner == 0 ? alice_.id : carol_.id;
        EXPECT_EQ(Owner(c), winner_id);
        const json history = History(c);
        ASSERT_EQ(history.size(), 2u) << history.dump();
        EXPECT_EQ(history[0]["kind"], "claim");
        EXPECT_EQ(history[0]["to_user_id"], winner_id);
    }
    EXPECT_EQ(Call("GET", "/api/v1/pool", nullptr, admin()).body["total"], 0);
    EXPECT_EQ(AuditLog("&action=customer.claim")["total"], 20);
}

TEST_P(OwnershipTest, HistoryRecordsWhoMovedACustomerFromWhomToWhomAndWhy) {
    json c = CreateCustomer(alice_.token, {{"name", "历史记录公司"}});
    ASSERT_EQ(Transfer(boss_.token, json::array({c["id"]}), bob_.id, "重新分配").status, 200);
    ASSERT_EQ(Call("POST", PathOf(c) + "/release", {{"reason", "联系不上"}}, bob_.token).status,
              200);
    ASSERT_EQ(Call("POST", PathOf(c) + "/claim", nullptr, carol_.token).status, 200);
    const json h = History(c);
    ASSERT_EQ(h.size(), 4u) << h.dump();
    struct Row {
        const char* kind;
        json from, to, by, reason;
    };
    const Row expected[] = {
        {"claim", nullptr, carol_.id, carol_.id, nullptr},
        {"release", bob_.id, nullptr, bob_.id, "联系不上"},
        {"transfer", alice_.id, bob_.id, boss_.id, "重新分配"},
        {"create", nullptr, alice_.id, alice_.id, nullptr},
    };
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(h[i]["kind"], expected[i].kind) << i;
        EXPECT_EQ(h[i]["from_user_id"], expected[i].from) << i;
        EXPECT_EQ(h[i]["to_user_id"], expected[i].to) << i;
        EXPECT_EQ(h[i]["by_user_id"], expected[i].by) << i;
        EXPECT_EQ(h[i]["reason"], expected[i].reason) << i;
        EXPECT_TRUE(h[i]["at"].is_string() && h[i]["at"].get<std::string>().size() == 20)
            << h[i].dump();
    }
    EXPECT_EQ(h[2]["from_user_name"], "alice");
    EXPECT_EQ(h[2]["by_user_name"], "boss");
    // The new owner sees the history; the old owners no longer see the customer at all.
    EXPECT_EQ(Call("GET", PathOf(c) + "/history", nullptr, carol_.token).status, 200);
    EXPECT_EQ(Call("GET", PathOf(c) + "/history", nullptr, alice_.token).status, 404);
}

TEST_P(OwnershipTest, EveryWriteLoginAndExportIsInTheAuditLog) {
    const std::string ip = "198.51.100.23";
    const std::int64_t admin_id = Call("GET", "/api/v1/me", nullptr, admin()).body["id"];
    ASSERT_EQ(Call("POST", "/api/v1/auth/login",
                   {{"username", "alice"}, {"password", "wrong-password"}}, "", ip)
                  .status,
              401);
    Reply login = Call("POST", "/api/v1/auth/login",
                       {{"username", "alice"}, {"password", kPassword}}, "", ip);
    ASSERT_EQ(login.status, 200);
    const std::string token = login.body["token"];
    Reply created = Call("POST", "/api/v1/customers", {{"name", "审计测试公司"}}, token, ip);
    ASSERT_EQ(created.status, 201);
    const std::int64_t id = created.body["id"];
    const std::string path = "/api/v1/customers/" + std::to_string(id);
    ASSERT_EQ(Call("PATCH", path, {{"region", "华北"}}, token, ip).status, 200);
    ASSERT_EQ(Call("POST", path + "/contacts", {{"name", "赵六"}}, token, ip).status, 201);
    ASSERT_EQ(
        Call("POST", path + "/followups", {{"kind", "visit"}, {"content", "上门拜访"}}, token, ip)
            .status,
        201);
    ASSERT_EQ(Call("POST", path + "/release", nullptr, token, ip).status, 200);
    ASSERT_EQ(Call("POST", path + "/claim", nullptr, bob_.token, ip).status, 200);
    ASSERT_EQ(Call("POST", "/api/v1/customers/transfer", {{"ids", {id}}, {"owner_id", alice_.id}},
                   boss_.token, ip)
                  .status,
              200);
    ASSERT_EQ(Call("GET", "/api/v1/customers/export?format=csv&region=%E5%8D%8E%E5%8C%97", nullptr,
                   boss_.token, ip)
                  .status,
              200);
    ASSERT_EQ(Call("DELETE", path, nullptr, admin(), ip).status, 204);
    ASSERT_EQ(Call("POST", path + "/restore", nullptr, admin(), ip).status, 200);
    Reply dept = Call("POST", "/api/v1/departments", {{"name", "审计部"}}, admin(), ip);
    ASSERT_EQ(dept.status, 201);
    Reply role =
        Call("POST", "/api/v1/roles",
             {{"name", "auditor"}, {"data_scope", "self"}, {"permissions", {"audit.view"}}},
             admin(), ip);
    ASSERT_EQ(role.status, 201);
    Reply user = Call("POST", "/api/v1/users",
                      {{"username", "erin"},
                       {"display_name", "Erin"},
                       {"password", "erin-secret-1"},
                       {"role_id", role.body["id"]}},
                      admin(), ip);
    ASSERT_EQ(user.status, 201);
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + user.body["id"].dump(),
                   {{"password", "erin-secret-2"}}, admin(), ip)
                  .status,
              200);
    ASSERT_EQ(Call("POST", "/api/v1/auth/logout", nullptr, token, ip).status, 204);

    struct Expect {
        const char* action;
        json user_id;
        const char* entity;
        json entity_id;
    };
    const std::vector<Expect> expected = {
        {"auth.login_failed", alice_.id, "user", alice_.id},
        {"auth.login", alice_.id, "user", alice_.id},
        {"customer.create", alice_.id, "customer", id},
        {"customer.update", alice_.id, "customer", id},
        {"contact.create", alice_.id, "customer", id},
        {"followup.create", alice_.id, "customer", id},
        {"customer.release", alice_.id, "customer", id},
        {"customer.claim", bob_.id, "customer", id},
        {"customer.transfer", boss_.id, "customer", nullptr},
        {"customer.export", boss_.id, "customer", nullptr},
        {"customer.delete", admin_id, "customer", id},
        {"customer.restore", admin_id, "customer", id},
        {"department.create", admin_id, "department", dept.body["id"]},
        {"role.create", admin_id, "role", role.body["id"]},
        {"user.create", admin_id, "user", user.body["id"]},
        {"user.update", admin_id, "user", user.body["id"]},
        {"auth.logout", alice_.id, "user", alice_.id},
    };
    const json log = AuditLog("&from=2000-01-01T00:00:00Z");
    for (const auto& e : expected) {
        int found = 0;
        for (const auto& item : log["items"]) {
            if (item["action"] != e.action || item["user_id"] != e.user_id ||
                item["entity_id"] != e.entity_id)
                continue;
            if (item["ip"] != ip) continue;  // SetUp's own writes came from the default address
            ++found;
            EXPECT_EQ(item["entity"], e.entity) << item.dump();
            EXPECT_TRUE(item["at"].is_string()) << item.dump();
            EXPECT_FALSE(item["request_id"].get<std::string>().empty()) << item.dump();
        }
        EXPECT_EQ(found, 1) << e.action;
    }
    // The export entry says what was exported; the log never holds a password.
    for (const auto& item : log["items"]) {
        if (item["action"] == "customer.export" && item["ip"] == ip) {
            EXPECT_EQ(item["details"]["rows"], 1);
            EXPECT_EQ(item["details"]["filters"]["region"], "华北");
        }
    }
    const std::string raw = log.dump();
    for (const char* secret :
         {"wrong-password", "erin-secret-1", "erin-secret-2", "password-123"}) {
        EXPECT_EQ(raw.find(secret), std::string::npos) << secret;
    }
    EXPECT_EQ(raw.find("argon2"), std::string::npos);
}

TEST_P(OwnershipTest, OnlyAdminsReadTheAuditLog) {
    for (const TestUser* user : {&alice_, &boss_}) {
        Reply r = Call("GET", "/api/v1/audit-log", nullptr, user->token);
        EXPECT_EQ(r.status, 403);
        EXPECT_EQ(r.code(), "forbidden");
    }
    EXPECT_EQ(Call("GET", "/api/v1/audit-log").status, 401);
    EXPECT_EQ(Call("GET", "/api/v1/audit-log", nullptr, admin()).status, 200);
}

TEST_P(OwnershipTest, AuditLogFiltersWorkAndBadValuesAreRejected) {
    for (int i = 0; i < 3; ++i)
        CreateCustomer(alice_.token, {{"name", "筛选公司" + std::to_string(i)}});
    CreateCustomer(bob_.token, {{"name", "Bob 筛选公司"}});

    const json by_alice = AuditLog("&user_id=" + std::to_string(alice_.id));
    ASSERT_GT(by_alice["total"].get<int>(), 3);  // her login too
    for (const auto& item : by_alice["items"]) EXPECT_EQ(item["user_id"], alice_.id) << item.dump();

    const json creates = AuditLog("&action=customer.create");
    EXPECT_EQ(creates["total"], 4);
    for (const auto& item : creates["items"]) EXPECT_EQ(item["action"], "customer.create");

    const json hers = AuditLog("&action=customer.create&user_id=" + std::to_string(alice_.id));
    EXPECT_EQ(hers["total"], 3);
    EXPECT_EQ(AuditLog("&action=customer.create&user_id=" + std::to_string(carol_.id))["total"], 0);
    EXPECT_EQ(AuditLog("&action=no.such.action")["total"], 0);
    EXPECT_EQ(AuditLog("&from=2999-01-01T00:00:00Z")["total"], 0);
    // Newest first; paging.
    Reply page = Call("GET", "/api/v1/audit-log?action=customer.create&page_size=1&page=4", nullptr,
                      admin());
    ASSERT_EQ(page.body["items"].size(), 1u);
    EXPECT_EQ(page.body["total"], 4);
    EXPECT_EQ(page.body["items"][0]["details"]["name"], "筛选公司0");

    for (const char* bad :
         {"user_id=abc", "user_id=0", "user_id=-3", "entity_id=x", "from=yesterday",
          "to=2026-13-01", "colour=red", "sort=ip", "page_size=1000"}) {
        Reply r = Call("GET", std::string("/api/v1/audit-log?") + bad, nullptr, admin());
        EXPECT_EQ(r.status, 400) << bad << ": " << r.body.dump();
    }
}

GUANXI_API_TEST_SUITE(OwnershipTest);

}  // namespace
}  // namespace guanxi::testing
