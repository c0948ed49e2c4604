#include "domains/contracts/contract_from_quote.hpp"

#include "core/money.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "domains/settings/company_settings.hpp"

namespace guanxi::contracts {

namespace {

using nlohmann::json;

constexpr std::string_view kQuote =
    "SELECT customer_id, number, revision, title, owner_id, total, opportunity_id FROM quotes "
    "WHERE id = ? AND deleted_at IS NULL";
constexpr std::string_view kContractOfQuote =
    "SELECT id, number FROM contracts WHERE quote_id = ? AND deleted_at IS NULL";

}  // namespace

Status ContractFromQuote(db::Connection& conn, const Principal& caller, kit::RecordService& records,
                         const kit::CompiledType& contracts, std::int64_t quote_id) {
    GX_TRY_ASSIGN(auto quote, conn.QueryOne(kQuote, {quote_id}));
    if (!quote) return Error::NotFound("Quote");
    GX_TRY_ASSIGN(auto made, conn.QueryOne(kContractOfQuote, {quote_id}));
    if (made) {
        return Error{ErrorCode::kConflict,
                     "This quote has a contract already: " + made->Text(1) + ".",
                     {{"contract_id", made->Int(0)}},
                     {}};
    }
    GX_TRY_ASSIGN(std::string zone, settings::CompanyTimeZone(conn));
    const tz::LocalTime today = tz::ToLocal(zone, NowSeconds());
    const std::string number = quote->OptText(1).value_or("#" + std::to_string(quote_id));
    const std::string title = quote->OptText(3).value_or("");
    json body = {
        {"title", title.empty() ? "报价 " + number : title},
        {"amount", FormatMoney(quote->Int(5))},
        {"signed_on", FormatDate(DaysFromCivil(today.year, today.month, today.day))},
        {"status", "draft"},
        {"owner_id", quote->Int(4)},
        {"quote_id", quote_id},
        {"notes", "由报价 " + number + " 第 " + std::to_string(quote->Int(2)) +
                      " 版生成 / From quote " + number + " v" + std::to_string(quote->Int(2))}};
    if (!quote->IsNull(6)) body["opportunity_id"] = quote->Int(6);
    GX_TRY(records.CreateIn(conn, caller, contracts, quote->Int(0), body));
    return {};
}

}  // namespace guanxi::contracts
