#include "domains/contracts/contract_ledger.hpp"

#include "core/money.hpp"
#include "core/time_zone.hpp"
#include "domains/contracts/contract_type.hpp"
#include "domains/settings/company_settings.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace guanxi::contracts {

namespace {

using nlohmann::json;

// A customer's overdue, unpaid instalments of live contracts.
constexpr std::string_view kHasOverdue =
    "SELECT 1 FROM contract_instalments i JOIN contracts k ON k.id = i.contract_id "
    "WHERE k.customer_id = ? AND k.deleted_at IS NULL AND i.overdue_at IS NOT NULL AND "
    "i.paid < i.amount LIMIT 1";

Status Exec(db::Connection& conn, std::string_view sql, const db::Params& params) {
    GX_TRY(conn.Execute(sql, params));
    return {};
}

Status Audit(db::Connection& conn, std::string_view action, std::int64_t customer_id,
             const json& details, UnixSeconds now) {
    return Exec(conn,
                "INSERT INTO audit_log (at, user_id, action, entity, entity_id, ip, request_id, "
                "details) VALUES (?, NULL, ?, 'customer', ?, '', '', ?)",
                {now, std::string(action), customer_id, details.dump()});
}

Status SetCategory(db::Connection& conn, std::int64_t customer_id, const std::string& category,
                   UnixSeconds now) {
    return Exec(conn,
                "UPDATE customers SET category = ?, updated_at = ?, version = version + 1 "
                "WHERE id = ?",
                {category, now, customer_id});
}

}  // namespace

std::vector<Allocation> Allocate(const std::vector<Allocation>& instalments,
                                 const std::vector<LedgerEntry>& entries) {
    std::vector<Allocation> out = instalments;
    std::map<std::int64_t, std::int64_t> directed;
    std::int64_t pool = 0;
    for (const LedgerEntry& e : entries) {
        if (e.instalment_no) {
            directed[*e.instalment_no] += e.effect;
        } else {
            pool += e.effect;
        }
    }
    std::set<std::int64_t> known;
    for (Allocation& a : out) {
        known.insert(a.seq);
        const std::int64_t sent = directed[a.seq];
        a.paid = std::clamp<std::int64_t>(sent, 0, a.amount);
        pool += sent - a.paid;  // what it can't take (or took back beyond it) goes to the rest
    }
    // Entries naming an instalment a later plan no longer has count as undirected.
    for (const auto& [seq, sum] : directed) {
        if (!known.count(seq)) pool += sum;
    }
    if (pool >= 0) {
        for (Allocation& a : out) {
            const std::int64_t take = std::min(pool, a.amount - a.paid);
            a.paid += take;
            pool -= take;
        }
    } else {
        for (auto it = out.rbegin(); it != out.rend() && pool < 0; ++it) {
            const std::int64_t give = std::min(-pool, it->paid);
            it->paid -= give;
            pool += give;
        }
    }
    return out;
}

Result<std::int64_t> PaidOf(db::Connection& conn, std::int64_t contract_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT COALESCE(SUM(effect), 0) FROM payments WHERE "
                                          "contract_id = ?",
                                          {contract_id}));
    return row->Int(0);
}

Status Reallocate(db::Connection& conn, std::int64_t contract_id) {
    GX_TRY_ASSIGN(db::Rows plan,
                  conn.Query("SELECT seq, amount, paid FROM contract_instalments WHERE "
                             "contract_id = ? ORDER BY due_on, seq",
                             {contract_id}));
    if (plan.empty()) return {};
    std::vector<Allocation> instalments;
    for (const db::Row& row : plan) instalments.push_back({row.Int(0), row.Int(1), row.Int(2)});
    // A correction counts where the entry it corrects went.
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT p.effect, COALESCE(p.instalment_no, c.instalment_no) FROM "
                             "payments p LEFT JOIN payments c ON c.id = p.corrects_id "
                             "WHERE p.contract_id = ?",
                             {contract_id}));
    std::vector<LedgerEntry> entries;
    for (const db::Row& row : rows) entries.push_back({row.Int(0), row.OptInt(1)});
    const std::vector<Allocation> allocated = Allocate(instalments, entries);
    for (std::size_t i = 0; i < allocated.size(); ++i) {
        if (allocated[i].paid == instalments[i].paid) continue;
        GX_TRY(conn.Execute(
            "UPDATE contract_instalments SET paid = ? WHERE contract_id = ? AND seq = ?",
            {allocated[i].paid, contract_id, allocated[i].seq}));
    }
    return {};
}

Status MarkOverdueOf(db::Connection& conn, std::int64_t contract_id, std::string_view today,
                     UnixSeconds now) {
    return Exec(conn,
                "UPDATE contract_instalments SET overdue_at = ? WHERE contract_id = ? AND "
                "overdue_at IS NULL AND due_on < ? AND paid < amount",
                {now, contract_id, std::string(today)});
}

Status RefreshMark(db::Connection& conn, std::int64_t customer_id, UnixSeconds now) {
    GX_TRY_ASSIGN(auto overdue, conn.QueryOne(kHasOverdue, {customer_id}));
    GX_TRY_ASSIGN(auto mark, conn.QueryOne("SELECT previous_category FROM payment_due_marks "
                                           "WHERE customer_id = ?",
                                           {customer_id}));
    if (overdue.has_value() == mark.has_value()) return {};
    GX_TRY_ASSIGN(auto customer,
                  conn.QueryOne("SELECT category FROM customers WHERE id = ?", {customer_id}));
    if (!customer) return {};
    const std::string category = customer->Text(0);
    if (overdue) {
        GX_TRY(
            conn.Execute("INSERT INTO payment_due_marks (customer_id, previous_category, "
                         "marked_at) VALUES (?, ?, ?)",
                         {customer_id, category, now}));
        if (category != "payment_due") GX_TRY(SetCategory(conn, customer_id, "payment_due", now));
        return Audit(
            conn, "customer.payment_due_mark", customer_id,
            {{"changes", {{"category", {{"before", category}, {"after", "payment_due"}}}}}}, now);
    }
    GX_TRY(conn.Execute("DELETE FROM payment_due_marks WHERE customer_id = ?", {customer_id}));
    // Someone set another category meanwhile: theirs stands.
    const std::string previous = mark->Text(0);
    if (category != "payment_due" || previous == category) return {};
    GX_TRY(SetCategory(conn, customer_id, previous, now));
    return Audit(conn, "customer.payment_due_clear", customer_id,
                 {{"changes", {{"category", {{"before", category}, {"after", previous}}}}}}, now);
}

Status CheckAmountKeepsPlan(db::Connection& conn, std::int64_t contract_id, std::int64_t amount) {
    GX_TRY_ASSIGN(auto plan, conn.QueryOne("SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM "
                                           "contract_instalments WHERE contract_id = ?",
                                           {contract_id}));
    if (plan->Int(0) > 0 && plan->Int(1) != amount) {
        return Error::ValidationCode("amount", "plan_does_not_add_up",
                                     {{"total", FormatMoney(plan->Int(1))},
                                      {"amount", FormatMoney(amount)},
                                      {"difference", FormatMoney(plan->Int(1) - amount)}});
    }
    GX_TRY_ASSIGN(std::int64_t paid, PaidOf(conn, contract_id));
    if (paid > amount) {
        return Error::ValidationCode("amount", "less_than_paid", {{"paid", FormatMoney(paid)}});
    }
    return {};
}

Status AssignNumber(db::Connection& conn, std::int64_t id, std::string_view signed_on) {
    const std::string base = GeneratedNumber(signed_on, id);
    std::string number = base;
    // Someone may have typed the generated form by hand: the next free suffix.
    for (int n = 2;; ++n) {
        GX_TRY_ASSIGN(auto taken,
                      conn.QueryOne("SELECT 1 FROM contracts WHERE number = ?", {number}));
        if (!taken) break;
        number = base + "-" + std::to_string(n);
    }
    return Exec(conn, "UPDATE contracts SET number = ? WHERE id = ?", {number, id});
}

Result<json> CustomerTotals(db::Connection& conn, std::int64_t customer_id) {
    GX_TRY_ASSIGN(auto totals,
                  conn.QueryOne("SELECT COALESCE(SUM(k.amount), 0), COALESCE(SUM((SELECT "
                                "COALESCE(SUM(p.effect), 0) FROM payments p WHERE p.contract_id = "
                                "k.id)), 0) FROM contracts k WHERE k.customer_id = ? AND "
                                "k.deleted_at IS NULL",
                                {customer_id}));
    GX_TRY_ASSIGN(auto overdue,
                  conn.QueryOne("SELECT COALESCE(SUM(i.amount - i.paid), 0) FROM "
                                "contract_instalments i JOIN contracts k ON k.id = i.contract_id "
                                "WHERE k.customer_id = ? AND k.deleted_at IS NULL AND "
                                "i.overdue_at IS NOT NULL AND i.paid < i.amount",
                                {customer_id}));
    GX_TRY_ASSIGN(auto mark, conn.QueryOne("SELECT 1 FROM payment_due_marks WHERE customer_id = ?",
                                           {customer_id}));
    const std::int64_t amount = totals->Int(0);
    const std::int64_t paid = totals->Int(1);
    return json{{"contracts_amount", FormatMoney(amount)},
                {"paid", FormatMoney(paid)},
                {"outstanding", FormatMoney(amount - paid)},
                {"overdue", FormatMoney(overdue->Int(0))},
                {"payment_due", mark.has_value()}};
}

Result<json> PlanJson(db::Connection& conn, std::int64_t contract_id, std::string_view today) {
    GX_TRY_ASSIGN(
        auto contract,
        conn.QueryOne("SELECT customer_id, amount FROM contracts WHERE id = ?", {contract_id}));
    if (!contract) return Error::NotFound("Contract");
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT seq, amount, due_on, note, paid, overdue_at FROM "
                             "contract_instalments WHERE contract_id = ? ORDER BY seq",
                             {contract_id}));
    json items = json::array();
    std::int64_t total = 0;
    for (const db::Row& row : rows) {
        const std::int64_t amount = row.Int(1);
        const std::int64_t paid = row.Int(4);
        total += amount;
        items.push_back(
            {{"instalment_no", row.Int(0)},
             {"amount", FormatMoney(amount)},
             {"due_on", row.Text(2)},
             {"note", row.IsNull(3) ? json() : json(row.Text(3))},
             {"paid", FormatMoney(paid)},
             {"outstanding", FormatMoney(amount - paid)},
             {"overdue", paid < amount && row.Text(2) < today},
             {"overdue_since", row.IsNull(5) ? json() : json(FormatRfc3339(row.Int(5)))}});
    }
    return json{{"contract_id", contract_id},
                {"customer_id", contract->Int(0)},
                {"amount", FormatMoney(contract->Int(1))},
                {"total", FormatMoney(total)},
                {"items", items}};
}

Result<std::string> CompanyToday(db::Connection& conn, UnixSeconds now) {
    GX_TRY_ASSIGN(std::string zone, settings::CompanyTimeZone(conn));
    const UnixSeconds local = now + tz::UtcOffsetAt(zone, now);
    return FormatDate(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

Result<json> RunOverdueJob(db::Database& db, UnixSeconds now) {
    return db::InTransaction(db, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<json> {
        GX_TRY_ASSIGN(std::string today, CompanyToday(conn, now));
        GX_TRY_ASSIGN(db::Rows due,
                      conn.Query("SELECT DISTINCT i.contract_id, k.customer_id FROM "
                                 "contract_instalments i JOIN contracts k ON k.id = i.contract_id "
                                 "WHERE i.overdue_at IS NULL AND i.due_on < ? AND "
                                 "i.paid < i.amount AND k.deleted_at IS NULL",
                                 {today}));
        std::set<std::int64_t> customers;
        std::int64_t marked = 0;
        for (const db::Row& row : due) {
            GX_TRY_ASSIGN(std::int64_t n,
                          conn.Execute("UPDATE contract_instalments SET overdue_at = ? WHERE "
                                       "contract_id = ? AND overdue_at IS NULL AND due_on < ? "
                                       "AND paid < amount",
                                       {now, row.Int(0), today}));
            marked += n;
            customers.insert(row.Int(1));
        }
        for (std::int64_t customer : customers) GX_TRY(RefreshMark(conn, customer, now));
        return json{{"instalments", marked},
                    {"customers", static_cast<std::int64_t>(customers.size())}};
    });
}

}  // namespace guanxi::contracts
