// The customer list's day's-work view (#14): sorted by next contact, soonest (overdue) first and
// customers without one last, both ways; "due today" (next_contact_before the end of the user's
// day) lists the overdue and today's, never those without a next contact — on both backends.
#include "api_test_support.hpp"
#include "core/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class DueTodayTest : public ApiTest {
  protected:
    // Names of the list's items, in order.
    std::vector<std::string> Names(const std::string& query) {
        Reply r = Call("GET", "/api/v1/customers?page_size=100" + query, nullptr, admin());
        EXPECT_EQ(r.status, 200) << query << ": " << r.body.dump();
        std::vector<std::string> names;
        for (const auto& item : r.body["items"]) names.push_back(item["name"].get<std::string>());
        return names;
    }
};

TEST_P(DueTodayTest, NextContactFirstNoneLastAndDueTodayIsOverdueAndToday) {
    const std::int64_t now = NowSeconds();
    // (name, next contact relative to now; nullopt: none). Past times are set in the database:
    // the API may refuse a next contact in the past.
    const std::vector<std::pair<std::string, std::optional<std::int64_t>>> plan = {
        {"later", now + 3 * 86400},    {"none 1", std::nullopt}, {"overdue", now - 2 * 86400},
        {"today", now + 3600},         {"none 2", std::nullopt}, {"long overdue", now - 9 * 86400},
        {"next week", now + 7 * 86400}};
    {
        std::vector<std::int64_t> ids;
        for (const auto& [name, _] : plan) {
            ids.push_back(CreateCustomer(admin(), {{"name", name}})["id"].get<std::int64_t>());
        }
        auto lease = app().db().Acquire();
        ASSERT_TRUE(lease.ok());
        for (size_t i = 0; i < plan.size(); ++i) {
            if (!plan[i].second) continue;
            ASSERT_TRUE((*lease)
                            ->Execute("UPDATE customers SET next_contact_at = ? WHERE id = ?",
                                      {*plan[i].second, ids[i]})
                            .ok());
        }
    }
    const std::vector<std::string> soonest = {"long overdue", "overdue", "today", "later",
                                              "next week",    "none 1",  "none 2"};
    EXPECT_EQ(Names("&sort=next_contact_at"), soonest);
    EXPECT_EQ(Names("&sort=-next_contact_at"),
              (std::vector<std::string>{"next week", "later", "today", "overdue", "long overdue",
                                        "none 2", "none 1"}));
    // The web sends the start of the user's next day (here: two hours from now).
    const std::string end_of_day = FormatRfc3339(now + 2 * 3600);
    EXPECT_EQ(Names("&sort=next_contact_at&next_contact_before=" + end_of_day),
              (std::vector<std::string>{"long overdue", "overdue", "today"}));
}

}  // namespace

GUANXI_API_TEST_SUITE(DueTodayTest);

}  // namespace guanxi::testing
