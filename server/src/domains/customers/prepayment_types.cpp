#include "domains/customers/prepayment_types.hpp"

#include "core/money.hpp"

namespace guanxi::customers {

namespace {

using nlohmann::json;

constexpr std::string_view kBalance =
    "SELECT (SELECT COALESCE(SUM(amount), 0) FROM prepayments "
    "        WHERE customer_id = ? AND deleted_at IS NULL), "
    "       (SELECT COALESCE(SUM(prepayment_draw), 0) FROM deals "
    "        WHERE customer_id = ? AND deleted_at IS NULL) + "
    "       (SELECT COALESCE(SUM(prepayment_draw), 0) FROM payments WHERE customer_id = ?)";

// After a deal's draw: the balance must cover it (422 naming prepayment_draw). The kit runs a
// type's after_write with the customer's writes taking turns (record_type.hpp), so two draws at
// once are checked one after the other.
Status BalanceCoversDraws(db::Connection& conn, std::int64_t customer_id) {
    GX_TRY_ASSIGN(std::int64_t balance, PrepaymentBalance(conn, customer_id));
    if (balance >= 0) return {};
    return Error::ValidationCode("prepayment_draw", "more_than_prepayment",
                                 {{"short_by", FormatMoney(-balance)}});
}

// After a prepayment changes: what deals drew already must stay covered (409).
Status BalanceStillCoversDraws(db::Connection& conn, std::int64_t customer_id) {
    GX_TRY_ASSIGN(std::int64_t balance, PrepaymentBalance(conn, customer_id));
    if (balance >= 0) return {};
    return Error{ErrorCode::kConflict,
                 "Deals have drawn on this prepayment: the balance would be " +
                     FormatMoney(balance) + ". Change or delete those deals first.",
                 {{"balance", FormatMoney(balance)}},
                 {}};
}

Result<json> BalanceMember(db::Connection& conn, std::int64_t customer_id) {
    GX_TRY_ASSIGN(std::int64_t balance, PrepaymentBalance(conn, customer_id));
    return json{{"balance", FormatMoney(balance)}};
}

}  // namespace

Result<std::int64_t> PrepaymentBalance(db::Connection& conn, std::int64_t customer_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kBalance, {customer_id, customer_id, customer_id}));
    return row->Int(0) - row->Int(1);
}

kit::RecordType DealType() {
    kit::RecordType type;
    type.name = "deals";
    type.singular = "deal";
    type.table = "deals";
    type.label = {"成交记录", "Deal"};
    type.fields = {
        kit::RequiredDate("closed_on", {"成交日期", "Closed on"}),
        kit::RequiredMoney("amount", {"成交金额", "Amount"}),
        {{.name = "prepayment_draw", .type = FieldType::kMoney, .list = true, .nullable = false},
         {"预收款抵扣", "Paid from prepayment"}},
        {{.name = "owner_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .nullable = false},
         {"负责人", "Owner"}},
        {{.name = "description", .type = FieldType::kText, .max_length = 2000},
         {"说明", "Description"},
         true},
    };
    type.default_sort = {{"closed_on", true}};
    type.example = {{"closed_on", "2026-12-03"},
                    {"amount", "12800.00"},
                    {"prepayment_draw", "0.00"},
                    {"description", "年度服务合同"}};
    type.fill_defaults = [](const Principal& caller, json& body) {
        if (!body.contains("owner_id") || body["owner_id"].is_null()) {
            body["owner_id"] = caller.user_id;
        }
        if (!body.contains("prepayment_draw")) body["prepayment_draw"] = "0.00";
    };
    type.check_record = [](const json& record) -> Status {
        auto amount = record.find("amount");
        auto draw = record.find("prepayment_draw");
        if (amount == record.end() || draw == record.end() || !amount->is_string() ||
            !draw->is_string()) {
            return {};
        }
        if (*ParseMoney(draw->get<std::string>()) > *ParseMoney(amount->get<std::string>())) {
            return Error::Validation("prepayment_draw", "must not be more than the amount");
        }
        return {};
    };
    type.after_write = BalanceCoversDraws;
    // The deal's salesperson is who the timeline names, whoever typed it in.
    type.timeline = kit::TimelineSource{.at = "closed_on",
                                        .summary = {"amount", "prepayment_draw", "description"},
                                        .actor = "owner_id"};
    return type;
}

kit::RecordType PrepaymentType() {
    kit::RecordType type;
    type.name = "prepayments";
    type.singular = "prepayment";
    type.table = "prepayments";
    type.label = {"预收款", "Prepayment"};
    type.fields = {
        kit::RequiredDate("received_on", {"收款日期", "Received on"}),
        kit::RequiredMoney("amount", {"金额", "Amount"}),
        {{.name = "method",
          .type = FieldType::kEnum,
          .options = {"bank_transfer", "cash", "wechat", "alipay", "cheque", "other"},
          .list = true,
          .filter = true},
         {"收款方式", "Method"}},
        {{.name = "note", .type = FieldType::kText, .max_length = 1000}, {"备注", "Note"}, true},
    };
    type.default_sort = {{"received_on", true}};
    type.example = {
        {"received_on", "2026-11-20"}, {"amount", "50000.00"}, {"method", "bank_transfer"}};
    type.fill_defaults = [](const Principal&, json& body) {
        if (!body.contains("method")) body["method"] = "bank_transfer";
    };
    type.check_record = [](const json& record) -> Status {
        auto amount = record.find("amount");
        if (amount != record.end() && amount->is_string() &&
            ParseMoney(amount->get<std::string>()) == 0) {
            return Error::Validation("amount", "must be more than 0.00");
        }
        return {};
    };
    type.after_write = BalanceStillCoversDraws;
    type.list_extra = BalanceMember;
    type.timeline =
        kit::TimelineSource{.at = "received_on", .summary = {"amount", "method", "note"}};
    return type;
}

}  // namespace guanxi::customers
