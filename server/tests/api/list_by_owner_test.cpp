// The usual customer lists (by last change, next contact, name or creation, read by owner:
// migrations 011 and 013, owner_page.cpp) must give
// exactly the pages and totals of the general list, for every scope, pool choice, owner filter,
// direction and page — before and after customers change owner, die and come back.
#include "api_test_support.hpp"

#include <string>
#include <vector>

namespace guanxi::testing {
namespace {

using nlohmann::json;

constexpr const char* kCategories[] = {"core", "potential", "closed"};

class ListByOwnerTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const json perms = {"customers.view", "customers.create", "customers.edit",
                            "customers.delete", "customers.transfer"};
        const std::int64_t self = CreateRole("o_self", "self", perms);
        const std::int64_t tree = CreateRole("o_tree", "department_tree", perms);
        const std::int64_t dept = CreateDepartment("Sales");
        manager_ = CreateUser("o_manager", tree, dept);
        // Ten salespeople: the manager's scope has more owners than the per-owner ranges take.
        for (int r = 0; r < 10; ++r) {
            reps_.push_back(CreateUser("o_rep" + std::to_string(r), self, dept));
        }
        // Customers with tied, distinct and missing next contacts, a few in the pool.
        for (int i = 0; i < 60; ++i) {
            const TestUser& rep = reps_[i % 3 == 0 ? 0 : i % reps_.size()];
            // Names, categories, industries and regions repeat (ties broken by id), as do
            // creation seconds; some have no industry or region.
            json body = {{"name", "Owner page " + std::to_string(i % 23)},
                         {"category", kCategories[i % 3]}};
            if (i % 4 != 0) body["industry"] = "行业" + std::to_string(i % 3);
            if (i % 6 != 0) body["region"] = i % 2 == 0 ? "华东" : "华南";
            if (i % 5 != 0) {
                body["next_contact_at"] = "2027-0" + std::to_string(1 + i % 4) + "-01T09:00:00Z";
            }
            if (i % 11 == 0) body["owner_id"] = nullptr;
            ids_.push_back(CreateCustomer(rep.token, body)["id"].get<std::int64_t>());
        }
    }

    // Every page of the list, and its total, for a query; `general` adds a filter that matches
    // every customer but takes the list off the by-owner path.
    std::pair<std::vector<std::int64_t>, std::int64_t> Pages(const std::string& token,
                                                             const std::string& query,
                                                             bool general) {
        std::vector<std::int64_t> ids;
        std::int64_t total = -1;
        for (int page = 1; page < 40; ++page) {
            Reply r = Call("GET",
                           "/api/v1/customers?page_size=7&page=" + std::to_string(page) + query +
                               (general ? "&created_after=2000-01-01" : ""),
                           nullptr, token);
            EXPECT_EQ(r.status, 200) << query << ": " << r.body.dump();
            if (r.status != 200) break;
            total = r.body["total"].get<std::int64_t>();
            for (const auto& item : r.body["items"]) ids.push_back(item["id"].get<std::int64_t>());
            if (r.body["items"].empty()) break;
        }
        return {ids, total};
    }

    // Compares the two paths for every viewer and query; returns how many lists were compared.
    int ExpectSameAsGeneralList() {
        std::vector<std::pair<std::string, const std::string*>> viewers = {
            {"admin", &admin()}, {"manager", &manager_.token}};
        for (size_t r = 0; r < 3; ++r)
            viewers.emplace_back("rep" + std::to_string(r), &reps_[r].token);
        int compared = 0;
        for (const auto& [who, token] : viewers) {
            for (const char* pool : {"", "&in_pool=false", "&in_pool=true", "&in_pool=any"}) {
                for (const char* sort :
                     {"", "&sort=updated_at", "&sort=next_contact_at", "&sort=-next_contact_at",
                      "&sort=name", "&sort=-name", "&sort=created_at", "&sort=-created_at",
                      "&sort=category", "&sort=-industry", "&sort=industry", "&sort=region"}) {
                    for (const std::string& owner : {std::string(), std::string("&owner_id=me"),
                                                     "&owner_id=" + std::to_string(reps_[1].id)}) {
                        const std::string query = std::string(pool) + sort + owner;
                        const auto fast = Pages(*token, query, false);
                        const auto general = Pages(*token, query, true);
                        EXPECT_EQ(fast.first, general.first) << who << " " << query;
                        EXPECT_EQ(fast.second, general.second) << who << " " << query;
                        EXPECT_EQ(fast.second, static_cast<std::int64_t>(fast.first.size()))
                            << who << " " << query;
                        ++compared;
                    }
                }
            }
        }
        return compared;
    }

    TestUser manager_;
    std::vector<TestUser> reps_;
    std::vector<std::int64_t> ids_;
};

TEST_P(ListByOwnerTest, PagesAndTotalsAreThoseOfTheGeneralList) {
    EXPECT_EQ(ExpectSameAsGeneralList(), 5 * 4 * 12 * 3);
    // Customers without an industry come last both ways, on both backends.
    for (const char* sort : {"industry", "-industry"}) {
        Reply sorted = Call("GET", std::string("/api/v1/customers?page_size=500&sort=") + sort,
                            nullptr, admin());
        ASSERT_EQ(sorted.status, 200);
        const json& items = sorted.body["items"];
        ASSERT_GE(items.size(), 10u);
        EXPECT_FALSE(items.front()["industry"].is_null()) << sort;
        EXPECT_TRUE(items.back()["industry"].is_null()) << sort;
    }
    // What a user sees: customers without a next contact come last, the rest soonest first.
    Reply first = Call("GET", "/api/v1/customers?page_size=500&sort=next_contact_at", nullptr,
                       reps_[0].token);
    ASSERT_EQ(first.status, 200);
    const json& items = first.body["items"];
    ASSERT_GE(items.size(), 10u);
    EXPECT_FALSE(items.front()["next_contact_at"].is_null());
    EXPECT_TRUE(items.back()["next_contact_at"].is_null());
    for (size_t i = 1; i < items.size(); ++i) {
        if (items[i - 1]["next_contact_at"].is_null()) {
            EXPECT_TRUE(items[i]["next_contact_at"].is_null()) << i;
        } else if (!items[i]["next_contact_at"].is_null()) {
            EXPECT_LE(items[i - 1]["next_contact_at"].get<std::string>(),
                      items[i]["next_contact_at"].get<std::string>())
                << i;
        }
    }
}

TEST_P(ListByOwnerTest, TotalsFollowTransfersThePoolTheRecycleBinAndRestores) {
    const auto total = [&](const std::string& token, const std::string& query = "") {
        return Call("GET", "/api/v1/customers?page_size=1" + query, nullptr, token)
            .body["total"]
            .get<std::int64_t>();
    };
    const std::int64_t rep0 = total(reps_[0].token);
    const std::int64_t rep1 = total(reps_[1].token);
    const std::int64_t pool = total(reps_[1].token, "&in_pool=true");
    const std::string c0 = "/api/v1/customers/" + std::to_string(ids_[3]);  // rep0's
    const std::string c1 = "/api/v1/customers/" + std::to_string(ids_[1]);  // rep1's

    ASSERT_EQ(Call("POST", "/api/v1/customers/transfer",
                   {{"ids", {ids_[3]}}, {"owner_id", reps_[1].id}}, admin())
                  .status,
              200);
    EXPECT_EQ(total(reps_[0].token), rep0 - 1);
    EXPECT_EQ(total(reps_[1].token), rep1 + 1);
    ASSERT_EQ(Call("POST", c0 + "/release", {{"reason", "no budget"}}, reps_[1].token).status, 200);
    EXPECT_EQ(total(reps_[1].token), rep1);
    EXPECT_EQ(total(reps_[1].token, "&in_pool=true"), pool + 1);
    ASSERT_EQ(Call("POST", c0 + "/claim", nullptr, reps_[2].token).status, 200);
    EXPECT_EQ(total(reps_[1].token, "&in_pool=true"), pool);
    ASSERT_EQ(Call("DELETE", c1, nullptr, reps_[1].token).status, 204);
    EXPECT_EQ(total(reps_[1].token), rep1 - 1);
    // A customer edited while deleted and restored counts once again.
    ASSERT_EQ(Call("POST", c1 + "/restore", nullptr, reps_[1].token).status, 200);
    EXPECT_EQ(total(reps_[1].token), rep1);
    ASSERT_EQ(Call("PATCH", c1, {{"name", "Renamed"}}, reps_[1].token).status, 200);
    EXPECT_EQ(total(reps_[1].token), rep1);
    EXPECT_EQ(ExpectSameAsGeneralList(), 5 * 4 * 12 * 3);
}

}  // namespace

GUANXI_API_TEST_SUITE(ListByOwnerTest);

}  // namespace guanxi::testing
