#include "cli/demo_data.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/customers/customer_store.hpp"
#include "domains/customers/search_index.hpp"

#include <array>
#include <random>

namespace guanxi::demo {

namespace {

using nlohmann::json;

constexpr std::array kCities = {"深圳", "上海", "北京", "杭州", "广州", "成都", "武汉", "南京", "苏州", "西安",
                                "重庆", "天津", "厦门", "青岛", "长沙", "宁波"};
constexpr std::array kBrands = {"华强", "鑫源", "恒信", "博远", "天合", "金瑞", "中科", "宏达", "新航", "海润",
                                "云帆", "瑞丰", "德昌", "永泰", "华信", "嘉禾", "启明", "东方", "锦程", "万通",
                                "星辰", "凯越", "盛世", "安达", "卓越", "明阳", "汇通", "北辰", "润泽", "长青"};
constexpr std::array kTrades = {"科技", "电子", "贸易", "制造", "物流", "医疗器械", "教育科技", "食品", "建材",
                                "网络", "软件", "新能源", "机械", "化工", "服饰", "传媒"};
constexpr std::array kSuffixes = {"有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"};
constexpr std::array kEnglishFirst = {"Bright", "North", "Blue", "Silver", "Golden", "Pacific", "Summit",
                                      "Harbor", "Evergreen", "Red", "Crest", "Nova", "Atlas", "Pioneer"};
constexpr std::array kEnglishSecond = {"path", "star", "field", "stone", "wave", "bridge", "peak", "gate", "leaf", "line"};
constexpr std::array kEnglishTrades = {"Logistics", "Technologies", "Trading", "Foods", "Medical", "Software",
                                       "Manufacturing", "Energy", "Design", "Consulting"};
constexpr std::array kEnglishSuffixes = {"Ltd.", "Co., Ltd.", "Inc.", "LLC", "Group"};
constexpr std::array kIndustries = {"制造业", "信息技术", "批发零售", "医疗健康", "教育", "物流运输", "建筑建材",
                                    "金融服务", "食品饮料", "能源"};
constexpr std::array kRegions = {"华东", "华南", "华北", "华中", "西南", "西北", "东北", "海外"};
constexpr std::array kSources = {"展会", "官网", "转介绍", "电话营销", "广告", "老客户", "名片"};
constexpr std::array kTags = {"VIP", "重点跟进", "价格敏感", "决策快", "需报价", "老客户", "大单", "海外"};
constexpr std::array kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
constexpr std::array kGivenNames = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "晓东", "丽华"};
constexpr std::array kTitles = {"总经理", "采购经理", "技术总监", "财务主管", "行政主管", "销售总监", "项目经理", "董事长助理"};
constexpr std::array kFollowupKinds = {"call", "call", "call", "visit", "meeting", "email", "sms", "other"};
constexpr std::array kFollowupTexts = {
    "电话沟通了新一季度的采购计划，客户对报价基本认可。", "上门拜访，参观了生产线，约定下周提交方案。",
    "客户询问交货周期和售后条款，已发送资料。", "邮件发送了产品目录和价格表。", "客户暂无需求，三个月后再联系。",
    "视频会议讨论技术方案，需要工程师支持。", "催款：对方财务确认月底付款。", "Called about the renewal; they want a revised quote.",
    "Visited the new office and met the purchasing team.", "Sent the product brochure and case studies."};

struct DemoUser {
    const char* username;
    const char* display_name;
    int department;  // index into departments
    const char* role;
    int manager;     // index into users, -1 for none
};

// 总部 is created at first start; these go below it.
struct DemoDepartment {
    const char* name;
    int parent;  // index, -1 for 总部
};
constexpr std::array kDepartments = {
    DemoDepartment{"销售一部", -1}, DemoDepartment{"销售二部", -1}, DemoDepartment{"华南大区", -1},
    DemoDepartment{"深圳办事处", 2}, DemoDepartment{"市场部", -1}};
constexpr std::array kUsers = {
    DemoUser{"sun.li", "孙丽", 0, "manager", -1},       DemoUser{"zhang.wei", "张伟", 0, "sales", 0},
    DemoUser{"li.na", "李娜", 0, "sales", 0},           DemoUser{"wang.fang", "王芳", 0, "sales", 0},
    DemoUser{"zhou.jie", "周杰", 1, "manager", -1},     DemoUser{"liu.yang", "刘洋", 1, "sales", 4},
    DemoUser{"chen.jing", "陈静", 1, "sales", 4},       DemoUser{"emily.chen", "Emily Chen", 1, "sales", 4},
    DemoUser{"huang.min", "黄敏", 2, "manager", -1},    DemoUser{"zhao.lei", "赵磊", 3, "sales", 8},
    DemoUser{"wu.xia", "吴霞", 3, "sales", 8},          DemoUser{"david.wang", "David Wang", 3, "sales", 8},
    DemoUser{"guo.tao", "郭涛", 4, "sales", -1}};

template <typename Array>
const char* Pick(std::mt19937_64& rng, const Array& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(rng)];
}

std::string Phone(std::mt19937_64& rng) {
    static constexpr std::array kPrefixes = {"138", "139", "136", "186", "135", "150", "177", "189", "131", "158"};
    std::string phone = Pick(rng, kPrefixes);
    for (int i = 0; i < 8; ++i) phone.push_back(static_cast<char>('0' + rng() % 10));
    return phone;
}

std::string Latin(std::mt19937_64& rng, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + rng() % 26));
    return s;
}

}  // namespace

Result<DemoSummary> Generate(App& app, const DemoOptions& options) {
    std::mt19937_64 rng(options.seed);
    DemoSummary summary;
    db::Database& database = app.db();

    // Departments and users (skipped when they already exist, so running twice adds customers only).
    std::vector<std::int64_t> department_ids;
    std::vector<std::int64_t> user_ids;
    std::vector<std::optional<std::int64_t>> user_departments;
    {
        GX_TRY_ASSIGN(db::Lease conn, database.Acquire());
        GX_TRY_ASSIGN(auto root, conn->QueryOne("SELECT id FROM departments WHERE parent_id IS NULL AND deleted_at IS NULL ORDER BY id LIMIT 1"));
        const std::optional<std::int64_t> root_id = root ? root->OptInt(0) : std::nullopt;
        for (const auto& d : kDepartments) {
            GX_TRY_ASSIGN(auto existing, conn->QueryOne("SELECT id FROM departments WHERE name = ? AND deleted_at IS NULL", {std::string(d.name)}));
            if (existing) {
                department_ids.push_back(existing->Int(0));
                continue;
            }
            const auto now = NowSeconds();
            const std::optional<std::int64_t> parent = d.parent < 0 ? root_id : std::optional(department_ids[static_cast<size_t>(d.parent)]);
            GX_TRY_ASSIGN(auto row, conn->QueryOne("INSERT INTO departments (name, parent_id, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id",
                                                   {std::string(d.name), db::Nullable(parent), now, now}));
            department_ids.push_back(row->Int(0));
            ++summary.departments;
        }
    }
    for (const auto& u : kUsers) {
        std::optional<std::int64_t> existing_id;
        std::int64_t role_id = 0;
        {
            GX_TRY_ASSIGN(db::Lease conn, database.Acquire());
            GX_TRY_ASSIGN(auto existing, conn->QueryOne("SELECT id FROM users WHERE username = ?", {std::string(u.username)}));
            if (existing) existing_id = existing->Int(0);
            GX_TRY_ASSIGN(auto role, conn->QueryOne("SELECT id FROM roles WHERE name = ? AND deleted_at IS NULL", {std::string(u.role)}));
            if (!role) return Error::Internal(std::string("demo data needs the role ") + u.role);
            role_id = role->Int(0);
        }
        const std::int64_t department_id = department_ids[static_cast<size_t>(u.department)];
        if (!existing_id) {
            json body = {{"username", u.username}, {"display_name", u.display_name}, {"password", options.password},
                         {"role_id", role_id}, {"department_id", department_id},
                         {"email", std::string(u.username) + "@guanxi.example"}, {"phone", Phone(rng)}};
            if (u.manager >= 0) body["manager_id"] = user_ids[static_cast<size_t>(u.manager)];
            GX_TRY_ASSIGN(existing_id, app.accounts().CreateUserUnchecked(body));
            ++summary.users;
        }
        user_ids.push_back(*existing_id);
        user_departments.push_back(department_id);
    }

    // Customers, in transactions of 500. Owners are skewed: the first salespeople hold more.
    std::vector<size_t> sales_indexes;
    for (size_t i = 0; i < kUsers.size(); ++i) sales_indexes.push_back(i);
    std::discrete_distribution<size_t> owner_pick({9, 14, 12, 10, 3, 11, 9, 7, 3, 10, 8, 6, 4});
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const std::int64_t now = NowSeconds();
    const std::int64_t three_years = 3 * 365 * 86400;
    constexpr std::int64_t kBatch = 500;
    for (std::int64_t start = 0; start < options.customers; start += kBatch) {
        const std::int64_t end = std::min(options.customers, start + kBatch);
        GX_TRY(db::InTransaction(database, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
            for (std::int64_t n = start; n < end; ++n) {
                customers::store::CustomerRecord c;
                const bool english = unit(rng) < 0.2;
                std::string domain;
                if (english) {
                    const std::string first = Pick(rng, kEnglishFirst);
                    const std::string second = Pick(rng, kEnglishSecond);
                    c.name = first + second + " " + Pick(rng, kEnglishTrades) + " " + Pick(rng, kEnglishSuffixes);
                    domain = text::AsciiLower(first + second) + ".example";
                    c.region = unit(rng) < 0.5 ? "海外" : Pick(rng, kRegions);
                } else {
                    c.name = std::string(Pick(rng, kCities)) + Pick(rng, kBrands) + Pick(rng, kTrades) + Pick(rng, kSuffixes);
                    domain = Latin(rng, 6) + ".cn";
                    c.region = Pick(rng, kRegions);
                }
                // A few big customers, many small ones: the category follows a skewed draw.
                const double r = unit(rng);
                c.category = r < 0.05 ? "core" : r < 0.40 ? "potential" : r < 0.65 ? "interested" : r < 0.78 ? "not_interested"
                           : r < 0.95 ? "closed" : "payment_due";
                c.industry = Pick(rng, kIndustries);
                c.source = Pick(rng, kSources);
                c.phone = unit(rng) < 0.7 ? Phone(rng) : "0" + std::to_string(10 + rng() % 890) + "-" + std::to_string(60000000 + rng() % 39999999);
                c.email = "info" + std::to_string(n) + "@" + domain;
                c.address = english ? std::to_string(1 + rng() % 300) + " Market Street" : std::string(Pick(rng, kCities)) + "市科技园" + std::to_string(1 + rng() % 99) + "号";
                c.tags = json::array();
                if (unit(rng) < 0.3) c.tags.push_back(Pick(rng, kTags));
                if (unit(rng) < 0.1) c.tags.push_back("VIP");
                const bool pool = unit(rng) < 0.1;
                const size_t owner_index = owner_pick(rng);
                if (!pool) {
                    c.owner_id = user_ids[owner_index];
                    c.department_id = user_departments[owner_index];
                } else {
                    c.last_owner_id = user_ids[owner_index];
                    c.department_id = user_departments[owner_index];
                }
                const std::int64_t created = now - static_cast<std::int64_t>(unit(rng) * three_years);
                GX_TRY_ASSIGN(std::int64_t id, customers::store::Insert(conn, c, c.owner_id ? c.owner_id : c.last_owner_id, created));
                ++summary.customers;
                const int contacts = 1 + static_cast<int>(rng() % 3);
                for (int k = 0; k < contacts; ++k) {
                    json contact = {{"name", std::string(Pick(rng, kSurnames)) + Pick(rng, kGivenNames)},
                                    {"title", Pick(rng, kTitles)},
                                    {"phone", Phone(rng)},
                                    {"email", Latin(rng, 5) + "@" + domain},
                                    {"primary", k == 0}};
                    GX_TRY(customers::store::InsertContact(conn, id, contact, created).ok() ? Status() : Status(Error::Internal("contact")));
                    ++summary.contacts;
                }
                GX_TRY(customers::search::Reindex(conn, id));
                // Follow-ups between creation and now; big customers get more.
                const double weight = c.category == "core" ? 3.0 : c.category == "not_interested" ? 0.3 : 1.0;
                const double mean = static_cast<double>(options.followups_per_customer) * weight;
                const std::int64_t count = static_cast<std::int64_t>(unit(rng) * 2.0 * mean + 0.5);
                std::int64_t last = 0;
                for (std::int64_t f = 0; f < count; ++f) {
                    const std::int64_t at = created + static_cast<std::int64_t>(unit(rng) * static_cast<double>(now - created));
                    last = std::max(last, at);
                    GX_TRY(customers::store::InsertFollowup(conn, id, c.owner_id.value_or(user_ids[owner_index]), Pick(rng, kFollowupKinds),
                                                             Pick(rng, kFollowupTexts), at, std::nullopt, at).ok() ? Status() : Status(Error::Internal("followup")));
                    ++summary.followups;
                }
                const std::int64_t next = now + static_cast<std::int64_t>((unit(rng) * 40 - 10) * 86400);
                GX_TRY(conn.Execute("UPDATE customers SET last_contact_at = ?, next_contact_at = ? WHERE id = ?",
                                    {last > 0 ? db::Value(last) : db::Value(nullptr), pool ? db::Value(nullptr) : db::Value(next), id}));
            }
            return {};
        }));
    }
    return summary;
}

}  // namespace guanxi::demo
