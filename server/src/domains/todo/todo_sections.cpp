#include "domains/todo/todo_sections.hpp"

#include "domains/contracts/payment_due.hpp"
#include "domains/customers/pool_rules.hpp"

#include <algorithm>
#include <string>

namespace guanxi::todo {

namespace {

using nlohmann::json;

// A number to dial: the customer's own phone, else its primary (then first) contact's.
constexpr std::string_view kCustomerPhone =
    "COALESCE(NULLIF(c.phone, ''), (SELECT ct.phone FROM contacts ct WHERE ct.customer_id = c.id "
    "AND ct.deleted_at IS NULL AND ct.phone IS NOT NULL AND ct.phone <> '' "
    "ORDER BY ct.is_primary DESC, ct.id LIMIT 1))";

// Customers the caller owns whose next contact falls before the end of today and who have not
// been contacted since it fell due (nor today): a follow-up logged without a new next contact
// clears the day's item. Read along customers_owner_live (owner_id, deleted_at, next_contact_at).
constexpr std::string_view kContactsDueWhere =
    "c.owner_id = ? AND c.deleted_at IS NULL AND c.next_contact_at < ? AND "
    "(c.last_contact_at IS NULL OR (c.last_contact_at < c.next_contact_at AND "
    "c.last_contact_at < ?))";

// Activities the caller owns or takes part in that start in [from, to): each half by its own index
// (activities_owner; activities_participants_user, then the row by id), as one OR would not be.
// The unary + keeps SQLite from ranging over everyone's activities of the month by
// activities_start and probing each for the caller (it takes that range for selective).
constexpr std::string_view kMyActivityIds =
    "SELECT id FROM activities WHERE owner_id = ? AND deleted_at IS NULL AND start_at >= ? AND "
    "start_at < ? UNION SELECT p.record_id FROM activities_participants p JOIN activities b ON "
    "b.id = p.record_id WHERE p.user_id = ? AND +b.deleted_at IS NULL AND +b.start_at >= ? AND "
    "+b.start_at < ?";
// ...that are not cancelled and start today or run into it.
constexpr std::string_view kActivitiesTodayWhere =
    "a.status <> 'cancelled' AND (a.start_at >= ? OR a.end_at > ?)";

// The latest time each customer was given to the caller by someone else (created for them,
// transferred, handed over; not a claim of their own) in the window. Read along
// ownership_changes_to (to_user_id, at), migration 050.
constexpr std::string_view kAssignedToMe =
    "SELECT customer_id, MAX(at) AS at FROM ownership_changes WHERE to_user_id = ? AND at >= ? AND "
    "kind IN ('create', 'transfer', 'handover') AND (by_user_id IS NULL OR by_user_id <> ?) "
    "GROUP BY customer_id";
// ...still theirs, live, and not contacted since.
constexpr std::string_view kNewlyAssignedWhere =
    "c.owner_id = ? AND c.deleted_at IS NULL AND (c.last_contact_at IS NULL OR "
    "c.last_contact_at < o.at)";

std::string CustomerLink(std::int64_t id) { return "/customers/" + std::to_string(id); }

json OptText(const db::Row& row, size_t i) { return row.IsNull(i) ? json() : json(row.Text(i)); }

json Time(const db::Row& row, size_t i) {
    return row.IsNull(i) ? json() : json(FormatRfc3339(row.Int(i)));
}

void Append(db::Params& params, const db::Params& more) {
    params.insert(params.end(), more.begin(), more.end());
}

// The item members every section answers, for a customer row.
json CustomerItem(std::int64_t id, const db::Row& row, size_t name, size_t category, size_t phone) {
    return {{"entity", "customer"},
            {"id", id},
            {"title", row.Text(name)},
            {"customer_id", id},
            {"customer_name", row.Text(name)},
            {"category", row.Text(category)},
            {"phone", OptText(row, phone)},
            {"link", CustomerLink(id)}};
}

Result<json> ContactsDue(const SectionContext& s) {
    const access::Predicate visible = s.gate.CustomerVisible("c", access::Pool::kExclude);
    const std::string where = std::string(kContactsDueWhere) + " AND (" + visible.sql + ")";
    db::Params params = {s.caller.user_id, s.today.end, s.today.start};
    Append(params, visible.params);

    db::Params count_params = {s.now};
    Append(count_params, params);
    GX_TRY_ASSIGN(auto counts,
                  s.conn.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.next_contact_at < ? "
                                  "THEN 1 ELSE 0 END), 0) FROM customers c WHERE " +
                                      where,
                                  count_params));
    params.emplace_back(s.limit);
    GX_TRY_ASSIGN(db::Rows rows,
                  s.conn.Query("SELECT c.id, c.name, c.category, " + std::string(kCustomerPhone) +
                                   ", c.next_contact_at, c.last_contact_at FROM customers c "
                                   "WHERE " +
                                   where + " ORDER BY c.next_contact_at, c.id LIMIT ?",
                               params));
    json items = json::array();
    for (const db::Row& r : rows) {
        json item = CustomerItem(r.Int(0), r, 1, 2, 3);
        item["due_at"] = Time(r, 4);
        item["overdue"] = r.Int(4) < s.now;
        item["last_contact_at"] = Time(r, 5);
        items.push_back(std::move(item));
    }
    return json{{"count", counts ? counts->Int(0) : 0},
                {"overdue", counts ? counts->Int(1) : 0},
                {"items", std::move(items)}};
}

Result<json> ActivitiesToday(const SectionContext& s) {
    const std::string where =
        "a.id IN (" + std::string(kMyActivityIds) + ") AND " + std::string(kActivitiesTodayWhere);
    const UnixSeconds from = s.today.start - kLongestActivityDays * 86400;
    db::Params params = {s.caller.user_id, from,          s.today.end,  s.caller.user_id, from,
                         s.today.end,      s.today.start, s.today.start};
    GX_TRY_ASSIGN(auto counts,
                  s.conn.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.status = 'planned' "
                                  "THEN 1 ELSE 0 END), 0) FROM activities a WHERE " +
                                      where,
                                  params));
    params.emplace_back(s.limit);
    // All-day ones first, then by start; the customer (and the contact's phone) beside each.
    GX_TRY_ASSIGN(
        db::Rows rows,
        s.conn.Query(
            "SELECT a.id, a.kind, a.subject, a.start_at, a.end_at, a.all_day, a.status, "
            "a.location, a.version, a.customer_id, c.name, c.category, c.owner_id, "
            "c.deleted_at, COALESCE(NULLIF(ct.phone, ''), " +
                std::string(kCustomerPhone) +
                ") FROM activities a LEFT JOIN customers c ON c.id = a.customer_id "
                "LEFT JOIN contacts ct ON ct.id = a.contact_id AND ct.deleted_at IS NULL WHERE " +
                where + " ORDER BY a.all_day DESC, a.start_at, a.id LIMIT ?",
            params));
    json items = json::array();
    for (const db::Row& r : rows) {
        const bool planned = r.Text(6) == "planned";
        // The customer only when the caller may see it now (it may have moved on since).
        const bool customer = !r.IsNull(9) && r.IsNull(13) && s.gate.SeesCustomer(r.OptInt(12));
        json item = {{"entity", "activity"},
                     {"id", r.Int(0)},
                     {"title", r.Text(2)},
                     {"customer_id", customer ? json(r.Int(9)) : json()},
                     {"customer_name", customer ? json(r.Text(10)) : json()},
                     {"category", customer ? json(r.Text(11)) : json()},
                     {"phone", customer ? OptText(r, 14) : json()},
                     {"due_at", Time(r, 3)},
                     // Planned and already over: missed.
                     {"overdue", planned && r.Int(4) < s.now},
                     {"link", customer ? json(CustomerLink(r.Int(9))) : json()},
                     {"kind", r.Text(1)},
                     {"status", r.Text(6)},
                     {"start_at", Time(r, 3)},
                     {"end_at", Time(r, 4)},
                     {"all_day", r.Bool(5)},
                     {"location", OptText(r, 7)},
                     {"version", r.Int(8)}};
        items.push_back(std::move(item));
    }
    return json{{"count", counts ? counts->Int(0) : 0},
                {"open", counts ? counts->Int(1) : 0},
                {"items", std::move(items)}};
}

Result<json> NewlyAssigned(const SectionContext& s) {
    const access::Predicate visible = s.gate.CustomerVisible("c", access::Pool::kExclude);
    const std::string from_where = "FROM (" + std::string(kAssignedToMe) +
                                   ") o JOIN customers c ON c.id = o.customer_id WHERE " +
                                   std::string(kNewlyAssignedWhere) + " AND (" + visible.sql + ")";
    db::Params params = {s.caller.user_id, s.now - kNewlyAssignedDays * 86400, s.caller.user_id,
                         s.caller.user_id};
    Append(params, visible.params);
    GX_TRY_ASSIGN(auto count, s.conn.QueryOne("SELECT COUNT(*) " + from_where, params));
    params.emplace_back(s.limit);
    // Who gave it: the latest change's author (one lookup per item shown).
    GX_TRY_ASSIGN(
        db::Rows rows,
        s.conn.Query("SELECT c.id, c.name, c.category, " + std::string(kCustomerPhone) +
                         ", o.at, (SELECT u.display_name FROM ownership_changes x JOIN users u ON "
                         "u.id = x.by_user_id WHERE x.customer_id = c.id AND x.at = o.at AND "
                         "x.to_user_id = c.owner_id ORDER BY x.id DESC LIMIT 1) " +
                         from_where + " ORDER BY o.at DESC, c.id DESC LIMIT ?",
                     params));
    json items = json::array();
    for (const db::Row& r : rows) {
        json item = CustomerItem(r.Int(0), r, 1, 2, 3);
        item["due_at"] = nullptr;
        item["overdue"] = false;
        item["assigned_at"] = Time(r, 4);
        item["assigned_by_name"] = OptText(r, 5);
        items.push_back(std::move(item));
    }
    return json{{"count", count ? count->Int(0) : 0},
                {"days", kNewlyAssignedDays},
                {"items", std::move(items)}};
}

// Customers of the caller the public-pool rules would take back soon: those the recycle job takes
// within the warning period (at least a week ahead), soonest first. Nothing while the rules are
// off. The count is all of them (one owner's rows, read whole: the rule is judged per row).
Result<json> PoolSoon(const SectionContext& s) {
    GX_TRY_ASSIGN(customers::PoolRules rules, customers::LoadPoolRules(s.conn));
    const int days = std::max(rules.warn_days, 7);
    GX_TRY_ASSIGN(auto soon, customers::UpcomingRecycles(s.conn, s.caller.user_id, days, s.now));
    json items = json::array();
    for (const auto& c : soon) {
        if (static_cast<std::int64_t>(items.size()) >= s.limit) break;
        items.push_back({{"entity", "customer"},
                         {"id", c.id},
                         {"title", c.name},
                         {"customer_id", c.id},
                         {"customer_name", c.name},
                         {"category", nullptr},
                         {"phone", nullptr},
                         {"due_at", FormatRfc3339(c.recycle_at)},
                         {"overdue", false},
                         {"link", CustomerLink(c.id)},
                         {"reason", c.reason}});
    }
    return json{{"count", static_cast<std::int64_t>(soon.size())},
                {"days", days},
                {"items", std::move(items)}};
}

constexpr Section kSections[] = {
    {"contacts_due", "customers.view", ContactsDue},
    {"activities_today", "activities.view", ActivitiesToday},
    {"newly_assigned", "customers.view", NewlyAssigned},
    {"pool_soon", "customers.view", PoolSoon},
    {"payments_due", "contracts.view", contracts::PaymentsDueSection},
};

}  // namespace

std::span<const Section> Sections() { return kSections; }

}  // namespace guanxi::todo
