// Contact writes to one customer at the same time (issue #13's bench smoke found it on PostgreSQL:
// two contacts created at once for one customer both re-inserted the customer's search postings,
// and one of them was answered 409). Each write is acknowledged, and the customer is found by
// every contact it now has.

#include "api_test_support.hpp"

#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class ContactWritesTest : public ApiTest {};

TEST_P(ContactWritesTest, ConcurrentContactsOnOneCustomerAreAllAcknowledgedAndFound) {
    const json customer = CreateCustomer(admin(), {{"name", "并发联系人公司"}});
    const std::string path = "/api/v1/customers/" + customer["id"].dump() + "/contacts";
    constexpr int kThreads = 6;
    constexpr int kRounds = 4;
    std::vector<std::string> names;
    for (int round = 0; round < kRounds; ++round) {
        Reply replies[kThreads];
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        for (int i = 0; i < kThreads; ++i) {
            // A Latin name each, so a search for it finds only this customer.
            const std::string name = "Qzx" + std::to_string(round) + "w" + std::to_string(i);
            names.push_back(name);
            threads.emplace_back([&, i, name] {
                start.arrive_and_wait();
                replies[i] = Call("POST", path, {{"name", name}}, admin());
            });
        }
        for (auto& t : threads) t.join();
        for (const Reply& r : replies) EXPECT_EQ(r.status, 201) << r.raw.body;
    }
    Reply list = Call("GET", path + "?page_size=100", nullptr, admin());
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body["total"], kThreads * kRounds);
    for (const std::string& name : names) {
        Reply found = Call("GET", "/api/v1/customers?q=" + name, nullptr, admin());
        ASSERT_EQ(found.status, 200);
        ASSERT_EQ(found.body["items"].size(), 1u) << name;
        EXPECT_EQ(found.body["items"][0]["id"], customer["id"]) << name;
    }
}

GUANXI_API_TEST_SUITE(ContactWritesTest);

}  // namespace
}  // namespace guanxi::testing
