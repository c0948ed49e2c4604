// Customers: create, read, update with versions, delete and restore, lists with filters and
// sorting, search (Chinese 1, 2 and 4 characters, Latin case-insensitively), contacts and
// follow-ups.

#include "api_test_support.hpp"

namespace guanxi::testing {
namespace {

using nlohmann::json;

class CustomersTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        sales_dept_ = CreateDepartment("销售一部");
        alice_ = CreateUser("alice", RoleId("sales"), sales_dept_);
    }
    std::int64_t sales_dept_ = 0;
    TestUser alice_;
};

TEST_P(CustomersTest, CreateDefaultsOwnerAndDepartmentToTheCreator) {
    json c = CreateCustomer(
        alice_.token,
        {{"name", "深圳华强科技有限公司"}, {"phone", "138 0013 8000"}, {"category", "potential"}});
    EXPECT_EQ(c["owner_id"], alice_.id);
    EXPECT_EQ(c["department_id"], sales_dept_);
    EXPECT_EQ(c["version"], 1);
    EXPECT_EQ(c["tags"], json::array());
    Reply got = Call("GET", "/api/v1/customers/" + c["id"].dump(), nullptr, alice_.token);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.body["name"], "深圳华强科技有限公司");
    EXPECT_EQ(got.body["owner_name"], "alice");
}

TEST_P(CustomersTest, PatchWithAStaleVersionIsAConflictAndChangesNothing) {
    json c = CreateCustomer(alice_.token, {{"name", "Brightpath Logistics Ltd."}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    Reply first = Call("PATCH", path, {{"region", "华东"}, {"version", 1}}, alice_.token);
    ASSERT_EQ(first.status, 200) << first.body.dump();
    EXPECT_EQ(first.body["version"], 2);
    Reply stale = Call("PATCH", path, {{"region", "华南"}, {"version", 1}}, alice_.token);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.code(), "stale_version");
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["region"], "华东");
}

TEST_P(CustomersTest, DeleteGoesToTheRecycleBinAndRestoreBringsItBack) {
    const std::int64_t manager_role = RoleId("manager");
    TestUser boss = CreateUser("boss", manager_role, sales_dept_);
    json c = CreateCustomer(boss.token, {{"name", "回收站测试公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    EXPECT_EQ(Call("DELETE", path, nullptr, alice_.token).status, 403);  // sales may not delete
    EXPECT_EQ(Call("DELETE", path, nullptr, boss.token).status, 204);
    EXPECT_EQ(Call("GET", path, nullptr, boss.token).status, 404);
    Reply bin = Call("GET", "/api/v1/customers?deleted=true", nullptr, boss.token);
    ASSERT_EQ(bin.status, 200);
    ASSERT_EQ(bin.body["total"], 1);
    EXPECT_EQ(bin.body["items"][0]["id"], c["id"]);
    // The bin says who deleted it and when (#14 item 9).
    EXPECT_EQ(bin.body["items"][0]["deleted_by"], boss.id) << bin.raw.body;
    EXPECT_EQ(bin.body["items"][0]["deleted_by_name"], "boss") << bin.raw.body;
    EXPECT_TRUE(bin.body["items"][0]["deleted_at"].is_string()) << bin.raw.body;
    EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, boss.token).body["total"], 0);
    Reply restored = Call("POST", path + "/restore", nullptr, boss.token);
    ASSERT_EQ(restored.status, 200) << restored.body.dump();
    EXPECT_EQ(Call("GET", path, nullptr, boss.token).status, 200);
    // A live customer's answers do not carry the bin's members; whoever deletes it next is named.
    Reply live = Call("GET", "/api/v1/customers", nullptr, boss.token);
    ASSERT_EQ(live.body["total"], 1);
    EXPECT_FALSE(live.body["items"][0].contains("deleted_by")) << live.raw.body;
    EXPECT_EQ(Call("DELETE", path, nullptr, admin()).status, 204);
    Reply again = Call("GET", "/api/v1/customers?deleted=true", nullptr, admin());
    ASSERT_EQ(again.body["total"], 1) << again.raw.body;
    EXPECT_NE(again.body["items"][0]["deleted_by"], boss.id) << again.raw.body;
    EXPECT_EQ(again.body["items"][0]["deleted_by_name"],
              Call("GET", "/api/v1/me", nullptr, admin()).body["display_name"])
        << again.raw.body;
}

TEST_P(CustomersTest, RestoreClearsWhoDeletedIt) {
    json c = CreateCustomer(admin(), {{"name", "清空删除人公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    ASSERT_EQ(Call("DELETE", path, nullptr, admin()).status, 204);
    ASSERT_EQ(Call("POST", path + "/restore", nullptr, admin()).status, 200);
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto row = (*conn)->QueryOne("SELECT deleted_by FROM customers WHERE id = ?",
                                 {c["id"].get<std::int64_t>()});
    ASSERT_TRUE(row.ok() && row->has_value());
    EXPECT_TRUE((*row)->IsNull(0));
}

TEST_P(CustomersTest, ListFiltersSortsAndPaginates) {
    for (int i = 0; i < 7; ++i) {
        CreateCustomer(alice_.token, {{"name", "Company " + std::to_string(i)},
                                      {"category", i % 2 == 0 ? "core" : "potential"},
                                      {"tags", i == 3 ? json::array({"VIP"}) : json::array()}});
    }
    Reply page =
        Call("GET", "/api/v1/customers?page=2&page_size=3&sort=name", nullptr, alice_.token);
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.body["total"], 7);
    EXPECT_EQ(page.body["page"], 2);
    ASSERT_EQ(page.body["items"].size(), 3u);
    EXPECT_EQ(page.body["items"][0]["name"], "Company 3");
    Reply core = Call("GET", "/api/v1/customers?category=core", nullptr, alice_.token);
    EXPECT_EQ(core.body["total"], 4);
    Reply vip = Call("GET", "/api/v1/customers?tag=VIP", nullptr, alice_.token);
    ASSERT_EQ(vip.body["total"], 1);
    EXPECT_EQ(vip.body["items"][0]["name"], "Company 3");
    Reply desc = Call("GET", "/api/v1/customers?sort=-name&page_size=1", nullptr, alice_.token);
    EXPECT_EQ(desc.body["items"][0]["name"], "Company 6");
    Reply counts = Call("GET", "/api/v1/customers/counts", nullptr, alice_.token);
    EXPECT_EQ(counts.body["by_category"]["core"], 4);
    EXPECT_EQ(counts.body["total"], 7);
}

// List pages are written straight as JSON text; every item must say exactly what GET says.
TEST_P(CustomersTest, ListItemsAreTheSameObjectsAsGet) {
    for (const auto& [key, type] : {std::pair{"level", "text"}, {"n", "integer"}}) {
        Reply field = Call("POST", "/api/v1/custom-fields",
                           {{"entity", "customers"},
                            {"key", key},
                            {"type", type},
                            {"label", {{"zh-CN", key}, {"en", std::string(key) + " (en)"}}}},
                           admin());
        ASSERT_EQ(field.status, 201) << field.raw.body;
    }
    const json created = CreateCustomer(admin(), {{"name", "引号\"与\\反斜杠 <b>&</b> 公司"},
                                                  {"category", "core"},
                                                  {"tags", {"VIP", "重点客户"}},
                                                  {"custom", {{"level", "A"}, {"n", 1}}},
                                                  {"phone", "+86 138-0000-1111"},
                                                  {"next_contact_at", "2031-05-06T07:08:09Z"}});
    Reply list = Call("GET", "/api/v1/customers?q=%E5%BC%95%E5%8F%B7", nullptr, admin());
    ASSERT_EQ(list.status, 200) << list.raw.body;
    ASSERT_EQ(list.body["items"].size(), 1u) << list.raw.body;
    json got = Call("GET", "/api/v1/customers/" + created["id"].dump(), nullptr, admin()).body;
    got.erase("contacts");
    EXPECT_EQ(list.body["items"][0], got);
    EXPECT_EQ(list.body["items"][0]["tags"], json({"VIP", "重点客户"}));
    EXPECT_EQ(list.body["items"][0]["custom"]["n"], 1);
    EXPECT_EQ(list.body["items"][0]["owner_name"], got["owner_name"]);
    EXPECT_EQ(list.body["total"], 1);
    EXPECT_EQ(list.body["page"], 1);
    EXPECT_EQ(list.body["page_size"], 50);
}

TEST_P(CustomersTest, UnknownFiltersSortsAndBadPagesAreRejected) {
    Reply unknown = Call("GET", "/api/v1/customers?colour=red", nullptr, alice_.token);
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.code(), "unknown_filter");
    EXPECT_EQ(unknown.body["error"]["details"]["parameter"], "colour");
    Reply sort = Call("GET", "/api/v1/customers?sort=password_hash", nullptr, alice_.token);
    EXPECT_EQ(sort.status, 400);
    EXPECT_EQ(sort.code(), "unknown_sort");
    for (const char* bad :
         {"page_size=0", "page_size=501", "page_size=-5", "page=abc", "page_size=99999999999"}) {
        Reply r = Call("GET", std::string("/api/v1/customers?") + bad, nullptr, alice_.token);
        EXPECT_EQ(r.status, 400) << bad;
    }
    EXPECT_EQ(Call("GET", "/api/v1/customers?category=vip", nullptr, alice_.token).status, 400);
    EXPECT_EQ(Call("GET", "/api/v1/customers?owner_id=abc", nullptr, alice_.token).status, 400);
}

TEST_P(CustomersTest, SearchFindsOneTwoAndFourChineseCharactersAndLatinCaseInsensitively) {
    json huaqiang = CreateCustomer(
        alice_.token, {{"name", "深圳华强科技有限公司"}, {"email", "Sales@HuaQiang.cn"}});
    CreateCustomer(alice_.token, {{"name", "上海鑫源贸易有限公司"}, {"phone", "021-6552-1234"}});
    json bright = CreateCustomer(alice_.token, {{"name", "Brightpath Logistics Ltd."}});
    Reply contact = Call("POST", "/api/v1/customers/" + bright["id"].dump() + "/contacts",
                         {{"name", "王小明"}, {"phone", "13912345678"}}, alice_.token);
    ASSERT_EQ(contact.status, 201);

    const auto names = [&](const std::string& q) {
        std::vector<std::string> out;
        Reply r = Call("GET", "/api/v1/customers?sort=name&q=" + q, nullptr, alice_.token);
        EXPECT_EQ(r.status, 200) << q;
        for (const auto& item : r.body["items"]) out.push_back(item["name"]);
        return out;
    };
    // %E7%A7%91 = 科, %E7%A7%91%E6%8A%80 = 科技, 华强科技, 贸易
    EXPECT_EQ(names("%E7%A7%91"), std::vector<std::string>{"深圳华强科技有限公司"});
    EXPECT_EQ(names("%E7%A7%91%E6%8A%80"), std::vector<std::string>{"深圳华强科技有限公司"});
    EXPECT_EQ(names("%E5%8D%8E%E5%BC%BA%E7%A7%91%E6%8A%80"),
              std::vector<std::string>{"深圳华强科技有限公司"});
    EXPECT_EQ(names("%E8%B4%B8%E6%98%93"), std::vector<std::string>{"上海鑫源贸易有限公司"});
    EXPECT_EQ(names("brightPATH"), std::vector<std::string>{"Brightpath Logistics Ltd."});
    EXPECT_EQ(names("huaqiang"), std::vector<std::string>{"深圳华强科技有限公司"});
    // A contact's name and phone find the customer; phones match as digits.
    EXPECT_EQ(names("%E5%B0%8F%E6%98%8E"), std::vector<std::string>{"Brightpath Logistics Ltd."});
    EXPECT_EQ(names("13912345678"), std::vector<std::string>{"Brightpath Logistics Ltd."});
    EXPECT_EQ(names("65521234"), std::vector<std::string>{"上海鑫源贸易有限公司"});
    // A term that occurs nowhere, and LIKE metacharacters, find nothing.
    EXPECT_TRUE(names("%E7%A7%91%E5%B9%BB").empty());
    EXPECT_TRUE(names("%25").empty());
    EXPECT_TRUE(names("_").empty());
    // Renaming updates the index.
    ASSERT_EQ(Call("PATCH", "/api/v1/customers/" + huaqiang["id"].dump(),
                   {{"name", "深圳华强电子有限公司"}}, alice_.token)
                  .status,
              200);
    EXPECT_TRUE(names("%E7%A7%91%E6%8A%80").empty());
}

TEST_P(CustomersTest, FollowUpUpdatesLastAndNextContact) {
    json c = CreateCustomer(alice_.token, {{"name", "跟进测试公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump();
    Reply f = Call("POST", path + "/followups",
                   {{"kind", "call"},
                    {"content", "电话沟通报价"},
                    {"contacted_at", "2026-11-20T02:00:00Z"},
                    {"next_contact_at", "2031-12-01T01:00:00Z"}},
                   alice_.token);
    ASSERT_EQ(f.status, 201) << f.body.dump();
    EXPECT_EQ(f.body["user_id"], alice_.id);
    // The answer is built from what was written; it must be what reading it back gives.
    Reply stored = Call("GET", path + "/followups/" + f.body["id"].dump(), nullptr, alice_.token);
    ASSERT_EQ(stored.status, 200);
    EXPECT_EQ(f.body, stored.body);
    Reply got = Call("GET", path, nullptr, alice_.token);
    EXPECT_EQ(got.body["last_contact_at"], "2026-11-20T02:00:00Z");
    EXPECT_EQ(got.body["next_contact_at"], "2031-12-01T01:00:00Z");
    // An older record does not move last_contact_at back.
    ASSERT_EQ(Call("POST", path + "/followups",
                   {{"kind", "visit"},
                    {"content", "补录上周拜访"},
                    {"contacted_at", "2026-11-10T02:00:00Z"}},
                   alice_.token)
                  .status,
              201);
    got = Call("GET", path, nullptr, alice_.token);
    EXPECT_EQ(got.body["last_contact_at"], "2026-11-20T02:00:00Z");
    Reply list = Call("GET", path + "/followups", nullptr, alice_.token);
    ASSERT_EQ(list.body["total"], 2);
    EXPECT_EQ(list.body["items"][0]["content"], "电话沟通报价");  // newest first
    Reply visits = Call("GET", path + "/followups?kind=visit", nullptr, alice_.token);
    ASSERT_EQ(visits.body["total"], 1);
    EXPECT_EQ(visits.body["items"][0]["kind"], "visit");
    Reply oldest = Call("GET", path + "/followups?sort=contacted_at", nullptr, alice_.token);
    EXPECT_EQ(oldest.body["items"][0]["content"], "补录上周拜访");
    EXPECT_EQ(Call("GET", path + "/followups?kind=fax", nullptr, alice_.token).status, 400);
    EXPECT_EQ(Call("GET", path + "/followups?sort=content", nullptr, alice_.token).code(),
              "unknown_sort");
    Reply bad =
        Call("POST", path + "/followups", {{"kind", "fax"}, {"content", "x"}}, alice_.token);
    EXPECT_EQ(bad.status, 422);
    EXPECT_TRUE(bad.body["error"]["details"]["fields"].contains("kind"));
}

TEST_P(CustomersTest, ContactsHaveOnePrimary) {
    json c = CreateCustomer(alice_.token, {{"name", "联系人测试公司"}});
    const std::string path = "/api/v1/customers/" + c["id"].dump() + "/contacts";
    ASSERT_EQ(Call("POST", path, {{"name", "张三"}, {"primary", true}}, alice_.token).status, 201);
    Reply second = Call("POST", path, {{"name", "李四"}, {"primary", true}, {"title", "采购经理"}},
                        alice_.token);
    ASSERT_EQ(second.status, 201);
    Reply list = Call("GET", path, nullptr, alice_.token);
    ASSERT_EQ(list.body["items"].size(), 2u);
    EXPECT_EQ(list.body["items"][0]["name"], "李四");
    EXPECT_TRUE(list.body["items"][0]["primary"].get<bool>());
    EXPECT_FALSE(list.body["items"][1]["primary"].get<bool>());
    // The customer as GET shows it carries the same contacts, in the same order.
    const std::string customer = "/api/v1/customers/" + c["id"].dump();
    EXPECT_EQ(Call("GET", customer, nullptr, alice_.token).body["contacts"], list.body["items"]);
    EXPECT_EQ(Call("DELETE", path + "/" + second.body["id"].dump(), nullptr, alice_.token).status,
              204);
    list = Call("GET", path, nullptr, alice_.token);
    EXPECT_EQ(list.body["items"].size(), 1u);
    EXPECT_EQ(Call("GET", customer, nullptr, alice_.token).body["contacts"], list.body["items"]);
    // Without live contacts the customer is still found, with none.
    ASSERT_EQ(Call("DELETE", path + "/" + list.body["items"][0]["id"].dump(), nullptr, alice_.token)
                  .status,
              204);
    Reply bare = Call("GET", customer, nullptr, alice_.token);
    ASSERT_EQ(bare.status, 200);
    EXPECT_EQ(bare.body["contacts"], json::array());
    EXPECT_EQ(bare.body["name"], "联系人测试公司");
}

TEST_P(CustomersTest, BadInputIsRejectedWithTheFieldNamedAndChangesNothing) {
    struct Case {
        json body;
        const char* field;
    };
    const std::vector<Case> cases = {
        {{{"name", ""}}, "name"},
        {{{"name", std::string(201, 'x')}}, "name"},
        {{{"name", "ok"}, {"category", "vip"}}, "category"},
        {{{"name", "ok"}, {"phone", "call me"}}, "phone"},
        {{{"name", "ok"}, {"email", "not-an-email"}}, "email"},
        {{{"name", "ok"}, {"tags", "VIP"}}, "tags"},
        {{{"name", "ok"}, {"next_contact_at", "tomorrow"}}, "next_contact_at"},
        {{{"name", "ok"}, {"owner", 3}}, "owner"},
        {{{"name", 42}}, "name"},
        {{{"name", "ok"}, {"last_contact_at", "2026-11-20T02:00:00Z"}}, "last_contact_at"},
        {{{"name", "a\u0001b"}}, "name"},
    };
    for (const auto& c : cases) {
        Reply r = Call("POST", "/api/v1/customers", c.body, alice_.token);
        EXPECT_EQ(r.status, 422) << c.body.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(c.field)) << r.body.dump();
    }
    EXPECT_EQ(CallRaw("POST", "/api/v1/customers", "{\"name\": ", alice_.token).status, 400);
    EXPECT_EQ(CallRaw("POST", "/api/v1/customers", "{\"name\": \"\xC3\x28\"}", alice_.token).code(),
              "invalid_json");
    EXPECT_EQ(CallRaw("POST", "/api/v1/customers", "[1,2]", alice_.token).status, 422);
    // SQL and HTML metacharacters are data, stored and returned as typed.
    const std::string nasty = "Robert'); DROP TABLE customers;-- <script>alert(1)</script>";
    json stored = CreateCustomer(alice_.token, {{"name", nasty}});
    EXPECT_EQ(stored["name"], nasty);
    EXPECT_EQ(Call("GET", "/api/v1/customers", nullptr, alice_.token).body["total"], 1);
}

TEST_P(CustomersTest, FollowUpsCanBeCorrectedDeletedAndRestored) {
    json c = CreateCustomer(alice_.token, {{"name", "更正测试公司"}});
    const std::string base = "/api/v1/customers/" + c["id"].dump() + "/followups";
    Reply created =
        Call("POST", base,
             {{"kind", "call"}, {"content", "初次电话"}, {"contacted_at", "2026-11-20T02:00:00Z"}},
             alice_.token);
    ASSERT_EQ(created.status, 201);
    const std::string path = base + "/" + created.body["id"].dump();
    Reply fixed =
        Call("PATCH", path, {{"kind", "visit"}, {"content", "其实是上门拜访"}, {"version", 1}},
             alice_.token);
    ASSERT_EQ(fixed.status, 200) << fixed.body.dump();
    EXPECT_EQ(fixed.body["kind"], "visit");
    EXPECT_EQ(fixed.body["contacted_at"], "2026-11-20T02:00:00Z");
    EXPECT_EQ(Call("PATCH", path, {{"content", "过期版本"}, {"version", 1}}, alice_.token).code(),
              "stale_version");
    EXPECT_EQ(Call("PATCH", path, {{"content", "   "}}, alice_.token).status, 422);
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["content"], "其实是上门拜访");
    EXPECT_EQ(Call("DELETE", path, nullptr, alice_.token).status, 204);
    // In the recycle bin: out of the list, readable (with its deleted_at) by who may restore it.
    EXPECT_FALSE(Call("GET", path, nullptr, alice_.token).body["deleted_at"].is_null());
    EXPECT_EQ(Call("GET", base, nullptr, alice_.token).body["total"], 0);
    EXPECT_EQ(Call("DELETE", path, nullptr, alice_.token).status, 404);
    Reply restored = Call("POST", path + "/restore", nullptr, alice_.token);
    ASSERT_EQ(restored.status, 200) << restored.body.dump();
    EXPECT_EQ(Call("GET", base, nullptr, alice_.token).body["total"], 1);
    EXPECT_EQ(Call("POST", path + "/restore", nullptr, alice_.token).status,
              404);  // not in the bin
    // Another customer's id in the path does not reach this record.
    json other = CreateCustomer(alice_.token, {{"name", "别的公司"}});
    EXPECT_EQ(
        Call("GET",
             "/api/v1/customers/" + other["id"].dump() + "/followups/" + created.body["id"].dump(),
             nullptr, alice_.token)
            .status,
        404);
}

TEST_P(CustomersTest, DeletedContactsComeBackAndAreSearchableAgain) {
    json c = CreateCustomer(alice_.token, {{"name", "Contact Restore Ltd."}});
    const std::string base = "/api/v1/customers/" + c["id"].dump() + "/contacts";
    Reply created = Call("POST", base, {{"name", "欧阳修"}}, alice_.token);
    ASSERT_EQ(created.status, 201);
    const std::string path = base + "/" + created.body["id"].dump();
    EXPECT_EQ(Call("GET", path, nullptr, alice_.token).body["name"], "欧阳修");
    // %E6%AC%A7%E9%98%B3 = 欧阳
    EXPECT_EQ(
        Call("GET", "/api/v1/customers?q=%E6%AC%A7%E9%98%B3", nullptr, alice_.token).body["total"],
        1);
    ASSERT_EQ(Call("DELETE", path, nullptr, alice_.token).status, 204);
    // Gone from the customer's card and search; in the recycle bin for those who can restore it.
    EXPECT_TRUE(Call("GET", "/api/v1/customers/" + c["id"].dump(), nullptr, alice_.token)
                    .body["contacts"]
                    .empty());
    EXPECT_EQ(Call("GET", base, nullptr, alice_.token).body["total"], 0);
    EXPECT_FALSE(Call("GET", path, nullptr, alice_.token).body["deleted_at"].is_null());
    EXPECT_EQ(
        Call("GET", "/api/v1/customers?q=%E6%AC%A7%E9%98%B3", nullptr, alice_.token).body["total"],
        0);
    Reply restored = Call("POST", path + "/restore", nullptr, alice_.token);
    ASSERT_EQ(restored.status, 200) << restored.body.dump();
    EXPECT_EQ(
        Call("GET", "/api/v1/customers?q=%E6%AC%A7%E9%98%B3", nullptr, alice_.token).body["total"],
        1);
}

// A search reads a short posting list's customers by id (up to 200 postings) and otherwise walks
// the caller's customers in the page's order (customer_service.cpp ReadPage): both must give the
// same totals and pages as the data say.
TEST_P(CustomersTest, SearchPagesAreRightWhetherThePostingListIsShortOrLong) {
    std::vector<std::int64_t> all, qinghe;  // alice's customers named 澜涛…, in creation order
    for (int i = 0; i < 230; ++i) {
        char suffix[8];
        std::snprintf(suffix, sizeof suffix, "%03d", i);
        const bool both = i < 120;
        const json c = CreateCustomer(
            alice_.token, {{"name", std::string(both ? "澜涛青禾-" : "澜涛贸易-") + suffix}});
        all.push_back(c["id"].get<std::int64_t>());
        if (both) qinghe.push_back(all.back());
    }
    const TestUser bob = CreateUser("bob", RoleId("sales"), sales_dept_);
    for (int i = 0; i < 5; ++i) CreateCustomer(bob.token, {{"name", "澜涛青禾-bob"}});
    // Two deleted: found by neither search.
    for (std::int64_t id : {all[10], all[150]}) {
        ASSERT_EQ(
            Call("DELETE", "/api/v1/customers/" + std::to_string(id), nullptr, admin()).status,
            204);
        std::erase(all, id);
        std::erase(qinghe, id);
    }
    const auto ids = [](const json& page) {
        std::vector<std::int64_t> out;
        for (const auto& c : page["items"]) out.push_back(c["id"].get<std::int64_t>());
        return out;
    };
    // 澜涛: 230 postings of alice's (the walk). 青禾: 120 (read by id).
    Reply walk = Call("GET", "/api/v1/customers?q=%E6%BE%9C%E6%B6%9B&sort=id&page=2&page_size=50",
                      nullptr, alice_.token);
    ASSERT_EQ(walk.status, 200);
    EXPECT_EQ(walk.body["total"], all.size());
    EXPECT_EQ(ids(walk.body), std::vector<std::int64_t>(all.begin() + 50, all.begin() + 100));
    Reply listed =
        Call("GET", "/api/v1/customers?q=%E9%9D%92%E7%A6%BE&sort=-id&page=2&page_size=50", nullptr,
             alice_.token);
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(listed.body["total"], qinghe.size());
    EXPECT_EQ(ids(listed.body),
              std::vector<std::int64_t>(qinghe.rbegin() + 50, qinghe.rbegin() + 100));
    // A longer word among few owners' postings (青禾-0: its bigram 青禾 has 120 postings).
    Reply longer =
        Call("GET", "/api/v1/customers?q=%E9%9D%92%E7%A6%BE-00&sort=id", nullptr, alice_.token);
    ASSERT_EQ(longer.status, 200);
    EXPECT_EQ(ids(longer.body), std::vector<std::int64_t>(qinghe.begin(), qinghe.begin() + 10));
}

GUANXI_API_TEST_SUITE(CustomersTest);

}  // namespace
}  // namespace guanxi::testing
