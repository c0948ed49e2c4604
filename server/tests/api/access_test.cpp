// The data-scope matrix (DESIGN.md "Access control — one gate"): for every kind of caller and every
// path that reads or acts on customers, exactly who sees what. What a caller may not see behaves as
// if it did not exist: 404, never 403, absent from lists, counts, searches and exports, and shown
// only as "exists, owned by X" in duplicate checks.
//
// The organisation:
//
//   HQ ─┬─ Sales A ── Sales A-East        hq_rep       self             HQ
//       └─ Sales B                        a_self       self             Sales A
//                                         a_dept       department       Sales A
//                                         a_tree       department_tree  Sales A
//                                         east_rep     self             Sales A-East  reports to
//                                         b_mgr east_junior  self             Sales A-East  reports
//                                         to east_rep b_rep        self             Sales B b_mgr
//                                         self             Sales B all_viewer   all Sales B
//
// Each user but all_viewer owns one customer ("c_" + user). Three customers are in the public pool:
// p_a (released by a_self), p_b (released by b_rep) and p_new (created straight into the pool).
// Every customer has one contact and one follow-up.
//
// To add a path, add one line to kTargetPaths (it probes one customer) or kViewPaths (it reveals a
// set of customers) with the function that says what the caller should notice.

#include "api_test_support.hpp"

#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace guanxi::testing {
namespace {

using nlohmann::json;

struct Target {
    std::string key;
    std::int64_t id = 0;
    std::string name;
    std::string phone;
    std::optional<std::int64_t> owner_id;  // nullopt: in the public pool
    bool pool() const { return !owner_id; }
};

struct Viewer {
    std::string key;
    std::int64_t id = 0;
    std::string token;
};

// The table this whole file proves: the owned customers each user sees (every pool customer is
// visible to everyone with customers.view), and the pool customers whose follow-ups they may read
// (those whose last owner they can see).
struct Sight {
    std::set<std::string> owned;
    std::set<std::string> pool_followups;
};
const std::map<std::string, Sight>& WhoSeesWhat() {
    static const std::map<std::string, Sight> kTable = {
        {"hq_rep", {{"c_hq_rep"}, {"p_new"}}},
        {"a_self", {{"c_a_self"}, {"p_new", "p_a"}}},
        {"a_dept", {{"c_a_self", "c_a_dept", "c_a_tree"}, {"p_new", "p_a"}}},
        {"a_tree",
         {{"c_a_self", "c_a_dept", "c_a_tree", "c_east_rep", "c_east_junior"}, {"p_new", "p_a"}}},
        {"east_rep", {{"c_east_rep", "c_east_junior"}, {"p_new"}}},
        {"east_junior", {{"c_east_junior"}, {"p_new"}}},
        {"b_rep", {{"c_b_rep"}, {"p_new", "p_b"}}},
        {"b_mgr", {{"c_b_mgr", "c_east_rep", "c_east_junior"}, {"p_new"}}},
        {"all_viewer",
         {{"c_hq_rep", "c_a_self", "c_a_dept", "c_a_tree", "c_east_rep", "c_east_junior", "c_b_rep",
           "c_b_mgr"},
          {"p_new", "p_a", "p_b"}}},
    };
    return kTable;
}

bool SeesCustomer(const Viewer& v, const Target& t) {
    return t.pool() || WhoSeesWhat().at(v.key).owned.count(t.key) > 0;
}

bool SeesFollowups(const Viewer& v, const Target& t) {
    return t.pool() ? WhoSeesWhat().at(v.key).pool_followups.count(t.key) > 0 : SeesCustomer(v, t);
}

// ---- What the caller should notice, per path ----

std::string OkOrNotFound(const Target&, bool sees, bool) { return sees ? "200" : "404"; }
std::string FoundOrNot(const Target&, bool sees, bool) { return sees ? "found" : "not found"; }
std::string FullOrExistsOnly(const Target&, bool sees, bool) {
    return sees ? "full" : "exists only";
}
// A pool customer is claimed before it is changed (pool.manage aside): that comes before the
// version check.
std::string StaleOrNotFound(const Target& t, bool sees, bool) {
    return !sees ? "404" : t.pool() ? "403 claim_first" : "409 stale_version";
}
std::string FollowupCount(const Target&, bool sees, bool sees_followups) {
    return !sees ? "404" : sees_followups ? "1 follow-up" : "0 follow-ups";
}
// Transfer and claim are probed on owned customers only (on a pool customer they would change it).
std::string OwnedOkOrNotFound(const Target& t, bool sees, bool) {
    return t.pool() ? "-" : sees ? "200" : "404";
}
std::string OwnedTakenOrNotFound(const Target& t, bool sees, bool) {
    return t.pool() ? "-" : sees ? "409" : "404";
}
// Release is probed on invisible customers only (on a visible one it would succeed).
std::string InvisibleNotFound(const Target&, bool sees, bool) { return sees ? "-" : "404"; }

class AccessTest : public ApiTest {
  protected:
    void SetUp() override {
        ApiTest::SetUp();
        const json perms = {"customers.view", "customers.create", "customers.edit",
                            "customers.export", "customers.transfer"};
        const std::int64_t self = CreateRole("m_self", "self", perms);
        const std::int64_t dept = CreateRole("m_department", "department", perms);
        const std::int64_t tree = CreateRole("m_tree", "department_tree", perms);
        const std::int64_t all = CreateRole("m_all", "all", perms);
        hq_ = CreateDepartment("HQ");
        sales_a_ = CreateDepartment("Sales A", hq_);
        sales_a_east_ = CreateDepartment("Sales A-East", sales_a_);
        sales_b_ = CreateDepartment("Sales B", hq_);

        AddViewer("hq_rep", self, hq_);
        AddViewer("a_self", self, sales_a_);
        AddViewer("a_dept", dept, sales_a_);
        AddViewer("a_tree", tree, sales_a_);
        AddViewer("b_mgr", self, sales_b_);
        AddViewer("east_rep", self, sales_a_east_, "b_mgr");
        AddViewer("east_junior", self, sales_a_east_, "east_rep");
        AddViewer("b_rep", self, sales_b_);
        AddViewer("all_viewer", all, sales_b_);

        for (const auto& v : viewers_) {
            if (v.key != "all_viewer") AddTarget("c_" + v.key, v, json(v.id));
        }
        AddTarget("p_a", ViewerNamed("a_self"), json(ViewerNamed("a_self").id));
        AddTarget("p_b", ViewerNamed("b_rep"), json(ViewerNamed("b_rep").id));
        AddTarget("p_new", ViewerNamed("hq_rep"), nullptr);
        for (const char* key : {"p_a", "p_b"}) {
            Target& t = targets_.at(key);
            const Viewer& owner = ViewerNamed(key == std::string("p_a") ? "a_self" : "b_rep");
            Reply r = Call("POST", CustomerPath(t) + "/release",
                           {{"reason", "no budget this year"}}, owner.token);
            ASSERT_EQ(r.status, 200) << r.body.dump();
            t.owner_id.reset();
        }
    }

    void AddViewer(const std::string& key, std::int64_t role, std::int64_t department,
                   const std::string& manager = "") {
        std::optional<std::int64_t> manager_id;
        if (!manager.empty()) manager_id = ViewerNamed(manager).id;
        TestUser user = CreateUser(key, role, department, manager_id);
        viewers_.push_back({key, user.id, user.token});
    }

    const Viewer& ViewerNamed(const std::string& key) const {
        for (const auto& v : viewers_) {
            if (v.key == key) return v;
        }
        throw std::logic_error("no viewer " + key);
    }

    // A customer created by `creator` (owned by `owner`, or in the pool when null), with one
    // contact and one follow-up by the creator.
    void AddTarget(const std::string& key, const Viewer& creator, const json& owner) {
        Target t;
        t.key = key;
        t.name = "矩阵 " + key;
        t.phone = "1390000" + std::to_string(1000 + targets_.size());
        json body = {
            {"name", t.name},    {"phone", t.phone},
            {"region", key},     {"email", key + "@example.cn"},
            {"owner_id", owner}, {"category", targets_.size() % 2 == 0 ? "core" : "potential"}};
        json c = CreateCustomer(creator.token, body);
        ASSERT_TRUE(c.contains("id")) << key;
        t.id = c["id"].get<std::int64_t>();
        if (owner.is_number_integer()) t.owner_id = owner.get<std::int64_t>();
        // A pool customer's contacts are added by one who manages the pool (pool.manage).
        ASSERT_EQ(Call("POST", CustomerPath(t) + "/contacts", {{"name", "联系人 " + key}},
                       owner.is_null() ? admin() : creator.token)
                      .status,
                  201);
        // And its follow-ups (a pool customer is claimed before anyone adds to its history).
        Reply f = Call("POST", CustomerPath(t) + "/followups",
                       {{"kind", "call"}, {"content", "跟进 " + key}},
                       owner.is_null() ? admin() : creator.token);
        ASSERT_EQ(f.status, 201) << key << ": " << f.body.dump();
        targets_.emplace(key, t);
    }

    static std::string CustomerPath(const Target& t) {
        return "/api/v1/customers/" + std::to_string(t.id);
    }

    std::string KeyOf(std::int64_t id) const {
        for (const auto& [key, t] : targets_) {
            if (t.id == id) return key;
        }
        return "unknown id " + std::to_string(id);
    }

    // A duplicate match, as the caller sees it: the whole match, or only who owns it.
    std::string Classify(const Reply& r, const Target& t) const {
        const json& matches =
            r.body.contains("matches") ? r.body["matches"] : r.body["error"]["details"]["matches"];
        if (!matches.is_array() || matches.size() != 1) return "matches: " + matches.dump();
        const json& m = matches[0];
        if (m["visible"] == true) {
            if (m["owner_id"] != (t.owner_id ? json(*t.owner_id) : json()))
                return "wrong owner: " + m.dump();
            if (m["id"] == t.id && m["name"] == t.name) return "full";
            return "wrong match: " + m.dump();
        }
        // As if it did not exist, but for the fact of the match: no id, name or owner.
        const bool hidden =
            m == json{{"visible", false}, {"reason", "phone"}, {"reasons", {"phone"}}} &&
            r.raw.body.find(t.name) == std::string::npos &&
            r.raw.body.find(t.key + "@") == std::string::npos;
        return hidden ? "exists only" : "leaks: " + m.dump();
    }

  public:
    // ---- Probes of one customer ----

    std::string Get(const Viewer& v, const Target& t) {
        Reply r = Call("GET", CustomerPath(t), nullptr, v.token);
        if (r.status == 404 && r.raw.body.find(t.key) != std::string::npos) return "404 naming it";
        if (r.status == 200 && (r.body["id"] != t.id || r.body["contacts"].size() != 1))
            return "200 wrong: " + r.raw.body;
        return std::to_string(r.status);
    }
    std::string Contacts(const Viewer& v, const Target& t) {
        Reply r = Call("GET", CustomerPath(t) + "/contacts", nullptr, v.token);
        if (r.status == 200 &&
            (r.body["items"].size() != 1 || r.body["items"][0]["name"] != "联系人 " + t.key)) {
            return "200 wrong: " + r.raw.body;
        }
        return std::to_string(r.status);
    }
    std::string History(const Viewer& v, const Target& t) {
        Reply r = Call("GET", CustomerPath(t) + "/history", nullptr, v.token);
        if (r.status == 200 && r.body["items"].empty()) return "200 empty";
        return std::to_string(r.status);
    }
    std::string Followups(const Viewer& v, const Target& t) {
        Reply r = Call("GET", CustomerPath(t) + "/followups", nullptr, v.token);
        if (r.status != 200) return std::to_string(r.status);
        const auto n = r.body["items"].size();
        if (r.body["total"] != n)
            return "total " + r.body["total"].dump() + " for " + std::to_string(n) + " items";
        if (n == 1 && r.body["items"][0]["content"] != "跟进 " + t.key) return "wrong follow-up";
        return std::to_string(n) + (n == 1 ? " follow-up" : " follow-ups");
    }
    // One customer isolated by a filter, in the list and in the counts.
    std::string FoundIn(const Reply& r, const Target& t, bool has_items) {
        if (r.status != 200) return std::to_string(r.status);
        if (r.body["total"] == 0 && (!has_items || r.body["items"].empty())) return "not found";
        if (r.body["total"] == 1 &&
            (!has_items || (r.body["items"].size() == 1 && r.body["items"][0]["id"] == t.id))) {
            return "found";
        }
        return "unexpected: " + r.raw.body;
    }
    std::string ListByRegion(const Viewer& v, const Target& t) {
        return FoundIn(
            Call("GET", "/api/v1/customers?in_pool=any&region=" + t.key, nullptr, v.token), t,
            true);
    }
    std::string CountByRegion(const Viewer& v, const Target& t) {
        return FoundIn(
            Call("GET", "/api/v1/customers/counts?in_pool=any&region=" + t.key, nullptr, v.token),
            t, false);
    }
    std::string SearchByPhone(const Viewer& v, const Target& t) {
        return FoundIn(Call("GET", "/api/v1/customers?in_pool=any&q=" + t.phone, nullptr, v.token),
                       t, true);
    }
    std::string SearchByName(const Viewer& v, const Target& t) {
        return FoundIn(Call("GET", "/api/v1/customers?in_pool=any&q=" + t.key, nullptr, v.token), t,
                       true);
    }
    std::string CheckDuplicates(const Viewer& v, const Target& t) {
        Reply r = Call("POST", "/api/v1/customers/check-duplicates", {{"phone", t.phone}}, v.token);
        if (r.status != 200) return std::to_string(r.status);
        return Classify(r, t);
    }
    std::string CreateDuplicate(const Viewer& v, const Target& t) {
        Reply r = Call("POST", "/api/v1/customers", {{"name", "另一家公司"}, {"phone", t.phone}},
                       v.token);
        if (r.status != 409 || r.code() != "duplicate")
            return std::to_string(r.status) + " " + r.code();
        return Classify(r, t);
    }
    std::string StalePatch(const Viewer& v, const Target& t) {
        Reply r = Call("PATCH", CustomerPath(t), {{"region", "改了"}, {"version", 999}}, v.token);
        return r.code().empty() || r.status == 404 ? std::to_string(r.status)
                                                   : std::to_string(r.status) + " " + r.code();
    }
    std::string TransferToSameOwner(const Viewer& v, const Target& t) {
        if (t.pool()) return "-";
        Reply r = Call("POST", "/api/v1/customers/transfer",
                       {{"ids", {t.id}}, {"owner_id", *t.owner_id}}, v.token);
        if (r.status == 200 && r.body["transferred"] != 0) return "moved";
        if (r.status == 404 && r.body["error"]["details"]["id"] != t.id)
            return "404 without the id";
        return std::to_string(r.status);
    }
    std::string ClaimOwned(const Viewer& v, const Target& t) {
        if (t.pool()) return "-";
        return std::to_string(Call("POST", CustomerPath(t) + "/claim", nullptr, v.token).status);
    }
    std::string ReleaseInvisible(const Viewer& v, const Target& t) {
        if (SeesCustomer(v, t)) return "-";
        return std::to_string(
            Call("POST", CustomerPath(t) + "/release", json::object(), v.token).status);
    }

    // ---- Probes that reveal a set of customers ----

    std::set<std::string> Keys(const json& items) const {
        std::set<std::string> out;
        for (const auto& item : items) out.insert(KeyOf(item["id"].get<std::int64_t>()));
        return out;
    }
    // The list and its counts, for `pool` = "" (the default: owned customers), "any" or "true".
    std::set<std::string> ListedWith(const Viewer& v, const std::string& pool) {
        const std::string filter = pool.empty() ? "" : "&in_pool=" + pool;
        Reply r = Call("GET", "/api/v1/customers?page_size=500" + filter, nullptr, v.token);
        EXPECT_EQ(r.body["total"], r.body["items"].size()) << v.key;
        // The counts agree with the list, category by category.
        std::map<std::string, int> by_category;
        for (const auto& item : r.body["items"]) ++by_category[item["category"].get<std::string>()];
        Reply counts = Call("GET", "/api/v1/customers/counts?" + filter, nullptr, v.token);
        EXPECT_EQ(counts.body["total"], r.body["total"]) << v.key;
        EXPECT_EQ(counts.body["by_category"], json(by_category)) << v.key;
        return Keys(r.body["items"]);
    }
    std::set<std::string> Listed(const Viewer& v) { return ListedWith(v, ""); }
    std::set<std::string> ListedWithPool(const Viewer& v) { return ListedWith(v, "any"); }
    std::set<std::string> ListedPoolOnly(const Viewer& v) { return ListedWith(v, "true"); }
    // %E7%9F%A9%E9%98%B5 = 矩阵, in every customer's name; one, two and three-character words take
    // different index paths, and a salesperson's search probes where a manager's reads postings.
    std::set<std::string> SearchedWith(const Viewer& v, const std::string& query) {
        Reply r = Call("GET", "/api/v1/customers?page_size=500&" + query, nullptr, v.token);
        EXPECT_EQ(r.body["total"], r.body["items"].size()) << v.key;
        return Keys(r.body["items"]);
    }
    std::set<std::string> Searched(const Viewer& v) {
        return SearchedWith(v, "q=%E7%9F%A9%E9%98%B5");
    }
    std::set<std::string> SearchedOneChar(const Viewer& v) {
        return SearchedWith(v, "q=%E7%9F%A9");
    }
    std::set<std::string> SearchedWithPool(const Viewer& v) {
        return SearchedWith(v, "in_pool=any&q=%E7%9F%A9%E9%98%B5");
    }
    std::set<std::string> Exported(const Viewer& v) { return ExportedWith(v, ""); }
    std::set<std::string> ExportedWithPool(const Viewer& v) {
        return ExportedWith(v, "&in_pool=any");
    }
    std::set<std::string> ExportedWith(const Viewer& v, const std::string& filter) {
        Reply r = Call("GET", "/api/v1/customers/export?format=csv" + filter, nullptr, v.token);
        EXPECT_EQ(r.status, 200) << v.key;
        std::set<std::string> out;
        std::istringstream lines(r.raw.body);
        std::string line;
        std::getline(lines, line);  // BOM and header
        EXPECT_NE(line.find("ID,Name"), std::string::npos) << line;
        int rows = 0;
        while (std::getline(lines, line)) {
            if (line.empty() || line == "\r") continue;
            ++rows;
            const std::string key = KeyOf(std::stoll(line.substr(0, line.find(','))));
            if (targets_.count(key) > 0) {
                EXPECT_NE(line.find(targets_.at(key).name), std::string::npos) << line;
            }
            out.insert(key);
        }
        EXPECT_EQ(r.raw.HeaderValue("X-Export-Rows"), std::to_string(rows)) << v.key;
        return out;
    }
    std::set<std::string> Pooled(const Viewer& v) {
        Reply r = Call("GET", "/api/v1/pool?page_size=500", nullptr, v.token);
        EXPECT_EQ(r.body["total"], r.body["items"].size()) << v.key;
        return Keys(r.body["items"]);
    }

  protected:
    std::vector<Viewer> viewers_;
    std::map<std::string, Target> targets_;
    std::int64_t hq_ = 0, sales_a_ = 0, sales_a_east_ = 0, sales_b_ = 0;
};

struct TargetPath {
    const char* name;
    std::string (AccessTest::*probe)(const Viewer&, const Target&);
    std::string (*expect)(const Target&, bool sees_customer, bool sees_followups);
};

// Read paths first, then the ones that would write if the gate let them through.
const std::vector<TargetPath> kTargetPaths = {
    {"GET /customers/{id}", &AccessTest::Get, OkOrNotFound},
    {"GET /customers/{id}/contacts", &AccessTest::Contacts, OkOrNotFound},
    {"GET /customers/{id}/history", &AccessTest::History, OkOrNotFound},
    {"GET /customers/{id}/followups", &AccessTest::Followups, FollowupCount},
    {"GET /customers?region=", &AccessTest::ListByRegion, FoundOrNot},
    {"GET /customers/counts?region=", &AccessTest::CountByRegion, FoundOrNot},
    {"GET /customers?q=<phone>", &AccessTest::SearchByPhone, FoundOrNot},
    {"GET /customers?q=<name>", &AccessTest::SearchByName, FoundOrNot},
    {"POST /customers/check-duplicates", &AccessTest::CheckDuplicates, FullOrExistsOnly},
    {"POST /customers (duplicate phone)", &AccessTest::CreateDuplicate, FullOrExistsOnly},
    {"PATCH /customers/{id} (stale)", &AccessTest::StalePatch, StaleOrNotFound},
    {"POST /customers/transfer", &AccessTest::TransferToSameOwner, OwnedOkOrNotFound},
    {"POST /customers/{id}/claim", &AccessTest::ClaimOwned, OwnedTakenOrNotFound},
    {"POST /customers/{id}/release", &AccessTest::ReleaseInvisible, InvisibleNotFound},
};

// What a path covers: the customers owned within the caller's scope (the list's default), those
// and the public pool, or the pool alone.
enum class Covers { kOwned, kOwnedAndPool, kPool };

struct ViewPath {
    const char* name;
    std::set<std::string> (AccessTest::*reveal)(const Viewer&);
    Covers covers;
};

const std::vector<ViewPath> kViewPaths = {
    {"GET /customers", &AccessTest::Listed, Covers::kOwned},
    {"GET /customers?in_pool=any", &AccessTest::ListedWithPool, Covers::kOwnedAndPool},
    {"GET /customers?in_pool=true", &AccessTest::ListedPoolOnly, Covers::kPool},
    {"GET /customers?q=矩阵", &AccessTest::Searched, Covers::kOwned},
    {"GET /customers?q=矩", &AccessTest::SearchedOneChar, Covers::kOwned},
    {"GET /customers?in_pool=any&q=矩阵", &AccessTest::SearchedWithPool, Covers::kOwnedAndPool},
    {"GET /customers/export?format=csv", &AccessTest::Exported, Covers::kOwned},
    {"GET /customers/export?format=csv&in_pool=any", &AccessTest::ExportedWithPool,
     Covers::kOwnedAndPool},
    {"GET /pool", &AccessTest::Pooled, Covers::kPool},
};

TEST_P(AccessTest, EveryScopeSeesExactlyItsCustomersOnEveryPath) {
    std::ostringstream wrong;
    for (const auto& path : kViewPaths) {
        for (const auto& v : viewers_) {
            std::set<std::string> expected;
            for (const auto& [key, t] : targets_) {
                const bool covered = path.covers == Covers::kPool    ? t.pool()
                                     : path.covers == Covers::kOwned ? !t.pool()
                                                                     : true;
                if (covered && SeesCustomer(v, t)) expected.insert(key);
            }
            const std::set<std::string> actual = (this->*path.reveal)(v);
            if (actual != expected) {
                wrong << path.name << " as " << v.key << ": got";
                for (const auto& k : actual) wrong << " " << k;
                wrong << "; expected";
                for (const auto& k : expected) wrong << " " << k;
                wrong << "\n";
            }
        }
    }
    for (const auto& path : kTargetPaths) {
        for (const auto& v : viewers_) {
            for (const auto& [key, t] : targets_) {
                const std::string expected =
                    path.expect(t, SeesCustomer(v, t), SeesFollowups(v, t));
                const std::string actual = (this->*path.probe)(v, t);
                if (actual != expected) {
                    wrong << path.name << " as " << v.key << " on " << key << ": got " << actual
                          << ", expected " << expected << "\n";
                }
            }
        }
    }
    EXPECT_TRUE(wrong.str().empty()) << wrong.str();

    // Nothing the probes tried changed anything: same customers, owners and versions.
    Reply all = Call("GET", "/api/v1/customers?page_size=500&in_pool=any", nullptr, admin());
    EXPECT_EQ(all.body["total"], targets_.size());
    for (const auto& item : all.body["items"]) {
        const Target& t = targets_.at(KeyOf(item["id"].get<std::int64_t>()));
        EXPECT_EQ(item["owner_id"], t.owner_id ? json(*t.owner_id) : json()) << t.key;
        EXPECT_EQ(item["region"], t.key);
        // Owned customers: created (1), followed up (2). Pool ones were also released (3).
        EXPECT_EQ(item["version"], t.pool() && t.key != "p_new" ? 3 : 2) << t.key;
    }
}

TEST_P(AccessTest, ARoleWithoutCustomersViewSeesNothingNotEvenThePool) {
    const std::int64_t role =
        CreateRole("exporter", "all", json::array({"customers.export", "customers.create"}));
    TestUser blind = CreateUser("blind", role, sales_b_);
    Reply list = Call("GET", "/api/v1/customers", nullptr, blind.token);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body["total"], 0);
    EXPECT_EQ(Call("GET", "/api/v1/pool", nullptr, blind.token).body["total"], 0);
    EXPECT_EQ(Call("GET", "/api/v1/customers/counts", nullptr, blind.token).body["total"], 0);
    Reply exported = Call("GET", "/api/v1/customers/export?format=csv", nullptr, blind.token);
    EXPECT_EQ(exported.raw.HeaderValue("X-Export-Rows"), "0");
    for (const auto& [key, t] : targets_) {
        EXPECT_EQ(Call("GET", CustomerPath(t), nullptr, blind.token).status, 404) << key;
        // A customer's records need customers.view first: 403 for every id alike, which says
        // nothing about any customer.
        for (const char* records : {"/followups", "/contacts"}) {
            Reply r = Call("GET", CustomerPath(t) + records, nullptr, blind.token);
            EXPECT_EQ(r.status, 403) << key << records;
            EXPECT_EQ(r.code(), "forbidden") << key << records;
        }
    }
    // Creating with a taken phone still says it is taken, but not what or whose.
    Reply dup = Call("POST", "/api/v1/customers",
                     {{"name", "x"}, {"phone", targets_.at("c_b_rep").phone}}, blind.token);
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(Classify(dup, targets_.at("c_b_rep")), "exists only");
}

TEST_P(AccessTest, TheGateFollowsOrganisationChangesAtOnce) {
    const Viewer& b_mgr = ViewerNamed("b_mgr");
    const Viewer& east_rep = ViewerNamed("east_rep");
    const Viewer& a_dept = ViewerNamed("a_dept");
    const Target& east = targets_.at("c_east_rep");
    const Target& junior = targets_.at("c_east_junior");
    ASSERT_EQ(Call("GET", CustomerPath(junior), nullptr, b_mgr.token).status, 200);
    // east_rep no longer reports to b_mgr: b_mgr loses the whole chain below.
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(east_rep.id),
                   {{"manager_id", nullptr}}, admin())
                  .status,
              200);
    EXPECT_EQ(Call("GET", CustomerPath(east), nullptr, b_mgr.token).status, 404);
    EXPECT_EQ(Call("GET", CustomerPath(junior), nullptr, b_mgr.token).status, 404);
    EXPECT_EQ(Call("GET", CustomerPath(junior), nullptr, east_rep.token).status, 200);
    // east_rep moves into Sales A: a_dept now sees their customers, and east_rep's subordinate's.
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(east_rep.id),
                   {{"department_id", sales_a_}}, admin())
                  .status,
              200);
    EXPECT_EQ(Call("GET", CustomerPath(east), nullptr, a_dept.token).status, 200);
    EXPECT_EQ(Call("GET", CustomerPath(junior), nullptr, a_dept.token).status, 404);
    // Sales B moves under Sales A: a_tree's department tree now holds b_rep, in lists and searches.
    const Viewer& a_tree = ViewerNamed("a_tree");
    const Target& b_rep = targets_.at("c_b_rep");
    const auto listed = [&](const Viewer& v) {
        return Call("GET", "/api/v1/customers?page_size=500&region=" + b_rep.key, nullptr, v.token)
            .body["total"];
    };
    ASSERT_EQ(Call("GET", CustomerPath(b_rep), nullptr, a_tree.token).status, 404);
    ASSERT_EQ(listed(a_tree), 0);
    ASSERT_EQ(Call("PATCH", "/api/v1/departments/" + std::to_string(sales_b_),
                   {{"parent_id", sales_a_}}, admin())
                  .status,
              200);
    EXPECT_EQ(Call("GET", CustomerPath(b_rep), nullptr, a_tree.token).status, 200);
    EXPECT_EQ(listed(a_tree), 1);
    // A new report: b_rep now reports to a_self, who sees their customers at once.
    const Viewer& a_self = ViewerNamed("a_self");
    ASSERT_EQ(Call("GET", CustomerPath(b_rep), nullptr, a_self.token).status, 404);
    ASSERT_EQ(Call("PATCH", "/api/v1/users/" + std::to_string(ViewerNamed("b_rep").id),
                   {{"manager_id", a_self.id}}, admin())
                  .status,
              200);
    EXPECT_EQ(Call("GET", CustomerPath(b_rep), nullptr, a_self.token).status, 200);
    EXPECT_EQ(listed(a_self), 1);
    // A role's scope change applies to its users' live sessions.
    const std::int64_t self_role = RoleId("m_self");
    ASSERT_EQ(Call("PATCH", "/api/v1/roles/" + std::to_string(self_role), {{"data_scope", "all"}},
                   admin())
                  .status,
              200);
    EXPECT_EQ(Call("GET", CustomerPath(targets_.at("c_a_tree")), nullptr, b_mgr.token).status, 200);
}

TEST_P(AccessTest, DeletedCustomersAreGoneFromEveryReadPath) {
    const Target& t = targets_.at("c_a_self");
    ASSERT_EQ(Call("DELETE", CustomerPath(t), nullptr, admin()).status, 204);
    const Viewer& all = ViewerNamed("all_viewer");
    for (const std::string path : {"", "/contacts", "/followups", "/history"}) {
        EXPECT_EQ(Call("GET", CustomerPath(t) + path, nullptr, all.token).status, 404) << path;
    }
    EXPECT_EQ(Call("GET", "/api/v1/customers?region=c_a_self", nullptr, all.token).body["total"],
              0);
    EXPECT_EQ(
        Call("GET", "/api/v1/customers?in_pool=any&q=" + t.phone, nullptr, all.token).body["total"],
        0);
    EXPECT_EQ(Call("POST", "/api/v1/customers/transfer", {{"ids", {t.id}}, {"owner_id", all.id}},
                   all.token)
                  .status,
              404);
}

GUANXI_API_TEST_SUITE(AccessTest);

}  // namespace
}  // namespace guanxi::testing
