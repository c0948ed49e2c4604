#include "domains/contracts/contract_service.hpp"

#include "core/fields.hpp"
#include "core/money.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/contracts/contract_type.hpp"

namespace guanxi::contracts {

namespace {

using nlohmann::json;

const EntityMeta& InstalmentMeta() {
    static const EntityMeta kMeta{
        "instalments",
        {{.name = "amount", .type = FieldType::kMoney, .required = true, .nullable = false},
         {.name = "due_on", .type = FieldType::kDate, .required = true, .nullable = false},
         {.name = "note", .type = FieldType::kText, .max_length = 500}}};
    return kMeta;
}

// The live contract and its customer, locked for this write on PostgreSQL (the customer's row,
// as the kit locks it for a type with after_write: deals' draws take the same turn).
struct ContractRow {
    std::int64_t customer_id = 0;
    std::int64_t amount = 0;
};
Result<ContractRow> LockContract(db::Connection& conn, std::int64_t contract_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT customer_id FROM contracts WHERE id = ? AND "
                                          "deleted_at IS NULL",
                                          {contract_id}));
    if (!row) return Error::NotFound("Contract");
    const std::int64_t customer_id = row->Int(0);
    if (conn.backend() == db::Backend::kPostgres) {
        GX_TRY(
            conn.Execute("SELECT id FROM customers WHERE id = ? FOR NO KEY UPDATE", {customer_id}));
    }
    GX_TRY_ASSIGN(auto again,
                  conn.QueryOne("SELECT customer_id, amount FROM contracts WHERE id = ? "
                                "AND deleted_at IS NULL",
                                {contract_id}));
    if (!again) return Error::NotFound("Contract");
    return ContractRow{again->Int(0), again->Int(1)};
}

}  // namespace

Result<json> ContractService::Plan(std::int64_t contract_id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::string today, CompanyToday(*conn, clock_()));
    return PlanJson(*conn, contract_id, today);
}

Result<json> ContractService::SetPlan(const Principal& caller, std::int64_t customer_id,
                                      std::int64_t contract_id, const json& body) {
    GX_TRY(records_.CheckWrite(caller, contracts_, customer_id, "edit"));
    for (const auto& [key, value] : body.items()) {
        if (key != "instalments") return Error::Validation(key, "is not a field of a plan");
    }
    const json list = body.value("instalments", json());
    if (!list.is_array()) return Error::ValidationCode("instalments", "not_a_list");
    if (list.size() > kMaxInstalments) {
        return Error::ValidationCode("instalments", "too_many_items",
                                     {{"max", static_cast<std::int64_t>(kMaxInstalments)}});
    }
    Error invalid{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    std::vector<InstalmentPlan> plan;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string prefix = "instalments[" + std::to_string(i) + "].";
        if (!list[i].is_object()) {
            invalid.FieldCode("instalments[" + std::to_string(i) + "]", "not_an_object");
            bad = true;
            continue;
        }
        auto checked = ValidateBody(InstalmentMeta(), list[i], true);
        if (!checked) {
            // Each complaint under the row's name ("instalments[1].due_on"), with its key.
            const json& details = checked.error().details;
            for (const auto& [field, message] : details["fields"].items()) {
                invalid.details["fields"][prefix + field] = message;
                if (details.contains("field_codes") && details["field_codes"].contains(field)) {
                    invalid.details["field_codes"][prefix + field] = details["field_codes"][field];
                }
            }
            bad = true;
            continue;
        }
        const std::int64_t amount = *ParseMoney(list[i]["amount"].get<std::string>());
        if (amount == 0 || amount > kMaxAmountCents) {
            if (amount == 0) {
                invalid.Field(prefix + "amount", "must be more than 0.00");
            } else {
                invalid.FieldCode(prefix + "amount", "money_too_large",
                                  {{"max", FormatMoney(kMaxAmountCents)}});
            }
            bad = true;
            continue;
        }
        total += amount;
        plan.push_back({static_cast<std::int64_t>(i + 1), amount,
                        list[i]["due_on"].get<std::string>(), OptString(list[i], "note")});
    }
    if (bad) return invalid;
    const UnixSeconds now = clock_();
    return writes_.Transact([&](db::Connection& conn) -> Result<json> {
        GX_TRY_ASSIGN(ContractRow contract, LockContract(conn, contract_id));
        if (!plan.empty() && total != contract.amount) {
            return Error::ValidationCode("instalments", "plan_does_not_add_up",
                                         {{"total", FormatMoney(total)},
                                          {"amount", FormatMoney(contract.amount)},
                                          {"difference", FormatMoney(total - contract.amount)}});
        }
        // An instalment kept as it was (same number and due date) keeps when it fell overdue,
        // so replacing a plan does not remind anyone twice.
        GX_TRY_ASSIGN(db::Rows old, conn.Query("SELECT seq, due_on, overdue_at FROM "
                                               "contract_instalments WHERE contract_id = ?",
                                               {contract_id}));
        GX_TRY(
            conn.Execute("DELETE FROM contract_instalments WHERE contract_id = ?", {contract_id}));
        for (const InstalmentPlan& item : plan) {
            db::Value overdue_at = nullptr;
            for (const db::Row& row : old) {
                if (row.Int(0) == item.seq && row.Text(1) == item.due_on && !row.IsNull(2))
                    overdue_at = row.Int(2);
            }
            db::Value note = nullptr;
            if (item.note) note = *item.note;
            GX_TRY(
                conn.Execute("INSERT INTO contract_instalments (contract_id, seq, amount, "
                             "due_on, note, paid, overdue_at) VALUES (?, ?, ?, ?, ?, 0, ?)",
                             {contract_id, item.seq, item.amount, item.due_on, note, overdue_at}));
        }
        GX_TRY(Reallocate(conn, contract_id));
        GX_TRY_ASSIGN(std::string today, CompanyToday(conn, now));
        GX_TRY(MarkOverdueOf(conn, contract_id, today, now));
        GX_TRY(RefreshMark(conn, contract.customer_id, now));
        GX_TRY_ASSIGN(json answer, PlanJson(conn, contract_id, today));
        GX_TRY(audit::Record(conn, caller,
                             {"contract.plan",
                              "customer",
                              contract.customer_id,
                              {{"contract_id", contract_id}, {"instalments", answer["items"]}}}));
        return answer;
    });
}

}  // namespace guanxi::contracts
