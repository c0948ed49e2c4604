#include "cli/demo_data.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "db/bulk_insert.hpp"
#include "domains/customers/search_document.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <iostream>
#include <random>

// Why this file writes SQL itself instead of going through customers::store: the store inserts one
// row per statement and reindexes one customer at a time (~1,000 customers/s). A benchmark data set
// of a million customers, two million contacts and ten million follow-ups needs bulk multi-row
// INSERTs in big transactions (~50x faster). What it writes must stay exactly what the store and
// search::Reindex would write — the normalised phone/e-mail/name columns, search_text and the
// bigram rows — so search_text and the grams come from search::Document, which the customer import
// uses too (db::BulkInsert is shared with it as well).

namespace guanxi::demo {

namespace {

using db::BulkInsert;
using nlohmann::json;

constexpr std::array kCities = {"深圳", "上海", "北京", "杭州", "广州", "成都", "武汉", "南京",
                                "苏州", "西安", "重庆", "天津", "厦门", "青岛", "长沙", "宁波"};
constexpr std::array kBrands = {
    "华强", "鑫源", "恒信", "博远", "天合", "金瑞", "中科", "宏达", "新航", "海润",
    "云帆", "瑞丰", "德昌", "永泰", "华信", "嘉禾", "启明", "东方", "锦程", "万通",
    "星辰", "凯越", "盛世", "安达", "卓越", "明阳", "汇通", "北辰", "润泽", "长青",
    "百川", "正泰", "远洋", "天成", "宝丰", "同创", "智远", "聚源", "晨光", "鼎盛",
    "隆基", "恒泰", "新锐", "华联", "国信", "方正", "九州", "大华", "银河", "金桥"};
constexpr std::array kTrades = {"科技",     "电子", "贸易", "制造", "物流", "医疗器械",
                                "教育科技", "食品", "建材", "网络", "软件", "新能源",
                                "机械",     "化工", "服饰", "传媒"};
constexpr std::array kSuffixes = {"有限公司", "有限公司", "有限公司", "股份有限公司",
                                  "集团有限公司"};
constexpr std::array kEnglishFirst = {"Bright",  "North",  "Blue",   "Silver",    "Golden",
                                      "Pacific", "Summit", "Harbor", "Evergreen", "Red",
                                      "Crest",   "Nova",   "Atlas",  "Pioneer"};
constexpr std::array kEnglishSecond = {"path",   "star", "field", "stone", "wave",
                                       "bridge", "peak", "gate",  "leaf",  "line"};
constexpr std::array kEnglishTrades = {"Logistics", "Technologies", "Trading",       "Foods",
                                       "Medical",   "Software",     "Manufacturing", "Energy",
                                       "Design",    "Consulting"};
constexpr std::array kEnglishSuffixes = {"Ltd.", "Co., Ltd.", "Inc.", "LLC", "Group"};
constexpr std::array kIndustries = {"制造业",   "信息技术", "批发零售", "医疗健康", "教育",
                                    "物流运输", "建筑建材", "金融服务", "食品饮料", "能源"};
constexpr std::array kRegions = {"华东", "华南", "华北", "华中", "西南", "西北", "东北", "海外"};
constexpr std::array kSources = {"展会", "官网", "转介绍", "电话营销", "广告", "老客户", "名片"};
constexpr std::array kTags = {"VIP",    "重点跟进", "价格敏感", "决策快",
                              "需报价", "老客户",   "大单",     "海外"};
constexpr std::array kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                  "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
constexpr std::array kGivenNames = {"伟", "芳",   "娜",   "敏",   "静",   "磊",  "洋",
                                    "艳", "勇",   "军",   "杰",   "娟",   "涛",  "明",
                                    "超", "秀英", "建华", "志强", "晓东", "丽华"};
constexpr std::array kTitles = {"总经理",   "采购经理", "技术总监", "财务主管",
                                "行政主管", "销售总监", "项目经理", "董事长助理"};
constexpr std::array kFollowupKinds = {"call",    "call",  "call", "visit",
                                       "meeting", "email", "sms",  "other"};
constexpr std::array kFollowupTexts = {"电话沟通了新一季度的采购计划，客户对报价基本认可。",
                                       "上门拜访，参观了生产线，约定下周提交方案。",
                                       "客户询问交货周期和售后条款，已发送资料。",
                                       "邮件发送了产品目录和价格表。",
                                       "客户暂无需求，三个月后再联系。",
                                       "视频会议讨论技术方案，需要工程师支持。",
                                       "催款：对方财务确认月底付款。",
                                       "Called about the renewal; they want a revised quote.",
                                       "Visited the new office and met the purchasing team.",
                                       "Sent the product brochure and case studies."};

struct DemoUser {
    const char* username;
    const char* display_name;
    int department;  // index into the department plan
    const char* role;
    int manager;    // index into kUsers, -1 for none
    double weight;  // relative share of customers owned
};

// 总部 is created at first start; these go below it. The first five are the README's demo
// departments; the rest are used only when --departments asks for more.
struct DemoDepartment {
    std::string name;
    int parent;  // index into the plan, -1 for 总部
};

constexpr std::array kProjects = {"ERP 升级项目", "年度维保续约", "门店收银系统", "数据中台一期",
                                  "呼叫中心扩容", "仓储管理系统", "培训服务包",   "安全审计",
                                  "移动审批",     "云迁移咨询",   "年度采购框架", "设备更新"};
constexpr std::array kLostReasons = {"price", "competitor", "timing", "no_budget", "no_decision"};
// The default pipeline's stages (migration 051), open ones with the days a demo opportunity has
// been in them at most (past the stage's limit: a stale card).
struct DemoStage {
    std::int64_t id;
    std::int64_t probability;
    bool won, lost;
    std::int64_t days_limit;
};

constexpr std::array kUsers = {DemoUser{"sun.li", "孙丽", 0, "manager", -1, 9},
                               DemoUser{"zhang.wei", "张伟", 0, "sales", 0, 14},
                               DemoUser{"li.na", "李娜", 0, "sales", 0, 12},
                               DemoUser{"wang.fang", "王芳", 0, "sales", 0, 10},
                               DemoUser{"zhou.jie", "周杰", 1, "manager", -1, 3},
                               DemoUser{"liu.yang", "刘洋", 1, "sales", 4, 11},
                               DemoUser{"chen.jing", "陈静", 1, "sales", 4, 9},
                               DemoUser{"emily.chen", "Emily Chen", 1, "sales", 4, 7},
                               DemoUser{"huang.min", "黄敏", 2, "manager", -1, 3},
                               DemoUser{"zhao.lei", "赵磊", 3, "sales", 8, 10},
                               DemoUser{"wu.xia", "吴霞", 3, "sales", 8, 8},
                               DemoUser{"david.wang", "David Wang", 3, "sales", 8, 6},
                               DemoUser{"guo.tao", "郭涛", 4, "sales", -1, 4}};
constexpr int kMarketingDepartment = 4;  // 市场部 gets no generated salespeople

// The department plan: the five demo departments, then divisions, teams and city offices in an
// order that keeps the tree balanced whatever prefix of it --departments takes.
std::vector<DemoDepartment> DepartmentPlan(size_t wanted) {
    std::vector<DemoDepartment> plan = {
        {"销售一部", -1}, {"销售二部", -1}, {"华南大区", -1}, {"深圳办事处", 2}, {"市场部", -1}};
    const int first_division = static_cast<int>(plan.size());
    for (const char* d : {"销售三部", "华东大区", "华北大区", "华中大区", "西南大区", "西北大区",
                          "东北大区", "大客户部", "海外事业部", "渠道部"}) {
        plan.push_back({d, -1});
    }
    for (auto [name, parent] : {std::pair{"销售一部一组", 0},
                                {"销售一部二组", 0},
                                {"销售二部一组", 1},
                                {"销售二部二组", 1},
                                {"销售三部一组", first_division}}) {
        plan.push_back({name, parent});
    }
    const std::vector<std::pair<int, std::vector<const char*>>> offices = {
        {first_division + 1, {"上海", "杭州", "南京", "苏州", "宁波", "合肥"}},
        {first_division + 2, {"北京", "天津", "济南", "青岛", "石家庄"}},
        {first_division + 3, {"武汉", "长沙", "郑州", "南昌"}},
        {first_division + 4, {"成都", "重庆", "昆明", "贵阳"}},
        {first_division + 5, {"西安", "兰州", "乌鲁木齐"}},
        {first_division + 6, {"沈阳", "大连", "哈尔滨", "长春"}},
        {2, {"广州", "东莞", "厦门", "福州"}},
        {first_division + 8, {"新加坡", "吉隆坡", "雅加达"}}};
    for (size_t round = 0; round < 6; ++round) {
        for (const auto& [parent, cities] : offices) {
            if (round < cities.size())
                plan.push_back({std::string(cities[round]) + "办事处", parent});
        }
    }
    static constexpr std::array kNumerals = {"四", "五", "六", "七", "八", "九"};
    for (size_t n = 0; plan.size() < wanted; ++n) {
        plan.push_back(
            {"销售" + std::string(kNumerals[n % kNumerals.size()]) + "部" +
                 (n >= kNumerals.size() ? std::to_string(n / kNumerals.size() + 1) + "分部" : ""),
             -1});
    }
    if (plan.size() > wanted) plan.resize(std::max<size_t>(wanted, 5));
    return plan;
}

template <typename Array>
const char* Pick(std::mt19937_64& rng, const Array& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

std::string Phone(std::mt19937_64& rng) {
    static constexpr std::array kPrefixes = {"138", "139", "136", "186", "135",
                                             "150", "177", "189", "131", "158"};
    std::string phone = Pick(rng, kPrefixes);
    for (int i = 0; i < 8; ++i) phone.push_back(static_cast<char>('0' + rng() % 10));
    return phone;
}

std::string Latin(std::mt19937_64& rng, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
    return s;
}

db::Value TextOrNull(std::string s) {
    return s.empty() ? db::Value(nullptr) : db::Value(std::move(s));
}

struct Owner {
    std::int64_t user_id;
    std::optional<std::int64_t> department_id;
};

struct Organisation {
    std::vector<Owner> owners;
    std::vector<double> weights;
};

Result<std::int64_t> RoleId(db::Connection& conn, const std::string& name) {
    GX_TRY_ASSIGN(
        auto role,
        conn.QueryOne("SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL", {name}));
    if (!role) return Error::Internal("demo data needs the role " + name);
    return role->Int(0);
}

// Departments and users; those that already exist (by name / username) are reused, so running
// twice adds customers only.
Result<Organisation> BuildOrganisation(App& app, const DemoOptions& options, std::mt19937_64& rng,
                                       DemoSummary& summary) {
    db::Database& database = app.db();
    const size_t department_count =
        options.departments > 1 ? static_cast<size_t>(options.departments - 1) : 5;
    const std::vector<DemoDepartment> plan = DepartmentPlan(department_count);
    std::vector<std::int64_t> department_ids;
    {
        GX_TRY_ASSIGN(db::Lease conn, database.Acquire());
        GX_TRY_ASSIGN(auto root, conn->QueryOne("SELECT id FROM departments WHERE parent_id IS "
                                                "NULL AND deleted_at IS NULL ORDER BY id LIMIT 1"));
        const std::optional<std::int64_t> root_id = root ? root->OptInt(0) : std::nullopt;
        for (const auto& d : plan) {
            GX_TRY_ASSIGN(
                auto existing,
                conn->QueryOne("SELECT id FROM departments WHERE name = ? AND deleted_at IS NULL",
                               {d.name}));
            if (existing) {
                department_ids.push_back(existing->Int(0));
                continue;
            }
            const auto now = NowSeconds();
            const std::optional<std::int64_t> parent =
                d.parent < 0 ? root_id
                             : std::optional(department_ids[static_cast<size_t>(d.parent)]);
            GX_TRY_ASSIGN(auto row,
                          conn->QueryOne("INSERT INTO departments (name, parent_id, created_at, "
                                         "updated_at) VALUES (?, ?, ?, ?) RETURNING id",
                                         {d.name, db::Nullable(parent), now, now}));
            department_ids.push_back(row->Int(0));
            ++summary.departments;
        }
    }

    Organisation org;
    std::vector<std::int64_t> user_ids;
    // Who manages each planned department (index into user_ids), for the manager chain.
    std::vector<int> department_manager(plan.size(), -1);
    for (const auto& u : kUsers) {
        std::optional<std::int64_t> existing_id;
        std::int64_t role_id = 0;
        {
            GX_TRY_ASSIGN(db::Lease conn, database.Acquire());
            GX_TRY_ASSIGN(auto existing, conn->QueryOne("SELECT id FROM users WHERE username = ?",
                                                        {std::string(u.username)}));
            if (existing) existing_id = existing->Int(0);
            GX_TRY_ASSIGN(role_id, RoleId(*conn, u.role));
        }
        const std::int64_t department_id = department_ids[static_cast<size_t>(u.department)];
        if (!existing_id) {
            json body = {{"username", u.username},
                         {"display_name", u.display_name},
                         {"password", options.password},
                         {"role_id", role_id},
                         {"department_id", department_id},
                         {"email", std::string(u.username) + "@guanxi.example"},
                         {"phone", Phone(rng)}};
            if (u.manager >= 0) body["manager_id"] = user_ids[static_cast<size_t>(u.manager)];
            GX_TRY_ASSIGN(existing_id, app.accounts().CreateUserUnchecked(body));
            ++summary.users;
        }
        if (std::string_view(u.role) == "manager")
            department_manager[static_cast<size_t>(u.department)] =
                static_cast<int>(user_ids.size());
        user_ids.push_back(*existing_id);
        org.owners.push_back({*existing_id, department_id});
        org.weights.push_back(u.weight);
    }
    department_manager[3] = 8;  // 深圳办事处 reports to 黄敏 of 华南大区

    // More salespeople on request: each new department gets a manager first, the rest are spread
    // over the sales departments. They share one password hash (argon2id is slow on purpose; 500
    // hashes would take minutes).
    const std::int64_t extra = options.salespeople - static_cast<std::int64_t>(kUsers.size());
    if (extra > 0) {
        GX_TRY(db::InTransaction(database, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            GX_TRY_ASSIGN(auto hash_row,
                          conn.QueryOne("SELECT password_hash FROM users WHERE username = ?",
                                        {std::string("zhang.wei")}));
            if (!hash_row) return Error::Internal("demo data needs the user zhang.wei");
            const std::string hash = hash_row->Text(0);
            GX_TRY_ASSIGN(std::int64_t manager_role, RoleId(conn, "manager"));
            GX_TRY_ASSIGN(std::int64_t sales_role, RoleId(conn, "sales"));
            std::vector<size_t> sales_departments;
            for (size_t d = 0; d < plan.size(); ++d) {
                if (static_cast<int>(d) != kMarketingDepartment) sales_departments.push_back(d);
            }
            const auto now = NowSeconds();
            for (std::int64_t n = 0; n < extra; ++n) {
                // Managers for the new departments first, in plan order, then salespeople
                // round-robin.
                size_t department = 0;
                bool manager = false;
                for (size_t d = 5; d < plan.size(); ++d) {
                    if (department_manager[d] < 0) {
                        department = d;
                        manager = true;
                        break;
                    }
                }
                if (!manager)
                    department =
                        sales_departments[static_cast<size_t>(n) % sales_departments.size()];
                int boss = -1;
                if (manager) {
                    if (plan[department].parent >= 0)
                        boss = department_manager[static_cast<size_t>(plan[department].parent)];
                } else {
                    boss = department_manager[department];
                }
                const std::string username = "sales" + std::to_string(1000 + n);
                const std::string display =
                    std::string(Pick(rng, kSurnames)) + Pick(rng, kGivenNames);
                const std::string phone = Phone(rng);
                const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
                GX_TRY_ASSIGN(auto existing,
                              conn.QueryOne("SELECT id FROM users WHERE username = ?", {username}));
                std::int64_t id = 0;
                if (existing) {
                    id = existing->Int(0);
                } else {
                    GX_TRY_ASSIGN(
                        auto row,
                        conn.QueryOne(
                            "INSERT INTO users (username, display_name, email, phone, "
                            "department_id, role_id, manager_id, "
                            "active, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                            "?, ?, 1, ?, ?, ?) RETURNING id",
                            {username, display, username + "@guanxi.example", phone,
                             department_ids[department], manager ? manager_role : sales_role,
                             boss >= 0 ? db::Value(user_ids[static_cast<size_t>(boss)])
                                       : db::Value(nullptr),
                             hash, now, now}));
                    id = row->Int(0);
                    ++summary.users;
                }
                if (manager) department_manager[department] = static_cast<int>(user_ids.size());
                user_ids.push_back(id);
                org.owners.push_back({id, department_ids[department]});
                // A skewed book: most salespeople hold a few thousand customers, a few hold far
                // more.
                org.weights.push_back((manager ? 0.5 : 1.0) * (2.0 + 16.0 * u * u * u));
            }
            return {};
        }));
    }
    return org;
}

struct Tuning {
    std::string restore;  // statements that put the connection back as the server configures it
};

// Bulk-load settings for this connection only: a large page cache (the customer indexes are
// inserted in random order) and commits without fsync — demo data is re-creatable, and in WAL mode
// synchronous=NORMAL cannot corrupt the database.
Result<Tuning> TuneForBulk(db::Connection& conn) {
    if (conn.backend() == db::Backend::kSqlite) {
        GX_TRY(conn.ExecuteScript("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-1048576;"));
        return Tuning{"PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"};
    }
    GX_TRY(conn.ExecuteScript("SET synchronous_commit = off"));
    return Tuning{"SET synchronous_commit = on"};
}

}  // namespace

Result<DemoSummary> Generate(App& app, const DemoOptions& options) {
    std::mt19937_64 rng(options.seed);
    DemoSummary summary;
    GX_TRY_ASSIGN(Organisation org, BuildOrganisation(app, options, rng, summary));
    std::discrete_distribution<size_t> owner_pick(org.weights.begin(), org.weights.end());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::exponential_distribution<double> heavy_tail(1.0);
    const std::int64_t now = NowSeconds();
    const std::int64_t three_years = 3 * 365 * 86400;

    GX_TRY_ASSIGN(db::Lease conn, app.db().Acquire());
    GX_TRY_ASSIGN(Tuning tuning, TuneForBulk(*conn));
    GX_TRY_ASSIGN(auto max_row, conn->QueryOne("SELECT COALESCE(MAX(id), 0) FROM customers"));
    const std::int64_t first_id = max_row->Int(0) + 1;

    BulkInsert customers(
        *conn,
        "INSERT INTO customers (id, name, category, owner_id, last_owner_id, department_id, "
        "industry, "
        "region, source, phone, email, address, tags, custom, last_contact_at, next_contact_at, "
        "phone_norm, email_norm, name_norm, search_text, created_by, created_at, updated_at)",
        23, 100);
    BulkInsert contacts(
        *conn,
        "INSERT INTO contacts (customer_id, name, title, phone, email, is_primary, phone_norm, "
        "email_norm, created_at, updated_at)",
        10, 500, &customers);
    BulkInsert followups(*conn,
                         "INSERT INTO followups (customer_id, user_id, kind, content, "
                         "contacted_at, created_at, updated_at)",
                         7, 1000, &customers);
    BulkInsert grams_out(*conn, "INSERT INTO customer_search (gram, owner_key, customer_id)", 3,
                         3000);
    // Opportunities on the default pipeline, each with its open stay in the stage history.
    std::vector<DemoStage> stages;
    GX_TRY(conn->ForEach(
        "SELECT id, probability, is_won, is_lost, COALESCE(days_limit, 30) FROM pipeline_stages "
        "WHERE pipeline_id = 1 AND deleted_at IS NULL ORDER BY position",
        {}, [&](const db::Row& r) {
            stages.push_back({r.Int(0), r.Int(1), r.Int(2) != 0, r.Int(3) != 0, r.Int(4)});
            return true;
        }));
    GX_TRY_ASSIGN(auto max_opportunity,
                  conn->QueryOne("SELECT COALESCE(MAX(id), 0) FROM opportunities"));
    std::int64_t next_opportunity = max_opportunity->Int(0) + 1;
    BulkInsert opportunities(
        *conn,
        "INSERT INTO opportunities (id, name, customer_id, owner_id, amount, expected_close_on, "
        "pipeline_id, stage_id, probability, source, status, lost_reason, stage_entered_at, "
        "closed_at, milestone_at, created_by, created_at, updated_at)",
        18, 500, &customers);
    BulkInsert stage_history(*conn,
                             "INSERT INTO opportunity_stage_history (opportunity_id, stage_id, "
                             "entered_at, left_at, moved_by)",
                             5, 1000, &opportunities);

    // Transactions of 2,000 customers with everything hanging off them.
    constexpr std::int64_t kCustomersPerTransaction = 2000;
    const auto started = std::chrono::steady_clock::now();
    customers::search::Document document;
    struct ContactRow {
        std::string name, title, phone, email;
    };
    std::vector<ContactRow> contact_rows;
    struct FollowupRow {
        std::int64_t at;
        const char* kind;
        const char* content;
    };
    std::vector<FollowupRow> followup_rows;
    for (std::int64_t start = 0; start < options.customers; start += kCustomersPerTransaction) {
        const std::int64_t end = std::min(options.customers, start + kCustomersPerTransaction);
        GX_TRY_ASSIGN(db::Transaction tx, db::Transaction::Begin(*conn, db::TxMode::kWrite));
        for (std::int64_t n = start; n < end; ++n) {
            const std::int64_t id = first_id + n;
            const bool english = unit(rng) < 0.2;
            std::string name, domain, region;
            if (english) {
                const std::string first = Pick(rng, kEnglishFirst);
                const std::string second = Pick(rng, kEnglishSecond);
                name = first + second + " " + Pick(rng, kEnglishTrades) + " " +
                       Pick(rng, kEnglishSuffixes);
                domain = text::AsciiLower(first + second) + ".example";
                region = unit(rng) < 0.5 ? "海外" : Pick(rng, kRegions);
            } else {
                name = std::string(Pick(rng, kCities)) + Pick(rng, kBrands) + Pick(rng, kTrades) +
                       Pick(rng, kSuffixes);
                domain = Latin(rng, 6) + ".cn";
                region = Pick(rng, kRegions);
            }
            // A few big customers, many small ones: the category follows a skewed draw, and core
            // customers get more contacts and follow-ups.
            const double r = unit(rng);
            const char* category = r < 0.05   ? "core"
                                   : r < 0.40 ? "potential"
                                   : r < 0.65 ? "interested"
                                   : r < 0.78 ? "not_interested"
                                   : r < 0.95 ? "closed"
                                              : "payment_due";
            const std::string_view category_view(category);
            const std::string industry = Pick(rng, kIndustries);
            const std::string source = Pick(rng, kSources);
            const std::string phone = unit(rng) < 0.7
                                          ? Phone(rng)
                                          : "0" + std::to_string(10 + rng() % 890) + "-" +
                                                std::to_string(60000000 + rng() % 39999999);
            const std::string email = "info" + std::to_string(id) + "@" + domain;
            const std::string address = english ? std::to_string(1 + rng() % 300) + " Market Street"
                                                : std::string(Pick(rng, kCities)) + "市科技园" +
                                                      std::to_string(1 + rng() % 99) + "号";
            json tags = json::array();
            if (unit(rng) < 0.3) tags.push_back(Pick(rng, kTags));
            if (unit(rng) < 0.1) tags.push_back("VIP");
            const bool pool = unit(rng) < 0.1;
            const Owner& owner = org.owners[owner_pick(rng)];
            const std::int64_t created = now - static_cast<std::int64_t>(unit(rng) * three_years);

            const int contact_count = category_view == "core" ? 2 + static_cast<int>(rng() % 5)
                                                              : 1 + static_cast<int>(rng() % 3);
            contact_rows.clear();
            for (int k = 0; k < contact_count; ++k) {
                contact_rows.push_back({std::string(Pick(rng, kSurnames)) + Pick(rng, kGivenNames),
                                        Pick(rng, kTitles), Phone(rng),
                                        Latin(rng, 5) + "@" + domain});
            }

            // Follow-ups between creation and now, heavy-tailed; big customers get more.
            const double weight = category_view == "core"             ? 3.0
                                  : category_view == "not_interested" ? 0.3
                                                                      : 1.0;
            const double mean = static_cast<double>(options.followups_per_customer) * weight;
            const auto count = static_cast<std::int64_t>(heavy_tail(rng) * mean + 0.5);
            std::int64_t last = 0;
            followup_rows.clear();
            for (std::int64_t f = 0; f < count; ++f) {
                const std::int64_t at =
                    created +
                    static_cast<std::int64_t>(unit(rng) * static_cast<double>(now - created));
                last = std::max(last, at);
                followup_rows.push_back({at, Pick(rng, kFollowupKinds), Pick(rng, kFollowupTexts)});
            }
            const std::int64_t next =
                now + static_cast<std::int64_t>((unit(rng) * 40 - 10) * 86400);

            // The search index, as search::Reindex builds it.
            document.Clear();
            document.AddRow(name, phone, email);
            for (const auto& c : contact_rows) document.AddRow(c.name, c.phone, c.email);
            document.Finish();
            const std::string phone_norm = text::NormalizePhone(phone);

            GX_TRY(customers.Row(id, name, std::string(category),
                                 pool ? db::Value(nullptr) : db::Value(owner.user_id),
                                 pool ? db::Value(owner.user_id) : db::Value(nullptr),
                                 db::Nullable(owner.department_id), industry, region, source, phone,
                                 email, address, tags.dump(), std::string("{}"),
                                 last > 0 ? db::Value(last) : db::Value(nullptr),
                                 pool ? db::Value(nullptr) : db::Value(next),
                                 TextOrNull(phone_norm), TextOrNull(text::NormalizeEmail(email)),
                                 TextOrNull(text::NormalizeCompanyName(name)), document.search_text,
                                 owner.user_id, created, created));
            ++summary.customers;
            // Rows referencing the customer go after it (their batches flush the customers' first).
            for (const auto& f : followup_rows) {
                GX_TRY(followups.Row(id, owner.user_id, std::string(f.kind), std::string(f.content),
                                     f.at, f.at, f.at));
                ++summary.followups;
            }
            for (size_t k = 0; k < contact_rows.size(); ++k) {
                const auto& c = contact_rows[k];
                GX_TRY(contacts.Row(id, c.name, c.title, c.phone, c.email, std::int64_t{k == 0},
                                    TextOrNull(text::NormalizePhone(c.phone)),
                                    TextOrNull(text::NormalizeEmail(c.email)), created, created));
                ++summary.contacts;
            }
            const std::int64_t owner_key = pool ? 0 : owner.user_id;
            for (auto& g : document.grams) GX_TRY(grams_out.Row(std::move(g), owner_key, id));
            if (!pool && !stages.empty() && category_view != "not_interested" &&
                unit(rng) < options.opportunity_share) {
                // Most open, spread over the stages; a fifth won, a tenth lost.
                const double roll = unit(rng);
                std::vector<const DemoStage*> pick;
                for (const auto& s : stages) {
                    if (roll < 0.2 ? s.won : roll < 0.3 ? s.lost : !s.won && !s.lost) {
                        pick.push_back(&s);
                    }
                }
                if (pick.empty()) pick.push_back(&stages.front());
                const DemoStage& stage = *pick[rng() % pick.size()];
                const bool closed = stage.won || stage.lost;
                const std::int64_t opened =
                    std::max(created, now - static_cast<std::int64_t>(unit(rng) * 180) * 86400);
                const std::int64_t entered = std::max(
                    opened,
                    now - static_cast<std::int64_t>(
                              unit(rng) * static_cast<double>(stage.days_limit) * 1.3 * 86400));
                const std::int64_t amount = (10 + static_cast<std::int64_t>(rng() % 490)) * 100000 +
                                            static_cast<std::int64_t>(rng() % 100) * 1000;
                const std::int64_t opportunity = next_opportunity++;
                GX_TRY(opportunities.Row(
                    opportunity, std::string(Pick(rng, kProjects)), id, owner.user_id, amount,
                    FormatDate((now + static_cast<std::int64_t>(unit(rng) * 90) * 86400) / 86400),
                    std::int64_t{1}, stage.id, stage.probability, source,
                    std::string(stage.won    ? "won"
                                : stage.lost ? "lost"
                                             : "open"),
                    stage.lost ? db::Value(std::string(Pick(rng, kLostReasons)))
                               : db::Value(nullptr),
                    entered, closed ? db::Value(entered) : db::Value(nullptr),
                    closed ? entered : opened, owner.user_id, opened, entered));
                GX_TRY(stage_history.Row(opportunity, stage.id, entered, nullptr, owner.user_id));
                ++summary.opportunities;
            }
        }
        GX_TRY(customers.Flush());
        GX_TRY(contacts.Flush());
        GX_TRY(followups.Flush());
        GX_TRY(grams_out.Flush());
        GX_TRY(opportunities.Flush());
        GX_TRY(stage_history.Flush());
        GX_TRY(tx.Commit());
        if (options.customers >= 100000 && (end % 100000 == 0 || end == options.customers)) {
            const double s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            std::cerr << "demo-data: " << end << "/" << options.customers << " customers, "
                      << static_cast<std::int64_t>(static_cast<double>(end) / std::max(s, 1e-3))
                      << " customers/s\n";
        }
    }
    if (conn->backend() == db::Backend::kPostgres) {
        // Ids were given explicitly; move the identity past them.
        GX_TRY(
            conn->Query("SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT "
                        "COALESCE(MAX(id), 1) FROM customers))"));
        GX_TRY(
            conn->Query("SELECT setval(pg_get_serial_sequence('opportunities', 'id'), (SELECT "
                        "COALESCE(MAX(id), 1) FROM opportunities))"));
        // Statistics for the planner and the visibility map for index-only scans now, rather
        // than whenever autovacuum gets to millions of new rows (until then PostgreSQL plans
        // with guesses and reads the table behind every index entry).
        GX_TRY(conn->ExecuteScript("VACUUM (ANALYZE)"));
    }
    GX_TRY(conn->ExecuteScript(tuning.restore));
    return summary;
}

}  // namespace guanxi::demo
