// Contracts, payment plans and payments (issue 16 item 6): a plan that must add up to the
// contract's amount, payments that can't exceed what is outstanding, refunds and corrections as
// entries of their own, draws on the prepayment balance that can't overspend (two at once
// included), outstanding amounts per contract and customer, bad money refused, and 催款 — an
// overdue instalment marking its customer payment_due and reminding the owner once, full payment
// giving the category back. Times go to the job and the scan directly (an injected clock).

#include "api_test_support.hpp"

#include "core/time.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/reminders/reminder_service.hpp"

#include <latch>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 24 * 3600;

class ContractsTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        customer_ = CreateCustomer(admin(), {{"name", "合同测试公司"}, {"category", "core"}})["id"];
        base_ = "/api/v1/customers/" + std::to_string(customer_);
    }
    Reply NewContract(const std::string& amount, json extra = json::object()) {
        json body = {{"title", "年度服务合同"}, {"amount", amount}, {"signed_on", "2026-12-01"}};
        body.update(extra);
        return Call("POST", base_ + "/contracts", body, admin());
    }
    std::int64_t Contract(const std::string& amount) {
        Reply r = NewContract(amount);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", std::int64_t{0});
    }
    Reply Plan(std::int64_t contract, json instalments) {
        return Call("PUT", "/api/v1/contracts/" + std::to_string(contract) + "/instalments",
                    {{"instalments", instalments}}, admin());
    }
    Reply Pay(std::int64_t contract, json extra) {
        json body = {{"contract_id", contract}, {"received_on", "2026-12-05"}};
        body.update(extra);
        return Call("POST", "/api/v1/payments", body, admin());
    }
    json ContractJson(std::int64_t contract) {
        return Call("GET", base_ + "/contracts/" + std::to_string(contract), nullptr, admin()).body;
    }
    json Totals() { return Call("GET", base_ + "/contracts", nullptr, admin()).body; }
    std::string Category() {
        return Call("GET", base_, nullptr, admin()).body["category"].get<std::string>();
    }
    std::int64_t Count(const std::string& sql, const db::Params& params = {}) {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn.ok());
        auto row = (*conn)->QueryOne(sql, params);
        EXPECT_TRUE(row.ok() && row->has_value()) << sql;
        return row.ok() && *row ? (*row)->Int(0) : -1;
    }
    static std::string Day(UnixSeconds t) { return FormatDate(t / kDay); }
    std::int64_t customer_ = 0;
    std::string base_;
};

TEST_P(ContractsTest, AContractGetsANumberAndItsOutstandingAmount) {
    Reply made = NewContract("1000.00");
    ASSERT_EQ(made.status, 201) << made.raw.body;
    const std::string number = made.body["number"];
    EXPECT_EQ(number.rfind("HT-2026-", 0), 0u) << number;
    EXPECT_EQ(made.body["outstanding"], "1000.00");
    EXPECT_EQ(made.body["paid"], "0.00");
    EXPECT_EQ(made.body["status"], "draft");
    // Numbers are unique: typed by hand, taken → 422 naming number.
    Reply taken = NewContract("5.00", {{"number", number}});
    EXPECT_EQ(taken.status, 422);
    EXPECT_TRUE(taken.body["error"]["details"]["fields"].contains("number")) << taken.raw.body;
    EXPECT_EQ(NewContract("5.00", {{"number", "合同-甲-1"}}).status, 201);
}

TEST_P(ContractsTest, BadMoneyIsRefusedNamingTheField) {
    for (const json& bad : {json(100.5), json(100), json("100.005"), json("-5.00"), json("1e3"),
                            json("1000000000000.01"), json("0.00")}) {
        Reply r = NewContract("1.00", {{"amount", bad}});
        EXPECT_EQ(r.status, 422) << bad.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("amount")) << r.raw.body;
    }
    // 10^12 with cents is the largest.
    Reply most = NewContract("1000000000000.00");
    ASSERT_EQ(most.status, 201) << most.raw.body;
    EXPECT_EQ(most.body["outstanding"], "1000000000000.00");
    const std::int64_t contract = most.body["id"];
    for (const json& bad : {json(5), json("5.001"), json("1000000000000.01")}) {
        Reply r = Pay(contract, {{"amount", bad}});
        EXPECT_EQ(r.status, 422) << bad.dump();
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains("amount")) << r.raw.body;
        Reply p = Plan(contract, {{{"amount", bad}, {"due_on", "2026-12-31"}}});
        EXPECT_EQ(p.status, 422) << bad.dump();
        EXPECT_TRUE(p.body["error"]["details"]["fields"].contains("instalments[0].amount"))
            << p.raw.body;
    }
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 0);
    EXPECT_EQ(Pay(contract, {{"amount", "999999999999.99"}}).status, 201);
    EXPECT_EQ(ContractJson(contract)["outstanding"], "0.01");
}

TEST_P(ContractsTest, APlanMustAddUpToTheAmountExactly) {
    const std::int64_t contract = Contract("1000.00");
    const json good = {{{"amount", "400.00"}, {"due_on", "2026-12-31"}},
                       {{"amount", "600.00"}, {"due_on", "2027-01-31"}, {"note", "尾款"}}};
    ASSERT_EQ(Plan(contract, good).status, 200);
    Reply off = Plan(contract, {{{"amount", "400.00"}, {"due_on", "2026-12-31"}},
                                {{"amount", "599.99"}, {"due_on", "2027-01-31"}}});
    EXPECT_EQ(off.status, 422);
    const json codes = off.body["error"]["details"]["field_codes"];
    ASSERT_TRUE(codes.contains("instalments")) << off.raw.body;
    EXPECT_EQ(codes["instalments"]["code"], "plan_does_not_add_up");
    EXPECT_EQ(codes["instalments"]["params"]["difference"], "-0.01");
    EXPECT_EQ(codes["instalments"]["params"]["total"], "999.99");
    // Nothing changed.
    Reply plan = Call("GET", "/api/v1/contracts/" + std::to_string(contract) + "/instalments",
                      nullptr, admin());
    ASSERT_EQ(plan.status, 200);
    ASSERT_EQ(plan.body["items"].size(), 2u);
    EXPECT_EQ(plan.body["items"][1]["amount"], "600.00");
    EXPECT_EQ(plan.body["items"][1]["note"], "尾款");
    // The contract's amount can't leave the plan behind.
    Reply patch = Call("PATCH", base_ + "/contracts/" + std::to_string(contract),
                       {{"amount", "1200.00"}}, admin());
    EXPECT_EQ(patch.status, 422);
    EXPECT_TRUE(patch.body["error"]["details"]["fields"].contains("amount"));
    EXPECT_EQ(ContractJson(contract)["amount"], "1000.00");
}

TEST_P(ContractsTest, APaymentOverWhatIsOutstandingIsRefusedAndNothingChanges) {
    const std::int64_t contract = Contract("1000.00");
    ASSERT_EQ(Plan(contract, {{{"amount", "400.00"}, {"due_on", "2026-12-31"}},
                              {{"amount", "600.00"}, {"due_on", "2027-01-31"}}})
                  .status,
              200);
    ASSERT_EQ(Pay(contract, {{"amount", "700.00"}}).status, 201);
    Reply over = Pay(contract, {{"amount", "300.01"}});
    EXPECT_EQ(over.status, 422);
    EXPECT_EQ(over.body["error"]["details"]["field_codes"]["amount"]["code"],
              "more_than_outstanding");
    EXPECT_EQ(over.body["error"]["details"]["field_codes"]["amount"]["params"]["outstanding"],
              "300.00");
    // Naming an instalment: no more than it still needs.
    Reply named = Pay(contract, {{"amount", "300.00"}, {"instalment_no", 1}});
    EXPECT_EQ(named.status, 422) << named.raw.body;  // the first is paid already (oldest first)
    EXPECT_EQ(Pay(contract, {{"amount", "1.00"}, {"instalment_no", 3}}).status, 422);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 1);
    const json c = ContractJson(contract);
    EXPECT_EQ(c["paid"], "700.00");
    EXPECT_EQ(c["outstanding"], "300.00");
    // Allocation, oldest first.
    Reply plan = Call("GET", "/api/v1/contracts/" + std::to_string(contract) + "/instalments",
                      nullptr, admin());
    EXPECT_EQ(plan.body["items"][0]["paid"], "400.00");
    EXPECT_EQ(plan.body["items"][1]["outstanding"], "300.00");
}

TEST_P(ContractsTest, RefundsAndCorrectionsAreEntriesOfTheirOwnAndNothingIsEditedAway) {
    const std::int64_t contract = Contract("1000.00");
    Reply paid = Pay(contract, {{"amount", "500.00"}});
    ASSERT_EQ(paid.status, 201) << paid.raw.body;
    EXPECT_EQ(paid.body["kind"], "payment");
    // A refund gives money back, no more than was received.
    EXPECT_EQ(Pay(contract, {{"kind", "refund"}, {"amount", "500.01"}}).status, 422);
    Reply refund = Pay(contract, {{"kind", "refund"}, {"amount", "100.00"}, {"note", "退货"}});
    ASSERT_EQ(refund.status, 201) << refund.raw.body;
    EXPECT_EQ(refund.body["effect"], "-100.00");
    EXPECT_EQ(ContractJson(contract)["outstanding"], "600.00");
    // A correction names the entry and why; its effect is the difference (negative here).
    const std::int64_t payment = paid.body["id"];
    Reply no_reason =
        Pay(contract, {{"kind", "correction"}, {"amount", "450.00"}, {"corrects_id", payment}});
    EXPECT_EQ(no_reason.status, 422);
    EXPECT_TRUE(no_reason.body["error"]["details"]["fields"].contains("note"));
    EXPECT_EQ(Pay(contract, {{"kind", "correction"}, {"amount", "450.00"}, {"note", "x"}}).status,
              422);  // names nothing
    Reply fixed = Pay(contract, {{"kind", "correction"},
                                 {"amount", "450.00"},
                                 {"corrects_id", payment},
                                 {"note", "录入错误：实收 450"}});
    ASSERT_EQ(fixed.status, 201) << fixed.raw.body;
    EXPECT_EQ(fixed.body["effect"], "-50.00");
    EXPECT_EQ(fixed.body["corrects_id"], payment);
    EXPECT_EQ(ContractJson(contract)["outstanding"], "650.00");
    // A correction up past the contract's amount is refused.
    EXPECT_EQ(Pay(contract, {{"kind", "correction"},
                             {"amount", "1450.00"},
                             {"corrects_id", payment},
                             {"note", "太多"}})
                  .status,
              422);
    // The ledger keeps every entry; no route edits or deletes one.
    Reply ledger =
        Call("GET", "/api/v1/payments?contract_id=" + std::to_string(contract), nullptr, admin());
    ASSERT_EQ(ledger.status, 200);
    ASSERT_EQ(ledger.body["items"].size(), 3u);
    // Oldest first, in the order entered (all three within one second here).
    EXPECT_EQ(ledger.body["items"][0]["amount"], "500.00");
    EXPECT_EQ(ledger.body["items"][2]["kind"], "correction");
    EXPECT_EQ(ledger.body["items"][2]["contract_name"], ContractJson(contract)["number"]);
    const std::string item = base_ + "/payments/" + std::to_string(payment);
    EXPECT_EQ(Call("PATCH", item, {{"amount", "1.00"}}, admin()).status, 405);
    EXPECT_EQ(Call("DELETE", item, nullptr, admin()).status, 405);
    EXPECT_EQ(Call("POST", item + "/restore", nullptr, admin()).status, 404);
    EXPECT_EQ(
        Call("PATCH", "/api/v1/payments/" + std::to_string(payment), {{"amount", "1.00"}}, admin())
            .status,
        404);
    EXPECT_EQ(Call("GET", base_ + "/payments/" + std::to_string(payment), nullptr, admin())
                  .body["amount"],
              "500.00");
    // A contract with payments is not deleted either (terminated instead).
    EXPECT_EQ(
        Call("DELETE", base_ + "/contracts/" + std::to_string(contract), nullptr, admin()).status,
        409);
    // Every entry is audited.
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'payment.create'"), 3);
}

// POST /api/v1/payments finds the customer from the contract it names (kit customer_from); the
// customer's own path takes only its own contracts; a contract that isn't there is 404.
TEST_P(ContractsTest, APaymentIsFiledUnderItsContractsCustomer) {
    const std::int64_t contract = Contract("800.00");
    Reply paid = Pay(contract, {{"amount", "300.00"}, {"instalment_no", nullptr}});
    ASSERT_EQ(paid.status, 201) << paid.raw.body;
    EXPECT_EQ(paid.body["customer_id"], customer_);
    EXPECT_EQ(paid.body["kind"], "payment");
    EXPECT_EQ(paid.body["method"], "bank_transfer");
    EXPECT_EQ(paid.body["from_prepayment"], false);
    EXPECT_EQ(paid.body["effect"], "300.00");
    EXPECT_EQ(paid.body["version"], 1);
    // The customer's ledger lists it too, and filters by contract and kind.
    Reply listed = Call("GET", base_ + "/payments?kind=payment", nullptr, admin());
    ASSERT_EQ(listed.status, 200) << listed.raw.body;
    ASSERT_EQ(listed.body["total"], 1);
    EXPECT_EQ(listed.body["items"][0]["id"], paid.body["id"]);
    // Without a contract, or naming none: 422 naming contract_id; nothing written.
    const json no_contract = {{"received_on", "2026-12-05"}, {"amount", "1.00"}};
    Reply missing = Call("POST", "/api/v1/payments", no_contract, admin());
    EXPECT_EQ(missing.status, 422);
    EXPECT_TRUE(missing.body["error"]["details"]["fields"].contains("contract_id"))
        << missing.raw.body;
    EXPECT_EQ(Pay(0, {{"amount", "1.00"}}).status, 422);
    Reply text =
        Call("POST", "/api/v1/payments",
             {{"contract_id", "abc"}, {"received_on", "2026-12-05"}, {"amount", "1.00"}}, admin());
    EXPECT_EQ(text.status, 422);
    EXPECT_EQ(Pay(999999, {{"amount", "1.00"}}).status, 404);
    // A value the server computes is not the caller's to send.
    Reply forged = Pay(contract, {{"amount", "1.00"}, {"effect", "500.00"}});
    EXPECT_EQ(forged.status, 422) << forged.raw.body;
    // Under another customer's path, this contract is refused by name.
    const std::int64_t other =
        CreateCustomer(admin(), {{"name", "别的公司"}, {"category", "core"}})["id"];
    Reply elsewhere = Call(
        "POST", "/api/v1/customers/" + std::to_string(other) + "/payments",
        {{"contract_id", contract}, {"received_on", "2026-12-05"}, {"amount", "1.00"}}, admin());
    EXPECT_EQ(elsewhere.status, 422) << elsewhere.raw.body;
    EXPECT_TRUE(elsewhere.body["error"]["details"]["fields"].contains("contract_id"));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 1);
    EXPECT_EQ(ContractJson(contract)["outstanding"], "500.00");
}

TEST_P(ContractsTest, OutstandingPerContractAndPerCustomer) {
    const std::int64_t a = Contract("1000.00");
    const std::int64_t b = Contract("250.50");
    ASSERT_EQ(Pay(a, {{"amount", "333.33"}}).status, 201);
    ASSERT_EQ(Pay(b, {{"amount", "0.50"}}).status, 201);
    EXPECT_EQ(ContractJson(a)["outstanding"], "666.67");
    EXPECT_EQ(ContractJson(b)["outstanding"], "250.00");
    const json totals = Totals();
    EXPECT_EQ(totals["contracts_amount"], "1250.50");
    EXPECT_EQ(totals["paid"], "333.83");
    EXPECT_EQ(totals["outstanding"], "916.67");
    EXPECT_EQ(totals["payment_due"], false);
}

TEST_P(ContractsTest, PaymentsDrawOnThePrepaymentBalanceWithoutOverspending) {
    ASSERT_EQ(Call("POST", base_ + "/prepayments",
                   {{"received_on", "2026-11-20"}, {"amount", "100.00"}}, admin())
                  .status,
              201);
    const std::int64_t contract = Contract("10000.00");
    Reply over = Pay(contract, {{"amount", "100.01"}, {"from_prepayment", true}});
    EXPECT_EQ(over.status, 422);
    EXPECT_EQ(over.body["error"]["details"]["field_codes"]["from_prepayment"]["code"],
              "more_than_prepayment");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 0);
    Reply drawn = Pay(contract, {{"amount", "30.00"}, {"from_prepayment", true}});
    ASSERT_EQ(drawn.status, 201) << drawn.raw.body;
    EXPECT_EQ(drawn.body["method"], "prepayment");
    EXPECT_EQ(Call("GET", base_ + "/prepayments", nullptr, admin()).body["balance"], "70.00");
    // The prepayment can't be cut below what payments drew.
    EXPECT_EQ(Call("POST", base_ + "/deals",
                   {{"closed_on", "2026-12-03"}, {"amount", "80.00"}, {"prepayment_draw", "70.01"}},
                   admin())
                  .status,
              422);
    // Two draws at once: at most one fits each round.
    for (int round = 0; round < 6; ++round) {
        const std::string before =
            Call("GET", base_ + "/prepayments", nullptr, admin()).body["balance"];
        Reply replies[2];
        std::latch start(2);
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                replies[i] = Pay(contract, {{"amount", "40.00"}, {"from_prepayment", true}});
            });
        }
        for (auto& t : threads) t.join();
        const int taken = (replies[0].status == 201) + (replies[1].status == 201);
        EXPECT_EQ(taken, before == "70.00" ? 1 : 0) << "round " << round;
        for (const Reply& r : replies) {
            EXPECT_TRUE(r.status == 201 || r.status == 422) << r.raw.body;
        }
        EXPECT_EQ(Call("GET", base_ + "/prepayments", nullptr, admin()).body["balance"], "30.00");
    }
}

TEST_P(ContractsTest, AnOverdueInstalmentMarksTheCustomerAndRemindsOnceUntilPaid) {
    const UnixSeconds now = NowSeconds();
    auto& reminders = app().reminders();
    ASSERT_TRUE(reminders.Scan(now - 3 * 3600).ok());  // the cursors start here
    const std::int64_t contract = Contract("1000.00");
    // Both instalments due in the future: nothing overdue yet.
    ASSERT_EQ(Plan(contract, {{{"amount", "400.00"}, {"due_on", Day(now + 2 * kDay)}},
                              {{"amount", "600.00"}, {"due_on", Day(now + 40 * kDay)}}})
                  .status,
              200);
    EXPECT_EQ(Category(), "core");
    // Three days later (the injected clock) the job finds the first overdue; run twice.
    const UnixSeconds later = now + 3 * kDay;
    auto job = contracts::RunOverdueJob(app().db(), later);
    ASSERT_TRUE(job.ok()) << job.error().log_detail;
    EXPECT_EQ((*job)["instalments"], 1);
    ASSERT_TRUE(contracts::RunOverdueJob(app().db(), later + 60).ok());
    EXPECT_EQ(Category(), "payment_due");
    EXPECT_EQ(Totals()["overdue"], "400.00");
    EXPECT_EQ(Totals()["payment_due"], true);
    // The reminder, once per instalment however often the job and the scan run. The marking
    // time is in the future here, so move it to the past for the scan.
    Reply plan_before = Call(
        "GET", "/api/v1/contracts/" + std::to_string(contract) + "/instalments", nullptr, admin());
    {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)
                        ->Execute("UPDATE contract_instalments SET overdue_at = ? WHERE "
                                  "overdue_at IS NOT NULL",
                                  {now - 3600})
                        .ok());
    }
    ASSERT_TRUE(reminders.Scan(now - 1800).ok());
    ASSERT_TRUE(reminders.Scan(now - 1700).ok());
    ASSERT_TRUE(contracts::RunOverdueJob(app().db(), later + 120).ok());
    ASSERT_TRUE(reminders.Scan(now - 1600).ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'payment_due'"), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE unique_key LIKE 'payment_due:" +
                    std::to_string(contract) + ":1:%'"),
              1);
    // The rules switch it off (the administrator's reminder settings).
    Reply off =
        Call("PUT", "/api/v1/settings/reminders", {{"payment_due", {{"enabled", false}}}}, admin());
    ASSERT_EQ(off.status, 200) << off.raw.body;
    EXPECT_EQ(off.body["payment_due"]["enabled"], false);
    {
        const std::int64_t other = CreateCustomer(admin(), {{"name", "另一家公司"}})["id"];
        Reply made =
            Call("POST", "/api/v1/customers/" + std::to_string(other) + "/contracts",
                 {{"title", "小合同"}, {"amount", "10.00"}, {"signed_on", "2026-12-01"}}, admin());
        ASSERT_EQ(made.status, 201) << made.raw.body;
        ASSERT_EQ(
            Plan(made.body["id"], {{{"amount", "10.00"}, {"due_on", Day(now - 2 * kDay)}}}).status,
            200);
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)
                        ->Execute("UPDATE contract_instalments SET overdue_at = ? WHERE "
                                  "contract_id = ?",
                                  {now - 1500, made.body["id"].get<std::int64_t>()})
                        .ok());
    }
    ASSERT_TRUE(reminders.Scan(now - 1400).ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'payment_due'"), 1)
        << "switched off: the second customer's overdue instalment reminds no one";
    // A partial payment leaves it marked; paying the rest of the overdue one clears it and
    // gives the category back.
    ASSERT_EQ(Pay(contract, {{"amount", "399.99"}}).status, 201);
    EXPECT_EQ(Category(), "payment_due");
    EXPECT_EQ(Totals()["overdue"], "0.01");
    ASSERT_EQ(Pay(contract, {{"amount", "0.01"}}).status, 201);
    EXPECT_EQ(Category(), "core");
    EXPECT_EQ(Totals()["payment_due"], false);
    // A refund makes it overdue again: marked again at once.
    ASSERT_EQ(Pay(contract, {{"kind", "refund"}, {"amount", "10.00"}}).status, 201);
    EXPECT_EQ(Category(), "payment_due");
    // Someone sets another category meanwhile: after full payment theirs stands.
    ASSERT_EQ(Call("PATCH", base_, {{"category", "interested"}}, admin()).status, 200);
    ASSERT_EQ(Pay(contract, {{"amount", "10.00"}}).status, 201);
    EXPECT_EQ(Category(), "interested");
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_due_marks WHERE customer_id = ?", {customer_}),
              0);
}

TEST_P(ContractsTest, APlanWithAnInstalmentAlreadyPastDueMarksAtOnceAndTheTodoListsIt) {
    const UnixSeconds now = NowSeconds();
    const std::int64_t contract = Contract("1000.00");
    ASSERT_EQ(Plan(contract, {{{"amount", "400.00"}, {"due_on", Day(now - 5 * kDay)}},
                              {{"amount", "600.00"}, {"due_on", Day(now + 3 * kDay)}}})
                  .status,
              200);
    EXPECT_EQ(Category(), "payment_due");
    Reply todo = Call("GET", "/api/v1/todo?sections=payments_due", nullptr, admin());
    ASSERT_EQ(todo.status, 200) << todo.raw.body;
    const json section = todo.body["sections"][0];
    EXPECT_EQ(section["key"], "payments_due");
    EXPECT_EQ(section["count"], 2);
    EXPECT_EQ(section["overdue"], 1);
    EXPECT_EQ(section["outstanding"], "1000.00");
    EXPECT_EQ(section["items"][0]["overdue"], true);
    EXPECT_EQ(section["items"][0]["customer_id"], customer_);
}

TEST_P(ContractsTest, ContractsAndPaymentsReachTheTimeline) {
    const std::int64_t contract = Contract("1000.00");
    ASSERT_EQ(Pay(contract, {{"amount", "100.00"}}).status, 201);
    Reply timeline = Call("GET", base_ + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200) << timeline.raw.body;
    std::set<std::string> kinds;
    for (const json& entry : timeline.body["items"]) kinds.insert(entry["kind"]);
    EXPECT_TRUE(kinds.count("contract")) << timeline.raw.body;
    EXPECT_TRUE(kinds.count("payment")) << timeline.raw.body;
}

// The plan and payment routes read the contract's customer through the gate: a salesperson who
// can't see the customer gets 404 for its contract's plan and payments, as for the contract.
TEST_P(ContractsTest, AContractNamesTheOpportunityItClosesOfItsOwnCustomerOnly) {
    Reply stages =
        Call("GET", "/api/v1/pipeline_stages?pipeline_id=1&sort=position", nullptr, admin());
    ASSERT_EQ(stages.status, 200) << stages.raw.body;
    const auto opportunity = [&](std::int64_t customer) {
        Reply r = Call("POST", "/api/v1/opportunities",
                       {{"name", "年度采购"},
                        {"customer_id", customer},
                        {"pipeline_id", 1},
                        {"stage_id", stages.body["items"][0]["id"]},
                        {"amount", "1000.00"}},
                       admin());
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", std::int64_t{0});
    };
    const std::int64_t ours = opportunity(customer_);
    const std::int64_t other_customer =
        CreateCustomer(admin(), {{"name", "别家公司"}, {"category", "core"}})["id"];
    const std::int64_t theirs = opportunity(other_customer);
    Reply made = NewContract("1000.00", {{"opportunity_id", ours}});
    ASSERT_EQ(made.status, 201) << made.raw.body;
    EXPECT_EQ(made.body["opportunity_id"], ours);
    // Another customer's opportunity: refused naming the field, nothing written.
    const std::int64_t before = Count("SELECT COUNT(*) FROM contracts");
    Reply wrong = NewContract("1000.00", {{"opportunity_id", theirs}});
    EXPECT_EQ(wrong.status, 422) << wrong.raw.body;
    EXPECT_TRUE(wrong.body["error"]["details"]["field_codes"].contains("opportunity_id"))
        << wrong.raw.body;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), before);
    // The customer's contracts filter by it.
    Reply listed =
        Call("GET", base_ + "/contracts?opportunity_id=" + std::to_string(ours), nullptr, admin());
    ASSERT_EQ(listed.status, 200) << listed.raw.body;
    EXPECT_EQ(listed.body["total"], 1);
}

TEST_P(ContractsTest, ThePlanAndPaymentsFollowTheCustomersVisibility) {
    const std::int64_t contract = Contract("1000.00");
    const std::int64_t role = CreateRole(
        "r_contracts", "self",
        json::array({"customers.view", "contracts.view", "contracts.create", "contracts.edit"}));
    const TestUser stranger = CreateUser("stranger", role, std::nullopt);
    const std::string plan = "/api/v1/contracts/" + std::to_string(contract) + "/instalments";
    EXPECT_EQ(Call("GET", plan, nullptr, stranger.token).status, 404);
    EXPECT_EQ(Call("PUT", plan, {{"instalments", json::array()}}, stranger.token).status, 404);
    // The ledger across customers holds nothing of a customer the caller can't see.
    ASSERT_EQ(Call("POST", "/api/v1/payments",
                   {{"contract_id", contract}, {"received_on", "2026-12-05"}, {"amount", "1.00"}},
                   admin())
                  .status,
              201);
    Reply hidden = Call("GET", "/api/v1/payments?contract_id=" + std::to_string(contract), nullptr,
                        stranger.token);
    EXPECT_EQ(hidden.status, 200);
    EXPECT_EQ(hidden.body["total"], 0);
    EXPECT_TRUE(hidden.body["items"].empty());
    EXPECT_EQ(Call("POST", "/api/v1/payments",
                   {{"contract_id", contract}, {"received_on", "2026-12-05"}, {"amount", "1.00"}},
                   stranger.token)
                  .status,
              404);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 1);
    // Without contracts.edit, a viewer of the customer may read but not record.
    const std::int64_t viewer_role =
        CreateRole("r_viewer", "all", json::array({"customers.view", "contracts.view"}));
    const TestUser viewer = CreateUser("viewer", viewer_role, std::nullopt);
    EXPECT_EQ(Call("GET", plan, nullptr, viewer.token).status, 200);
    EXPECT_EQ(Call("POST", "/api/v1/payments",
                   {{"contract_id", contract}, {"received_on", "2026-12-05"}, {"amount", "1.00"}},
                   viewer.token)
                  .status,
              403);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payments"), 1);
    // The viewer reads the ledger.
    EXPECT_EQ(Call("GET", "/api/v1/payments?contract_id=" + std::to_string(contract), nullptr,
                   viewer.token)
                  .body["total"],
              1);
}

GUANXI_API_TEST_SUITE(ContractsTest);

}  // namespace
}  // namespace guanxi::testing
