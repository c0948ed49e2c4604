#include "domains/contracts/payment_timeline.hpp"

#include "core/money.hpp"

namespace guanxi::contracts {

namespace {

using customers::timeline::Detail;
using nlohmann::json;

json Label(std::string_view zh_cn, std::string_view en) { return {{"zh-CN", zh_cn}, {"en", en}}; }

json FieldJson(std::string_view name, std::string_view type, json label) {
    return {{"name", name}, {"type", type}, {"label", std::move(label)}};
}

Result<std::vector<Detail>> PaymentDetails(db::Connection& conn, std::int64_t customer_id,
                                           const std::vector<std::int64_t>& ids) {
    std::vector<Detail> out;
    if (ids.empty()) return out;
    std::string sql =
        "SELECT p.id, p.created_by, p.kind, p.amount, p.effect, p.method, p.note, k.number, "
        "p.contract_id FROM payments p JOIN contracts k ON k.id = p.contract_id "
        "WHERE p.customer_id = ? AND p.id IN (";
    db::Params params = {customer_id};
    for (std::size_t i = 0; i < ids.size(); ++i) {
        sql += i == 0 ? "?" : ", ?";
        params.emplace_back(ids[i]);
    }
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql + ")", params));
    for (const db::Row& r : rows) {
        out.push_back({r.Int(0),
                       r.OptInt(1),
                       {{"kind", r.Text(2)},
                        {"amount", FormatMoney(r.Int(3))},
                        {"effect", FormatMoney(r.Int(4))},
                        {"method", r.IsNull(5) ? json() : json(r.Text(5))},
                        {"note", r.IsNull(6) ? json() : json(r.Text(6))},
                        {"contract_number", r.IsNull(7) ? json() : json(r.Text(7))},
                        {"contract_id", r.Int(8)}}});
    }
    return out;
}

}  // namespace

customers::timeline::Source PaymentTimelineSource() {
    customers::timeline::Source source;
    source.kind = "payment";
    source.permission = "contracts.view";
    source.label = Label("收款", "Payment");
    source.fields = json::array({FieldJson("kind", "enum", Label("类型", "Kind")),
                                 FieldJson("amount", "money", Label("金额", "Amount")),
                                 FieldJson("contract_number", "string", Label("合同", "Contract")),
                                 FieldJson("method", "enum", Label("方式", "Method")),
                                 FieldJson("note", "text", Label("备注", "Note"))});
    source.table = "payments";
    source.at_column = "received_on";
    source.at_is_date = true;
    source.soft_deleted = false;  // a ledger entry is never taken back, only answered by another
    source.details = PaymentDetails;
    return source;
}

}  // namespace guanxi::contracts
