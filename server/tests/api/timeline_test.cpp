// A customer's 360° timeline (GET /api/v1/customers/{id}/timeline): every kind merged newest
// first, cursor pages without duplicates or gaps (also while entries are added), the kind filter,
// the recycle bin left out, the gate's rule for a customer's history, kinds left out without their
// view permission, and bad parameters named. Kit types join by declaring a timeline source, so the
// kit side is tested over the registry.

#include "api_test_support.hpp"
#include "record_examples.hpp"

#include "domains/customers/timeline_service.hpp"
#include "domains/record_types.hpp"

#include <set>

namespace guanxi::testing {
namespace {

using nlohmann::json;

class TimelineTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const std::int64_t dept = CreateDepartment("时间线销售部");
        json everything = {"customers.view", "customers.create", "customers.edit"};
        for (const auto& type : RecordTypes().types()) {
            for (std::string_view action : kit::kActions) {
                const std::string permission = type->type.Permission(action);
                if (std::find(everything.begin(), everything.end(), permission) == everything.end())
                    everything.push_back(permission);
            }
        }
        const std::int64_t self = CreateRole("timeline-self", "self", everything);
        alice_ = CreateUser("tl.alice", self, dept);
        bob_ = CreateUser("tl.bob", self, dept);
        customer_ = CreateCustomer(alice_.token, {{"name", "时间线测试公司"}})["id"];
    }

    std::string Base() const { return "/api/v1/customers/" + std::to_string(customer_); }
    std::string Timeline(const std::string& query = "") const {
        return Base() + "/timeline" + (query.empty() ? "" : "?" + query);
    }

    std::int64_t AddFollowup(const std::string& at, const std::string& content) {
        Reply r =
            Call("POST", Base() + "/followups",
                 {{"kind", "call"}, {"content", content}, {"contacted_at", at}}, alice_.token);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", 0);
    }
    std::int64_t AddRecord(const std::string& type, json body) {
        Reply r = Call("POST", Base() + "/" + type, body, alice_.token);
        EXPECT_EQ(r.status, 201) << r.raw.body;
        return r.body.value("id", 0);
    }
    std::int64_t AddDeal(const std::string& on, const std::string& amount) {
        return AddRecord("deals", {{"closed_on", on}, {"amount", amount}});
    }
    std::int64_t AddMailing(const std::string& on, const std::string& item) {
        return AddRecord("mailings", {{"item", item}, {"sent_on", on}});
    }

    // Every entry of the timeline, read `limit` at a time, as "kind#id".
    std::vector<std::string> ReadAll(int limit, const std::string& token,
                                     const std::string& extra = "") {
        std::vector<std::string> out;
        std::string cursor;
        for (int page = 0; page < 100; ++page) {
            std::string query = "limit=" + std::to_string(limit) + extra;
            if (!cursor.empty()) query += "&cursor=" + cursor;
            Reply r = Call("GET", Timeline(query), nullptr, token);
            EXPECT_EQ(r.status, 200) << r.raw.body;
            if (r.status != 200) break;
            EXPECT_LE(r.body["items"].size(), static_cast<std::size_t>(limit));
            for (const auto& item : r.body["items"]) out.push_back(Name(item));
            if (r.body["next_cursor"].is_null()) break;
            cursor = r.body["next_cursor"].get<std::string>();
        }
        return out;
    }
    static std::string Name(const json& item) {
        return item["kind"].get<std::string>() + "#" + item["id"].dump();
    }

    TestUser alice_, bob_;
    std::int64_t customer_ = 0;
};

TEST_P(TimelineTest, MergesEveryKindNewestFirst) {
    const std::int64_t call = AddFollowup("2026-11-20T02:00:00Z", "电话回访");
    const std::int64_t deal = AddDeal("2026-11-21", "12800.00");
    const std::int64_t prepayment =
        AddRecord("prepayments", {{"received_on", "2026-11-19"}, {"amount", "50000.00"}});
    const std::int64_t mailing = AddMailing("2026-11-22", "产品目录");
    const std::int64_t visit = AddFollowup("2026-11-21T09:30:00Z", "上门拜访");

    Reply r = Call("GET", Timeline(), nullptr, alice_.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    const json& items = r.body["items"];
    ASSERT_EQ(items.size(), 6u) << items.dump();
    // The customer's creation (now) is the newest; the rest by their own times, a date counting
    // as 00:00 UTC of its day (the visit at 09:30 on the 21st is after the deal closed that day).
    EXPECT_EQ(items[0]["kind"], "ownership");
    EXPECT_EQ(items[0]["summary"]["change"], "create");
    EXPECT_EQ(Name(items[1]), "mailing#" + std::to_string(mailing));
    EXPECT_EQ(Name(items[2]), "followup#" + std::to_string(visit));
    EXPECT_EQ(Name(items[3]), "deal#" + std::to_string(deal));
    EXPECT_EQ(Name(items[4]), "followup#" + std::to_string(call));
    EXPECT_EQ(Name(items[5]), "prepayment#" + std::to_string(prepayment));
    EXPECT_TRUE(r.body["next_cursor"].is_null());

    // What an entry carries: its time (and date, for a dated kind), who, its summary, where it is.
    EXPECT_EQ(items[3]["at"], "2026-11-21T00:00:00Z");
    EXPECT_EQ(items[3]["on"], "2026-11-21");
    EXPECT_EQ(items[3]["summary"]["amount"], "12800.00");
    EXPECT_EQ(items[3]["actor"]["id"], alice_.id);  // the deal's owner
    EXPECT_EQ(items[3]["actor"]["name"], "tl.alice");
    EXPECT_EQ(items[3]["record_type"], "deals");
    EXPECT_EQ(items[2]["at"], "2026-11-21T09:30:00Z");
    EXPECT_TRUE(items[2]["on"].is_null());
    EXPECT_EQ(items[2]["summary"]["content"], "上门拜访");
    EXPECT_EQ(items[2]["summary"]["kind"], "call");
    EXPECT_EQ(items[2]["actor"]["id"], alice_.id);
    EXPECT_EQ(items[2]["record_type"], "followups");
    EXPECT_EQ(items[1]["summary"]["item"], "产品目录");
    EXPECT_EQ(items[5]["summary"]["method"], "bank_transfer");
    EXPECT_TRUE(items[0]["record_type"].is_null());
    EXPECT_EQ(items[0]["actor"]["id"], alice_.id);
    // The kinds the caller may see, with their labels, for the web's filter.
    std::set<std::string> kinds;
    for (const auto& kind : r.body["kinds"]) {
        kinds.insert(kind["kind"].get<std::string>());
        EXPECT_FALSE(kind["label"]["zh-CN"].get<std::string>().empty());
    }
    std::set<std::string> expected = {"followup", "ownership", "payment"};
    for (const auto& type : RecordTypes().types()) {
        if (type->type.timeline) expected.insert(type->type.singular);
    }
    EXPECT_TRUE(expected.count("deal") && expected.count("prepayment") &&
                expected.count("mailing"));
    EXPECT_EQ(kinds, expected);
}

// A kit type joins by declaring `timeline`: every such type of the registry is a kind, its records
// appear with their summary fields, and nothing else is needed.
TEST_P(TimelineTest, EveryKitTypeThatDeclaresATimelineJoinsIt) {
    std::vector<std::string> expected = {"followup"};
    for (const auto& type : RecordTypes().types()) {
        if (type->type.timeline) expected.push_back(type->type.singular);
    }
    expected.push_back("ownership");
    std::vector<std::string> sources;
    for (const auto& source : customers::TimelineSources(RecordTypes()))
        sources.push_back(source.kind);
    EXPECT_EQ(sources, expected);

    for (const auto& type : RecordTypes().types()) {
        if (!type->type.timeline) continue;
        SCOPED_TRACE(type->type.name);
        // The example record, created as the type is (a JSON create, or a document's upload).
        // A type of its own (activities) names the customer in its body.
        const bool nested = type->type.UnderCustomer();
        http::Request create = ExampleCreate(
            *type, (nested ? Base() : std::string("/api/v1")) + "/" + type->type.Segment(),
            alice_.token);
        if (!nested) {
            json body = json::parse(create.body);
            body["customer_id"] = customer_;
            create.body = body.dump();
        }
        Reply created = Send(create);
        ASSERT_EQ(created.status, 201) << created.raw.body;
        const std::int64_t id = created.body.value("id", 0);
        Reply r = Call("GET", Timeline("kinds=" + type->type.singular), nullptr, alice_.token);
        ASSERT_EQ(r.status, 200) << r.raw.body;
        ASSERT_EQ(r.body["items"].size(), 1u) << r.body.dump();
        const json& entry = r.body["items"][0];
        EXPECT_EQ(entry["id"], id);
        EXPECT_EQ(entry["record_type"], type->type.name);
        const std::string at = type->type.timeline->at;
        if (type->type.example.contains(at)) {
            // A date is the entry's day ("on"); a time, its moment ("at").
            const bool date = type->meta.Find(at)->type == FieldType::kDate;
            EXPECT_EQ(entry[date ? "on" : "at"], type->type.example[at]);
        }
        for (const std::string& field : type->type.timeline->summary) {
            EXPECT_TRUE(entry["summary"].contains(field)) << field;
            // As the record answers it (an example's 0 names a record the test made).
            EXPECT_EQ(entry["summary"][field], created.body[field]) << field;
            if (type->type.example.contains(field) && type->type.example[field] != 0) {
                EXPECT_EQ(entry["summary"][field], type->type.example[field]) << field;
            }
        }
    }
}

TEST_P(TimelineTest, CursorPagesHaveNoDuplicatesOrGapsAlsoWhileEntriesAreAdded) {
    // Ties on purpose: several records of a kind on one date, follow-ups in the same second.
    for (int i = 0; i < 4; ++i) AddDeal("2026-10-0" + std::to_string(1 + i % 2), "100.00");
    for (int i = 0; i < 5; ++i) AddMailing("2026-10-01", "资料 " + std::to_string(i));
    for (int i = 0; i < 5; ++i)
        AddFollowup("2026-10-01T00:00:00Z", "同一时刻 " + std::to_string(i));
    for (int i = 0; i < 4; ++i)
        AddFollowup("2026-10-0" + std::to_string(2 + i) + "T08:00:00Z", "x");

    const std::vector<std::string> whole = ReadAll(200, alice_.token);
    ASSERT_EQ(whole.size(), 19u);
    for (int limit : {1, 2, 3, 7}) {
        SCOPED_TRACE(limit);
        EXPECT_EQ(ReadAll(limit, alice_.token), whole);
    }

    // Between two pages, an entry newer than the cursor and one older: the next pages hold the
    // older one and nothing twice.
    Reply first = Call("GET", Timeline("limit=6"), nullptr, alice_.token);
    ASSERT_EQ(first.status, 200);
    std::vector<std::string> seen;
    for (const auto& item : first.body["items"]) seen.push_back(Name(item));
    const std::int64_t newer = AddFollowup("2026-11-30T00:00:00Z", "页间新增（较新）");
    const std::int64_t older = AddDeal("2026-09-01", "1.00");
    std::string cursor = first.body["next_cursor"].get<std::string>();
    while (!cursor.empty()) {
        Reply r = Call("GET", Timeline("limit=6&cursor=" + cursor), nullptr, alice_.token);
        ASSERT_EQ(r.status, 200) << r.raw.body;
        for (const auto& item : r.body["items"]) seen.push_back(Name(item));
        cursor = r.body["next_cursor"].is_null() ? "" : r.body["next_cursor"].get<std::string>();
    }
    std::vector<std::string> expected = whole;
    expected.push_back("deal#" + std::to_string(older));
    EXPECT_EQ(seen, expected);
    const std::vector<std::string> now = ReadAll(200, alice_.token);
    EXPECT_EQ(now.size(), 21u);
    EXPECT_EQ(now[1], "followup#" + std::to_string(newer));  // after the customer's creation
}

TEST_P(TimelineTest, FiltersByKind) {
    AddFollowup("2026-11-20T02:00:00Z", "电话");
    AddDeal("2026-11-21", "10.00");
    AddMailing("2026-11-22", "样品");
    Reply r = Call("GET", Timeline("kinds=deal,followup"), nullptr, alice_.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    ASSERT_EQ(r.body["items"].size(), 2u);
    EXPECT_EQ(r.body["items"][0]["kind"], "deal");
    EXPECT_EQ(r.body["items"][1]["kind"], "followup");
    Reply one = Call("GET", Timeline("kinds=ownership"), nullptr, alice_.token);
    ASSERT_EQ(one.body["items"].size(), 1u);
    EXPECT_EQ(one.body["items"][0]["kind"], "ownership");
    // The filter is kept across pages by the caller; the cursor holds only the position.
    EXPECT_EQ(
        ReadAll(1, alice_.token, "&kinds=mailing,deal"),
        (std::vector<std::string>{
            Name(Call("GET", Timeline("kinds=mailing"), nullptr, alice_.token).body["items"][0]),
            Name(r.body["items"][0])}));
}

TEST_P(TimelineTest, RecordsInTheRecycleBinAreLeftOut) {
    const std::int64_t followup = AddFollowup("2026-11-20T02:00:00Z", "将被删除");
    const std::int64_t deal = AddDeal("2026-11-21", "10.00");
    ASSERT_EQ(
        Call("DELETE", Base() + "/followups/" + std::to_string(followup), nullptr, alice_.token)
            .status,
        204);
    ASSERT_EQ(
        Call("DELETE", Base() + "/deals/" + std::to_string(deal), nullptr, alice_.token).status,
        204);
    const std::vector<std::string> left = ReadAll(50, alice_.token);
    ASSERT_EQ(left.size(), 1u);  // only the customer's creation
    EXPECT_EQ(left[0].rfind("ownership#", 0), 0u);
    ASSERT_EQ(
        Call("POST", Base() + "/deals/" + std::to_string(deal) + "/restore", nullptr, alice_.token)
            .status,
        200);
    EXPECT_EQ(ReadAll(50, alice_.token).size(), 2u);
}

TEST_P(TimelineTest, ACustomerWhoseHistoryTheCallerMayNotSeeIsNotFound) {
    AddFollowup("2026-11-20T02:00:00Z", "私密");
    Reply other = Call("GET", Timeline(), nullptr, bob_.token);
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(other.code(), "not_found");
    EXPECT_EQ(Call("GET", "/api/v1/customers/999999/timeline", nullptr, alice_.token).status, 404);
    // In the public pool, bob sees the customer but not its history (its last owner is alice).
    ASSERT_EQ(Call("POST", Base() + "/release", nullptr, alice_.token).status, 200);
    EXPECT_EQ(Call("GET", Base(), nullptr, bob_.token).status, 200);
    EXPECT_EQ(Call("GET", Timeline(), nullptr, bob_.token).status, 404);
    EXPECT_EQ(Call("GET", Timeline(), nullptr, admin()).status, 200);
    // A deleted customer has no timeline.
    ASSERT_EQ(Call("DELETE", Base(), nullptr, admin()).status, 204);
    EXPECT_EQ(Call("GET", Timeline(), nullptr, admin()).status, 404);
}

TEST_P(TimelineTest, KindsWithoutTheirViewPermissionAreLeftOut) {
    AddFollowup("2026-11-20T02:00:00Z", "电话");
    AddDeal("2026-11-21", "10.00");
    AddMailing("2026-11-22", "样品");
    AddRecord("prepayments", {{"received_on", "2026-11-19"}, {"amount", "5.00"}});
    const std::int64_t role =
        CreateRole("timeline-deals-only", "all", {"customers.view", "deals.view"});
    TestUser viewer = CreateUser("tl.viewer", role, std::nullopt);
    Reply r = Call("GET", Timeline(), nullptr, viewer.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    std::set<std::string> kinds, listed;
    for (const auto& item : r.body["items"]) kinds.insert(item["kind"].get<std::string>());
    for (const auto& kind : r.body["kinds"]) listed.insert(kind["kind"].get<std::string>());
    EXPECT_EQ(kinds, (std::set<std::string>{"ownership", "deal", "followup"}));
    EXPECT_EQ(listed, (std::set<std::string>{"ownership", "deal", "followup"}));
    // Asking for a kind one may not see gives none of it, not an error.
    Reply mailings = Call("GET", Timeline("kinds=mailing"), nullptr, viewer.token);
    ASSERT_EQ(mailings.status, 200);
    EXPECT_TRUE(mailings.body["items"].empty());
    // Without customers.view there is no timeline at all.
    const std::int64_t none = CreateRole("timeline-none", "all", {"deals.view"});
    EXPECT_EQ(
        Call("GET", Timeline(), nullptr, CreateUser("tl.none", none, std::nullopt).token).status,
        403);
}

TEST_P(TimelineTest, BadParametersAreNamed) {
    struct Case {
        std::string query;
        std::string field;
    };
    const std::string forged = customers::EncodeTimelineCursor({0, "nonsense", 1});
    const std::vector<Case> cases = {
        {"kinds=deal,nonsense", "kinds"},
        {"kinds=", "kinds"},
        {"kinds=deal,", "kinds"},
        {"cursor=%21%21", "cursor"},
        {"cursor=bm90IGEgY3Vyc29y", "cursor"},
        {"cursor=" + forged, "cursor"},
        {"cursor=", "cursor"},
        {"limit=0", "limit"},
        {"limit=201", "limit"},
        {"limit=abc", "limit"},
        {"limit=-5", "limit"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.query);
        Reply r = Call("GET", Timeline(c.query), nullptr, alice_.token);
        EXPECT_EQ(r.status, 422);
        EXPECT_EQ(r.code(), "validation_failed");
        EXPECT_TRUE(r.body["error"]["details"]["fields"].contains(c.field)) << r.raw.body;
    }
    Reply unknown = Call("GET", Timeline("page=2"), nullptr, alice_.token);
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.body["error"]["details"]["parameter"], "page");
    EXPECT_EQ(Call("GET", Timeline("limit=1&limit=2"), nullptr, alice_.token).status, 400);
    EXPECT_EQ(Call("GET", Timeline("limit=200"), nullptr, alice_.token).status, 200);
}

TEST(TimelineCursorTest, RoundTripsAndRefusesWhatItDidNotMake) {
    for (const customers::timeline::Key& key :
         {customers::timeline::Key{1764547200, "deal", 7},
          customers::timeline::Key{-86400, "followup", 1},
          customers::timeline::Key{253402300799, "ownership", 9007199254740993}}) {
        const std::string cursor = customers::EncodeTimelineCursor(key);
        EXPECT_EQ(cursor.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos)
            << cursor;
        const auto back = customers::DecodeTimelineCursor(cursor);
        ASSERT_TRUE(back.has_value()) << cursor;
        EXPECT_EQ(back->at, key.at);
        EXPECT_EQ(back->kind, key.kind);
        EXPECT_EQ(back->id, key.id);
    }
    for (std::string_view bad : {"", "!!", "MTIz", "bm9uZQ", "MTp4OjA", "MTp4Ong"}) {
        EXPECT_FALSE(customers::DecodeTimelineCursor(bad).has_value()) << bad;
    }
    EXPECT_FALSE(customers::DecodeTimelineCursor(std::string(300, 'A')).has_value());
}

GUANXI_API_TEST_SUITE(TimelineTest);

}  // namespace
}  // namespace guanxi::testing
