#pragma once
// All SQL of quotes besides the kit's own (the quote's fields): lines, status changes, discount
// limits, the owner's manager chain, price lists' lines and the prices quoted before.

#include "core/error.hpp"
#include "db/database.hpp"
#include "domains/quotes/quote_math.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::quotes::store {

// One line as stored (amounts in cents, quantity in thousandths, percentages in hundredths).
struct Line {
    std::int64_t product_id = 0;
    std::string description;
    LineInput input;
    LineAmounts amounts;
};

// The live quote's customer, owner, status, version, revision, number and superseded_by; nullopt
// when there is none (or it is in the recycle bin).
struct QuoteFacts {
    std::int64_t id = 0;
    std::int64_t customer_id = 0;
    std::int64_t owner_id = 0;
    std::string status;
    std::int64_t version = 0;
    std::int64_t revision = 0;
    std::string number;
    std::optional<std::int64_t> superseded_by;
    bool needs_approval = false;
    std::int64_t created_by = 0;
};
// `lock`: on PostgreSQL the row stays locked (FOR NO KEY UPDATE) until the transaction ends, so
// two writes of one quote (its lines replaced twice at once) take turns; SQLite's writer is one.
Result<std::optional<QuoteFacts>> Facts(db::Connection& conn, std::int64_t quote_id,
                                        bool lock = false);

Status SetNumber(db::Connection& conn, std::int64_t quote_id);
// 409 for a quote that is accepted, declined or an earlier version (as the API answers it).
Status RefuseIfClosed(const nlohmann::json& quote);
Status RefuseIfClosed(const QuoteFacts& quote);
// A quote whose approval (or its request, or its sending) was for what it said before a change
// goes back to draft.
Status BackToDraft(db::Connection& conn, std::int64_t quote_id, std::string_view status);
// needs_approval from the lines' largest discount and the owner's limit.
Status RejudgeApproval(db::Connection& conn, std::int64_t quote_id);

// The largest discount (hundredths of a percent) `user_id` may give without approval; nullopt:
// no limit. An administrator's role has none by default, a manager's 20 %, a salesperson's 10 %,
// any other role's 0 %, until an administrator sets it (quote_discount_limits).
Result<std::optional<std::int64_t>> DiscountLimit(db::Connection& conn, std::int64_t user_id);
// {"items": [{"role_id","role_name","max_discount" (a percentage string, null: no limit),
// "default" (true: no limit was set)}]} for every role.
Result<nlohmann::json> DiscountLimits(db::Connection& conn);
// Sets the limit of each role named (max_discount_bp nullopt: no limit).
Status SetDiscountLimit(db::Connection& conn, std::int64_t role_id,
                        std::optional<std::int64_t> max_discount_bp, std::int64_t now);

// The active users above `user_id` in the manager chain, nearest first (at most 20 levels).
Result<std::vector<std::int64_t>> ManagerChain(db::Connection& conn, std::int64_t user_id);
// Active users whose role is the administrator's (approvers of an owner without managers).
Result<std::vector<std::int64_t>> Administrators(db::Connection& conn);

Result<std::vector<Line>> Lines(db::Connection& conn, std::int64_t quote_id);
// Replaces the lines and writes the totals, line_count and needs_approval onto the quote (its
// version moves on).
Status ReplaceLines(db::Connection& conn, std::int64_t quote_id, const std::vector<Line>& lines,
                    const Totals& totals, std::int64_t now);
// Copies the lines of one quote onto another (a revision).
Status CopyLines(db::Connection& conn, std::int64_t from, std::int64_t to);

// Sets the status (and the decision's facts when given); the version moves on.
struct StatusChange {
    std::string_view status;
    std::optional<std::int64_t> decided_by;
    std::optional<std::string> decision_note;
    bool accepted = false;  // sets accepted_at
};
Status SetStatus(db::Connection& conn, std::int64_t quote_id, const StatusChange& change,
                 std::int64_t now);
Status SetSupersededBy(db::Connection& conn, std::int64_t quote_id, std::int64_t by,
                       std::int64_t now);

// The price lists' price of each product for a customer (category, region) on `date`: the
// active, live list valid that day that is for the customer's category or region (or for
// anyone), the most specific first (category and region, then one of them, then neither), then
// the latest valid_from. product id → cents.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PriceListPrices(
    db::Connection& conn, std::int64_t customer_id, const std::vector<std::int64_t>& product_ids,
    std::string_view date);

struct PriceListLine {
    std::int64_t product_id = 0;
    std::int64_t price = 0;
};
Result<std::vector<PriceListLine>> PriceListLines(db::Connection& conn, std::int64_t list_id);
Status ReplacePriceListLines(db::Connection& conn, std::int64_t list_id,
                             const std::vector<PriceListLine>& lines, std::int64_t now);

// The last price quoted to the customer (any live quote) and the last paid (the customer's last
// accepted quote) for each product: product id → {unit_price, discount, quote_id, number, at}.
struct PricePoint {
    std::int64_t unit_price = 0;
    std::int64_t discount_bp = 0;
    std::int64_t quote_id = 0;
    std::string number;
    std::int64_t at = 0;
};
// `except_number`: a quote number whose versions are left out (the quote being edited).
Result<std::optional<PricePoint>> LastQuoted(db::Connection& conn, std::int64_t customer_id,
                                             std::int64_t product_id, bool accepted_only,
                                             const std::string& except_number);

}  // namespace guanxi::quotes::store
