#include "domains/quotes/quote_service.hpp"

#include "core/money.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/sql_builder.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/pool_rules.hpp"
#include "domains/notifications/notification_store.hpp"
#include "domains/quotes/quote_math.hpp"
#include "domains/quotes/quote_store.hpp"
#include "domains/quotes/quote_type.hpp"
#include "domains/settings/company_settings.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace guanxi::quotes {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxPriceListLines = 2000;
constexpr std::size_t kMaxPricedProducts = 200;

Error NotFound() { return Error::NotFound("Quote"); }

Error Invalid() {
    return Error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
}

bool HasFields(const Error& error) {
    return error.details.contains("fields") && !error.details["fields"].empty();
}

std::string MaxAmountText() { return FormatMoney(kMaxQuoteCents); }

// A percentage: a string with at most two decimals ("12.5") or a JSON integer, 0 to 100.
std::optional<std::int64_t> ParsePercent(const json& value) {
    std::optional<std::int64_t> bp;
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
        value.get<std::int64_t>() <= 100) {
        bp = value.get<std::int64_t>() * 100;
    } else if (value.is_string()) {
        bp = ParseScaled(value.get<std::string>(), 2);
    }
    if (!bp || *bp > kHundredPercent) return std::nullopt;
    return bp;
}

// A quantity: a string with at most three decimals ("2.5") or a JSON integer, more than 0.
std::optional<std::int64_t> ParseQuantity(const json& value) {
    std::optional<std::int64_t> milli;
    if (value.is_number_integer() && value.get<std::int64_t>() > 0 &&
        value.get<std::int64_t>() <= kMaxQuantityMilli / 1000) {
        milli = value.get<std::int64_t>() * 1000;
    } else if (value.is_string()) {
        milli = ParseScaled(value.get<std::string>(), 3);
    }
    if (!milli || *milli <= 0 || *milli > kMaxQuantityMilli) return std::nullopt;
    return milli;
}

std::optional<std::int64_t> PositiveId(const json& value) {
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) return std::nullopt;
    return value.get<std::int64_t>();
}

// A product as lines show it.
struct ProductFacts {
    std::int64_t id = 0;
    std::string name;
    std::string code;
    std::string unit;
    std::int64_t list_price = 0;
    bool active = false;
};

// A line as sent: what is missing is filled from the product (PutLines).
struct SentLine {
    std::int64_t product_id = 0;
    std::optional<std::string> description;
    std::int64_t quantity_milli = 0;
    std::optional<std::int64_t> unit_price;
    std::int64_t discount_bp = 0;
    std::int64_t tax_rate_bp = kDefaultTaxRateBp;
};

const std::set<std::string, std::less<>> kLineKeys = {"product_id", "description", "quantity",
                                                      "unit_price", "discount",    "tax_rate"};

// Parses the lines of a PUT, adding a complaint per field to `error` ("lines[i].<field>").
std::vector<SentLine> ParseLines(const json& lines, Error& error) {
    std::vector<SentLine> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string at = "lines[" + std::to_string(i) + "]";
        const json& line = lines[i];
        if (!line.is_object()) {
            error.FieldCode(at, "not_an_object");
            continue;
        }
        SentLine sent;
        for (const auto& [key, value] : line.items()) {
            if (!kLineKeys.contains(key)) error.FieldCode(at + "." + key, "unknown_field");
        }
        if (auto id = PositiveId(line.value("product_id", json()))) {
            sent.product_id = *id;
        } else {
            error.FieldCode(at + ".product_id",
                            line.contains("product_id") ? "not_a_positive_id" : "required");
        }
        if (auto it = line.find("description"); it != line.end() && !it->is_null()) {
            if (!it->is_string()) {
                error.FieldCode(at + ".description", "not_a_string");
            } else if (text::CodePointCount(it->get<std::string>()) > 500) {
                error.FieldCode(at + ".description", "too_long", {{"max", 500}});
            } else if (text::HasControlCharacters(it->get<std::string>(), false)) {
                error.FieldCode(at + ".description", "control_characters");
            } else {
                sent.description = it->get<std::string>();
            }
        }
        if (auto qty = ParseQuantity(line.value("quantity", json()))) {
            sent.quantity_milli = *qty;
        } else {
            error.FieldCode(at + ".quantity",
                            line.contains("quantity") ? "not_a_quantity" : "required");
        }
        if (auto it = line.find("unit_price"); it != line.end() && !it->is_null()) {
            const auto cents = it->is_string() ? ParseMoney(it->get<std::string>()) : std::nullopt;
            if (!cents) {
                error.FieldCode(at + ".unit_price", "not_money");
            } else if (*cents > kMaxQuoteCents) {
                error.FieldCode(at + ".unit_price", "money_too_large", {{"max", MaxAmountText()}});
            } else {
                sent.unit_price = *cents;
            }
        }
        for (auto [key, target] :
             {std::pair{"discount", &sent.discount_bp}, std::pair{"tax_rate", &sent.tax_rate_bp}}) {
            auto it = line.find(key);
            if (it == line.end() || it->is_null()) continue;
            if (auto bp = ParsePercent(*it)) {
                *target = *bp;
            } else {
                error.FieldCode(at + "." + key, "not_a_percent");
            }
        }
        out.push_back(std::move(sent));
    }
    return out;
}

json LineJson(std::size_t position, const store::Line& line, const ProductFacts* product) {
    return {{"position", position},
            {"product_id", line.product_id},
            {"product_code", product ? json(product->code) : json()},
            {"product_name", product ? json(product->name) : json()},
            {"unit", product ? json(product->unit) : json()},
            {"description", line.description},
            {"quantity", FormatScaled(line.input.quantity_milli, 3)},
            {"unit_price", FormatMoney(line.input.unit_price_cents)},
            {"discount", FormatScaled(line.input.discount_bp, 2)},
            {"tax_rate", FormatScaled(line.input.tax_rate_bp, 2)},
            {"net", FormatMoney(line.amounts.net)},
            {"tax", FormatMoney(line.amounts.tax)},
            {"total", FormatMoney(line.amounts.total)}};
}

// The products of the lines, by id (deleted ones too: an old quote still names them).
Result<std::map<std::int64_t, ProductFacts>> ProductsById(db::Connection& conn,
                                                          const std::vector<std::int64_t>& ids,
                                                          bool live_only) {
    std::map<std::int64_t, ProductFacts> out;
    if (ids.empty()) return out;
    db::Params params(ids.begin(), ids.end());
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT id, name, code, COALESCE(unit, ''), list_price, active "
                             "FROM products WHERE id IN (" +
                                 db::Placeholders(params.size()) + ")" +
                                 (live_only ? " AND deleted_at IS NULL" : ""),
                             params));
    for (const db::Row& r : rows)
        out[r.Int(0)] = {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Bool(5)};
    return out;
}

// Today in the company's time zone (price lists' validity).
Result<std::string> Today(db::Connection& conn) {
    GX_TRY_ASSIGN(std::string zone, settings::CompanyTimeZone(conn));
    return customers::LocalDateOf(zone, NowSeconds());
}

Status AuditQuote(db::Connection& conn, const Principal& caller, const store::QuoteFacts& quote,
                  json changes) {
    return audit::Record(conn, caller,
                         {"quote.update",
                          "customer",
                          quote.customer_id,
                          {{"quote_id", quote.id}, {"changes", std::move(changes)}}});
}

json StatusChangeJson(std::string_view before, std::string_view after) {
    return {{"status", {{"before", before}, {"after", after}}}};
}

// The live quote `id` for a write by `caller`: its customer visible (404 otherwise) and claimed
// (403 claim_first for a public-pool one, as the kit's writes).
Result<store::QuoteFacts> Writable(db::Connection& conn, const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(auto facts, store::Facts(conn, id, /*lock=*/true));
    if (!facts) return NotFound();
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(conn, caller));
    GX_TRY_ASSIGN(auto customer, conn.QueryOne("SELECT owner_id FROM customers WHERE id = ? AND "
                                               "deleted_at IS NULL",
                                               {facts->customer_id}));
    if (!customer || !gate.SeesCustomer(customer->OptInt(0))) return NotFound();
    if (customer->IsNull(0) && !caller.Can("pool.manage")) {
        return Error{ErrorCode::kClaimFirst,
                     "This customer is in the public pool: claim it before changing it.",
                     {{"permission", "pool.manage"}},
                     {}};
    }
    return std::move(*facts);
}

Error StaleQuote(std::int64_t current) {
    return Error{ErrorCode::kStaleVersion,
                 "Someone else changed this quote; reload it and try again.",
                 {{"current_version", current}},
                 {}};
}

Error WrongStatus(std::string_view action, std::string_view status) {
    return Error{
        ErrorCode::kConflict,
        "A quote that is " + std::string(status) + " cannot be " + std::string(action) + ".",
        {{"status", status}},
        {}};
}

// A notification to each of `users` in their language.
Status NotifyUsers(db::Connection& conn, const std::vector<std::int64_t>& users,
                   const std::string& key, const store::QuoteFacts& quote, const std::string& zh,
                   const std::string& en, const std::string& body_zh, const std::string& body_en) {
    const UnixSeconds now = NowSeconds();
    for (std::int64_t user : users) {
        GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT language FROM users WHERE id = ?", {user}));
        const bool english = row && row->Text(0) == "en";
        GX_TRY(notifications::Notify(conn,
                                     {.user_id = user,
                                      .unique_key = key + ":" + std::to_string(user),
                                      .kind = "quote_approval",
                                      .title = english ? en : zh,
                                      .body = english ? body_en : body_zh,
                                      .link = "/quotes/" + std::to_string(quote.id),
                                      .entity = "quote",
                                      .entity_id = quote.id,
                                      .due_at = now},
                                     now));
    }
    return {};
}

}  // namespace

struct QuoteService::Transition {
    std::string_view action;  // for messages: "sent", "accepted", "declined"
    std::string_view to;
    bool from_approved = true;
    bool from_sent = false;
    bool from_draft_without_approval = false;
    bool accepted = false;
};

QuoteService::QuoteService(db::Database& db, db::GroupCommit& writes, kit::RecordService& records,
                           const kit::Registry& registry)
    : db_(db),
      writes_(writes),
      records_(records),
      quotes_(*registry.Find("quotes")),
      price_lists_(*registry.Find("price_lists")) {}

Result<json> QuoteService::Get(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(json quote, records_.GetById(caller, quotes_, id));
    return WithLines(std::move(quote));
}

Result<json> QuoteService::WithLines(json quote) {
    const std::int64_t id = quote["id"].get<std::int64_t>();
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::vector<store::Line> lines, store::Lines(*conn, id));
    std::vector<std::int64_t> ids;
    for (const store::Line& line : lines) ids.push_back(line.product_id);
    GX_TRY_ASSIGN(auto products, ProductsById(*conn, ids, false));
    json items = json::array();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto it = products.find(lines[i].product_id);
        items.push_back(LineJson(i + 1, lines[i], it == products.end() ? nullptr : &it->second));
    }
    quote["lines"] = std::move(items);
    GX_TRY_ASSIGN(auto limit, store::DiscountLimit(*conn, quote.value("owner_id", 0)));
    quote["discount_limit"] = limit ? json(FormatScaled(*limit, 2)) : json();
    return quote;
}

Result<json> QuoteService::PutLines(const Principal& caller, std::int64_t id, const json& body) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("edit")));
    Error invalid = Invalid();
    if (!body.is_object()) return Error::ValidationCode("lines", "required");
    for (const auto& [key, value] : body.items()) {
        if (key != "lines" && key != "version") invalid.FieldCode(key, "unknown_field");
    }
    if (body.contains("version") && !body["version"].is_number_integer())
        invalid.FieldCode("version", "not_an_integer");
    const json lines = body.value("lines", json());
    if (!lines.is_array()) {
        invalid.FieldCode("lines", lines.is_null() ? "required" : "not_a_list");
        return invalid;
    }
    if (lines.size() > kMaxLines) {
        invalid.FieldCode("lines", "too_many_items", {{"max", kMaxLines}});
        return invalid;
    }
    std::vector<SentLine> sent = ParseLines(lines, invalid);
    if (HasFields(invalid)) return invalid;
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(store::QuoteFacts quote, Writable(conn, caller, id));
        GX_TRY(store::RefuseIfClosed(quote));
        if (body.contains("version") && body["version"].get<std::int64_t>() != quote.version)
            return StaleQuote(quote.version);
        std::vector<std::int64_t> ids;
        std::vector<std::int64_t> unpriced;
        for (const SentLine& line : sent) {
            ids.push_back(line.product_id);
            if (!line.unit_price) unpriced.push_back(line.product_id);
        }
        GX_TRY_ASSIGN(auto products, ProductsById(conn, ids, true));
        std::map<std::int64_t, std::int64_t> listed;
        if (!unpriced.empty()) {
            GX_TRY_ASSIGN(std::string today, Today(conn));
            GX_TRY_ASSIGN(auto prices,
                          store::PriceListPrices(conn, quote.customer_id, unpriced, today));
            listed.insert(prices.begin(), prices.end());
        }
        Error wrong = Invalid();
        std::vector<store::Line> stored;
        std::vector<LineInput> inputs;
        for (std::size_t i = 0; i < sent.size(); ++i) {
            const SentLine& line = sent[i];
            auto product = products.find(line.product_id);
            if (product == products.end()) {
                wrong.FieldCode("lines[" + std::to_string(i) + "].product_id", "not_a_product");
                continue;
            }
            std::int64_t price = product->second.list_price;
            if (line.unit_price) {
                price = *line.unit_price;
            } else if (auto it = listed.find(line.product_id); it != listed.end()) {
                price = it->second;
            }
            const LineInput input{line.quantity_milli, price, line.discount_bp, line.tax_rate_bp};
            inputs.push_back(input);
            stored.push_back(
                {line.product_id, line.description.value_or(product->second.name), input, {}});
        }
        if (HasFields(wrong)) return wrong;
        const Totals totals = ComputeTotals(inputs);
        if (totals.line_too_large >= 0) {
            return Error::ValidationCode("lines[" + std::to_string(totals.line_too_large) + "]",
                                         "money_too_large", {{"max", MaxAmountText()}});
        }
        if (totals.total_too_large)
            return Error::ValidationCode("total", "money_too_large", {{"max", MaxAmountText()}});
        GX_TRY_ASSIGN(auto before,
                      conn.QueryOne("SELECT line_count, total FROM quotes WHERE id = ?", {id}));
        GX_TRY(store::ReplaceLines(conn, id, stored, totals, NowSeconds()));
        GX_TRY(store::BackToDraft(conn, id, quote.status));
        json changes = {
            {"lines", {{"before", before->Int(0)}, {"after", stored.size()}}},
            {"total",
             {{"before", FormatMoney(before->Int(1))}, {"after", FormatMoney(totals.total)}}}};
        if (quote.status != kDraft) changes.update(StatusChangeJson(quote.status, kDraft));
        return AuditQuote(conn, caller, quote, std::move(changes));
    }));
    return Get(caller, id);
}

Result<json> QuoteService::Submit(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("edit")));
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(store::QuoteFacts quote, Writable(conn, caller, id));
        GX_TRY(store::RefuseIfClosed(quote));
        if (quote.status != kDraft && quote.status != kRejected)
            return WrongStatus("submitted", quote.status);
        GX_TRY_ASSIGN(auto count,
                      conn.QueryOne("SELECT COUNT(*) FROM quote_lines WHERE quote_id = ?", {id}));
        if (count->Int(0) == 0) return Error::ValidationCode("lines", "no_lines");
        GX_TRY(store::RejudgeApproval(conn, id));
        GX_TRY_ASSIGN(auto after, store::Facts(conn, id));
        const std::string_view to = after->needs_approval ? kPendingApproval : kApproved;
        GX_TRY(store::SetStatus(conn, id, {.status = to}, NowSeconds()));
        if (after->needs_approval) {
            GX_TRY_ASSIGN(std::vector<std::int64_t> approvers,
                          store::ManagerChain(conn, quote.owner_id));
            if (approvers.empty()) {
                GX_TRY_ASSIGN(approvers, store::Administrators(conn));
            }
            std::erase_if(approvers, [&](std::int64_t user) {
                return user == quote.owner_id || user == caller.user_id;
            });
            GX_TRY_ASSIGN(auto facts, conn.QueryOne("SELECT c.name, q.total FROM quotes q JOIN "
                                                    "customers c ON c.id = q.customer_id "
                                                    "WHERE q.id = ?",
                                                    {id}));
            const std::string total = FormatMoney(facts->Int(1));
            GX_TRY(NotifyUsers(
                conn, approvers,
                "quote_approval:" + std::to_string(id) + ":" + std::to_string(after->version + 1),
                quote, "报价 " + quote.number + " 待您审批",
                "Quote " + quote.number + " awaits your approval",
                facts->Text(0) + "，含税总额 " + total + " 元，折扣超出权限",
                facts->Text(0) + ", total CNY " + total + ", a discount past the owner's limit"));
        }
        return AuditQuote(conn, caller, quote, StatusChangeJson(quote.status, to));
    }));
    return Get(caller, id);
}

Result<json> QuoteService::Decide(const Principal& caller, std::int64_t id, bool approve,
                                  const json& body) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("view")));
    std::optional<std::string> note;
    if (!body.is_null()) {
        if (!body.is_object()) return Error::ValidationCode("note", "not_an_object");
        for (const auto& [key, value] : body.items()) {
            if (key != "note") return Error::ValidationCode(key, "unknown_field");
        }
        if (auto it = body.find("note"); it != body.end() && !it->is_null()) {
            if (!it->is_string()) return Error::ValidationCode("note", "not_a_string");
            if (text::CodePointCount(it->get<std::string>()) > 500)
                return Error::ValidationCode("note", "too_long", {{"max", 500}});
            if (text::HasControlCharacters(it->get<std::string>(), false))
                return Error::ValidationCode("note", "control_characters");
            note = it->get<std::string>();
        }
    }
    GX_TRY(Get(caller, id));  // seen with its customer, or 404
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto quote, store::Facts(conn, id, /*lock=*/true));
        if (!quote) return NotFound();
        if (quote->owner_id == caller.user_id || quote->created_by == caller.user_id) {
            return Error{ErrorCode::kOwnQuoteApproval,
                         "You cannot approve or reject a quote you own or made; its owner's "
                         "manager does.",
                         {},
                         {}};
        }
        if (quote->status != kPendingApproval)
            return WrongStatus(approve ? "approved" : "rejected", quote->status);
        GX_TRY_ASSIGN(std::vector<std::int64_t> chain, store::ManagerChain(conn, quote->owner_id));
        const bool in_chain = std::ranges::find(chain, caller.user_id) != chain.end();
        if (!in_chain && !caller.Can("users.manage")) {
            return Error::Forbidden(
                "Only a manager above the quote's owner (or an administrator) decides it.");
        }
        const std::string_view to = approve ? kApproved : kRejected;
        GX_TRY(store::SetStatus(conn, id,
                                {.status = to, .decided_by = caller.user_id, .decision_note = note},
                                NowSeconds()));
        GX_TRY(NotifyUsers(
            conn, {quote->owner_id},
            "quote_decided:" + std::to_string(id) + ":" + std::to_string(quote->version + 1),
            *quote, "报价 " + quote->number + (approve ? " 已批准" : " 被驳回"),
            "Quote " + quote->number + (approve ? " was approved" : " was rejected"),
            note.value_or(""), note.value_or("")));
        return AuditQuote(conn, caller, *quote, StatusChangeJson(quote->status, to));
    }));
    return Get(caller, id);
}

Result<json> QuoteService::Move(const Principal& caller, std::int64_t id,
                                const Transition& transition, const json&) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("edit")));
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(store::QuoteFacts quote, Writable(conn, caller, id));
        GX_TRY(store::RefuseIfClosed(quote));
        bool allowed = (transition.from_approved && quote.status == kApproved) ||
                       (transition.from_sent && quote.status == kSent);
        if (!allowed && transition.from_draft_without_approval && quote.status == kDraft) {
            GX_TRY(store::RejudgeApproval(conn, id));
            GX_TRY_ASSIGN(auto now_facts, store::Facts(conn, id));
            GX_TRY_ASSIGN(
                auto count,
                conn.QueryOne("SELECT COUNT(*) FROM quote_lines WHERE quote_id = ?", {id}));
            if (count->Int(0) == 0) return Error::ValidationCode("lines", "no_lines");
            allowed = !now_facts->needs_approval;
        }
        if (!allowed) return WrongStatus(transition.action, quote.status);
        GX_TRY(store::SetStatus(
            conn, id, {.status = transition.to, .accepted = transition.accepted}, NowSeconds()));
        GX_TRY(AuditQuote(conn, caller, quote, StatusChangeJson(quote.status, transition.to)));
        if (transition.accepted && on_accepted_) GX_TRY(on_accepted_(conn, caller, id));
        return {};
    }));
    return Get(caller, id);
}

Result<json> QuoteService::Send(const Principal& caller, std::int64_t id) {
    return Move(caller, id, {.action = "sent", .to = kSent, .from_draft_without_approval = true},
                nullptr);
}

Result<json> QuoteService::Accept(const Principal& caller, std::int64_t id) {
    return Move(caller, id,
                {.action = "accepted",
                 .to = kAccepted,
                 .from_sent = true,
                 .from_draft_without_approval = true,
                 .accepted = true},
                nullptr);
}

Result<json> QuoteService::Decline(const Principal& caller, std::int64_t id) {
    return Move(caller, id, {.action = "declined", .to = kDeclined, .from_sent = true}, nullptr);
}

Result<json> QuoteService::Revise(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("edit")));
    GX_TRY(Get(caller, id));  // seen with its customer, or 404
    GX_TRY_ASSIGN(
        std::int64_t revised, writes_.Transact([&](db::Connection& conn) -> Result<std::int64_t> {
            GX_TRY_ASSIGN(store::QuoteFacts quote, Writable(conn, caller, id));
            if (quote.superseded_by) {
                return Error{ErrorCode::kConflict,
                             "This is an earlier version of the quote: revise its latest version.",
                             {{"superseded_by", *quote.superseded_by}},
                             {}};
            }
            GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT title, contact_id, valid_until, notes "
                                                  "FROM quotes WHERE id = ?",
                                                  {id}));
            json body = {{"owner_id", quote.owner_id}};
            if (!row->IsNull(0)) body["title"] = row->Text(0);
            if (!row->IsNull(1)) body["contact_id"] = row->Int(1);
            if (!row->IsNull(2)) body["valid_until"] = row->Text(2);
            if (!row->IsNull(3)) body["notes"] = row->Text(3);
            const json computed = {
                {"number", quote.number}, {"revision", quote.revision + 1}, {"previous_id", id}};
            GX_TRY_ASSIGN(json created,
                          records_.Create(caller, quotes_, quote.customer_id, body, computed));
            const std::int64_t new_id = created["id"].get<std::int64_t>();
            GX_TRY_ASSIGN(std::vector<store::Line> lines, store::Lines(conn, id));
            std::vector<LineInput> inputs;
            for (const store::Line& line : lines) inputs.push_back(line.input);
            GX_TRY(store::ReplaceLines(conn, new_id, lines, ComputeTotals(inputs), NowSeconds()));
            GX_TRY(store::SetSupersededBy(conn, id, new_id, NowSeconds()));
            GX_TRY(AuditQuote(conn, caller, quote,
                              {{"superseded_by", {{"before", nullptr}, {"after", new_id}}}}));
            return new_id;
        }));
    return Get(caller, revised);
}

Result<json> QuoteService::Versions(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(json quote, Get(caller, id));
    std::vector<std::int64_t> ids;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(db::Rows rows,
                      conn->Query("SELECT id FROM quotes WHERE customer_id = ? AND number = ? "
                                  "AND deleted_at IS NULL ORDER BY revision, id",
                                  {quote["customer_id"].get<std::int64_t>(),
                                   quote.value("number", std::string())}));
        for (const db::Row& row : rows) ids.push_back(row.Int(0));
    }
    json items = json::array();
    for (std::int64_t version : ids) {
        GX_TRY_ASSIGN(json record, records_.Get(caller, quotes_, quote["customer_id"], version));
        items.push_back(std::move(record));
    }
    return json{{"items", std::move(items)}};
}

Result<json> QuoteService::ProductPrices(const Principal& caller, std::int64_t customer_id,
                                         std::string_view product_ids, std::int64_t except_quote) {
    GX_TRY(RequirePermission(caller, quotes_.type.Permission("view")));
    std::vector<std::int64_t> ids;
    std::size_t start = 0;
    bool bad = product_ids.empty();
    while (!bad && start <= product_ids.size()) {
        std::size_t end = product_ids.find(',', start);
        if (end == std::string_view::npos) end = product_ids.size();
        const auto id = ParseScaled(product_ids.substr(start, end - start), 0);
        if (!id || *id <= 0)
            bad = true;
        else if (std::ranges::find(ids, *id) == ids.end())
            ids.push_back(*id);
        start = end + 1;
    }
    if (bad || ids.size() > kMaxPricedProducts) {
        return Error{ErrorCode::kBadRequest,
                     "product_ids must be 1 to 200 product ids separated by commas.",
                     {{"parameter", "product_ids"}},
                     {}};
    }
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY_ASSIGN(auto customer, conn->QueryOne("SELECT owner_id, last_owner_id FROM customers "
                                                "WHERE id = ? AND deleted_at IS NULL",
                                                {customer_id}));
    if (!customer || !gate.SeesFollowups(customer->OptInt(0), customer->OptInt(1)))
        return Error::NotFound("Customer");
    std::string except_number = "\x01";  // no quote's number
    if (except_quote > 0) {
        GX_TRY_ASSIGN(auto own, conn->QueryOne("SELECT number FROM quotes WHERE id = ? AND "
                                               "customer_id = ?",
                                               {except_quote, customer_id}));
        if (own && !own->IsNull(0)) except_number = own->Text(0);
    }
    GX_TRY_ASSIGN(auto products, ProductsById(*conn, ids, true));
    GX_TRY_ASSIGN(std::string today, Today(*conn));
    GX_TRY_ASSIGN(auto listed, store::PriceListPrices(*conn, customer_id, ids, today));
    const std::map<std::int64_t, std::int64_t> listed_by(listed.begin(), listed.end());
    const auto point = [](const std::optional<store::PricePoint>& p, bool accepted) -> json {
        if (!p) return nullptr;
        return {{"unit_price", FormatMoney(p->unit_price)},
                {"discount", FormatScaled(p->discount_bp, 2)},
                {"quote_id", p->quote_id},
                {"number", p->number},
                {accepted ? "accepted_at" : "quoted_at", FormatRfc3339(p->at)}};
    };
    json items = json::array();
    for (std::int64_t product_id : ids) {
        auto product = products.find(product_id);
        if (product == products.end()) continue;
        GX_TRY_ASSIGN(auto quoted,
                      store::LastQuoted(*conn, customer_id, product_id, false, except_number));
        GX_TRY_ASSIGN(auto paid,
                      store::LastQuoted(*conn, customer_id, product_id, true, except_number));
        auto list = listed_by.find(product_id);
        const std::int64_t fallback = product->second.list_price;
        items.push_back(
            {{"product_id", product_id},
             {"list_price", FormatMoney(fallback)},
             {"price_list_price",
              list == listed_by.end() ? json() : json(FormatMoney(list->second))},
             {"default_price", FormatMoney(list == listed_by.end() ? fallback : list->second)},
             {"last_quoted", point(quoted, false)},
             {"last_paid", point(paid, true)}});
    }
    return json{{"items", std::move(items)}};
}

Result<json> QuoteService::DiscountLimits(const Principal&) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    return store::DiscountLimits(*conn);
}

Result<json> QuoteService::SetDiscountLimits(const Principal& caller, const json& body) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    Error invalid = Invalid();
    const json items = body.is_object() ? body.value("items", json()) : json();
    if (!items.is_array()) return Error::ValidationCode("items", "required");
    std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> limits;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string at = "items[" + std::to_string(i) + "]";
        const json& item = items[i];
        const auto role =
            item.is_object() ? PositiveId(item.value("role_id", json())) : std::nullopt;
        if (!role) {
            invalid.FieldCode(at + ".role_id", "not_a_positive_id");
            continue;
        }
        const json value = item.value("max_discount", json());
        if (value.is_null()) {
            limits.emplace_back(*role, std::nullopt);
        } else if (auto bp = ParsePercent(value)) {
            limits.emplace_back(*role, *bp);
        } else {
            invalid.FieldCode(at + ".max_discount", "not_a_percent");
        }
    }
    if (HasFields(invalid)) return invalid;
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        for (std::size_t i = 0; i < limits.size(); ++i) {
            GX_TRY_ASSIGN(auto role,
                          conn.QueryOne("SELECT 1 FROM roles WHERE id = ?", {limits[i].first}));
            if (!role) {
                return Error::ValidationCode("items[" + std::to_string(i) + "].role_id",
                                             "does_not_exist");
            }
            GX_TRY(store::SetDiscountLimit(conn, limits[i].first, limits[i].second, NowSeconds()));
        }
        return audit::Record(
            conn, caller,
            {"settings.update", "settings", std::nullopt, {{"quote_discount_limits", items}}});
    }));
    return DiscountLimits(caller);
}

Result<json> QuoteService::PriceListLines(const Principal& caller, std::int64_t list_id) {
    GX_TRY(records_.Get(caller, price_lists_, std::nullopt, list_id));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto lines, store::PriceListLines(*conn, list_id));
    std::vector<std::int64_t> ids;
    for (const auto& line : lines) ids.push_back(line.product_id);
    GX_TRY_ASSIGN(auto products, ProductsById(*conn, ids, false));
    json items = json::array();
    for (const auto& line : lines) {
        const auto& product = products[line.product_id];
        items.push_back({{"product_id", line.product_id},
                         {"product_code", product.code},
                         {"product_name", product.name},
                         {"list_price", FormatMoney(product.list_price)},
                         {"price", FormatMoney(line.price)}});
    }
    return json{{"items", std::move(items)}};
}

Result<json> QuoteService::PutPriceListLines(const Principal& caller, std::int64_t list_id,
                                             const json& body) {
    GX_TRY(RequirePermission(caller, price_lists_.type.Permission("edit")));
    GX_TRY(records_.Get(caller, price_lists_, std::nullopt, list_id));
    Error invalid = Invalid();
    const json items = body.is_object() ? body.value("items", json()) : json();
    if (!items.is_array()) return Error::ValidationCode("items", "required");
    if (items.size() > kMaxPriceListLines)
        return Error::ValidationCode("items", "too_many_items", {{"max", kMaxPriceListLines}});
    std::vector<store::PriceListLine> lines;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string at = "items[" + std::to_string(i) + "]";
        const json& item = items[i];
        const auto product =
            item.is_object() ? PositiveId(item.value("product_id", json())) : std::nullopt;
        const json price_json = item.is_object() ? item.value("price", json()) : json();
        const std::int64_t price =
            price_json.is_string() ? ParseMoney(price_json.get<std::string>()).value_or(-1) : -1;
        if (!product) {
            invalid.FieldCode(at + ".product_id", "not_a_positive_id");
        } else if (!seen.insert(*product).second) {
            invalid.FieldCode(at + ".product_id", "repeated_item");
        }
        if (price < 0) {
            invalid.FieldCode(at + ".price", "not_money");
        } else if (price > kMaxQuoteCents) {
            invalid.FieldCode(at + ".price", "money_too_large", {{"max", MaxAmountText()}});
        }
        if (product && price >= 0) lines.push_back({*product, price});
    }
    if (HasFields(invalid)) return invalid;
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        std::vector<std::int64_t> ids;
        for (const auto& line : lines) ids.push_back(line.product_id);
        GX_TRY_ASSIGN(auto products, ProductsById(conn, ids, true));
        Error missing = Invalid();
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!products.contains(lines[i].product_id))
                missing.FieldCode("items[" + std::to_string(i) + "].product_id", "not_a_product");
        }
        if (HasFields(missing)) return missing;
        GX_TRY_ASSIGN(auto before, store::PriceListLines(conn, list_id));
        GX_TRY(store::ReplacePriceListLines(conn, list_id, lines, NowSeconds()));
        return audit::Record(
            conn, caller,
            {"price_list.update",
             "price_list",
             list_id,
             {{"price_list_id", list_id},
              {"changes", {{"lines", {{"before", before.size()}, {"after", lines.size()}}}}}}});
    }));
    return PriceListLines(caller, list_id);
}

Result<json> QuoteService::PrintData(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(json quote, Get(caller, id));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto customer, conn->QueryOne("SELECT name FROM customers WHERE id = ?",
                                                {quote["customer_id"].get<std::int64_t>()}));
    quote["customer_name"] = customer ? customer->Text(0) : "";
    quote["contact_name"] = nullptr;
    if (quote.value("contact_id", json()).is_number_integer()) {
        GX_TRY_ASSIGN(auto contact, conn->QueryOne("SELECT name FROM contacts WHERE id = ?",
                                                   {quote["contact_id"].get<std::int64_t>()}));
        if (contact) quote["contact_name"] = contact->Text(0);
    }
    return quote;
}

}  // namespace guanxi::quotes
