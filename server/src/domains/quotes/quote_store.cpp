#include "domains/quotes/quote_store.hpp"

#include "core/money.hpp"
#include "db/sql_builder.hpp"
#include "domains/quotes/quote_type.hpp"

namespace guanxi::quotes::store {

namespace {

using nlohmann::json;

constexpr std::string_view kFacts =
    "SELECT id, customer_id, owner_id, status, version, revision, COALESCE(number, ''), "
    "superseded_by, needs_approval, COALESCE(created_by, 0) FROM quotes "
    "WHERE id = ? AND deleted_at IS NULL";

constexpr std::string_view kLines =
    "SELECT product_id, description, quantity_milli, unit_price, discount_bp, tax_rate_bp, net, "
    "tax FROM quote_lines WHERE quote_id = ? ORDER BY position";

// needs_approval: a line's discount passes the owner's limit.
constexpr std::string_view kMaxDiscount =
    "SELECT q.owner_id, (SELECT MAX(discount_bp) FROM quote_lines l WHERE l.quote_id = q.id) "
    "FROM quotes q WHERE q.id = ?";

// Default limits by the role's name (hundredths of a percent; -1: none).
std::int64_t DefaultLimit(std::string_view role) {
    if (role == "admin") return -1;
    if (role == "manager") return 2000;
    if (role == "sales") return 1000;
    return 0;
}

Status Exec(db::Connection& conn, std::string_view sql, const db::Params& params) {
    GX_TRY(conn.Execute(sql, params));
    return {};
}

Status Conflict(std::string message, std::string_view status) {
    return Error{ErrorCode::kConflict, std::move(message), {{"status", status}}, {}};
}

}  // namespace

Result<std::optional<QuoteFacts>> Facts(db::Connection& conn, std::int64_t quote_id, bool lock) {
    std::string sql(kFacts);
    if (lock && conn.backend() == db::Backend::kPostgres) sql += " FOR NO KEY UPDATE";
    GX_TRY_ASSIGN(auto row, conn.QueryOne(sql, {quote_id}));
    if (!row) return std::optional<QuoteFacts>();
    return std::optional<QuoteFacts>(QuoteFacts{.id = row->Int(0),
                                                .customer_id = row->Int(1),
                                                .owner_id = row->Int(2),
                                                .status = row->Text(3),
                                                .version = row->Int(4),
                                                .revision = row->Int(5),
                                                .number = row->Text(6),
                                                .superseded_by = row->OptInt(7),
                                                .needs_approval = row->Bool(8),
                                                .created_by = row->Int(9)});
}

Status SetNumber(db::Connection& conn, std::int64_t quote_id) {
    std::string number = std::to_string(quote_id);
    if (number.size() < 6) number.insert(0, 6 - number.size(), '0');
    return Exec(conn, "UPDATE quotes SET number = ? WHERE id = ? AND number IS NULL",
                {"Q" + number, quote_id});
}

Status RefuseIfClosed(const json& quote) {
    const std::string status = quote.value("status", "");
    if (!quote.value("superseded_by", json()).is_null()) {
        return Conflict("This is an earlier version of the quote: change its latest version.",
                        status);
    }
    if (status == kAccepted || status == kDeclined) {
        return Conflict("An accepted or declined quote is not changed: make a revision of it.",
                        status);
    }
    return {};
}

Status RefuseIfClosed(const QuoteFacts& quote) {
    json as_json = {{"status", quote.status}, {"superseded_by", nullptr}};
    if (quote.superseded_by) as_json["superseded_by"] = *quote.superseded_by;
    return RefuseIfClosed(as_json);
}

Status BackToDraft(db::Connection& conn, std::int64_t quote_id, std::string_view status) {
    if (status == kDraft) return {};
    return Exec(conn,
                "UPDATE quotes SET status = ?, decided_by = NULL, decision_note = NULL "
                "WHERE id = ?",
                {std::string(kDraft), quote_id});
}

Status RejudgeApproval(db::Connection& conn, std::int64_t quote_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kMaxDiscount, {quote_id}));
    if (!row) return {};
    GX_TRY_ASSIGN(auto limit, DiscountLimit(conn, row->Int(0)));
    const bool needs = limit && row->Int(1) > *limit;
    return Exec(conn, "UPDATE quotes SET needs_approval = ? WHERE id = ?",
                {std::int64_t{needs ? 1 : 0}, quote_id});
}

Result<std::optional<std::int64_t>> DiscountLimit(db::Connection& conn, std::int64_t user_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT r.name, l.role_id, l.max_discount_bp "
                                          "FROM users u JOIN roles r ON r.id = u.role_id "
                                          "LEFT JOIN quote_discount_limits l ON l.role_id = r.id "
                                          "WHERE u.id = ?",
                                          {user_id}));
    if (!row) return std::optional<std::int64_t>(0);
    if (!row->IsNull(1)) return row->OptInt(2);
    const std::int64_t limit = DefaultLimit(row->Text(0));
    return limit < 0 ? std::nullopt : std::optional<std::int64_t>(limit);
}

Result<json> DiscountLimits(db::Connection& conn) {
    GX_TRY_ASSIGN(
        db::Rows rows,
        conn.Query("SELECT r.id, r.name, l.role_id, l.max_discount_bp FROM roles r "
                   "LEFT JOIN quote_discount_limits l ON l.role_id = r.id ORDER BY r.id"));
    json items = json::array();
    for (const db::Row& row : rows) {
        const bool set = !row.IsNull(2);
        const std::int64_t limit =
            set ? (row.IsNull(3) ? -1 : row.Int(3)) : DefaultLimit(row.Text(1));
        items.push_back({{"role_id", row.Int(0)},
                         {"role_name", row.Text(1)},
                         {"max_discount", limit < 0 ? json() : json(FormatScaled(limit, 2))},
                         {"default", !set}});
    }
    return json{{"items", std::move(items)}};
}

Status SetDiscountLimit(db::Connection& conn, std::int64_t role_id,
                        std::optional<std::int64_t> max_discount_bp, std::int64_t now) {
    const db::Value limit =
        max_discount_bp ? db::Value(std::int64_t{*max_discount_bp}) : db::Value(nullptr);
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn.Execute("UPDATE quote_discount_limits SET max_discount_bp = ?, "
                               "updated_at = ? WHERE role_id = ?",
                               {limit, now, role_id}));
    if (changed > 0) return {};
    return Exec(conn,
                "INSERT INTO quote_discount_limits (role_id, max_discount_bp, updated_at) "
                "VALUES (?, ?, ?)",
                {role_id, limit, now});
}

Result<std::vector<std::int64_t>> ManagerChain(db::Connection& conn, std::int64_t user_id) {
    std::vector<std::int64_t> chain;
    std::int64_t at = user_id;
    // Walked a step at a time (a manager loop is refused when saved, but a bound costs nothing).
    for (int level = 0; level < 20; ++level) {
        GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT u.manager_id, m.active FROM users u "
                                              "LEFT JOIN users m ON m.id = u.manager_id "
                                              "WHERE u.id = ?",
                                              {at}));
        if (!row || row->IsNull(0)) break;
        at = row->Int(0);
        if (at == user_id) break;
        if (row->Bool(1)) chain.push_back(at);
    }
    return chain;
}

Result<std::vector<std::int64_t>> Administrators(db::Connection& conn) {
    GX_TRY_ASSIGN(db::Rows rows, conn.Query("SELECT u.id FROM users u JOIN roles r ON "
                                            "r.id = u.role_id WHERE r.name = 'admin' AND "
                                            "u.active = 1 ORDER BY u.id"));
    std::vector<std::int64_t> ids;
    for (const db::Row& row : rows) ids.push_back(row.Int(0));
    return ids;
}

Result<std::vector<Line>> Lines(db::Connection& conn, std::int64_t quote_id) {
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(kLines, {quote_id}));
    std::vector<Line> lines;
    lines.reserve(rows.size());
    for (const db::Row& r : rows) {
        const std::int64_t net = r.Int(6);
        const std::int64_t tax = r.Int(7);
        lines.push_back({r.Int(0),
                         r.Text(1),
                         {r.Int(2), r.Int(3), r.Int(4), r.Int(5)},
                         {net, tax, net + tax, false}});
    }
    return lines;
}

Status ReplaceLines(db::Connection& conn, std::int64_t quote_id, const std::vector<Line>& lines,
                    const Totals& totals, std::int64_t now) {
    GX_TRY(conn.Execute("DELETE FROM quote_lines WHERE quote_id = ?", {quote_id}));
    // Many rows a statement: a 200-line quote is a few statements, not 200 (the 20 ms budget).
    constexpr size_t kRowsPerStatement = 50;
    for (size_t start = 0; start < lines.size(); start += kRowsPerStatement) {
        const size_t end = std::min(lines.size(), start + kRowsPerStatement);
        std::string values;
        db::Params params;
        for (size_t i = start; i < end; ++i) {
            const Line& l = lines[i];
            values += (values.empty() ? "" : ", ") + std::string("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            params.insert(params.end(),
                          {quote_id, static_cast<std::int64_t>(i + 1), l.product_id, l.description,
                           l.input.quantity_milli, l.input.unit_price_cents, l.input.discount_bp,
                           l.input.tax_rate_bp, totals.lines[i].net, totals.lines[i].tax});
        }
        GX_TRY(
            conn.Execute("INSERT INTO quote_lines (quote_id, position, product_id, "
                         "description, quantity_milli, unit_price, discount_bp, tax_rate_bp, "
                         "net, tax) VALUES " +
                             values,
                         params));
    }
    GX_TRY(
        conn.Execute("UPDATE quotes SET line_count = ?, subtotal = ?, tax_total = ?, "
                     "total = ?, version = version + 1, updated_at = ? WHERE id = ?",
                     {static_cast<std::int64_t>(lines.size()), totals.subtotal, totals.tax,
                      totals.total, now, quote_id}));
    return RejudgeApproval(conn, quote_id);
}

Status CopyLines(db::Connection& conn, std::int64_t from, std::int64_t to) {
    GX_TRY(
        conn.Execute("INSERT INTO quote_lines (quote_id, position, product_id, description, "
                     "quantity_milli, unit_price, discount_bp, tax_rate_bp, net, tax) "
                     "SELECT ?, position, product_id, description, quantity_milli, "
                     "unit_price, discount_bp, tax_rate_bp, net, tax FROM quote_lines "
                     "WHERE quote_id = ?",
                     {to, from}));
    return {};
}

Status SetStatus(db::Connection& conn, std::int64_t quote_id, const StatusChange& change,
                 std::int64_t now) {
    const db::Value decided_by =
        change.decided_by ? db::Value(*change.decided_by) : db::Value(nullptr);
    const db::Value note =
        change.decision_note ? db::Value(*change.decision_note) : db::Value(nullptr);
    const db::Value accepted_at = change.accepted ? db::Value(now) : db::Value(nullptr);
    return Exec(conn,
                "UPDATE quotes SET status = ?, decided_by = COALESCE(?, decided_by), "
                "decision_note = COALESCE(?, decision_note), "
                "accepted_at = COALESCE(?, accepted_at), version = version + 1, "
                "updated_at = ? WHERE id = ?",
                {std::string(change.status), decided_by, note, accepted_at, now, quote_id});
}

Status SetSupersededBy(db::Connection& conn, std::int64_t quote_id, std::int64_t by,
                       std::int64_t now) {
    return Exec(conn,
                "UPDATE quotes SET superseded_by = ?, version = version + 1, updated_at = ? "
                "WHERE id = ?",
                {by, now, quote_id});
}

Result<std::vector<std::pair<std::int64_t, std::int64_t>>> PriceListPrices(
    db::Connection& conn, std::int64_t customer_id, const std::vector<std::int64_t>& product_ids,
    std::string_view date) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    if (product_ids.empty()) return out;
    GX_TRY_ASSIGN(auto customer,
                  conn.QueryOne("SELECT category, COALESCE(region, '') FROM customers "
                                "WHERE id = ?",
                                {customer_id}));
    if (!customer) return out;
    db::Params params = {customer->Text(0), customer->Text(1), std::string(date),
                         std::string(date), customer->Text(0), customer->Text(1)};
    params.insert(params.end(), product_ids.begin(), product_ids.end());
    // Ordered so that, per product, the first row is the one that applies.
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT l.product_id, l.price, "
                             "(CASE WHEN p.customer_category = ? THEN 2 ELSE 0 END) + "
                             "(CASE WHEN p.region = ? THEN 1 ELSE 0 END) AS fit "
                             "FROM price_list_lines l JOIN price_lists p ON p.id = l.price_list_id "
                             "WHERE p.deleted_at IS NULL AND p.active = 1 AND p.valid_from <= ? "
                             "AND (p.valid_to IS NULL OR p.valid_to >= ?) "
                             "AND (p.customer_category IS NULL OR p.customer_category = ?) "
                             "AND (p.region IS NULL OR p.region = '' OR p.region = ?) "
                             "AND l.product_id IN (" +
                                 db::Placeholders(product_ids.size()) +
                                 ") ORDER BY l.product_id, fit DESC, p.valid_from DESC, p.id DESC",
                             params));
    for (const db::Row& r : rows) {
        if (!out.empty() && out.back().first == r.Int(0)) continue;
        out.emplace_back(r.Int(0), r.Int(1));
    }
    return out;
}

Result<std::vector<PriceListLine>> PriceListLines(db::Connection& conn, std::int64_t list_id) {
    GX_TRY_ASSIGN(db::Rows rows, conn.Query("SELECT product_id, price FROM price_list_lines "
                                            "WHERE price_list_id = ? ORDER BY product_id",
                                            {list_id}));
    std::vector<PriceListLine> out;
    for (const db::Row& r : rows) out.push_back({r.Int(0), r.Int(1)});
    return out;
}

Status ReplacePriceListLines(db::Connection& conn, std::int64_t list_id,
                             const std::vector<PriceListLine>& lines, std::int64_t now) {
    // Two replacements of one list at once take turns on PostgreSQL (else both delete, then the
    // second's rows collide with the first's).
    if (conn.backend() == db::Backend::kPostgres) {
        GX_TRY(
            conn.Execute("SELECT id FROM price_lists WHERE id = ? FOR NO KEY UPDATE", {list_id}));
    }
    GX_TRY(conn.Execute("DELETE FROM price_list_lines WHERE price_list_id = ?", {list_id}));
    for (const PriceListLine& line : lines) {
        GX_TRY(
            conn.Execute("INSERT INTO price_list_lines (price_list_id, product_id, price) "
                         "VALUES (?, ?, ?)",
                         {list_id, line.product_id, line.price}));
    }
    return Exec(conn, "UPDATE price_lists SET version = version + 1, updated_at = ? WHERE id = ?",
                {now, list_id});
}

Result<std::optional<PricePoint>> LastQuoted(db::Connection& conn, std::int64_t customer_id,
                                             std::int64_t product_id, bool accepted_only,
                                             const std::string& except_number) {
    const std::string order = accepted_only ? "q.accepted_at DESC, q.id DESC" : "q.id DESC";
    // From the customer's quotes (quotes_customer), then each one's lines of the product
    // (quote_lines_product): a product quoted to many customers costs nothing more. SQLite,
    // without statistics, would start from the product's lines (every customer's: 1.5 ms at ~500
    // lines a product, 0.02 ms this way; docs/PERFORMANCE.md) — CROSS JOIN keeps the order, and
    // the unary + keeps it from the status index. PostgreSQL's planner orders them itself.
    const bool sqlite = conn.backend() == db::Backend::kSqlite;
    const std::string status =
        sqlite ? " AND +q.status = 'accepted'" : " AND q.status = 'accepted'";
    GX_TRY_ASSIGN(auto row,
                  conn.QueryOne("SELECT l.unit_price, l.discount_bp, q.id, q.number, " +
                                    std::string(accepted_only ? "q.accepted_at" : "q.created_at") +
                                    " FROM quotes q CROSS JOIN quote_lines l "
                                    "WHERE l.quote_id = q.id AND l.product_id = ? AND "
                                    "q.customer_id = ? AND q.deleted_at IS NULL AND "
                                    "COALESCE(q.number, '') <> ?" +
                                    (accepted_only ? status : "") + " ORDER BY " + order +
                                    ", l.position LIMIT 1",
                                {product_id, customer_id, except_number}));
    if (!row) return std::optional<PricePoint>();
    return std::optional<PricePoint>(
        PricePoint{row->Int(0), row->Int(1), row->Int(2), row->Text(3), row->Int(4)});
}

}  // namespace guanxi::quotes::store
