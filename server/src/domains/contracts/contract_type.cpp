#include "domains/contracts/contract_type.hpp"

#include "core/money.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/pipeline/opportunity_types.hpp"

#include <cstdio>

namespace guanxi::contracts {

namespace {

using nlohmann::json;

// What the payments cover of the contract (refunds and corrections counted), and what of its
// instalments is overdue and unpaid: derived, read with the row.
constexpr const char* kPaidSql =
    "SELECT COALESCE(SUM(p.effect), 0) FROM payments p WHERE p.contract_id = t.id";
constexpr const char* kOverdueSql =
    "SELECT COALESCE(SUM(i.amount - i.paid), 0) FROM contract_instalments i "
    "WHERE i.contract_id = t.id AND i.overdue_at IS NOT NULL AND i.paid < i.amount";

kit::Field Derived(std::string name, kit::Labels label, std::string sql) {
    return {{.name = std::move(name), .type = FieldType::kMoney, .list = true, .readonly = true},
            std::move(label),
            false,
            std::move(sql)};
}

std::optional<std::int64_t> Money(const json& record, std::string_view key) {
    auto it = record.find(key);
    if (it == record.end() || !it->is_string()) return std::nullopt;
    return ParseMoney(it->get<std::string>());
}

}  // namespace

std::string GeneratedNumber(std::string_view signed_on, std::int64_t id) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(id));
    return "HT-" + std::string(signed_on.substr(0, 4)) + "-" + digits;
}

kit::RecordType ContractType() {
    kit::RecordType type;
    type.name = "contracts";
    type.singular = "contract";
    type.table = "contracts";
    type.label = {"合同", "Contract"};
    type.listed_across = true;  // GET /api/v1/contracts: every contract the caller may read
    type.fields = {
        kit::RequiredName("title", {"合同名称", "Title"}, 200),
        // Never null: left out, it is generated (after_record_write).
        {{.name = "number",
          .max_length = 40,
          .list = true,
          .filter = true,
          .sort = true,
          .nullable = false},
         {"合同编号", "Number"},
         true},
        kit::RequiredMoney("amount", {"合同金额", "Amount"}),
        kit::RequiredDate("signed_on", {"签订日期", "Signed on"}),
        {{.name = "start_on", .type = FieldType::kDate, .list = false}, {"开始日期", "Starts on"}},
        {{.name = "end_on", .type = FieldType::kDate, .list = false}, {"结束日期", "Ends on"}},
        {{.name = "status",
          .type = FieldType::kEnum,
          .options = {"draft", "active", "completed", "terminated"},
          .list = true,
          .filter = true,
          .sort = true},
         {"状态", "Status"}},
        {{.name = "owner_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .nullable = false},
         {"负责人", "Owner"}},
        {{.name = "notes", .type = FieldType::kText, .max_length = 2000}, {"备注", "Notes"}, true},
        pipeline::OpportunityRef(),
        {{.name = "quote_id", .type = FieldType::kInteger, .filter = true},
         {"报价单", "Quote"},
         false,
         {},
         {},
         "quotes"},
        Derived("paid", {"已收金额", "Paid"}, kPaidSql),
        Derived("outstanding", {"未收金额", "Outstanding"},
                std::string("t.amount - (") + kPaidSql + ")"),
        Derived("overdue", {"逾期未收", "Overdue"}, kOverdueSql),
    };
    type.default_sort = {{"signed_on", true}};
    type.example = {{"title", "年度服务合同"},
                    {"amount", "120000.00"},
                    {"signed_on", "2026-12-01"},
                    {"status", "active"}};
    type.fill_defaults = [](const Principal& caller, json& body) {
        if (!body.contains("owner_id") || body["owner_id"].is_null()) {
            body["owner_id"] = caller.user_id;
        }
        if (!body.contains("status")) body["status"] = "draft";
    };
    type.check_record = [](const json& record) -> Status {
        if (auto amount = Money(record, "amount")) {
            if (*amount == 0) return Error::Validation("amount", "must be more than 0.00");
        }
        const json start = record.value("start_on", json());
        const json end = record.value("end_on", json());
        if (start.is_string() && end.is_string() && end.get<std::string>() < start) {
            return Error::Validation("end_on", "must not be before start_on");
        }
        return {};
    };
    // The number is unique; a changed amount must keep the plan adding up and cover what was paid.
    type.check_stored = [](db::Connection& conn, std::int64_t id, const json& record) -> Status {
        const json number = record.value("number", json());
        if (number.is_string()) {
            GX_TRY_ASSIGN(auto taken,
                          conn.QueryOne("SELECT id FROM contracts WHERE number = ? AND id <> ?",
                                        {number.get<std::string>(), id}));
            if (taken) return Error::ValidationCode("number", "number_taken");
        }
        // A quote becomes one contract (contract_from_quote.hpp).
        const json quote = record.value("quote_id", json());
        if (quote.is_number_integer()) {
            GX_TRY_ASSIGN(auto made, conn.QueryOne("SELECT id FROM contracts WHERE quote_id = ? "
                                                   "AND deleted_at IS NULL AND id <> ?",
                                                   {quote.get<std::int64_t>(), id}));
            if (made) return Error::ValidationCode("quote_id", "quote_has_contract");
        }
        if (id == 0) return {};
        if (auto amount = Money(record, "amount")) GX_TRY(CheckAmountKeepsPlan(conn, id, *amount));
        return {};
    };
    // Left out on a create: a generated number. Every write re-judges the customer's 催款 mark (a
    // deleted contract's overdue instalments no longer count; a restored one's count again).
    type.after_record_write = [](db::Connection& conn, std::int64_t customer_id, std::int64_t id,
                                 const json& record) -> Status {
        if (record.value("number", json()).is_null()) {
            GX_TRY(AssignNumber(conn, id, record.value("signed_on", std::string())));
        }
        return RefreshMark(conn, customer_id, NowSeconds());
    };
    type.before_delete = [](db::Connection& conn, std::int64_t id) -> Status {
        GX_TRY_ASSIGN(auto row,
                      conn.QueryOne("SELECT COUNT(*) FROM payments WHERE contract_id = ?", {id}));
        if (row && row->Int(0) > 0) {
            return Error{ErrorCode::kConflict,
                         "Payments are recorded against this contract; it can't be deleted. Set "
                         "its status to terminated instead.",
                         {{"payments", row->Int(0)}},
                         {}};
        }
        return {};
    };
    type.list_extra = CustomerTotals;
    type.timeline = kit::TimelineSource{
        .at = "signed_on", .summary = {"number", "title", "amount", "status"}, .actor = "owner_id"};
    type.Show("quote_id", "quotes.number");
    using kit::Member;
    const kit::Shape plan{
        {Member("contract_id", FieldType::kInteger), Member("customer_id", FieldType::kInteger),
         Member("amount", FieldType::kMoney, "The contract's amount"),
         Member("total", FieldType::kMoney, "The instalments' sum")},
        {{"items",
          {Member("instalment_no", FieldType::kInteger, "1.. in the plan's order"),
           Member("amount", FieldType::kMoney), Member("due_on", FieldType::kDate),
           Member("note", FieldType::kString),
           Member("paid", FieldType::kMoney,
                  "What the payments cover of it: one naming it first, the rest oldest due first"),
           Member("outstanding", FieldType::kMoney),
           Member("overdue", FieldType::kBoolean,
                  "Due before today (the company's zone) and not fully paid"),
           Member("overdue_since", FieldType::kDatetime,
                  "When the overdue job or a write first found it overdue (the payment-due "
                  "reminder's time)")}}}};
    kit::Field note = Member("note", FieldType::kString);
    note.def.max_length = 500;
    type.item_routes = {
        {.method = "GET",
         .name = "instalments",
         .summary = "A contract's payment plan",
         .description = "Each instalment with what the payments cover of it.",
         .answer = kit::ItemAnswer::kObject,
         .answers = plan},
        {.method = "PUT",
         .name = "instalments",
         .summary = "Replace a contract's payment plan",
         .description =
             "The whole plan at once; its amounts must add up to the contract's amount exactly "
             "(integer cents), else 422 naming instalments with total, amount and difference, and "
             "nothing changes. Re-spreads the payments over the new plan and re-judges the "
             "customer's payment_due mark.",
         .permission = "edit",
         .body = kit::Shape{{},
                            {{"instalments",
                              {Member("amount", FieldType::kMoney, {}, true),
                               Member("due_on", FieldType::kDate, {}, true), note},
                              120,
                              "The whole plan, in order; empty clears it"}}},
         .answer = kit::ItemAnswer::kObject,
         .answers = plan},
    };
    return type;
}

}  // namespace guanxi::contracts
