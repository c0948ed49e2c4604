// Deals and prepayments (issue #13): money is a two-place decimal string kept as integer cents,
// and a customer's prepayment balance never goes below zero — not by a draw, a change, a deletion
// or a restore, and not by two draws at once.

#include "api_test_support.hpp"

#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class PrepaymentsTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        customer_ = CreateCustomer(admin(), {{"name", "预收款测试公司"}})["id"];
        base_ = "/api/v1/customers/" + std::to_string(customer_);
    }
    std::string Balance() {
        Reply r = Call("GET", base_ + "/prepayments", nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body["balance"];
    }
    Reply Deal(const std::string& amount, const std::string& draw) {
        return Call("POST", base_ + "/deals",
                    {{"closed_on", "2026-12-03"}, {"amount", amount}, {"prepayment_draw", draw}},
                    admin());
    }
    std::int64_t customer_ = 0;
    std::string base_;
};

TEST_P(PrepaymentsTest, MoneyIsADecimalStringWithTwoPlacesAtMost) {
    for (const json& bad :
         {json(100.5), json(100), json("100.005"), json("-5.00"), json("1e3"), json("１００")}) {
        Reply r = Call("POST", base_ + "/prepayments",
                       {{"received_on", "2026-11-20"}, {"amount", bad}}, admin());
        EXPECT_EQ(r.status, 422) << bad.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("amount")) << r.raw.body;
    }
    Reply zero = Call("POST", base_ + "/prepayments",
                      {{"received_on", "2026-11-20"}, {"amount", "0.00"}}, admin());
    EXPECT_EQ(zero.status, 422);
    Reply ok = Call("POST", base_ + "/prepayments",
                    {{"received_on", "2026-11-20"}, {"amount", "1234.5"}}, admin());
    ASSERT_EQ(ok.status, 201) << ok.raw.body;
    EXPECT_EQ(ok.body["amount"], "1234.50");
    EXPECT_EQ(ok.body["method"], "bank_transfer");
    EXPECT_EQ(Balance(), "1234.50");
}

TEST_P(PrepaymentsTest, TheBalanceNeverGoesBelowZero) {
    Reply paid = Call("POST", base_ + "/prepayments",
                      {{"received_on", "2026-11-20"}, {"amount", "1000.00"}}, admin());
    ASSERT_EQ(paid.status, 201);
    const std::string prepayment = base_ + "/prepayments/" + paid.body["id"].dump();
    // A draw past the balance is refused, naming the field; one within it is taken.
    Reply over = Deal("5000.00", "1000.01");
    EXPECT_EQ(over.status, 422);
    EXPECT_TRUE(over.body["error"]["details"]["fields"].contains("prepayment_draw"));
    EXPECT_EQ(Deal("500.00", "600.00").status, 422);  // more than the deal itself
    Reply deal = Deal("5000.00", "800.00");
    ASSERT_EQ(deal.status, 201) << deal.raw.body;
    const json me = Call("GET", "/api/v1/me", nullptr, admin()).body;
    EXPECT_EQ(deal.body["owner_id"], me["id"]);  // the caller, by default, with their name
    EXPECT_EQ(deal.body["owner_name"], me["display_name"]);
    EXPECT_EQ(Balance(), "200.00");
    const std::string deal_path = base_ + "/deals/" + deal.body["id"].dump();
    // Raising the draw, cutting the prepayment or deleting it would overspend: refused, unchanged.
    EXPECT_EQ(Call("PATCH", deal_path, {{"prepayment_draw", "1000.01"}}, admin()).status, 422);
    Reply cut = Call("PATCH", prepayment, {{"amount", "700.00"}}, admin());
    EXPECT_EQ(cut.status, 409);
    EXPECT_EQ(cut.code(), "conflict");
    EXPECT_EQ(Call("DELETE", prepayment, nullptr, admin()).status, 409);
    EXPECT_EQ(Balance(), "200.00");
    // Deleting the deal gives the money back; restoring it takes it again only while it's there.
    EXPECT_EQ(Call("DELETE", deal_path, nullptr, admin()).status, 204);
    EXPECT_EQ(Balance(), "1000.00");
    EXPECT_EQ(Deal("900.00", "900.00").status, 201);
    EXPECT_EQ(Call("POST", deal_path + "/restore", nullptr, admin()).status, 422);
    EXPECT_EQ(Balance(), "100.00");
}

TEST_P(PrepaymentsTest, DrawsAtTheSameTimeCannotOverspend) {
    ASSERT_EQ(Call("POST", base_ + "/prepayments",
                   {{"received_on", "2026-11-20"}, {"amount", "100.00"}}, admin())
                  .status,
              201);
    for (int round = 0; round < 10; ++round) {
        // Each round: two draws of 60.00 from what is left; at most one fits.
        const std::string before = Balance();
        Reply replies[2];
        std::latch start(2);
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                replies[i] = Deal("60.00", "60.00");
            });
        }
        for (auto& t : threads) t.join();
        const int taken = (replies[0].status == 201) + (replies[1].status == 201);
        EXPECT_LE(taken, 1) << "round " << round;
        EXPECT_EQ(taken, before == "100.00" ? 1 : 0) << "round " << round;
        for (const Reply& r : replies) {
            EXPECT_TRUE(r.status == 201 || r.status == 422) << r.raw.body;
        }
        EXPECT_EQ(Balance(), "40.00");
    }
}

GUANXI_API_TEST_SUITE(PrepaymentsTest);

}  // namespace
}  // namespace guanxi::testing
