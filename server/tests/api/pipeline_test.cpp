// Pipelines, opportunities and the board (issue 16 items 2-6): the stage rules, the stale flag
// and time in stage over stored times, concurrent moves, closing twice, opportunities moving with
// their customer, the board's filters and gate, and the opportunity's timeline.

#include "api_test_support.hpp"
#include "core/money.hpp"

#include <map>

namespace guanxi::testing {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;

class PipelineTest : public ApiTest {
  protected:
    // The seeded pipeline (id 1) and its stages by position: 初步接洽 … 赢单, 输单.
    std::vector<json> Stages() {
        Reply r =
            Call("GET", "/api/v1/pipeline_stages?pipeline_id=1&sort=position", nullptr, admin());
        EXPECT_EQ(r.status, 200) << r.raw.body;
        return r.body["items"].get<std::vector<json>>();
    }
    json Opportunity(const std::string& token, std::int64_t customer, json extra = {}) {
        json body = {{"name", "年度采购"},
                     {"customer_id", customer},
                     {"pipeline_id", 1},
                     {"stage_id", Stages()[0]["id"]},
                     {"amount", "1000.50"}};
        if (extra.is_object()) body.update(extra);
        Reply r = Call("POST", "/api/v1/opportunities", body, token);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body;
    }
    Reply Move(const json& opportunity, std::int64_t stage, const std::string& token,
               json extra = {}) {
        json body = {{"stage_id", stage}, {"version", opportunity["version"]}};
        if (extra.is_object()) body.update(extra);
        return Call("PATCH", "/api/v1/opportunities/" + opportunity["id"].dump(), body, token);
    }
    void Sql(const std::string& sql, const db::Params& params) {
        auto conn = app().db().Acquire();
        ASSERT_TRUE(conn.ok());
        ASSERT_TRUE((*conn)->Execute(sql, params).ok()) << sql;
    }
    json Get(const json& opportunity) {
        return Call("GET", "/api/v1/opportunities/" + opportunity["id"].dump(), nullptr, admin())
            .body;
    }
};

TEST_P(PipelineTest, TheDefaultPipelineIsSeededWithLabelsInBothLanguages) {
    const auto stages = Stages();
    ASSERT_EQ(stages.size(), 6u);
    EXPECT_EQ(stages[0]["name"], "初步接洽");
    EXPECT_EQ(stages[0]["name_en"], "Initial contact");
    EXPECT_EQ(stages[4]["is_won"], true);
    EXPECT_EQ(stages[5]["is_lost"], true);
    EXPECT_EQ(stages[0]["days_limit"], 14);
    EXPECT_TRUE(stages[4]["days_limit"].is_null());
    // Staff read them; only an administrator writes them.
    TestUser sales = CreateUser("p.sales", RoleId("sales"), std::nullopt);
    EXPECT_EQ(Call("GET", "/api/v1/pipelines", nullptr, sales.token).status, 200);
    EXPECT_EQ(Call("PATCH", "/api/v1/pipeline_stages/" + stages[0]["id"].dump(),
                   {{"days_limit", 1}}, sales.token)
                  .status,
              403);
    // A stage both won and lost is refused, naming is_lost.
    Reply both = Call("POST", "/api/v1/pipeline_stages",
                      {{"pipeline_id", 1},
                       {"name", "X"},
                       {"position", 9},
                       {"probability", 5},
                       {"is_won", true},
                       {"is_lost", true}},
                      admin());
    EXPECT_EQ(both.status, 422);
    EXPECT_TRUE(both.body["error"]["details"]["fields"].contains("is_lost")) << both.raw.body;
}

TEST_P(PipelineTest, AStageOfAnotherPipelineIsRefusedNamingStageId) {
    const json customer = CreateCustomer(admin(), {{"name", "流程客户"}});
    Reply other = Call("POST", "/api/v1/pipelines", {{"name", "渠道流程"}}, admin());
    ASSERT_EQ(other.status, 201);
    Reply foreign = Call(
        "POST", "/api/v1/pipeline_stages",
        {{"pipeline_id", other.body["id"]}, {"name", "签约"}, {"position", 1}, {"probability", 60}},
        admin());
    ASSERT_EQ(foreign.status, 201) << foreign.raw.body;
    Reply create = Call("POST", "/api/v1/opportunities",
                        {{"name", "错阶段"},
                         {"customer_id", customer["id"]},
                         {"pipeline_id", 1},
                         {"stage_id", foreign.body["id"]}},
                        admin());
    EXPECT_EQ(create.status, 422);
    EXPECT_EQ(create.body["error"]["details"]["field_codes"]["stage_id"]["code"],
              "not_a_stage_of_pipeline")
        << create.raw.body;
    const json opportunity = Opportunity(admin(), customer["id"]);
    Reply moved = Move(opportunity, foreign.body["id"], admin());
    EXPECT_EQ(moved.status, 422);
    EXPECT_TRUE(moved.body["error"]["details"]["fields"].contains("stage_id"));
    EXPECT_EQ(Get(opportunity)["version"], 1);  // nothing changed
    EXPECT_EQ(Get(opportunity)["stage_id"], opportunity["stage_id"]);
}

TEST_P(PipelineTest, ProbabilityAndAmountsFollowTheRules) {
    const json customer = CreateCustomer(admin(), {{"name", "赢率客户"}});
    const auto stages = Stages();
    json o = Opportunity(admin(), customer["id"]);
    EXPECT_EQ(o["probability"], 10);  // the stage's default
    EXPECT_EQ(o["status"], "open");
    EXPECT_EQ(o["amount"], "1000.50");
    Reply moved = Move(o, stages[2]["id"], admin());
    ASSERT_EQ(moved.status, 200) << moved.raw.body;
    EXPECT_EQ(moved.body["probability"], 50);
    Reply own = Move(moved.body, stages[3]["id"], admin(), {{"probability", 60}});
    EXPECT_EQ(own.body["probability"], 60);  // sent with the move: kept
    // 10^12 with cents is the most an amount may be.
    Reply top = Call("PATCH", "/api/v1/opportunities/" + o["id"].dump(),
                     {{"amount", "1000000000000.00"}}, admin());
    EXPECT_EQ(top.status, 200) << top.raw.body;
    EXPECT_EQ(top.body["amount"], "1000000000000.00");
    Reply past = Call("PATCH", "/api/v1/opportunities/" + o["id"].dump(),
                      {{"amount", "1000000000000.01"}}, admin());
    EXPECT_EQ(past.status, 422);
    EXPECT_EQ(past.body["error"]["details"]["field_codes"]["amount"]["code"], "money_too_large");
    Reply range =
        Call("PATCH", "/api/v1/opportunities/" + o["id"].dump(), {{"probability", 101}}, admin());
    EXPECT_EQ(range.status, 422);
}

TEST_P(PipelineTest, TheStaleFlagComesFromTheTimeInStageAgainstItsLimit) {
    const json customer = CreateCustomer(admin(), {{"name", "停滞客户"}});
    const json o = Opportunity(admin(), customer["id"]);  // 初步接洽: 14 days
    EXPECT_EQ(o["stale"], false);
    const std::int64_t now = std::time(nullptr);
    Sql("UPDATE opportunities SET stage_entered_at = ? WHERE id = ?",
        {now - 15 * kDay, o["id"].get<std::int64_t>()});
    EXPECT_EQ(Get(o)["stale"], true);
    Reply board = Call("GET", "/api/v1/pipelines/1/board", nullptr, admin());
    ASSERT_EQ(board.status, 200) << board.raw.body;
    EXPECT_EQ(board.body["columns"][0]["cards"][0]["stale"], true);
    Sql("UPDATE opportunities SET stage_entered_at = ? WHERE id = ?",
        {now - 13 * kDay, o["id"].get<std::int64_t>()});
    EXPECT_EQ(Get(o)["stale"], false);
    // A stage without a limit never makes one stale; a limit changed applies at once.
    Sql("UPDATE pipeline_stages SET days_limit = 12 WHERE id = ?",
        {o["stage_id"].get<std::int64_t>()});
    EXPECT_EQ(Get(o)["stale"], true);
    Sql("UPDATE pipeline_stages SET days_limit = NULL WHERE id = ?",
        {o["stage_id"].get<std::int64_t>()});
    EXPECT_EQ(Get(o)["stale"], false);
}

TEST_P(PipelineTest, TimeInStageIsCountedPerStayAndSummedPerStage) {
    const json customer = CreateCustomer(admin(), {{"name", "时长客户"}});
    const auto stages = Stages();
    json o = Opportunity(admin(), customer["id"]);
    o = Move(o, stages[1]["id"], admin()).body;
    o = Move(o, stages[0]["id"], admin()).body;  // back again
    const std::int64_t id = o["id"];
    const std::int64_t now = std::time(nullptr);
    // Stored times: 3 days 2 hours in the first stay, 1 day in stage 2, then 5 hours so far.
    const std::int64_t t0 = now - 4 * kDay - 7 * 3600;
    auto conn = app().db().Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = (*conn)->Query(
        "SELECT id FROM opportunity_stage_history WHERE opportunity_id = ? ORDER BY id", {id});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 3u);
    const std::int64_t t1 = t0 + 3 * kDay + 2 * 3600;
    const std::int64_t t2 = t1 + kDay;
    Sql("UPDATE opportunity_stage_history SET entered_at = ?, left_at = ? WHERE id = ?",
        {t0, t1, (*rows)[0].Int(0)});
    Sql("UPDATE opportunity_stage_history SET entered_at = ?, left_at = ? WHERE id = ?",
        {t1, t2, (*rows)[1].Int(0)});
    Sql("UPDATE opportunity_stage_history SET entered_at = ? WHERE id = ?",
        {now - 5 * 3600, (*rows)[2].Int(0)});
    Reply history = Call("GET", "/api/v1/opportunities/" + std::to_string(id) + "/stage-history",
                         nullptr, admin());
    ASSERT_EQ(history.status, 200) << history.raw.body;
    const json& items = history.body["items"];
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0]["seconds"], 3 * kDay + 2 * 3600);
    EXPECT_EQ(items[0]["days"], 3);
    EXPECT_EQ(items[0]["stage_name"], "初步接洽");
    EXPECT_EQ(items[1]["seconds"], kDay);
    EXPECT_EQ(items[1]["days"], 1);
    EXPECT_EQ(items[2]["current"], true);
    EXPECT_TRUE(items[2]["left_at"].is_null());
    EXPECT_GE(items[2]["seconds"].get<std::int64_t>(), 5 * 3600);
    EXPECT_LT(items[2]["seconds"].get<std::int64_t>(), 5 * 3600 + 60);
    EXPECT_EQ(items[2]["days"], 0);
    // Summed per stage: both stays in the first stage.
    const json& by_stage = history.body["by_stage"];
    ASSERT_EQ(by_stage.size(), 2u);
    EXPECT_EQ(by_stage[0]["stage_id"], stages[0]["id"]);
    EXPECT_GE(by_stage[0]["seconds"].get<std::int64_t>(), 3 * kDay + 7 * 3600);
    EXPECT_EQ(by_stage[0]["days"], 3);
}

// Ids that name records answer their names beside them — in the record, the list, the
// history's changes and the export — so no page shows a bare stage or customer number; a stage's
// and a pipeline's in English too. The metadata tells a picker where to choose from.
TEST_P(PipelineTest, ItsStageCustomerAndPipelineAreAnsweredByNameEverywhere) {
    const json customer = CreateCustomer(admin(), {{"name", "名称客户"}});
    const auto stages = Stages();
    const json o = Opportunity(admin(), customer["id"]);
    EXPECT_EQ(o["customer_name"], "名称客户");
    EXPECT_EQ(o["stage_name"], stages[0]["name"]);
    EXPECT_EQ(o["stage_name_en"], stages[0]["name_en"]);
    EXPECT_FALSE(o["pipeline_name"].get<std::string>().empty());
    ASSERT_EQ(Move(o, stages[1]["id"], admin()).status, 200);

    Reply list =
        Call("GET", "/api/v1/opportunities?customer_id=" + customer["id"].dump(), nullptr, admin());
    ASSERT_EQ(list.body["items"].size(), 1u) << list.raw.body;
    EXPECT_EQ(list.body["items"][0]["stage_name"], stages[1]["name"]);

    Reply history =
        Call("GET", "/api/v1/opportunities/" + o["id"].dump() + "/history", nullptr, admin());
    ASSERT_EQ(history.status, 200) << history.raw.body;
    const json& moved = history.body["items"][0]["changes"]["stage_id"];
    EXPECT_EQ(moved["before_name"], stages[0]["name"]);
    EXPECT_EQ(moved["after_name"], stages[1]["name"]);
    EXPECT_EQ(moved["before_name_en"], stages[0]["name_en"]);
    EXPECT_EQ(moved["after_name_en"], stages[1]["name_en"]);

    Reply csv = Call(
        "GET",
        "/api/v1/opportunities/export?format=csv&lang=zh-CN&customer_id=" + customer["id"].dump(),
        nullptr, admin());
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.raw.body.find(stages[1]["name"].get<std::string>()), std::string::npos);
    EXPECT_NE(csv.raw.body.find("名称客户"), std::string::npos) << csv.raw.body;

    Reply meta = Call("GET", "/api/v1/meta/opportunities", nullptr, admin());
    bool stage_seen = false;
    for (const json& field : meta.body["fields"]) {
        if (field["name"] == "stage_id") {
            stage_seen = true;
            EXPECT_EQ(field["name_member"], "stage_name");
            EXPECT_EQ(field["name_member_en"], "stage_name_en");
            EXPECT_EQ(field["record_type"], "pipeline_stages");
            EXPECT_EQ(field["collection"], "/api/v1/pipeline_stages");
        }
        if (field["name"] == "customer_id") {
            EXPECT_EQ(field["record_type"], "customers");
            EXPECT_EQ(field["collection"], "/api/v1/customers");
        }
    }
    EXPECT_TRUE(stage_seen);
}

TEST_P(PipelineTest, OfTwoConcurrentMovesTheStaleOneGets409) {
    const json customer = CreateCustomer(admin(), {{"name", "并发客户"}});
    const auto stages = Stages();
    const json o = Opportunity(admin(), customer["id"]);
    Reply first = Move(o, stages[1]["id"], admin());
    ASSERT_EQ(first.status, 200);
    Reply second = Move(o, stages[2]["id"], admin());  // read at version 1 too
    EXPECT_EQ(second.status, 409);
    EXPECT_EQ(second.code(), "stale_version");
    EXPECT_EQ(Get(o)["stage_id"], stages[1]["id"]);
    Reply history =
        Call("GET", "/api/v1/opportunities/" + o["id"].dump() + "/stage-history", nullptr, admin());
    EXPECT_EQ(history.body["items"].size(), 2u);
}

TEST_P(PipelineTest, ClosingTwiceIsRefusedAndChangesNothing) {
    const json customer = CreateCustomer(admin(), {{"name", "赢单客户"}});
    const auto stages = Stages();
    const json o = Opportunity(admin(), customer["id"]);
    // A lost stage needs a reason from the list.
    Reply no_reason = Move(o, stages[5]["id"], admin());
    EXPECT_EQ(no_reason.status, 422);
    EXPECT_TRUE(no_reason.body["error"]["details"]["fields"].contains("lost_reason"));
    Reply won = Move(o, stages[4]["id"], admin());
    ASSERT_EQ(won.status, 200) << won.raw.body;
    EXPECT_EQ(won.body["status"], "won");
    EXPECT_EQ(won.body["probability"], 100);
    EXPECT_FALSE(won.body["closed_at"].is_null());
    for (std::int64_t stage :
         {stages[4]["id"].get<std::int64_t>(), stages[5]["id"].get<std::int64_t>(),
          stages[1]["id"].get<std::int64_t>()}) {
        Reply again = Move(won.body, stage, admin(), {{"lost_reason", "price"}});
        EXPECT_EQ(again.status, 409) << again.raw.body;
        EXPECT_EQ(again.code(), "opportunity_closed");
    }
    const json after = Get(o);
    EXPECT_EQ(after["version"], won.body["version"]);
    EXPECT_EQ(after["status"], "won");
    EXPECT_TRUE(after["lost_reason"].is_null());
    // Its other fields stay editable.
    EXPECT_EQ(
        Call("PATCH", "/api/v1/opportunities/" + o["id"].dump(), {{"close_note", "签约"}}, admin())
            .status,
        200);
}

TEST_P(PipelineTest, ATransferMovesTheCustomersOpenOpportunitiesUnlessAskedNotTo) {
    TestUser a = CreateUser("p.a", RoleId("sales"), std::nullopt);
    TestUser b = CreateUser("p.b", RoleId("sales"), std::nullopt);
    const auto stages = Stages();
    const json one = CreateCustomer(a.token, {{"name", "转移客户一"}});
    const json two = CreateCustomer(a.token, {{"name", "转移客户二"}});
    const json open = Opportunity(a.token, one["id"]);
    json closed = Opportunity(a.token, one["id"]);
    closed = Move(closed, stages[4]["id"], a.token).body;
    const json kept = Opportunity(a.token, two["id"]);
    Reply transfer = Call("POST", "/api/v1/customers/transfer",
                          {{"ids", {one["id"]}}, {"owner_id", b.id}}, admin());
    ASSERT_EQ(transfer.status, 200) << transfer.raw.body;
    EXPECT_EQ(Get(open)["owner_id"], b.id);
    EXPECT_EQ(Get(open)["version"], 2);
    EXPECT_EQ(Get(closed)["owner_id"], a.id);  // closed ones stay with who won or lost them
    Reply timeline =
        Call("GET", "/api/v1/opportunities/" + open["id"].dump() + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200);
    EXPECT_EQ(timeline.body["items"][0]["changes"]["owner_id"]["after"], b.id);
    EXPECT_EQ(timeline.body["items"][0]["reason"], "customer_transfer");
    transfer =
        Call("POST", "/api/v1/customers/transfer",
             {{"ids", {two["id"]}}, {"owner_id", b.id}, {"move_opportunities", false}}, admin());
    ASSERT_EQ(transfer.status, 200) << transfer.raw.body;
    EXPECT_EQ(Get(kept)["owner_id"], a.id);
    EXPECT_EQ(
        Call("POST", "/api/v1/customers/transfer",
             {{"ids", {two["id"]}}, {"owner_id", a.id}, {"move_opportunities", "yes"}}, admin())
            .status,
        422);
    // A handover takes the user's open opportunities along.
    Reply handover = Call("POST", "/api/v1/users/" + std::to_string(a.id) + "/handover",
                          {{"to_user_id", b.id}}, admin());
    ASSERT_EQ(handover.status, 200) << handover.raw.body;
    EXPECT_EQ(handover.body["opportunities"], 1);
    EXPECT_EQ(Get(kept)["owner_id"], b.id);
}

// The board's counts and amounts come from totals kept by triggers (migration 057): after every
// kind of write — create, move, a new amount, won, delete, restore, a transfer, a handover, and a
// row written straight into the table as an import would — each salesperson's board and the
// administrator's say what counting the opportunities themselves says.
TEST_P(PipelineTest, TheBoardsCountsStayExactThroughEveryKindOfWrite) {
    TestUser a = CreateUser("tot.a", RoleId("sales"), std::nullopt);
    TestUser b = CreateUser("tot.b", RoleId("sales"), std::nullopt);
    const auto stages = Stages();
    const json one = CreateCustomer(a.token, {{"name", "合计客户一"}});
    const json two = CreateCustomer(a.token, {{"name", "合计客户二"}});
    const json mine = CreateCustomer(b.token, {{"name", "合计客户三"}});
    // What the board should say for `owner` (0: everyone), counted from the opportunities.
    auto counted = [&](std::int64_t owner) {
        auto conn = app().db().Acquire();
        EXPECT_TRUE(conn.ok());
        std::string sql =
            "SELECT stage_id, COUNT(*), COALESCE(SUM(amount), 0) FROM opportunities WHERE "
            "pipeline_id = 1 AND status = 'open' AND deleted_at IS NULL";
        db::Params params;
        if (owner) {
            sql += " AND owner_id = ?";
            params.emplace_back(owner);
        }
        auto rows = (*conn)->Query(sql + " GROUP BY stage_id", params);
        EXPECT_TRUE(rows.ok());
        std::map<std::int64_t, std::pair<std::int64_t, std::string>> out;
        for (const db::Row& r : *rows) out[r.Int(0)] = {r.Int(1), FormatMoney(r.Int(2))};
        return out;
    };
    auto check = [&](const std::string& step) {
        SCOPED_TRACE(step);
        for (const auto& [token, owner] : {std::pair{a.token, a.id}, std::pair{b.token, b.id},
                                           std::pair{admin(), std::int64_t{0}}}) {
            Reply board = Call("GET", "/api/v1/pipelines/1/board", nullptr, token);
            ASSERT_EQ(board.status, 200) << board.raw.body;
            const auto want = counted(owner);
            for (const json& column : board.body["columns"]) {
                if (column["stage"]["is_won"] == true || column["stage"]["is_lost"] == true)
                    continue;
                const auto it = want.find(column["stage"]["id"]);
                const std::int64_t count = it == want.end() ? 0 : it->second.first;
                const std::string amount = it == want.end() ? "0.00" : it->second.second;
                EXPECT_EQ(column["count"], count) << column["stage"]["name"] << " owner " << owner;
                EXPECT_EQ(column["amount"], amount)
                    << column["stage"]["name"] << " owner " << owner;
            }
        }
    };
    json first = Opportunity(a.token, one["id"], {{"amount", "1000.50"}});
    json second = Opportunity(a.token, two["id"], {{"amount", "250.00"}});
    json third = Opportunity(b.token, mine["id"], {{"amount", "99.99"}});
    check("created");
    first = Move(first, stages[1]["id"], a.token).body;
    check("moved");
    Reply amount = Call("PATCH", "/api/v1/opportunities/" + second["id"].dump(),
                        {{"amount", "300.25"}, {"version", second["version"]}}, a.token);
    ASSERT_EQ(amount.status, 200) << amount.raw.body;
    check("a new amount");
    ASSERT_EQ(Move(third, stages[4]["id"], b.token).status, 200);
    check("won");
    ASSERT_EQ(
        Call("DELETE", "/api/v1/opportunities/" + second["id"].dump(), nullptr, admin()).status,
        204);
    check("deleted");
    ASSERT_EQ(
        Call("POST", "/api/v1/opportunities/" + second["id"].dump() + "/restore", nullptr, admin())
            .status,
        200);
    check("restored");
    ASSERT_EQ(Call("POST", "/api/v1/customers/transfer", {{"ids", {one["id"]}}, {"owner_id", b.id}},
                   admin())
                  .status,
              200);
    check("transferred with its customer");
    ASSERT_EQ(Call("POST", "/api/v1/users/" + std::to_string(a.id) + "/handover",
                   {{"to_user_id", b.id}}, admin())
                  .status,
              200);
    check("handed over");
    Sql("INSERT INTO opportunities (name, customer_id, owner_id, amount, pipeline_id, stage_id, "
        "status, created_at, updated_at) VALUES ('导入的机会', ?, ?, 4200, 1, ?, 'open', 1, 1)",
        {mine["id"].get<std::int64_t>(), a.id, stages[2]["id"].get<std::int64_t>()});
    check("written straight into the table");
}

TEST_P(PipelineTest, TheBoardShowsTheCallersScopeWithFilters) {
    const std::int64_t dept = CreateDepartment("看板销售部");
    const std::int64_t other = CreateDepartment("看板其他部");
    TestUser boss = CreateUser("b.boss", RoleId("manager"), dept);
    TestUser s1 = CreateUser("b.s1", RoleId("sales"), dept, boss.id);
    TestUser s2 = CreateUser("b.s2", RoleId("sales"), dept, boss.id);
    TestUser outsider = CreateUser("b.out", RoleId("sales"), other);
    const auto stages = Stages();
    const json c1 = CreateCustomer(s1.token, {{"name", "看板客户一"}});
    const json c2 = CreateCustomer(s2.token, {{"name", "看板客户二"}});
    const json c3 = CreateCustomer(outsider.token, {{"name", "看板客户三"}});
    Opportunity(s1.token, c1["id"], {{"amount", "100.10"}});
    Opportunity(s1.token, c1["id"], {{"amount", "200.20"}});
    json moved = Opportunity(s2.token, c2["id"], {{"amount", "50.00"}});
    Move(moved, stages[1]["id"], s2.token);
    Opportunity(outsider.token, c3["id"], {{"amount", "999.00"}});
    auto column = [](const Reply& board, std::size_t i) { return board.body["columns"][i]; };

    Reply mine = Call("GET", "/api/v1/pipelines/1/board", nullptr, s1.token);
    ASSERT_EQ(mine.status, 200) << mine.raw.body;
    EXPECT_EQ(mine.body["columns"].size(), 6u);
    EXPECT_EQ(column(mine, 0)["count"], 2);
    EXPECT_EQ(column(mine, 0)["amount"], "300.30");
    EXPECT_EQ(column(mine, 0)["cards"].size(), 2u);
    EXPECT_EQ(column(mine, 1)["count"], 0);

    Reply team = Call("GET", "/api/v1/pipelines/1/board", nullptr, boss.token);
    EXPECT_EQ(column(team, 0)["count"], 2);
    EXPECT_EQ(column(team, 1)["count"], 1);
    EXPECT_EQ(column(team, 1)["amount"], "50.00");
    Reply only_s2 = Call("GET", "/api/v1/pipelines/1/board?owner_id=" + std::to_string(s2.id),
                         nullptr, boss.token);
    EXPECT_EQ(column(only_s2, 0)["count"], 0);
    EXPECT_EQ(column(only_s2, 1)["count"], 1);
    // A filter never widens the scope: the outsider's opportunities stay out.
    Reply outside = Call("GET", "/api/v1/pipelines/1/board?owner_id=" + std::to_string(outsider.id),
                         nullptr, boss.token);
    EXPECT_EQ(column(outside, 0)["count"], 0);
    Reply by_dept = Call("GET", "/api/v1/pipelines/1/board?department_id=" + std::to_string(other),
                         nullptr, admin());
    EXPECT_EQ(column(by_dept, 0)["count"], 1);
    EXPECT_EQ(column(by_dept, 0)["amount"], "999.00");
    EXPECT_EQ(Call("GET", "/api/v1/pipelines/1/board?owner_id=x", nullptr, admin()).status, 400);
    EXPECT_EQ(Call("GET", "/api/v1/pipelines/1/board?nonsense=1", nullptr, admin()).status, 400);
    EXPECT_EQ(Call("GET", "/api/v1/pipelines/999/board", nullptr, admin()).status, 404);
    // Without the permission: refused.
    const std::int64_t blind = CreateRole("blind", "all", {"customers.view", "pipelines.view"});
    TestUser nobody = CreateUser("b.blind", blind, dept);
    EXPECT_EQ(Call("GET", "/api/v1/pipelines/1/board", nullptr, nobody.token).status, 403);
    // A won column shows what closed lately.
    Move(Get(moved), stages[4]["id"], s2.token);
    Reply closed = Call("GET", "/api/v1/pipelines/1/board", nullptr, boss.token);
    EXPECT_EQ(column(closed, 4)["count"], 1);
    EXPECT_EQ(column(closed, 4)["cards"][0]["status"], "won");
}

// A solution answers needs of its own opportunity and offers products from the catalogue, both
// sets of records (kit kRecords): answered by id and by name, filtered by one member, replaced
// whole by a patch, and refused by name when a member is not one it may name.
TEST_P(PipelineTest, ASolutionNamesItsNeedsAndProductsAsRecords) {
    const json customer = CreateCustomer(admin(), {{"name", "方案客户"}});
    const std::string base = "/api/v1/customers/" + customer["id"].dump();
    const json o = Opportunity(admin(), customer["id"]);
    const json other = Opportunity(admin(), customer["id"]);
    const auto need = [&](const json& opportunity, const std::string& title) {
        Reply r =
            Call("POST", base + "/opportunity_needs",
                 {{"title", title}, {"priority", "high"}, {"opportunity_id", opportunity["id"]}},
                 admin());
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body["id"];
    };
    const auto product = [&](const std::string& code, const std::string& name) {
        Reply r = Call("POST", "/api/v1/products",
                       {{"code", code}, {"name", name}, {"list_price", "100.00"}}, admin());
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body["id"];
    };
    const json approval = need(o, "移动审批");
    const json reports = need(o, "报表");
    const json elsewhere = need(other, "另一个商机的需求");
    const json centre = product("SP-1", "审批中心");
    const json mobile = product("SP-2", "移动端");
    Reply made = Call("POST", base + "/opportunity_solutions",
                      {{"title", "审批方案"},
                       {"opportunity_id", o["id"]},
                       {"need_ids", {reports, approval}},
                       {"product_ids", {mobile, centre}},
                       {"products", "移动端 ×50"}},
                      admin());
    ASSERT_EQ(made.status, 201) << made.raw.body;
    // In id order, each with its name.
    EXPECT_EQ(made.body["need_ids"], json({approval, reports}));
    EXPECT_EQ(made.body["need_names"], json({"移动审批", "报表"}));
    EXPECT_EQ(made.body["product_ids"], json({centre, mobile}));
    EXPECT_EQ(made.body["product_names"], json({"审批中心", "移动端"}));
    const std::string item = base + "/opportunity_solutions/" + made.body["id"].dump();
    EXPECT_EQ(Call("GET", item, nullptr, admin()).body["product_names"],
              made.body["product_names"]);
    // The opportunity's timeline tells the solution by its products' names.
    Reply timeline =
        Call("GET", "/api/v1/opportunities/" + o["id"].dump() + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200) << timeline.raw.body;
    bool told = false;
    for (const json& entry : timeline.body["items"]) {
        if (entry["kind"] != "solution") continue;
        EXPECT_EQ(entry["summary"]["product_names"], json({"审批中心", "移动端"}));
        told = true;
    }
    EXPECT_TRUE(told) << timeline.raw.body;
    // The list finds it by one product.
    Reply by_product =
        Call("GET", base + "/opportunity_solutions?product_ids=" + mobile.dump(), nullptr, admin());
    ASSERT_EQ(by_product.status, 200) << by_product.raw.body;
    EXPECT_EQ(by_product.body["total"], 1);
    const json other_product = product("SP-3", "无关产品");
    EXPECT_EQ(Call("GET", base + "/opportunity_solutions?product_ids=" + other_product.dump(),
                   nullptr, admin())
                  .body["total"],
              0);
    // Refused by name, nothing changed: a need of another opportunity, a product that isn't
    // there, a repeat, a member that is no id.
    const auto code_of = [&](const json& patch) {
        Reply r = Call("PATCH", item, patch, admin());
        EXPECT_EQ(r.status, 422) << r.raw.body;
        const json& codes = r.body["error"]["details"]["field_codes"];
        return codes.empty() ? std::string() : codes.begin().value()["code"].get<std::string>();
    };
    EXPECT_EQ(code_of({{"need_ids", {approval, elsewhere}}}), "not_a_need_of_opportunity");
    EXPECT_EQ(code_of({{"product_ids", {centre, 999999}}}), "not_a_visible_record");
    EXPECT_EQ(code_of({{"product_ids", {centre, centre}}}), "repeated_item");
    EXPECT_EQ(code_of({{"product_ids", {"审批中心"}}}), "not_an_id_list");
    EXPECT_EQ(Call("GET", item, nullptr, admin()).body["product_ids"], json({centre, mobile}));
    // A patch replaces the set whole; an empty list clears it.
    Reply patched = Call("PATCH", item, {{"product_ids", {other_product}}}, admin());
    ASSERT_EQ(patched.status, 200) << patched.raw.body;
    EXPECT_EQ(patched.body["product_names"], json({"无关产品"}));
    EXPECT_EQ(patched.body["need_ids"], json({approval, reports}));
    Reply cleared = Call("PATCH", item, {{"product_ids", json::array()}}, admin());
    ASSERT_EQ(cleared.status, 200) << cleared.raw.body;
    EXPECT_EQ(cleared.body["product_ids"], json::array());
    EXPECT_EQ(cleared.body["product_names"], json::array());
    // A product taken out of the catalogue can't be offered any more.
    ASSERT_EQ(Call("DELETE", "/api/v1/products/" + centre.dump(), nullptr, admin()).status, 204);
    EXPECT_EQ(code_of({{"product_ids", {centre}}}), "not_a_visible_record");
    // The export's cell is the names.
    Reply csv =
        Call("GET", base + "/opportunity_solutions/export?format=csv&lang=en", nullptr, admin());
    ASSERT_EQ(csv.status, 200);
    EXPECT_NE(csv.raw.body.find("移动审批"), std::string::npos) << csv.raw.body;
}

TEST_P(PipelineTest, TheTimelineShowsChangesNeedsAndSolutionsNewestFirst) {
    const json customer = CreateCustomer(admin(), {{"name", "时间线客户"}});
    const std::string cid = customer["id"].dump();
    const auto stages = Stages();
    json o = Opportunity(admin(), customer["id"]);
    Reply need =
        Call("POST", "/api/v1/customers/" + cid + "/opportunity_needs",
             {{"title", "移动审批"}, {"priority", "high"}, {"opportunity_id", o["id"]}}, admin());
    ASSERT_EQ(need.status, 201) << need.raw.body;
    Reply solution =
        Call("POST", "/api/v1/customers/" + cid + "/opportunity_solutions",
             {{"title", "审批中心"}, {"opportunity_id", o["id"]}, {"need_ids", {need.body["id"]}}},
             admin());
    ASSERT_EQ(solution.status, 201) << solution.raw.body;
    Reply wrong_need =
        Call("POST", "/api/v1/customers/" + cid + "/opportunity_solutions",
             {{"title", "错需求"}, {"opportunity_id", o["id"]}, {"need_ids", {999999}}}, admin());
    EXPECT_EQ(wrong_need.status, 422);
    Reply other_customer =
        Call("POST",
             "/api/v1/customers/" + CreateCustomer(admin(), {{"name", "别的客户"}})["id"].dump() +
                 "/opportunity_needs",
             {{"title", "串单"}, {"priority", "low"}, {"opportunity_id", o["id"]}}, admin());
    EXPECT_EQ(other_customer.status, 422);
    o = Move(o, stages[1]["id"], admin()).body;
    Reply timeline =
        Call("GET", "/api/v1/opportunities/" + o["id"].dump() + "/timeline", nullptr, admin());
    ASSERT_EQ(timeline.status, 200) << timeline.raw.body;
    std::vector<std::string> kinds;
    for (const json& item : timeline.body["items"]) kinds.push_back(item["kind"]);
    ASSERT_EQ(kinds.size(), 4u) << timeline.raw.body;
    // Newest first (these were all written within a second or two).
    for (std::size_t i = 1; i < kinds.size(); ++i) {
        EXPECT_GE(timeline.body["items"][i - 1]["at"].get<std::string>(),
                  timeline.body["items"][i]["at"].get<std::string>());
    }
    for (const json& item : timeline.body["items"]) {
        if (item["kind"] == "update") {
            EXPECT_EQ(item["changes"]["stage_id"]["after"], stages[1]["id"]);
        }
    }
    EXPECT_TRUE(std::count(kinds.begin(), kinds.end(), "update") == 1);
    EXPECT_TRUE(std::count(kinds.begin(), kinds.end(), "created") == 1);
    EXPECT_TRUE(std::count(kinds.begin(), kinds.end(), "need") == 1);
    EXPECT_TRUE(std::count(kinds.begin(), kinds.end(), "solution") == 1);
    // Its milestone is on the customer's 360° timeline.
    Reply customer_timeline =
        Call("GET", "/api/v1/customers/" + cid + "/timeline?kinds=opportunity", nullptr, admin());
    ASSERT_EQ(customer_timeline.status, 200) << customer_timeline.raw.body;
    EXPECT_EQ(customer_timeline.body["items"].size(), 1u);
    // Someone who can't see it can't read its timeline.
    TestUser stranger = CreateUser("t.stranger", RoleId("sales"), std::nullopt);
    EXPECT_EQ(Call("GET", "/api/v1/opportunities/" + o["id"].dump() + "/timeline", nullptr,
                   stranger.token)
                  .status,
              404);
}

// A long timeline pages by cursor: page after page holds every entry once, newest first, however
// many share a second; ?kinds= picks some; bad parameters are refused by name.
TEST_P(PipelineTest, ALongTimelinePagesByCursorWithEveryEntryOnce) {
    const json customer = CreateCustomer(admin(), {{"name", "长时间线客户"}});
    const std::string cid = customer["id"].dump();
    json o = Opportunity(admin(), customer["id"]);
    const std::string path = "/api/v1/opportunities/" + o["id"].dump() + "/timeline";
    // 20 changes, most within one second; 6 needs; activities in other months and years.
    for (int i = 1; i <= 20; ++i) {
        Reply r = Call("PATCH", "/api/v1/opportunities/" + o["id"].dump(),
                       {{"probability", i}, {"version", o["version"]}}, admin());
        ASSERT_EQ(r.status, 200) << r.raw.body;
        o = r.body;
    }
    for (int i = 1; i <= 6; ++i) {
        Reply r = Call("POST", "/api/v1/customers/" + cid + "/opportunity_needs",
                       {{"title", "需求" + std::to_string(i)},
                        {"priority", "low"},
                        {"opportunity_id", o["id"]}},
                       admin());
        ASSERT_EQ(r.status, 201) << r.raw.body;
    }
    for (const char* at : {"2025-03-01T02:00:00Z", "2027-01-05T02:00:00Z", "2027-01-05T02:00:00Z",
                           "2030-06-01T00:00:00Z", "2020-01-01T00:00:00Z"}) {
        Reply r = Call("POST", "/api/v1/activities",
                       {{"kind", "call"},
                        {"subject", std::string("电话 ") + at},
                        {"customer_id", customer["id"]},
                        {"opportunity_id", o["id"]},
                        {"start_at", at}},
                       admin());
        ASSERT_EQ(r.status, 201) << r.raw.body;
    }
    Reply whole = Call("GET", path + "?limit=200", nullptr, admin());
    ASSERT_EQ(whole.status, 200) << whole.raw.body;
    ASSERT_EQ(whole.body["items"].size(), 32u);  // created, 20 updates, 6 needs, 5 activities
    EXPECT_TRUE(whole.body["next_cursor"].is_null());
    EXPECT_EQ(whole.body["items"][0]["summary"]["start_at"], "2030-06-01T00:00:00Z");
    EXPECT_EQ(whole.body["items"][31]["summary"]["start_at"], "2020-01-01T00:00:00Z");
    // Seven at a time: the same entries in the same order, each once.
    std::vector<json> paged;
    std::string cursor;
    int pages = 0;
    do {
        Reply page = Call("GET", path + "?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor),
                          nullptr, admin());
        ASSERT_EQ(page.status, 200) << page.raw.body;
        ASSERT_LE(page.body["items"].size(), 7u);
        for (const json& item : page.body["items"]) paged.push_back(item);
        cursor =
            page.body["next_cursor"].is_null() ? "" : page.body["next_cursor"].get<std::string>();
        ASSERT_LT(++pages, 10);
    } while (!cursor.empty());
    ASSERT_EQ(paged.size(), 32u);
    for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], whole.body["items"][i]) << i;
    EXPECT_EQ(Call("GET", path, nullptr, admin()).body["items"].size(), 32u);  // 50 by default
    // Some kinds only.
    Reply needs = Call("GET", path + "?kinds=need,activity&limit=4", nullptr, admin());
    ASSERT_EQ(needs.status, 200) << needs.raw.body;
    ASSERT_EQ(needs.body["items"].size(), 4u);
    EXPECT_EQ(needs.body["items"][0]["kind"], "activity");
    Reply rest = Call(
        "GET", path + "?kinds=need,activity&cursor=" + needs.body["next_cursor"].get<std::string>(),
        nullptr, admin());
    ASSERT_EQ(rest.status, 200) << rest.raw.body;
    EXPECT_EQ(rest.body["items"].size(), 7u);
    for (const json& item : rest.body["items"]) EXPECT_NE(item["kind"], "update");
    // Bad parameters, by name.
    for (const char* query : {"limit=0", "limit=201", "cursor=nonsense", "kinds=stage"}) {
        Reply bad = Call("GET", path + "?" + query, nullptr, admin());
        EXPECT_EQ(bad.status, 422) << query;
        EXPECT_EQ(bad.body["error"]["details"]["field_codes"].begin().key(),
                  std::string(query).substr(0, std::string(query).find('=')))
            << bad.raw.body;
    }
    EXPECT_EQ(Call("GET", path + "?page=2", nullptr, admin()).status, 400);
}

// Issue 16 item 7: the activities and quotes for an opportunity are on its timeline, as far as
// the reader may see them (another's private activity is not); an activity may name only an
// opportunity of its own customer.
TEST_P(PipelineTest, ItsActivitiesAndQuotesJoinTheTimelineAsTheReaderMaySeeThem) {
    const std::int64_t dept = CreateDepartment("商机部");
    TestUser sales = CreateUser("tl.sales", RoleId("sales"), dept);
    const json customer = CreateCustomer(sales.token, {{"name", "活动商机客户"}});
    const std::string cid = customer["id"].dump();
    const json o = Opportunity(sales.token, customer["id"]);
    const std::string path = "/api/v1/opportunities/" + o["id"].dump() + "/timeline";
    json call = {{"kind", "call"},
                 {"subject", "需求澄清电话"},
                 {"customer_id", customer["id"]},
                 {"opportunity_id", o["id"]},
                 {"start_at", "2026-12-10T02:00:00Z"}};
    Reply own = Call("POST", "/api/v1/activities", call, sales.token);
    ASSERT_EQ(own.status, 201) << own.raw.body;
    EXPECT_EQ(own.body["opportunity_id"], o["id"]);
    // The administrator's own meeting on it (the salesperson is no participant).
    call["subject"] = "内部评审";
    call["kind"] = "meeting";
    Reply admins = Call("POST", "/api/v1/activities", call, admin());
    ASSERT_EQ(admins.status, 201) << admins.raw.body;
    Reply quote = Call("POST", "/api/v1/customers/" + cid + "/quotes",
                       {{"title", "首版报价"}, {"opportunity_id", o["id"]}}, sales.token);
    ASSERT_EQ(quote.status, 201) << quote.raw.body;
    // An opportunity of another customer is refused, naming the field; nothing is made.
    call["customer_id"] = CreateCustomer(sales.token, {{"name", "别家客户"}})["id"];
    Reply wrong = Call("POST", "/api/v1/activities", call, sales.token);
    EXPECT_EQ(wrong.status, 422);
    EXPECT_EQ(wrong.body["error"]["details"]["field_codes"]["opportunity_id"]["code"],
              "not_of_customer")
        << wrong.raw.body;

    auto entries = [&](const std::string& token, const std::string& kind) {
        Reply r = Call("GET", path, nullptr, token);
        EXPECT_EQ(r.status, 200) << r.raw.body;
        std::vector<json> out;
        for (const json& item : r.body["items"]) {
            if (item["kind"] == kind) out.push_back(item);
        }
        return out;
    };
    const auto seen_by_sales = entries(sales.token, "activity");
    ASSERT_EQ(seen_by_sales.size(), 1u);
    EXPECT_EQ(seen_by_sales[0]["summary"]["subject"], "需求澄清电话");
    EXPECT_EQ(seen_by_sales[0]["record_id"], own.body["id"]);
    EXPECT_EQ(seen_by_sales[0]["at"], "2026-12-10T02:00:00Z");
    EXPECT_EQ(seen_by_sales[0]["user_name"], "tl.sales");
    EXPECT_EQ(entries(admin(), "activity").size(), 2u);
    const auto quotes = entries(sales.token, "quote");
    ASSERT_EQ(quotes.size(), 1u);
    EXPECT_EQ(quotes[0]["summary"]["title"], "首版报价");
    EXPECT_EQ(quotes[0]["summary"]["status"], "draft");
}

}  // namespace

GUANXI_API_TEST_SUITE(PipelineTest);

}  // namespace guanxi::testing
