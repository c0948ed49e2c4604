#pragma once
// What quotes do besides the kit's record routes (docs/QUOTES.md): their lines and totals, the
// approval of a discount past the owner's role limit, status changes, revisions, the print view and
// PDF, the prices a customer was quoted and paid before, price lists' lines and the discount
// limits. Every read goes through the kit (so through the gate: a quote is seen with its
// customer); every write is one piece of the group commit with an audit row ("quote.update" with
// the status or lines it changed, filed under the customer).

#include "core/principal.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::quotes {

// The most lines a quote holds (a PUT with more is refused: 422 naming lines).
inline constexpr std::size_t kMaxLines = 500;
// The tax rate of a line that sends none (China's standard VAT, in hundredths of a percent).
inline constexpr std::int64_t kDefaultTaxRateBp = 1300;

// Called in the transaction that marks a quote accepted, after the status is written: the hook for
// turning it into a contract (the contracts domain registers it at wiring). An error undoes the
// acceptance.
using AcceptedHook =
    std::function<Status(db::Connection& conn, const Principal& caller, std::int64_t quote_id)>;

class QuoteService {
  public:
    QuoteService(db::Database& db, db::GroupCommit& writes, kit::RecordService& records,
                 const kit::Registry& registry);

    void OnAccepted(AcceptedHook hook) { on_accepted_ = std::move(hook); }

    // The quote (as the kit answers it) with "lines": [{"position","product_id","product_code",
    // "product_name","unit","description","quantity","unit_price","discount","tax_rate","net",
    // "tax","total"}] and "discount_limit" (the owner's, a percentage string; null: none).
    // 404 as the kit's get.
    Result<nlohmann::json> Get(const Principal& caller, std::int64_t id);
    // A quote as the kit answers it (already read through the gate) with its lines and limit.
    Result<nlohmann::json> WithLines(nlohmann::json quote);
    // Replaces the lines: {"lines": [{"product_id", "quantity", "unit_price"?, "discount"?,
    // "tax_rate"?, "description"?}], "version"?}. A line without unit_price takes the product's
    // price for this customer (price list, else list_price); without discount 0; without tax_rate
    // 13. 422 naming "lines[i].<field>" (negative or zero quantity, discount over 100, an amount
    // past 1,000,000,000,000.00, a product that does not exist), "total" when the sum passes it;
    // 409 for a stale version or a closed quote. A decided quote goes back to draft. Answers Get.
    Result<nlohmann::json> PutLines(const Principal& caller, std::int64_t id,
                                    const nlohmann::json& body);

    // draft | rejected → pending_approval (a line's discount passes the owner's limit; the
    // approvers — the owner's manager chain, or the administrators when it is empty — are
    // notified) or approved (none does). 422 naming lines when it has none.
    Result<nlohmann::json> Submit(const Principal& caller, std::int64_t id);
    // pending_approval → approved | rejected, by a user above the owner in the manager chain (or
    // an administrator when the owner has no manager): 403 own_quote_approval for the owner or who
    // submitted it, 403 for anyone else. Body {"note"?}.
    Result<nlohmann::json> Decide(const Principal& caller, std::int64_t id, bool approve,
                                  const nlohmann::json& body);
    // approved, or draft not needing approval → sent; approved | sent | draft not needing approval
    // → accepted (the AcceptedHook runs); approved | sent → declined. 409 otherwise.
    Result<nlohmann::json> Send(const Principal& caller, std::int64_t id);
    Result<nlohmann::json> Accept(const Principal& caller, std::int64_t id);
    Result<nlohmann::json> Decline(const Principal& caller, std::int64_t id);
    // A new version (draft, revision + 1, same number, lines copied) of the latest version; the
    // one revised stays readable, read-only (superseded_by). 409 for an earlier version. Answers
    // the new version (Get).
    Result<nlohmann::json> Revise(const Principal& caller, std::int64_t id);
    // Every version of the quote, oldest first ({"items": [quote as the kit answers it]}).
    Result<nlohmann::json> Versions(const Principal& caller, std::int64_t id);

    // For each product: its list_price, the price list's price for this customer today
    // ("price_list_price", null when none), "default_price", and "last_quoted" / "last_paid"
    // ({"unit_price","discount","quote_id","number","at"} or null). 404 for a customer the
    // caller can't see (the kit's quotes rule); 400 naming product_ids (1 to 200 ids).
    // `except_quote`: a quote (of this customer) whose versions are left out — the one being
    // edited, so its own lines are not "quoted before"; 0 for none.
    Result<nlohmann::json> ProductPrices(const Principal& caller, std::int64_t customer_id,
                                         std::string_view product_ids,
                                         std::int64_t except_quote = 0);

    // {"items": [{"role_id","role_name","max_discount","default"}]}: any signed-in user reads
    // them (the editor shows when approval will be needed); users.manage changes them with
    // {"items": [{"role_id", "max_discount": "10" | null}]} (audited as settings.update).
    Result<nlohmann::json> DiscountLimits(const Principal& caller);
    Result<nlohmann::json> SetDiscountLimits(const Principal& caller, const nlohmann::json& body);

    // A price list's lines {"items": [{"product_id","product_code","product_name","price"}]}
    // (price_lists.view); replaced whole with {"items": [{"product_id","price"}]}
    // (price_lists.edit; 422 naming items[i].<field>; at most 2000).
    Result<nlohmann::json> PriceListLines(const Principal& caller, std::int64_t list_id);
    Result<nlohmann::json> PutPriceListLines(const Principal& caller, std::int64_t list_id,
                                             const nlohmann::json& body);

    // What the print view and PDF show: the quote (Get) with "customer_name", "contact_name" and
    // "owner_name".
    Result<nlohmann::json> PrintData(const Principal& caller, std::int64_t id);

  private:
    struct Transition;
    Result<nlohmann::json> Move(const Principal& caller, std::int64_t id,
                                const Transition& transition, const nlohmann::json& body);

    db::Database& db_;
    db::GroupCommit& writes_;
    kit::RecordService& records_;
    const kit::CompiledType& quotes_;
    const kit::CompiledType& price_lists_;
    AcceptedHook on_accepted_;
};

}  // namespace guanxi::quotes
