#include "domains/customers/pool_rules.hpp"

#include "core/time_zone.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/customer.hpp"
#include "domains/customers/pool_recycle.hpp"
#include "domains/settings/company_settings.hpp"

#include <algorithm>
#include <cstdio>

namespace guanxi::customers {

namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;
constexpr int kMaxDays = 3650;
constexpr std::int64_t kMaxCap = 10'000'000;

constexpr std::string_view kSelectRules =
    "SELECT rules, updated_at, updated_by FROM pool_settings WHERE id = 1";
constexpr std::string_view kUpdateRules =
    "UPDATE pool_settings SET rules = ?, updated_at = ?, updated_by = ? WHERE id = 1";
constexpr std::string_view kRoles =
    "SELECT id, name FROM roles WHERE deleted_at IS NULL ORDER BY id";
// The latest time the customer went back to the pool from `user` (recycled or released).
constexpr std::string_view kLastLeftUser =
    "SELECT at FROM ownership_changes WHERE customer_id = ? AND from_user_id = ? "
    "AND kind IN ('recycle', 'release') ORDER BY at DESC, id DESC LIMIT 1";
constexpr std::string_view kOwned = "SELECT live FROM customer_owner_counts WHERE owner_key = ?";
constexpr std::string_view kClaimsSince =
    "SELECT COUNT(*) FROM ownership_changes WHERE by_user_id = ? AND at >= ? AND kind = 'claim'";
// A user's claims take turns on PostgreSQL, so two at once cannot both pass a cap (SQLite has one
// writer already).
constexpr std::string_view kLockUser = "SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE";

const std::vector<std::string>& Categories() { return CustomerMeta().Find("category")->options; }

// The first instant of the day after `date` ("YYYY-MM-DD") in `zone`; nullopt if malformed.
std::optional<UnixSeconds> StartOfDayAfter(std::string_view zone, const std::string& date) {
    tz::LocalTime local;
    unsigned month = 0, day = 0;
    if (std::sscanf(date.c_str(), "%d-%u-%u", &local.year, &month, &day) != 3) return std::nullopt;
    local.month = month;
    local.day = day + 1;  // FromLocal rolls over
    return tz::FromLocal(zone, local);
}

json OptJson(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json OptJson(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

// The stored (or sent) rules over the defaults; unknown members ignored (Validate refuses them in
// a PUT).
PoolRules FromJson(const json& doc) {
    PoolRules rules = DefaultPoolRules();
    if (!doc.is_object()) return rules;
    if (auto it = doc.find("enabled"); it != doc.end() && it->is_boolean()) rules.enabled = *it;
    if (auto it = doc.find("warn_days"); it != doc.end() && it->is_number_integer())
        rules.warn_days = *it;
    if (auto it = doc.find("reclaim_after_days"); it != doc.end() && it->is_number_integer())
        rules.reclaim_after_days = *it;
    if (auto it = doc.find("categories"); it != doc.end() && it->is_object()) {
        for (const auto& [name, rule] : it->items()) {
            if (!rules.categories.count(name) || !rule.is_object()) continue;
            CategoryRule parsed;
            if (auto v = rule.find("no_followup_days"); v != rule.end() && v->is_number_integer())
                parsed.no_followup_days = v->get<int>();
            if (auto v = rule.find("no_deal_days"); v != rule.end() && v->is_number_integer())
                parsed.no_deal_days = v->get<int>();
            if (auto v = rule.find("exempt"); v != rule.end() && v->is_boolean())
                parsed.exempt = *v;
            rules.categories[name] = parsed;
        }
    }
    if (auto it = doc.find("role_caps"); it != doc.end() && it->is_array()) {
        rules.role_caps.clear();
        for (const json& cap : *it) {
            if (!cap.is_object() || !cap.contains("role_id") || !cap["role_id"].is_number_integer())
                continue;
            RoleCap parsed;
            if (auto v = cap.find("max_owned"); v != cap.end() && v->is_number_integer())
                parsed.max_owned = v->get<std::int64_t>();
            if (auto v = cap.find("max_claims_per_day"); v != cap.end() && v->is_number_integer())
                parsed.max_claims_per_day = v->get<std::int64_t>();
            if (parsed.max_owned || parsed.max_claims_per_day)
                rules.role_caps[cap["role_id"].get<std::int64_t>()] = parsed;
        }
    }
    return rules;
}

// What is stored: the whole rules, so a later change of defaults does not change them.
json ToStored(const PoolRules& rules) {
    json categories = json::object();
    for (const auto& [name, rule] : rules.categories) {
        categories[name] = {{"no_followup_days", OptJson(rule.no_followup_days)},
                            {"no_deal_days", OptJson(rule.no_deal_days)},
                            {"exempt", rule.exempt}};
    }
    json caps = json::array();
    for (const auto& [role_id, cap] : rules.role_caps) {
        caps.push_back({{"role_id", role_id},
                        {"max_owned", OptJson(cap.max_owned)},
                        {"max_claims_per_day", OptJson(cap.max_claims_per_day)}});
    }
    return {{"enabled", rules.enabled},
            {"warn_days", rules.warn_days},
            {"reclaim_after_days", rules.reclaim_after_days},
            {"categories", categories},
            {"role_caps", caps}};
}

void CheckInteger(Error& error, const json& body, const std::string& field, std::int64_t min,
                  std::int64_t max, bool nullable) {
    if (body.is_null() && nullable) return;
    if (!body.is_number_integer()) {
        error.FieldCode(field, "not_an_integer");
    } else if (body.get<std::int64_t>() < min || body.get<std::int64_t>() > max) {
        error.FieldCode(field, "not_in_range", {{"min", min}, {"max", max}});
    }
}

// A PUT body: every member known, every number in range; 422 naming each bad one.
Status Validate(db::Connection& conn, const json& body) {
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    if (!body.is_object()) return Error::ValidationCode("body", "not_an_object");
    for (const auto& [key, value] : body.items()) {
        if (key == "enabled") {
            if (!value.is_boolean()) error.FieldCode(key, "not_a_boolean");
        } else if (key == "warn_days" || key == "reclaim_after_days") {
            CheckInteger(error, value, key, 0, 365, false);
        } else if (key == "categories") {
            if (!value.is_object()) {
                error.FieldCode(key, "not_an_object");
                continue;
            }
            for (const auto& [name, rule] : value.items()) {
                const std::string prefix = "categories." + name;
                const auto& known = Categories();
                if (std::find(known.begin(), known.end(), name) == known.end()) {
                    error.FieldCode(prefix, "unknown_field");
                    continue;
                }
                if (!rule.is_object()) {
                    error.FieldCode(prefix, "not_an_object");
                    continue;
                }
                for (const auto& [member, v] : rule.items()) {
                    const std::string field = prefix + "." + member;
                    if (member == "no_followup_days" || member == "no_deal_days") {
                        CheckInteger(error, v, field, 1, kMaxDays, true);
                    } else if (member == "exempt") {
                        if (!v.is_boolean()) error.FieldCode(field, "not_a_boolean");
                    } else {
                        error.FieldCode(field, "unknown_field");
                    }
                }
            }
        } else if (key == "role_caps") {
            if (!value.is_array()) {
                error.FieldCode(key, "not_a_list");
                continue;
            }
            GX_TRY_ASSIGN(db::Rows roles, conn.Query(kRoles));
            for (size_t i = 0; i < value.size(); ++i) {
                const json& cap = value[i];
                const std::string prefix = "role_caps." + std::to_string(i);
                if (!cap.is_object()) {
                    error.FieldCode(prefix, "not_an_object");
                    continue;
                }
                for (const auto& [member, v] : cap.items()) {
                    const std::string field = prefix + "." + member;
                    if (member == "role_id") {
                        const bool exists =
                            v.is_number_integer() &&
                            std::any_of(roles.begin(), roles.end(), [&](const db::Row& r) {
                                return r.Int(0) == v.get<std::int64_t>();
                            });
                        if (!exists) error.FieldCode(field, "does_not_exist");
                    } else if (member == "max_owned" || member == "max_claims_per_day") {
                        CheckInteger(error, v, field, 0, kMaxCap, true);
                    } else if (member != "role_name") {
                        error.FieldCode(field, "unknown_field");
                    }
                }
                if (!cap.contains("role_id")) error.FieldCode(prefix + ".role_id", "required");
            }
        } else {
            error.FieldCode(key, "unknown_field");
        }
    }
    if (error.details.contains("fields")) return error;
    return {};
}

Result<json> Read(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelectRules));
    if (!row) return Error::Internal("pool_settings has no row");
    json stored = json::parse(row->Text(0), nullptr, false);
    json out = ToStored(FromJson(stored));
    // Every role, with its caps or nulls, so the page shows one line per role.
    GX_TRY_ASSIGN(db::Rows roles, conn.Query(kRoles));
    const PoolRules rules = FromJson(stored);
    json caps = json::array();
    for (const db::Row& role : roles) {
        const auto it = rules.role_caps.find(role.Int(0));
        const RoleCap cap = it == rules.role_caps.end() ? RoleCap{} : it->second;
        caps.push_back({{"role_id", role.Int(0)},
                        {"role_name", role.Text(1)},
                        {"max_owned", OptJson(cap.max_owned)},
                        {"max_claims_per_day", OptJson(cap.max_claims_per_day)}});
    }
    out["role_caps"] = caps;
    out["recycle_time"] = std::string(kPoolRecycleTime);
    out["updated_at"] = row->Int(1) == 0 ? json(nullptr) : json(FormatRfc3339(row->Int(1)));
    out["updated_by"] = row->IsNull(2) ? json(nullptr) : json(row->Int(2));
    return out;
}

// 429 rate_limited (a quota: API.md) saying which cap, its maximum, what is used and what is left.
Error LimitReached(std::string_view field, std::int64_t max, std::int64_t used,
                   std::optional<std::int64_t> retry_after) {
    const std::int64_t left = std::max<std::int64_t>(0, max - used);
    const bool owned = field == "max_owned";
    Error error{ErrorCode::kRateLimited,
                owned ? "You own as many customers as your role allows (" + std::to_string(max) +
                            "): release or hand over some before claiming more."
                      : "You have made as many claims today as your role allows (" +
                            std::to_string(max) + "): claim again tomorrow.",
                {{"limit", field}, {"max", max}, {"used", used}, {"left", left}},
                {}};
    if (retry_after) error.details["retry_after_seconds"] = *retry_after;
    error.FieldCode(field, owned ? "owned_limit_reached" : "daily_claims_reached",
                    {{"max", max}, {"used", used}, {"left", left}});
    return error;
}

Result<std::int64_t> OwnedBy(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kOwned, {user_id}));
    return row ? row->Int(0) : 0;
}

Result<std::int64_t> ClaimsToday(db::Connection& conn, std::int64_t user_id, UnixSeconds now) {
    GX_TRY_ASSIGN(std::string zone, accounts::store::TimeZoneOf(conn, user_id));
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kClaimsSince, {user_id, tz::StartOfDay(zone, now)}));
    return row ? row->Int(0) : 0;
}

}  // namespace

const std::string_view kRecycleFacts =
    "c.category, c.last_contact_at, COALESCE(c.owned_since, c.created_at), "
    "(SELECT MAX(d.closed_on) FROM deals d WHERE d.customer_id = c.id AND d.deleted_at IS NULL)";

std::string LocalDateOf(std::string_view zone, UnixSeconds t) {
    const tz::LocalTime local = tz::ToLocal(zone, t);
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", local.year, local.month, local.day);
    return text;
}

PoolRules DefaultPoolRules() {
    PoolRules rules;
    for (const std::string& name : Categories()) rules.categories[name] = {};
    rules.categories["core"] = {60, 180, false};
    rules.categories["potential"] = {30, 90, false};
    rules.categories["interested"] = {30, 90, false};
    rules.categories["not_interested"] = {15, std::nullopt, false};
    rules.categories["closed"] = {std::nullopt, std::nullopt, true};
    rules.categories["payment_due"] = {std::nullopt, std::nullopt, true};
    return rules;
}

Result<PoolRules> LoadPoolRules(db::Connection& conn) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelectRules));
    if (!row) return DefaultPoolRules();
    return FromJson(json::parse(row->Text(0), nullptr, false));
}

std::optional<RecycleDue> RecycleDueAt(const PoolRules& rules, std::string_view category,
                                       std::optional<UnixSeconds> last_contact_at,
                                       UnixSeconds owned_since,
                                       const std::optional<std::string>& last_deal_on,
                                       std::string_view company_zone) {
    const auto it = rules.categories.find(category);
    if (it == rules.categories.end() || !it->second.Recycles()) return std::nullopt;
    const CategoryRule& rule = it->second;
    std::optional<RecycleDue> due;
    if (rule.no_followup_days) {
        const UnixSeconds from = std::max(last_contact_at.value_or(0), owned_since);
        due = RecycleDue{from + *rule.no_followup_days * kDay, kReasonNoFollowup};
    }
    if (rule.no_deal_days) {
        UnixSeconds from = owned_since;
        if (last_deal_on) {
            // No deal within M days before t: the deal's day has ended M days before t.
            if (auto after = StartOfDayAfter(company_zone, *last_deal_on))
                from = std::max(from, *after);
        }
        const UnixSeconds at = from + *rule.no_deal_days * kDay;
        if (!due || at < due->at) due = RecycleDue{at, kReasonNoDeal};
    }
    return due;
}

std::string RecyclePredicate(const PoolRules& rules, UnixSeconds at, std::string_view company_zone,
                             db::Params& params) {
    std::string sql;
    for (const auto& [name, rule] : rules.categories) {
        if (!rule.Recycles()) continue;
        if (!sql.empty()) sql += " OR ";
        sql += "(c.category = ? AND (";
        params.emplace_back(name);
        if (rule.no_followup_days) {
            const UnixSeconds cutoff = at - *rule.no_followup_days * kDay;
            sql +=
                "(COALESCE(c.last_contact_at, 0) <= ? AND "
                "COALESCE(c.owned_since, c.created_at) <= ?)";
            params.emplace_back(cutoff);
            params.emplace_back(cutoff);
        }
        if (rule.no_deal_days) {
            // A deal's closed_on is a date in the company's zone: a deal on the cutoff's date or
            // later is "within M days".
            const UnixSeconds cutoff = at - *rule.no_deal_days * kDay;
            if (rule.no_followup_days) sql += " OR ";
            sql +=
                "(COALESCE(c.owned_since, c.created_at) <= ? AND NOT EXISTS (SELECT 1 FROM "
                "deals d WHERE d.customer_id = c.id AND d.deleted_at IS NULL AND "
                "d.closed_on >= ?))";
            params.emplace_back(cutoff);
            params.emplace_back(LocalDateOf(company_zone, cutoff));
        }
        sql += "))";
    }
    return sql.empty() ? "1 = 0" : "(" + sql + ")";
}

Result<std::vector<UpcomingRecycle>> UpcomingRecycles(db::Connection& conn, std::int64_t user_id,
                                                      int days, UnixSeconds now) {
    GX_TRY_ASSIGN(PoolRules rules, LoadPoolRules(conn));
    std::vector<UpcomingRecycle> out;
    if (!rules.enabled) return out;
    GX_TRY_ASSIGN(std::string zone, settings::CompanyTimeZone(conn));
    db::Params params = {user_id};
    // Those whose rule time comes by the horizon; of them, those the job's run takes by then.
    const UnixSeconds horizon = now + std::int64_t{days} * kDay;
    const std::string predicate = RecyclePredicate(rules, horizon, zone, params);
    GX_TRY_ASSIGN(db::Rows rows, conn.Query("SELECT c.id, c.name, " + std::string(kRecycleFacts) +
                                                " FROM customers c WHERE c.owner_id = ? AND "
                                                "c.deleted_at IS NULL AND " +
                                                predicate,
                                            params));
    for (const db::Row& r : rows) {
        auto due = RecycleDueAt(rules, r.Text(2), r.OptInt(3), r.Int(4), r.OptText(5), zone);
        if (!due) continue;
        const UnixSeconds run = RecycleRunAt(zone, due->at);
        if (run <= horizon) out.push_back({r.Int(0), r.Text(1), run, std::string(due->reason)});
    }
    std::sort(out.begin(), out.end(), [](const UpcomingRecycle& a, const UpcomingRecycle& b) {
        return a.recycle_at != b.recycle_at ? a.recycle_at < b.recycle_at : a.id < b.id;
    });
    return out;
}

Status CheckClaim(db::Connection& conn, const Principal& caller, std::int64_t customer_id,
                  UnixSeconds now) {
    GX_TRY_ASSIGN(PoolRules rules, LoadPoolRules(conn));
    if (!rules.enabled) return {};
    if (rules.reclaim_after_days > 0) {
        GX_TRY_ASSIGN(auto left, conn.QueryOne(kLastLeftUser, {customer_id, caller.user_id}));
        if (left) {
            const UnixSeconds until = left->Int(0) + rules.reclaim_after_days * kDay;
            if (until > now) {
                // 403: not allowed now; details.reason tells it from a missing permission.
                Error error{ErrorCode::kForbidden,
                            "This customer went back to the pool from you recently: you may "
                            "claim it again from " +
                                FormatRfc3339(until) + ".",
                            {{"reason", "reclaim_too_soon"},
                             {"until", FormatRfc3339(until)},
                             {"days", rules.reclaim_after_days}},
                            {}};
                error.FieldCode("customer", "reclaim_too_soon", {{"until", FormatRfc3339(until)}});
                return error;
            }
        }
    }
    const auto cap = rules.role_caps.find(caller.role_id);
    if (cap == rules.role_caps.end()) return {};
    if (conn.backend() == db::Backend::kPostgres) GX_TRY(conn.Query(kLockUser, {caller.user_id}));
    if (cap->second.max_owned) {
        GX_TRY_ASSIGN(std::int64_t owned, OwnedBy(conn, caller.user_id));
        if (owned >= *cap->second.max_owned)
            return LimitReached("max_owned", *cap->second.max_owned, owned, std::nullopt);
    }
    if (cap->second.max_claims_per_day) {
        GX_TRY_ASSIGN(std::int64_t claims, ClaimsToday(conn, caller.user_id, now));
        if (claims >= *cap->second.max_claims_per_day) {
            GX_TRY_ASSIGN(std::string zone, accounts::store::TimeZoneOf(conn, caller.user_id));
            const UnixSeconds tomorrow =
                tz::StartOfDay(zone, tz::StartOfDay(zone, now) + 36 * 3600);
            return LimitReached("max_claims_per_day", *cap->second.max_claims_per_day, claims,
                                tomorrow - now);
        }
    }
    return {};
}

Result<json> ClaimQuota(db::Connection& conn, const Principal& caller, UnixSeconds now) {
    GX_TRY_ASSIGN(PoolRules rules, LoadPoolRules(conn));
    json out = {{"enabled", rules.enabled},
                {"max_owned", nullptr},
                {"owned", nullptr},
                {"max_claims_per_day", nullptr},
                {"claims_today", nullptr},
                {"left", nullptr},
                {"reclaim_after_days", rules.reclaim_after_days}};
    const auto cap = rules.role_caps.find(caller.role_id);
    if (!rules.enabled || cap == rules.role_caps.end()) return out;
    std::optional<std::int64_t> left;
    if (cap->second.max_owned) {
        GX_TRY_ASSIGN(std::int64_t owned, OwnedBy(conn, caller.user_id));
        out["max_owned"] = *cap->second.max_owned;
        out["owned"] = owned;
        left = std::max<std::int64_t>(0, *cap->second.max_owned - owned);
    }
    if (cap->second.max_claims_per_day) {
        GX_TRY_ASSIGN(std::int64_t claims, ClaimsToday(conn, caller.user_id, now));
        out["max_claims_per_day"] = *cap->second.max_claims_per_day;
        out["claims_today"] = claims;
        const std::int64_t today =
            std::max<std::int64_t>(0, *cap->second.max_claims_per_day - claims);
        left = left ? std::min(*left, today) : today;
    }
    if (left) out["left"] = *left;
    return out;
}

Result<json> PoolRulesService::Get(const Principal& caller) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return Read(*conn);
}

Result<json> PoolRulesService::Put(const Principal& caller, const json& body) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    return db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<json> {
        GX_TRY(Validate(conn, body));
        GX_TRY_ASSIGN(json before, Read(conn));
        // Members left out keep their value; a category left out keeps its rule.
        GX_TRY_ASSIGN(auto row, conn.QueryOne(kSelectRules));
        json merged = ToStored(FromJson(json::parse(row ? row->Text(0) : "{}", nullptr, false)));
        for (const auto& [key, value] : body.items()) {
            if (key == "categories") {
                for (const auto& [name, rule] : value.items()) {
                    for (const auto& [member, v] : rule.items()) merged[key][name][member] = v;
                }
            } else {
                merged[key] = value;
            }
        }
        const json stored = ToStored(FromJson(merged));
        GX_TRY(conn.Execute(kUpdateRules, {stored.dump(), NowSeconds(), caller.user_id}));
        GX_TRY_ASSIGN(json after, Read(conn));
        json changes = json::object();
        for (const char* key :
             {"enabled", "warn_days", "reclaim_after_days", "categories", "role_caps"}) {
            if (before[key] != after[key])
                changes[key] = {{"before", before[key]}, {"after", after[key]}};
        }
        GX_TRY(audit::Record(
            conn, caller, {"pool_rules.update", "settings", std::nullopt, {{"changes", changes}}}));
        return after;
    });
}

Result<json> PoolRulesService::Quota(const Principal& caller) {
    GX_TRY(RequirePermission(caller, "customers.view"));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return ClaimQuota(*conn, caller, NowSeconds());
}

}  // namespace guanxi::customers
