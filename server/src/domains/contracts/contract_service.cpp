#include "domains/contracts/contract_service.hpp"

#include "core/fields.hpp"
#include "core/money.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/contracts/contract_type.hpp"
#include "domains/customers/prepayment_types.hpp"

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

const EntityMeta& PaymentMeta() {
    static const EntityMeta kMeta{
        "payments",
        {{.name = "contract_id", .type = FieldType::kInteger, .required = true, .nullable = false},
         {.name = "instalment_no", .type = FieldType::kInteger},
         {.name = "kind", .type = FieldType::kEnum, .options = {"payment", "refund", "correction"}},
         {.name = "received_on", .type = FieldType::kDate, .required = true, .nullable = false},
         {.name = "amount", .type = FieldType::kMoney, .required = true, .nullable = false},
         {.name = "method",
          .type = FieldType::kEnum,
          .options = {"bank_transfer", "cash", "wechat", "alipay", "cheque", "prepayment",
                      "other"}},
         {.name = "from_prepayment", .type = FieldType::kBoolean},
         {.name = "corrects_id", .type = FieldType::kInteger},
         {.name = "note", .type = FieldType::kText, .max_length = 1000}}};
    return kMeta;
}

// The payment's columns, as PaymentJson reads them.
constexpr std::string_view kPaymentColumns =
    "SELECT p.id, p.customer_id, p.contract_id, p.instalment_no, p.kind, p.received_on, "
    "p.amount, p.effect, p.prepayment_draw, p.method, p.note, p.corrects_id, p.created_by, "
    "u.display_name, p.created_at FROM payments p LEFT JOIN users u ON u.id = p.created_by ";

json OptInt(const db::Row& row, std::size_t i) { return row.IsNull(i) ? json() : json(row.Int(i)); }
json OptText(const db::Row& row, std::size_t i) {
    return row.IsNull(i) ? json() : json(row.Text(i));
}

json PaymentJson(const db::Row& row) {
    return {{"id", row.Int(0)},
            {"customer_id", row.Int(1)},
            {"contract_id", row.Int(2)},
            {"instalment_no", OptInt(row, 3)},
            {"kind", row.Text(4)},
            {"received_on", row.Text(5)},
            {"amount", FormatMoney(row.Int(6))},
            {"effect", FormatMoney(row.Int(7))},
            {"from_prepayment", row.Int(8) != 0},
            {"prepayment_draw", FormatMoney(row.Int(8))},
            {"method", OptText(row, 9)},
            {"note", OptText(row, 10)},
            {"corrects_id", OptInt(row, 11)},
            {"created_by", OptInt(row, 12)},
            {"created_by_name", OptText(row, 13)},
            {"created_at", FormatRfc3339(row.Int(14))}};
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

Status NotTooLarge(std::string_view field, std::int64_t cents) {
    if (cents <= kMaxAmountCents) return {};
    return Error::ValidationCode(field, "money_too_large", {{"max", FormatMoney(kMaxAmountCents)}});
}

Error Outstanding(std::string_view field, std::int64_t outstanding) {
    return Error::ValidationCode(field, "more_than_outstanding",
                                 {{"outstanding", FormatMoney(outstanding)}});
}

}  // namespace

Result<std::int64_t> ContractService::ReadableCustomer(const Principal& caller,
                                                       std::int64_t contract_id) {
    GX_TRY_ASSIGN(json contract, records_.GetById(caller, contracts_, contract_id));
    if (!contract["deleted_at"].is_null()) return Error::NotFound("Contract");
    return contract["customer_id"].get<std::int64_t>();
}

Result<json> ContractService::Plan(const Principal& caller, std::int64_t contract_id) {
    GX_TRY(ReadableCustomer(caller, contract_id));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::string today, CompanyToday(*conn, clock_()));
    return PlanJson(*conn, contract_id, today);
}

Result<json> ContractService::SetPlan(const Principal& caller, std::int64_t contract_id,
                                      const json& body) {
    GX_TRY_ASSIGN(std::int64_t customer_id, ReadableCustomer(caller, contract_id));
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

Result<json> ContractService::Payments(const Principal& caller, std::int64_t contract_id) {
    GX_TRY(ReadableCustomer(caller, contract_id));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows, conn->Query(std::string(kPaymentColumns) +
                                                 "WHERE p.contract_id = ? ORDER BY p.id",
                                             {contract_id}));
    json items = json::array();
    for (const db::Row& row : rows) items.push_back(PaymentJson(row));
    const auto total = static_cast<std::int64_t>(items.size());
    return json{{"items", std::move(items)}, {"total", total}};
}

Result<json> ContractService::AddPayment(const Principal& caller, const json& body) {
    GX_TRY(ValidateBody(PaymentMeta(), body, true));
    const std::int64_t contract_id = body["contract_id"].get<std::int64_t>();
    const std::string kind = body.value("kind", std::string("payment"));
    const std::int64_t amount = *ParseMoney(body["amount"].get<std::string>());
    const bool from_prepayment = body.value("from_prepayment", false);
    const std::optional<std::int64_t> instalment_no = guanxi::OptInt(body, "instalment_no");
    const std::optional<std::int64_t> corrects_id = guanxi::OptInt(body, "corrects_id");
    const std::optional<std::string> note = OptString(body, "note");
    GX_TRY(NotTooLarge("amount", amount));
    if (kind != "correction" && amount == 0) {
        return Error::Validation("amount", "must be more than 0.00");
    }
    if (kind == "correction") {
        if (!corrects_id) return Error::Validation("corrects_id", "is required for a correction");
        if (!note || note->empty()) {
            return Error::Validation("note", "is required for a correction: say why");
        }
        if (from_prepayment) {
            return Error::Validation("from_prepayment",
                                     "is taken from the entry a correction corrects");
        }
        if (instalment_no) {
            return Error::Validation("instalment_no",
                                     "is taken from the entry a correction corrects");
        }
    } else if (corrects_id && kind == "payment") {
        return Error::Validation("corrects_id", "is only for a refund or a correction");
    }
    GX_TRY_ASSIGN(std::int64_t customer_id, ReadableCustomer(caller, contract_id));
    GX_TRY(records_.CheckWrite(caller, contracts_, customer_id, "edit"));
    const UnixSeconds now = clock_();
    GX_TRY_ASSIGN(db::Row row, writes_.Transact([&](db::Connection& conn) -> Result<db::Row> {
        GX_TRY_ASSIGN(ContractRow contract, LockContract(conn, contract_id));
        GX_TRY_ASSIGN(std::int64_t paid, PaidOf(conn, contract_id));
        const std::int64_t outstanding = contract.amount - paid;
        std::int64_t effect = 0;
        std::int64_t draw = 0;
        if (kind == "payment") {
            if (amount > outstanding) return Outstanding("amount", outstanding);
            if (instalment_no) {
                GX_TRY_ASSIGN(auto inst,
                              conn.QueryOne("SELECT amount - paid FROM contract_instalments "
                                            "WHERE contract_id = ? AND seq = ?",
                                            {contract_id, *instalment_no}));
                if (!inst) return Error::ValidationCode("instalment_no", "no_such_instalment");
                if (amount > inst->Int(0)) return Outstanding("amount", inst->Int(0));
            }
            effect = amount;
            draw = from_prepayment ? amount : 0;
        } else if (kind == "refund") {
            if (amount > paid) {
                return Error::ValidationCode("amount", "more_than_paid",
                                             {{"paid", FormatMoney(paid)}});
            }
            if (instalment_no) {
                GX_TRY_ASSIGN(auto inst, conn.QueryOne("SELECT 1 FROM contract_instalments "
                                                       "WHERE contract_id = ? AND seq = ?",
                                                       {contract_id, *instalment_no}));
                if (!inst) return Error::ValidationCode("instalment_no", "no_such_instalment");
            }
            effect = -amount;
            draw = from_prepayment ? -amount : 0;  // given back to the prepayment balance
        } else {
            // The entry corrected, as it stands now (its amount with earlier corrections).
            GX_TRY_ASSIGN(auto entry,
                          conn.QueryOne("SELECT kind, amount, prepayment_draw, "
                                        "(SELECT COALESCE(SUM(c.effect), 0) FROM payments c "
                                        "WHERE c.corrects_id = p.id) FROM payments p WHERE "
                                        "p.id = ? AND p.contract_id = ? AND p.kind <> "
                                        "'correction'",
                                        {*corrects_id, contract_id}));
            if (!entry) return Error::ValidationCode("corrects_id", "not_an_entry_of_contract");
            const bool refund = entry->Text(0) == "refund";
            const std::int64_t current = entry->Int(1) + (refund ? -entry->Int(3) : entry->Int(3));
            effect = refund ? current - amount : amount - current;
            if (effect == 0) return Error::Validation("amount", "is what the entry already has");
            if (paid + effect < 0) {
                return Error::ValidationCode("amount", "more_than_paid",
                                             {{"paid", FormatMoney(paid)}});
            }
            if (paid + effect > contract.amount) return Outstanding("amount", outstanding);
            draw = entry->Int(2) != 0 ? effect : 0;
        }
        db::Value instalment = nullptr;
        if (instalment_no) instalment = *instalment_no;
        db::Value corrects = nullptr;
        if (corrects_id) corrects = *corrects_id;
        db::Value note_value = nullptr;
        if (note) note_value = *note;
        std::string method = body.value("method", std::string("bank_transfer"));
        if (from_prepayment) method = "prepayment";
        GX_TRY_ASSIGN(
            std::int64_t id,
            conn.InsertReturningId(
                "INSERT INTO payments (customer_id, contract_id, instalment_no, kind, "
                "received_on, amount, effect, prepayment_draw, method, note, corrects_id, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {contract.customer_id, contract_id, instalment, kind,
                 body["received_on"].get<std::string>(), amount, effect, draw, method, note_value,
                 corrects, caller.user_id, now}));
        if (draw > 0) {
            GX_TRY_ASSIGN(std::int64_t balance,
                          customers::PrepaymentBalance(conn, contract.customer_id));
            if (balance < 0) {
                return Error::ValidationCode("from_prepayment", "more_than_prepayment",
                                             {{"short_by", FormatMoney(-balance)}});
            }
        }
        GX_TRY(Reallocate(conn, contract_id));
        GX_TRY_ASSIGN(std::string today, CompanyToday(conn, now));
        GX_TRY(MarkOverdueOf(conn, contract_id, today, now));
        GX_TRY(RefreshMark(conn, contract.customer_id, now));
        GX_TRY(audit::Record(conn, caller,
                             {"payment.create",
                              "customer",
                              contract.customer_id,
                              {{"payment_id", id},
                               {"contract_id", contract_id},
                               {"kind", kind},
                               {"amount", FormatMoney(amount)},
                               {"effect", FormatMoney(effect)}}}));
        GX_TRY_ASSIGN(auto created,
                      conn.QueryOne(std::string(kPaymentColumns) + "WHERE p.id = ?", {id}));
        return std::move(*created);
    }));
    return PaymentJson(row);
}

}  // namespace guanxi::contracts
