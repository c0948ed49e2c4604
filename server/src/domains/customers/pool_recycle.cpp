#include "domains/customers/pool_recycle.hpp"

#include "core/text.hpp"
#include "core/time_zone.hpp"
#include "db/bulk_insert.hpp"
#include "domains/customers/pool_rules.hpp"
#include "domains/notifications/notification_store.hpp"
#include "domains/settings/company_settings.hpp"
#include "jobs/scheduler.hpp"

#include <chrono>
#include <cstdio>

namespace guanxi::customers {

namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;
constexpr size_t kIdsPerUpdate = 500;
constexpr size_t kNotificationsPerTransaction = 1000;
// A range whose transaction failed (PostgreSQL: a deadlock with a transfer taking the same rows
// in another order) is tried again this many times before the job fails and is retried whole.
constexpr int kRangeAttempts = 3;

struct Candidate {
    std::int64_t id;
    std::int64_t owner_id;
    std::string_view reason;
};

std::string_view ReasonOf(const PoolRules& rules, const db::Row& r, UnixSeconds now) {
    const CategoryRule& rule = rules.categories.at(r.Text(2));
    if (rule.no_followup_days) {
        const UnixSeconds from = std::max(r.OptInt(3).value_or(0), r.Int(4));
        if (from <= now - *rule.no_followup_days * kDay) return kReasonNoFollowup;
    }
    return kReasonNoDeal;
}

// One id range, in its own write transaction: how many customers went back to the pool.
Result<std::int64_t> RecycleRange(db::Connection& conn, const PoolRules& rules,
                                  std::string_view zone, std::int64_t from, std::int64_t to,
                                  UnixSeconds now) {
    db::Params params = {from, to};
    const std::string predicate = RecyclePredicate(rules, now, zone, params);
    std::string sql =
        "SELECT c.id, c.owner_id, c.category, c.last_contact_at, "
        "COALESCE(c.owned_since, c.created_at) FROM customers c WHERE c.id >= ? AND c.id < ? "
        "AND c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND " +
        predicate;
    // Locked until the range commits; PostgreSQL re-checks the conditions on a row a follow-up
    // changed meanwhile and leaves it out.
    if (conn.backend() == db::Backend::kPostgres) sql += " FOR NO KEY UPDATE OF c";
    std::vector<Candidate> candidates;
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql, params));
    for (const db::Row& r : rows)
        candidates.push_back({r.Int(0), r.Int(1), ReasonOf(rules, r, now)});
    if (candidates.empty()) return std::int64_t{0};

    for (size_t i = 0; i < candidates.size(); i += kIdsPerUpdate) {
        const size_t n = std::min(kIdsPerUpdate, candidates.size() - i);
        std::string update =
            "UPDATE customers SET last_owner_id = owner_id, owner_id = NULL, updated_at = ?, "
            "version = version + 1 WHERE id IN (";
        db::Params ids = {now};
        for (size_t k = 0; k < n; ++k) {
            update += k ? ", ?" : "?";
            ids.emplace_back(candidates[i + k].id);
        }
        GX_TRY(conn.Execute(update + ")", ids));
    }
    db::BulkInsert history(conn,
                           "INSERT INTO ownership_changes (customer_id, kind, from_user_id, "
                           "to_user_id, by_user_id, reason, at)",
                           7, kIdsPerUpdate);
    db::BulkInsert audit(conn,
                         "INSERT INTO audit_log (at, user_id, action, entity, entity_id, ip, "
                         "request_id, details)",
                         8, kIdsPerUpdate);
    for (const Candidate& c : candidates) {
        GX_TRY(history.Row(c.id, std::string("recycle"), c.owner_id, nullptr, nullptr,
                           std::string(c.reason), now));
        GX_TRY(audit.Row(
            now, nullptr, std::string("customer.recycle"), std::string("customer"), c.id,
            std::string(), std::string(),
            json{{"from_user_id", c.owner_id}, {"reason", std::string(c.reason)}}.dump()));
    }
    GX_TRY(history.Flush());
    GX_TRY(audit.Flush());
    return static_cast<std::int64_t>(candidates.size());
}

std::string Title(bool english, const std::string& name, const std::string& date) {
    return english ? "Customer “" + name + "” goes back to the public pool on " + date
                   : "客户「" + name + "」将于 " + date + " 退回公海";
}

std::string Body(bool english, std::string_view reason, int days) {
    const std::string n = std::to_string(days);
    if (reason == kReasonNoFollowup) {
        return english ? "Rule: " + n +
                             " days without a follow-up. Add a follow-up to keep this customer."
                       : "规则：" + n + " 天未跟进自动退回公海。添加一条跟进记录即可保留该客户。";
    }
    return english ? "Rule: " + n + " days without a deal. Close a deal to keep this customer."
                   : "规则：" + n + " 天未成交自动退回公海。成交后即可保留该客户。";
}

// Notifies the owners of the customers whose recycle run comes within K days.
Result<std::int64_t> WarnOwners(db::Database& db, const PoolRules& rules, std::string_view zone,
                                UnixSeconds now) {
    const UnixSeconds horizon = now + std::int64_t{rules.warn_days} * kDay;
    db::Params params;
    const std::string predicate = RecyclePredicate(rules, horizon, zone, params);
    std::vector<notifications::NewNotification> pending;
    {
        GX_TRY_ASSIGN(db::Lease conn, db.Acquire());
        GX_TRY(conn->ForEach(
            "SELECT c.id, c.name, " + std::string(kRecycleFacts) +
                ", c.owner_id, u.language FROM customers c JOIN users u ON u.id = c.owner_id "
                "WHERE c.owner_id IS NOT NULL AND c.deleted_at IS NULL AND " +
                predicate,
            params, [&](const db::Row& r) {
                const auto due =
                    RecycleDueAt(rules, r.Text(2), r.OptInt(3), r.Int(4), r.OptText(5), zone);
                if (!due) return true;
                const UnixSeconds run = RecycleRunAt(zone, due->at);
                if (run > horizon) return true;
                const std::string date = LocalDateOf(zone, run);
                const CategoryRule& rule = rules.categories.at(r.Text(2));
                const int days =
                    due->reason == kReasonNoFollowup ? *rule.no_followup_days : *rule.no_deal_days;
                const bool english = r.Text(7) == "en";
                const std::int64_t id = r.Int(0);
                pending.push_back({.user_id = r.Int(6),
                                   .unique_key = "pool_warning:" + std::to_string(id) + ":" + date,
                                   .kind = "pool_warning",
                                   .title = Title(english, r.Text(1), date),
                                   .body = Body(english, due->reason, days),
                                   .link = "/customers/" + std::to_string(id),
                                   .entity = "customer",
                                   .entity_id = id,
                                   .due_at = now});
                return true;
            }));
    }
    std::int64_t warned = 0;
    for (size_t i = 0; i < pending.size(); i += kNotificationsPerTransaction) {
        GX_TRY_ASSIGN(
            std::int64_t added,
            db::InTransaction(
                db, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<std::int64_t> {
                    std::int64_t n = 0;
                    const size_t end = std::min(pending.size(), i + kNotificationsPerTransaction);
                    for (size_t k = i; k < end; ++k) {
                        GX_TRY_ASSIGN(bool added, notifications::Notify(conn, pending[k], now));
                        n += added ? 1 : 0;
                    }
                    return n;
                }));
        warned += added;
    }
    return warned;
}

}  // namespace

UnixSeconds RecycleRunAt(std::string_view company_zone, UnixSeconds rule_at) {
    int hour = 0, minute = 0;
    std::sscanf(std::string(kPoolRecycleTime).c_str(), "%d:%d", &hour, &minute);
    const jobs::Schedule schedule{.name = std::string(kPoolRecycleJob),
                                  .hour = hour,
                                  .minute = minute,
                                  .zone = std::string(company_zone)};
    return jobs::Scheduler::NextDue(schedule, company_zone, rule_at - 1);
}

Result<json> RunPoolRecycle(db::Database& db, UnixSeconds now, const RecycleOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    PoolRules rules;
    std::string zone;
    std::int64_t first = 0, last = -1;
    {
        GX_TRY_ASSIGN(db::Lease conn, db.Acquire());
        GX_TRY_ASSIGN(rules, LoadPoolRules(*conn));
        GX_TRY_ASSIGN(zone, settings::CompanyTimeZone(*conn));
        GX_TRY_ASSIGN(auto bounds, conn->QueryOne("SELECT MIN(id), MAX(id) FROM customers"));
        if (bounds && !bounds->IsNull(0)) {
            first = bounds->Int(0);
            last = bounds->Int(1);
        }
    }
    json out = {{"enabled", rules.enabled}, {"recycled", 0}, {"warned", 0}};
    if (!rules.enabled) return out;
    std::int64_t recycled = 0;
    for (std::int64_t from = first; from <= last; from += options.range) {
        Result<std::int64_t> range = std::int64_t{0};
        for (int attempt = 0; attempt < kRangeAttempts; ++attempt) {
            range = db::InTransaction(db, db::TxMode::kWrite, [&](db::Connection& conn) {
                return RecycleRange(conn, rules, zone, from, from + options.range, now);
            });
            if (range) break;
        }
        if (!range) return range.error();
        recycled += *range;
    }
    std::int64_t warned = 0;
    if (rules.warn_days > 0) {
        GX_TRY_ASSIGN(warned, WarnOwners(db, rules, zone, now));
    }
    out["recycled"] = recycled;
    out["warned"] = warned;
    out["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
    return out;
}

}  // namespace guanxi::customers
