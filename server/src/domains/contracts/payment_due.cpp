#include "domains/contracts/payment_due.hpp"

#include "core/money.hpp"
#include "domains/contracts/contract_ledger.hpp"

namespace guanxi::contracts {

namespace {

using nlohmann::json;

Result<std::vector<reminders::Reminder>> FindPaymentsDue(db::Connection& conn,
                                                         const reminders::ScanWindow& window,
                                                         const json& rules) {
    std::vector<reminders::Reminder> out;
    const auto rule = rules.find("payment_due");
    if (rule != rules.end() && rule->is_object() && !rule->value("enabled", true)) return out;
    GX_TRY_ASSIGN(
        db::Rows rows,
        conn.Query("SELECT i.contract_id, i.seq, i.due_on, i.amount - i.paid, i.overdue_at, "
                   "k.number, k.title, COALESCE(k.owner_id, c.owner_id), c.id, c.name "
                   "FROM contract_instalments i JOIN contracts k ON k.id = i.contract_id "
                   "JOIN customers c ON c.id = k.customer_id WHERE i.overdue_at > ? AND "
                   "i.overdue_at <= ? AND i.paid < i.amount AND k.deleted_at IS NULL AND "
                   "c.deleted_at IS NULL",
                   {window.from, window.to}));
    for (const db::Row& row : rows) {
        if (row.IsNull(7)) continue;  // nobody to remind
        const std::int64_t contract = row.Int(0);
        const std::int64_t user = row.Int(7);
        const std::string seq = std::to_string(row.Int(1));
        const std::string number = row.IsNull(5) ? std::string() : row.Text(5);
        const std::string customer = row.Text(9);
        const std::string owed = FormatMoney(row.Int(3));
        out.push_back(reminders::Reminder{
            .user_id = user,
            .key = "payment_due:" + std::to_string(contract) + ":" + seq + ":" + row.Text(2) + ":" +
                   std::to_string(user),
            .kind = "payment_due",
            .title = {"Payment overdue: " + customer + " (" + number + ", instalment " + seq + ")",
                      "催款：" + customer + "（" + number + " 第 " + seq + " 期）"},
            .body = {owed + " was due on " + row.Text(2), "应于 " + row.Text(2) + " 收款 " + owed},
            .at = row.Int(4),
            .due_at = row.Int(4),
            .link = "/contracts/" + std::to_string(contract),
            .entity = "contracts",
            .entity_id = contract});
    }
    return out;
}

}  // namespace

reminders::ReminderSource PaymentDueSource() {
    return {"payment_due", {"Payment overdue (催款)", "催款提醒"}, FindPaymentsDue};
}

Result<json> PaymentsDueSection(const todo::SectionContext& s) {
    GX_TRY_ASSIGN(std::string today, CompanyToday(s.conn, s.now));
    const std::string until = FormatDate(*ParseDate(today) + kDueSoonDays);
    const access::Predicate visible = s.gate.CustomerVisible("c", access::Pool::kExclude);
    const std::string from =
        " FROM contract_instalments i JOIN contracts k ON k.id = i.contract_id JOIN customers c "
        "ON c.id = k.customer_id WHERE k.owner_id = ? AND k.deleted_at IS NULL AND "
        "c.deleted_at IS NULL AND i.paid < i.amount AND i.due_on <= ? AND (" +
        visible.sql + ")";
    db::Params params = {s.caller.user_id, until};
    params.insert(params.end(), visible.params.begin(), visible.params.end());
    db::Params counted = params;
    counted.push_back(today);
    GX_TRY_ASSIGN(auto totals,
                  s.conn.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN i.due_on < ? THEN 1 "
                                  "ELSE 0 END), 0), COALESCE(SUM(i.amount - i.paid), 0)" +
                                      from,
                                  [&] {
                                      db::Params p = {today};
                                      p.insert(p.end(), params.begin(), params.end());
                                      return p;
                                  }()));
    db::Params page = params;
    page.push_back(s.limit);
    GX_TRY_ASSIGN(db::Rows rows,
                  s.conn.Query("SELECT k.id, k.number, k.title, i.seq, i.due_on, i.amount, "
                               "i.amount - i.paid, c.id, c.name, c.category, c.phone" +
                                   from + " ORDER BY i.due_on, k.id, i.seq LIMIT ?",
                               page));
    json items = json::array();
    for (const db::Row& r : rows) {
        const std::string due_on = r.Text(4);
        items.push_back(
            {{"entity", "contract"},
             {"id", r.Int(0)},
             {"title", (r.IsNull(1) ? r.Text(2) : r.Text(1)) + " #" + std::to_string(r.Int(3))},
             {"customer_id", r.Int(7)},
             {"customer_name", r.Text(8)},
             {"category", r.Text(9)},
             {"phone", r.IsNull(10) ? json() : json(r.Text(10))},
             {"due_at", due_on + "T00:00:00Z"},
             {"overdue", due_on < today},
             {"link", "/contracts/" + std::to_string(r.Int(0))},
             {"instalment_no", r.Int(3)},
             {"due_on", due_on},
             {"amount", FormatMoney(r.Int(5))},
             {"outstanding", FormatMoney(r.Int(6))}});
    }
    return json{{"count", totals->Int(0)},
                {"overdue", totals->Int(1)},
                {"outstanding", FormatMoney(totals->Int(2))},
                {"items", std::move(items)}};
}

}  // namespace guanxi::contracts
