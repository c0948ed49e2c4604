// Products, price lists and quotes (issue 16, docs/QUOTES.md): a product's unique code, the totals
// in integer cents against the table the web checks too, bad lines refused naming the field with
// nothing changed, the approval of a discount past the owner's limit by the manager chain (never
// by oneself), a change sending an approved quote back to draft, revisions that keep the earlier
// version, the prices quoted and paid before, the discount limits, and the print view and PDF.

#include "api_test_support.hpp"
#include "test_paths.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <sstream>
#include <thread>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class QuotesTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t dept = CreateDepartment("华东销售部");
        manager_ = CreateUser("wang.manager", RoleId("manager"), dept);
        sales_ = CreateUser("li.sales", RoleId("sales"), dept, manager_.id);
        peer_ = CreateUser("zhao.sales", RoleId("sales"), dept);
        customer_ = CreateCustomer(
            sales_.token,
            {{"name", "华东精密机械有限公司"}, {"category", "core"}, {"region", "上海"}})["id"];
        sensor_ = Product("P-100", "工业传感器", "100.00");
        gateway_ = Product("P-200", "数据网关", "2500.00");
    }

    std::int64_t Product(const std::string& code, const std::string& name,
                         const std::string& price) {
        Reply r =
            Call("POST", "/api/v1/products",
                 {{"code", code}, {"name", name}, {"unit", "台"}, {"list_price", price}}, admin());
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", std::int64_t{0});
    }
    std::int64_t NewQuote(const std::string& token) {
        Reply r = Call("POST", "/api/v1/customers/" + std::to_string(customer_) + "/quotes",
                       {{"title", "年度采购"}, {"valid_until", "2027-01-31"}}, token);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", std::int64_t{0});
    }
    static std::string Path(std::int64_t id, const std::string& tail = "") {
        return "/api/v1/quotes/" + std::to_string(id) + tail;
    }
    // (A vector, not a json: a braced list of one line would be that line, not an array.)
    Reply Lines(std::int64_t id, const std::vector<json>& lines, const std::string& token) {
        return Call("PUT", Path(id, "/lines"), {{"lines", json(lines)}}, token);
    }
    json Line(std::int64_t product, const std::string& qty, const std::string& price,
              const std::string& discount = "0", const std::string& tax = "13") {
        return {{"product_id", product},
                {"quantity", qty},
                {"unit_price", price},
                {"discount", discount},
                {"tax_rate", tax}};
    }
    static bool NamesField(const Reply& r, const std::string& field) {
        return r.status == 422 && r.body["error"]["details"]["fields"].contains(field);
    }

    TestUser manager_, sales_, peer_;
    std::int64_t customer_ = 0, sensor_ = 0, gateway_ = 0;
};

TEST_P(QuotesTest, AProductCodeIsUniqueAmongLiveProducts) {
    Reply again = Call("POST", "/api/v1/products",
                       {{"code", "P-100"}, {"name", "另一个"}, {"list_price", "1.00"}}, admin());
    EXPECT_TRUE(NamesField(again, "code")) << again.raw.body;
    EXPECT_EQ(again.body["error"]["details"]["field_codes"]["code"]["code"], "not_unique");
    const std::string gateway = "/api/v1/products/" + std::to_string(gateway_);
    EXPECT_TRUE(NamesField(Call("PATCH", gateway, {{"code", "P-100"}}, admin()), "code"));
    // Staff read products; only administrators write them.
    EXPECT_EQ(Call("GET", "/api/v1/products", nullptr, sales_.token).status, 200);
    EXPECT_EQ(Call("POST", "/api/v1/products",
                   {{"code", "P-300"}, {"name", "x"}, {"list_price", "1.00"}}, sales_.token)
                  .status,
              403);
    // A deleted product's code is free again; restoring the old one then is refused.
    const std::string sensor = "/api/v1/products/" + std::to_string(sensor_);
    ASSERT_EQ(Call("DELETE", sensor, nullptr, admin()).status, 204);
    EXPECT_EQ(Product("P-100", "新传感器", "120.00") > 0, true);
    EXPECT_TRUE(NamesField(Call("POST", sensor + "/restore", nullptr, admin()), "code"));
    // Custom fields work for products as for any kit type.
    Reply field = Call("POST", "/api/v1/custom-fields",
                       {{"entity", "products"},
                        {"key", "warranty_months"},
                        {"type", "integer"},
                        {"label", {{"zh-CN", "保修月数"}, {"en", "Warranty (months)"}}}},
                       admin());
    ASSERT_EQ(field.status, 201) << field.raw.body;
    Reply custom = Call("PATCH", gateway, {{"custom", {{"warranty_months", 24}}}}, admin());
    ASSERT_EQ(custom.status, 200) << custom.raw.body;
    EXPECT_EQ(custom.body["custom"]["warranty_months"], 24);
}

TEST_P(QuotesTest, AProductsPricePastTenToTheTwelveIsRefusedNamingIt) {
    for (const char* field : {"list_price", "cost"}) {
        json body = {
            {"code", std::string("BIG-") + field}, {"name", "大额产品"}, {"list_price", "1.00"}};
        body[field] = "1000000000000.01";
        Reply r = Call("POST", "/api/v1/products", body, admin());
        EXPECT_EQ(r.status, 422) << r.raw.body;
        EXPECT_EQ(r.body["error"]["details"]["field_codes"][field]["code"], "money_too_large")
            << r.raw.body;
        body[field] = "1000000000000.00";
        EXPECT_EQ(Call("POST", "/api/v1/products", body, admin()).status, 201);
    }
    Reply line =
        Lines(NewQuote(sales_.token), {Line(sensor_, "1", "1000000000000.01")}, sales_.token);
    EXPECT_EQ(line.body["error"]["details"]["field_codes"]["lines[0].unit_price"]["code"],
              "money_too_large")
        << line.raw.body;
}

TEST_P(QuotesTest, TotalsAreIntegerCentsRoundedPerLineAsTheSharedTableSays) {
    std::ifstream file(kQuoteTotalsCases);
    ASSERT_TRUE(file) << kQuoteTotalsCases;
    const json table = json::parse(file);
    const std::int64_t id = NewQuote(admin());
    for (const json& c : table["cases"]) {
        std::vector<json> lines;
        for (const json& l : c["lines"]) {
            lines.push_back(
                Line(sensor_, l["quantity"], l["unit_price"], l["discount"], l["tax_rate"]));
        }
        Reply r = Lines(id, lines, admin());
        ASSERT_EQ(r.status, 200) << c["name"] << r.raw.body;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            EXPECT_EQ(r.body["lines"][i]["net"], c["lines"][i]["net"]) << c["name"] << i;
            EXPECT_EQ(r.body["lines"][i]["tax"], c["lines"][i]["tax"]) << c["name"] << i;
            EXPECT_EQ(r.body["lines"][i]["total"], c["lines"][i]["total"]) << c["name"] << i;
        }
        EXPECT_EQ(r.body["subtotal"], c["subtotal"]) << c["name"];
        EXPECT_EQ(r.body["tax_total"], c["tax"]) << c["name"];
        EXPECT_EQ(r.body["total"], c["total"]) << c["name"];
        EXPECT_EQ(r.body["line_count"], lines.size());
    }
    // A line without a price takes the product's; without discount or tax rate, 0 % and 13 %.
    Reply plain = Lines(id, {{{"product_id", gateway_}, {"quantity", 2}}}, admin());
    ASSERT_EQ(plain.status, 200) << plain.raw.body;
    EXPECT_EQ(plain.body["lines"][0]["unit_price"], "2500.00");
    EXPECT_EQ(plain.body["lines"][0]["description"], "数据网关");
    EXPECT_EQ(plain.body["total"], "5650.00");
}

// Eight people saving one quote's lines (and one price list's) at the same moment: each save is
// whole — every answer 200, and what stays is one save's lines, numbered 1..n, never a mix or a
// duplicate. (On PostgreSQL the second save waits for the first's row lock.)
TEST_P(QuotesTest, LinesSavedAtOnceByManyAreEachWholeAndNoneFails) {
    const std::int64_t id = NewQuote(sales_.token);
    Reply list = Call("POST", "/api/v1/price-lists",
                      {{"name", "并发价目表"}, {"valid_from", "2020-01-01"}}, admin());
    ASSERT_EQ(list.status, 201) << list.raw.body;
    const std::string list_lines = "/api/v1/price-lists/" + list.body["id"].dump() + "/lines";
    constexpr int kWriters = 8;
    std::vector<Reply> quote_replies(kWriters), list_replies(kWriters);
    std::latch start(kWriters);
    std::vector<std::thread> threads;
    for (int i = 0; i < kWriters; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            // Writer i saves i + 1 lines (so the lines that stay tell whose save it was).
            std::vector<json> lines(i + 1, Line(sensor_, "1", std::to_string(10 + i) + ".00"));
            quote_replies[i] = Lines(id, lines, sales_.token);
            list_replies[i] =
                Call("PUT", list_lines,
                     {{"items", json::array({{{"product_id", i % 2 ? sensor_ : gateway_},
                                              {"price", std::to_string(100 + i) + ".00"}}})}},
                     admin());
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kWriters; ++i) {
        EXPECT_EQ(quote_replies[i].status, 200) << quote_replies[i].raw.body;
        EXPECT_EQ(list_replies[i].status, 200) << list_replies[i].raw.body;
    }
    Reply quote = Call("GET", Path(id), nullptr, sales_.token);
    ASSERT_EQ(quote.status, 200);
    const json& lines = quote.body["lines"];
    ASSERT_GE(lines.size(), 1u);
    const std::string price = lines[0]["unit_price"];
    EXPECT_EQ(price, std::to_string(10 + lines.size() - 1) + ".00") << "a mix of saves";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i]["position"], i + 1);
        EXPECT_EQ(lines[i]["unit_price"], price);
    }
    EXPECT_EQ(quote.body["line_count"], lines.size());
    EXPECT_EQ(quote.body["version"], 1 + kWriters);
    Reply kept = Call("GET", list_lines, nullptr, admin());
    ASSERT_EQ(kept.status, 200) << kept.raw.body;
    EXPECT_EQ(kept.body["items"].size(), 1u);
}

TEST_P(QuotesTest, BadLinesAreRefusedNamingTheFieldAndNothingChanges) {
    const std::int64_t id = NewQuote(sales_.token);
    ASSERT_EQ(Lines(id, {Line(sensor_, "1", "10.00")}, sales_.token).status, 200);
    const json before = Call("GET", Path(id), nullptr, sales_.token).body;
    const std::string big = "1000000000000.00";
    struct Case {
        std::vector<json> lines;
        std::string field;
    };
    const std::vector<Case> cases = {
        {{Line(sensor_, "-1", "10.00")}, "lines[0].quantity"},
        {{Line(sensor_, "0", "10.00")}, "lines[0].quantity"},
        {{Line(sensor_, "1.0001", "10.00")}, "lines[0].quantity"},
        {{Line(sensor_, "1", "10.00", "100.01")}, "lines[0].discount"},
        {{Line(sensor_, "1", "10.00", "-5")}, "lines[0].discount"},
        {{Line(sensor_, "1", "10.00", "0", "101")}, "lines[0].tax_rate"},
        {{Line(sensor_, "1", "-10.00")}, "lines[0].unit_price"},
        {{Line(sensor_, "1", "1000000000000.01", "0", "0")}, "lines[0].unit_price"},
        {{Line(sensor_, "2", big, "0", "0")}, "lines[0]"},
        {{Line(sensor_, "1", big, "0", "13")}, "lines[0]"},
        {{Line(sensor_, "1", "600000000000.00", "0", "0"),
          Line(gateway_, "1", "600000000000.00", "0", "0")},
         "total"},
        {{Line(999999, "1", "10.00")}, "lines[0].product_id"},
        {{Line(sensor_, "1", "10.00"), {{"product_id", sensor_}, {"quantity", 1}, {"x", 1}}},
         "lines[1].x"},
    };
    for (const Case& c : cases) {
        Reply r = Lines(id, c.lines, sales_.token);
        EXPECT_TRUE(NamesField(r, c.field)) << c.field << " " << r.raw.body;
    }
    EXPECT_TRUE(
        NamesField(Call("PUT", Path(id, "/lines"), {{"lines", "x"}}, sales_.token), "lines"));
    const json after = Call("GET", Path(id), nullptr, sales_.token).body;
    EXPECT_EQ(after["version"], before["version"]);
    EXPECT_EQ(after["lines"], before["lines"]);
    EXPECT_EQ(after["total"], "11.30");
    // The amount at the limit works.
    Reply at_limit = Lines(id, {Line(sensor_, "1", big, "0", "0")}, sales_.token);
    ASSERT_EQ(at_limit.status, 200) << at_limit.raw.body;
    EXPECT_EQ(at_limit.body["total"], big);
    // A stale version is a 409.
    Reply stale =
        Call("PUT", Path(id, "/lines"),
             {{"lines", json::array({Line(sensor_, "1", "1.00")})}, {"version", 1}}, sales_.token);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.code(), "stale_version");
}

TEST_P(QuotesTest, ADiscountPastTheLimitIsApprovedByTheOwnersManagerNeverByOneself) {
    const std::int64_t id = NewQuote(sales_.token);
    Reply lines = Lines(id, {Line(sensor_, "10", "100.00", "15"), Line(gateway_, "1", "2500.00")},
                        sales_.token);
    ASSERT_EQ(lines.status, 200) << lines.raw.body;
    EXPECT_EQ(lines.body["needs_approval"], true);
    EXPECT_EQ(lines.body["discount_limit"], "10");
    // Not accepted or sent before approval.
    EXPECT_EQ(Call("POST", Path(id, "/accept"), nullptr, sales_.token).status, 409);
    Reply submitted = Call("POST", Path(id, "/submit"), nullptr, sales_.token);
    ASSERT_EQ(submitted.status, 200) << submitted.raw.body;
    EXPECT_EQ(submitted.body["status"], "pending_approval");
    // The manager is told.
    Reply inbox = Call("GET", "/api/v1/notifications", nullptr, manager_.token);
    ASSERT_EQ(inbox.status, 200) << inbox.raw.body;
    bool told = false;
    for (const json& n : inbox.body["items"]) {
        told = told || (n["kind"] == "quote_approval" && n["entity_id"] == id);
    }
    EXPECT_TRUE(told) << inbox.raw.body;
    // Not by oneself, not by a peer outside the chain.
    Reply own = Call("POST", Path(id, "/approve"), nullptr, sales_.token);
    EXPECT_EQ(own.status, 403);
    EXPECT_EQ(own.code(), "own_quote_approval");
    EXPECT_NE(Call("POST", Path(id, "/approve"), nullptr, peer_.token).status, 200);
    EXPECT_EQ(Call("GET", Path(id), nullptr, sales_.token).body["status"], "pending_approval");
    // The manager approves; then it can be accepted.
    Reply approved = Call("POST", Path(id, "/approve"), {{"note", "同意"}}, manager_.token);
    ASSERT_EQ(approved.status, 200) << approved.raw.body;
    EXPECT_EQ(approved.body["status"], "approved");
    EXPECT_EQ(approved.body["decided_by"], manager_.id);
    EXPECT_EQ(approved.body["decision_note"], "同意");
    EXPECT_EQ(Call("POST", Path(id, "/approve"), nullptr, manager_.token).status, 409);
    Reply accepted = Call("POST", Path(id, "/accept"), nullptr, sales_.token);
    ASSERT_EQ(accepted.status, 200) << accepted.raw.body;
    EXPECT_EQ(accepted.body["status"], "accepted");
    EXPECT_FALSE(accepted.body["accepted_at"].is_null());

    // Within the limit, a submit approves at once; a reject sends it back to be changed.
    const std::int64_t small = NewQuote(sales_.token);
    ASSERT_EQ(Lines(small, {Line(sensor_, "1", "100.00", "10")}, sales_.token).status, 200);
    EXPECT_EQ(Call("POST", Path(small, "/submit"), nullptr, sales_.token).body["status"],
              "approved");
    const std::int64_t other = NewQuote(sales_.token);
    ASSERT_EQ(Lines(other, {Line(sensor_, "1", "100.00", "30")}, sales_.token).status, 200);
    ASSERT_EQ(Call("POST", Path(other, "/submit"), nullptr, sales_.token).status, 200);
    Reply rejected = Call("POST", Path(other, "/reject"), {{"note", "折扣太大"}}, manager_.token);
    EXPECT_EQ(rejected.body["status"], "rejected");
}

TEST_P(QuotesTest, AChangeSendsAnApprovedQuoteBackToDraft) {
    const std::int64_t id = NewQuote(sales_.token);
    ASSERT_EQ(Lines(id, {Line(sensor_, "1", "100.00", "15")}, sales_.token).status, 200);
    ASSERT_EQ(Call("POST", Path(id, "/submit"), nullptr, sales_.token).status, 200);
    ASSERT_EQ(Call("POST", Path(id, "/approve"), nullptr, manager_.token).status, 200);
    const std::string kit_path =
        "/api/v1/customers/" + std::to_string(customer_) + "/quotes/" + std::to_string(id);
    Reply patched = Call("PATCH", kit_path, {{"notes", "改了备注"}}, sales_.token);
    ASSERT_EQ(patched.status, 200) << patched.raw.body;
    EXPECT_EQ(patched.body["status"], "draft");
    EXPECT_TRUE(patched.body["decided_by"].is_null());
    ASSERT_EQ(Call("POST", Path(id, "/submit"), nullptr, sales_.token).status, 200);
    ASSERT_EQ(Call("POST", Path(id, "/approve"), nullptr, manager_.token).status, 200);
    Reply relined = Lines(id, {Line(sensor_, "2", "100.00", "15")}, sales_.token);
    EXPECT_EQ(relined.body["status"], "draft");
    // The status itself is the server's.
    EXPECT_TRUE(
        NamesField(Call("PATCH", kit_path, {{"status", "approved"}}, sales_.token), "status"));
}

TEST_P(QuotesTest, ARevisionIsANewVersionAndTheEarlierOneStaysReadable) {
    const std::int64_t id = NewQuote(sales_.token);
    ASSERT_EQ(
        Lines(id, {Line(sensor_, "3", "100.00"), Line(gateway_, "1", "2400.00")}, sales_.token)
            .status,
        200);
    ASSERT_EQ(Call("POST", Path(id, "/accept"), nullptr, sales_.token).status, 200);
    const std::string kit_path =
        "/api/v1/customers/" + std::to_string(customer_) + "/quotes/" + std::to_string(id);
    EXPECT_EQ(Call("PATCH", kit_path, {{"notes", "x"}}, sales_.token).status, 409);
    EXPECT_EQ(Lines(id, {Line(sensor_, "1", "1.00")}, sales_.token).status, 409);
    Reply revised = Call("POST", Path(id, "/revise"), nullptr, sales_.token);
    ASSERT_EQ(revised.status, 201) << revised.raw.body;
    const std::int64_t new_id = revised.body["id"];
    const json old = Call("GET", Path(id), nullptr, sales_.token).body;
    EXPECT_NE(new_id, id);
    EXPECT_EQ(revised.body["number"], old["number"]);
    EXPECT_EQ(revised.body["revision"], 2);
    EXPECT_EQ(revised.body["previous_id"], id);
    EXPECT_EQ(revised.body["status"], "draft");
    EXPECT_EQ(revised.body["total"], old["total"]);
    EXPECT_EQ(revised.body["lines"].size(), 2u);
    EXPECT_EQ(old["status"], "accepted");
    EXPECT_EQ(old["superseded_by"], new_id);
    // The earlier version is read-only; the new one changes.
    EXPECT_EQ(Call("POST", Path(id, "/revise"), nullptr, sales_.token).status, 409);
    EXPECT_EQ(Call("PATCH", kit_path, {{"notes", "x"}}, sales_.token).status, 409);
    EXPECT_EQ(Lines(new_id, {Line(sensor_, "1", "90.00")}, sales_.token).status, 200);
    Reply versions = Call("GET", Path(new_id, "/versions"), nullptr, sales_.token);
    ASSERT_EQ(versions.status, 200) << versions.raw.body;
    ASSERT_EQ(versions.body["items"].size(), 2u);
    EXPECT_EQ(versions.body["items"][0]["id"], id);
    EXPECT_EQ(versions.body["items"][0]["total"], old["total"]);
    EXPECT_EQ(versions.body["items"][1]["id"], new_id);
}

TEST_P(QuotesTest, AnAcceptedQuoteBecomesADraftContractForItsTotalNamingItAndItsOpportunity) {
    Reply stages =
        Call("GET", "/api/v1/pipeline_stages?pipeline_id=1&sort=position", nullptr, admin());
    ASSERT_EQ(stages.status, 200) << stages.raw.body;
    Reply opportunity = Call("POST", "/api/v1/opportunities",
                             {{"name", "产线改造"},
                              {"customer_id", customer_},
                              {"pipeline_id", 1},
                              {"stage_id", stages.body["items"][0]["id"]},
                              {"amount", "3000.00"}},
                             sales_.token);
    ASSERT_EQ(opportunity.status, 201) << opportunity.raw.body;
    const std::string quotes = "/api/v1/customers/" + std::to_string(customer_) + "/quotes";
    Reply made =
        Call("POST", quotes,
             {{"title", "产线改造报价"}, {"opportunity_id", opportunity.body["id"]}}, sales_.token);
    ASSERT_EQ(made.status, 201) << made.raw.body;
    const std::int64_t id = made.body["id"];
    ASSERT_EQ(
        Lines(id, {Line(sensor_, "3", "100.00"), Line(gateway_, "1", "2400.00")}, sales_.token)
            .status,
        200);
    const std::string contracts = "/api/v1/customers/" + std::to_string(customer_) + "/contracts";
    EXPECT_EQ(Call("GET", contracts, nullptr, sales_.token).body["total"], 0);
    Reply accepted = Call("POST", Path(id, "/accept"), nullptr, sales_.token);
    ASSERT_EQ(accepted.status, 200) << accepted.raw.body;
    Reply listed = Call("GET", contracts, nullptr, sales_.token);
    ASSERT_EQ(listed.body["total"], 1) << listed.raw.body;
    const json contract = listed.body["items"][0];
    EXPECT_EQ(contract["amount"], accepted.body["total"]);
    EXPECT_EQ(contract["title"], "产线改造报价");
    EXPECT_EQ(contract["status"], "draft");
    EXPECT_EQ(contract["owner_id"], sales_.id);
    EXPECT_EQ(contract["quote_id"], id);
    EXPECT_EQ(contract["opportunity_id"], opportunity.body["id"]);
    EXPECT_TRUE(contract["number"].is_string());
    // One contract per quote: another naming it is refused.
    Reply again =
        Call("POST", contracts,
             {{"title", "重复"}, {"amount", "1.00"}, {"signed_on", "2026-12-01"}, {"quote_id", id}},
             sales_.token);
    EXPECT_EQ(again.status, 422) << again.raw.body;
    EXPECT_EQ(again.body["error"]["details"]["field_codes"]["quote_id"]["code"],
              "quote_has_contract");
    // A user who may not create contracts cannot accept (nothing changes).
    const std::int64_t no_contracts =
        CreateRole("r_quotes_only", "self",
                   json::array({"customers.view", "customers.create", "quotes.view",
                                "quotes.create", "quotes.edit"}));
    const TestUser quoter = CreateUser("qian.quotes", no_contracts, std::nullopt);
    const std::int64_t own_customer =
        CreateCustomer(quoter.token, {{"name", "钱氏贸易"}, {"category", "core"}})["id"];
    Reply theirs = Call("POST", "/api/v1/customers/" + std::to_string(own_customer) + "/quotes",
                        {{"title", "小额报价"}}, quoter.token);
    ASSERT_EQ(theirs.status, 201) << theirs.raw.body;
    const std::int64_t their_id = theirs.body["id"];
    ASSERT_EQ(Lines(their_id, {Line(sensor_, "1", "100.00")}, quoter.token).status, 200);
    EXPECT_EQ(Call("POST", Path(their_id, "/accept"), nullptr, quoter.token).status, 403);
    EXPECT_EQ(Call("GET", Path(their_id), nullptr, quoter.token).body["status"], "draft");
}

TEST_P(QuotesTest, ThePricesQuotedAndPaidBeforeAreShownBesideEachProduct) {
    const std::int64_t first = NewQuote(sales_.token);
    ASSERT_EQ(Lines(first, {Line(sensor_, "1", "95.00", "5")}, sales_.token).status, 200);
    ASSERT_EQ(Call("POST", Path(first, "/accept"), nullptr, sales_.token).status, 200);
    const std::int64_t second = NewQuote(sales_.token);
    ASSERT_EQ(Lines(second, {Line(sensor_, "1", "90.00")}, sales_.token).status, 200);
    // A price list for core customers gives the gateway's default price.
    Reply list =
        Call("POST", "/api/v1/price-lists",
             {{"name", "核心客户价"}, {"customer_category", "core"}, {"valid_from", "2020-01-01"}},
             admin());
    ASSERT_EQ(list.status, 201) << list.raw.body;
    const std::string lines_path = "/api/v1/price-lists/" + list.body["id"].dump() + "/lines";
    EXPECT_TRUE(NamesField(
        Call("PUT", lines_path,
             {{"items", json::array({{{"product_id", 424242}, {"price", "1.00"}}})}}, admin()),
        "items[0].product_id"));
    EXPECT_EQ(Call("PUT", lines_path, {{"items", json::array()}}, sales_.token).status, 403);
    Reply put =
        Call("PUT", lines_path,
             {{"items", json::array({{{"product_id", gateway_}, {"price", "2200.00"}}})}}, admin());
    ASSERT_EQ(put.status, 200) << put.raw.body;
    EXPECT_EQ(put.body["items"][0]["product_name"], "数据网关");

    const std::string prices = "/api/v1/customers/" + std::to_string(customer_) +
                               "/product-prices?product_ids=" + std::to_string(sensor_) + "," +
                               std::to_string(gateway_);
    Reply r = Call("GET", prices, nullptr, sales_.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    ASSERT_EQ(r.body["items"].size(), 2u);
    const json& sensor = r.body["items"][0];
    EXPECT_EQ(sensor["last_quoted"]["unit_price"], "90.00");
    EXPECT_EQ(sensor["last_paid"]["unit_price"], "95.00");
    EXPECT_EQ(sensor["last_paid"]["discount"], "5");
    EXPECT_EQ(sensor["default_price"], "100.00");
    const json& gateway = r.body["items"][1];
    EXPECT_TRUE(gateway["last_quoted"].is_null());
    EXPECT_EQ(gateway["price_list_price"], "2200.00");
    EXPECT_EQ(gateway["default_price"], "2200.00");
    // The quote being edited leaves itself out.
    Reply except =
        Call("GET", prices + "&except_quote=" + std::to_string(second), nullptr, sales_.token);
    ASSERT_EQ(except.status, 200) << except.raw.body;
    EXPECT_EQ(except.body["items"][0]["last_quoted"]["unit_price"], "95.00");
    // A line without a price takes the price list's.
    Reply defaulted = Lines(second, {{{"product_id", gateway_}, {"quantity", 1}}}, sales_.token);
    EXPECT_EQ(defaulted.body["lines"][0]["unit_price"], "2200.00");
    // Through the gate: a peer who can't see the customer sees nothing.
    EXPECT_EQ(Call("GET", prices, nullptr, peer_.token).status, 404);
    EXPECT_EQ(Call("GET", Path(first), nullptr, peer_.token).status, 404);
    EXPECT_EQ(
        Call("GET",
             "/api/v1/customers/" + std::to_string(customer_) + "/product-prices?product_ids=x",
             nullptr, sales_.token)
            .status,
        400);
}

TEST_P(QuotesTest, DiscountLimitsAreAnAdministratorsSetting) {
    const std::string path = "/api/v1/settings/quote-discount-limits";
    Reply read = Call("GET", path, nullptr, sales_.token);
    ASSERT_EQ(read.status, 200);
    const json body = {
        {"items", json::array({{{"role_id", RoleId("sales")}, {"max_discount", "20"}}})}};
    EXPECT_EQ(Call("PUT", path, body, sales_.token).status, 403);
    EXPECT_TRUE(NamesField(
        Call("PUT", path,
             {{"items", json::array({{{"role_id", RoleId("sales")}, {"max_discount", "101"}}})}},
             admin()),
        "items[0].max_discount"));
    Reply set = Call("PUT", path, body, admin());
    ASSERT_EQ(set.status, 200) << set.raw.body;
    const std::int64_t id = NewQuote(sales_.token);
    Reply lines = Lines(id, {Line(sensor_, "1", "100.00", "15")}, sales_.token);
    EXPECT_EQ(lines.body["needs_approval"], false);
    EXPECT_EQ(lines.body["discount_limit"], "20");
}

TEST_P(QuotesTest, ThePrintViewAndPdfShowTheCustomerProductsAndTotal) {
    Reply renamed = Call("PATCH", "/api/v1/products/" + std::to_string(gateway_),
                         {{"name", "数据网关 <b>&"}}, admin());
    ASSERT_EQ(renamed.status, 200);
    const std::int64_t id = NewQuote(sales_.token);
    ASSERT_EQ(
        Lines(id, {Line(sensor_, "3", "100.00", "5"), Line(gateway_, "1", "2500.00")}, sales_.token)
            .status,
        200);
    const json quote = Call("GET", Path(id), nullptr, sales_.token).body;
    const std::string total = quote["total"];
    Reply html = Call("GET", Path(id, "/print?lang=zh-CN"), nullptr, sales_.token);
    ASSERT_EQ(html.status, 200);
    EXPECT_NE(html.raw.body.find("报价单"), std::string::npos);
    EXPECT_NE(html.raw.body.find("华东精密机械有限公司"), std::string::npos);
    EXPECT_NE(html.raw.body.find("数据网关 &lt;b&gt;&amp;"), std::string::npos);
    EXPECT_EQ(html.raw.body.find("<b>&"), std::string::npos);
    EXPECT_NE(html.raw.body.find(total), std::string::npos);
    Reply english = Call("GET", Path(id, "/print?lang=en"), nullptr, sales_.token);
    EXPECT_NE(english.raw.body.find("Quotation"), std::string::npos);
    EXPECT_EQ(Call("GET", Path(id, "/print?lang=fr"), nullptr, sales_.token).status, 400);

    Reply pdf = Call("GET", Path(id, "/pdf?lang=zh-CN"), nullptr, sales_.token);
    ASSERT_EQ(pdf.status, 200);
    EXPECT_EQ(pdf.raw.HeaderValue("Content-Type"), "application/pdf");
    const std::string disposition = pdf.raw.HeaderValue("Content-Disposition").value_or("");
    EXPECT_NE(disposition.find("filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95-Q"), std::string::npos)
        << disposition;
    ASSERT_EQ(pdf.raw.body.substr(0, 5), "%PDF-");
    const auto dir = std::filesystem::temp_directory_path();
    const std::string pdf_path = (dir / ("quote-" + std::to_string(::getpid()) + ".pdf")).string();
    const std::string txt_path = pdf_path + ".txt";
    std::ofstream(pdf_path, std::ios::binary) << pdf.raw.body;
    ASSERT_EQ(std::system(("pdftotext -enc UTF-8 " + pdf_path + " " + txt_path).c_str()), 0);
    std::stringstream text;
    text << std::ifstream(txt_path).rdbuf();
    std::filesystem::remove(pdf_path);
    std::filesystem::remove(txt_path);
    EXPECT_NE(text.str().find("华东精密机械有限公司"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("工业传感器"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find(total), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("含税总额"), std::string::npos) << text.str();
    // Read through the gate.
    EXPECT_EQ(Call("GET", Path(id, "/pdf"), nullptr, peer_.token).status, 404);
}

GUANXI_API_TEST_SUITE(QuotesTest);

}  // namespace
}  // namespace guanxi::testing
