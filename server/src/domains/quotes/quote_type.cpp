#include "domains/quotes/quote_type.hpp"

#include "domains/pipeline/opportunity_types.hpp"
#include "domains/quotes/quote_service.hpp"
#include "domains/quotes/quote_store.hpp"

namespace guanxi::quotes {

namespace {

using nlohmann::json;

kit::Field ReadOnly(std::string name, FieldType type, kit::Labels label, bool list = false,
                    bool nullable = true) {
    return {{.name = std::move(name),
             .type = type,
             .list = list,
             .readonly = true,
             .nullable = nullable},
            std::move(label)};
}

// After a create: the quote's number (Q000042), unless it is a revision that kept its own. After a
// patch: a decided or closed quote is not changed in place (409: revise it), an approved, pending,
// rejected or sent one goes back to draft (its approval was for what it said before), and whether
// it needs approval is judged again (the owner may have changed).
Status AfterChange(const kit::Change& change) {
    if (change.before.is_null()) {
        if (change.after.value("number", json()).is_null())
            GX_TRY(store::SetNumber(change.conn, change.id));
        return {};
    }
    GX_TRY(store::RefuseIfClosed(change.before));
    GX_TRY(store::BackToDraft(change.conn, change.id, change.before.value("status", "")));
    return store::RejudgeApproval(change.conn, change.id);
}

using kit::Member;

// A line as a quote answers it (QuoteService::Get).
std::vector<kit::Field> LineAnswer() {
    return {
        Member("position", FieldType::kInteger, "1.. in the quote's order"),
        Member("product_id", FieldType::kInteger),
        Member("product_code", FieldType::kString),
        Member("product_name", FieldType::kString),
        Member("unit", FieldType::kString),
        Member("description", FieldType::kString),
        Member("quantity", FieldType::kString, "At most 3 decimals"),
        Member("unit_price", FieldType::kMoney),
        Member("discount", FieldType::kString, "Percent, at most 2 decimals"),
        Member("tax_rate", FieldType::kString, "Percent, at most 2 decimals"),
        Member("net", FieldType::kMoney,
               "round_half_up(quantity x unit_price x (1 - discount/100)) in cents"),
        Member("tax", FieldType::kMoney, "round_half_up(net x tax_rate/100)"),
        Member("total", FieldType::kMoney, "net + tax"),
    };
}

// What the quote's own routes add to the record: its lines and the owner's discount limit.
kit::Shape WithLines() {
    return {{Member("discount_limit", FieldType::kString,
                    "The owner's largest discount without approval (percent); null: no limit")},
            {{"lines", LineAnswer()}}};
}

// A line as PUT .../lines takes it.
std::vector<kit::Field> LineInput() {
    kit::Field description =
        Member("description", FieldType::kString, "Default: the product's name");
    description.def.max_length = 500;
    return {
        Member("product_id", FieldType::kInteger, "A product", true),
        description,
        Member("quantity", FieldType::kDecimal,
               "More than 0, at most 3 decimals, at most 1,000,000,000", true),
        Member("unit_price", FieldType::kMoney,
               "Left out: the price list's price for the customer, else the product's list_price"),
        Member("discount", FieldType::kDecimal, "Percent 0 to 100, at most 2 decimals (default 0)"),
        Member("tax_rate", FieldType::kDecimal,
               "Percent 0 to 100, at most 2 decimals (default 13)"),
    };
}

// A status change: POST /api/v1/quotes/{id}/<name>, answering the quote with its lines.
kit::ItemRoute Action(std::string name, std::string summary, std::string description,
                      std::string permission = "edit") {
    return {.method = "POST",
            .name = std::move(name),
            .summary = std::move(summary),
            .description = std::move(description),
            .permission = std::move(permission),
            .answers = WithLines(),
            .errors = {"409", "422"}};
}

std::vector<kit::ItemRoute> QuoteRoutes() {
    kit::Field note =
        Member("note", FieldType::kString, "The approver's reason, shown to the owner");
    note.def.max_length = 500;
    kit::ItemRoute approve = Action(
        "approve", "Approve a pending quote (a manager above its owner, or an administrator)",
        "409 unless pending_approval; 403 own_quote_approval for its owner or who made it, 403 for "
        "anyone not above the owner in the manager chain. The owner is notified.",
        "view");
    approve.body = kit::Shape{{note}};
    approve.body_optional = true;
    kit::ItemRoute reject = approve;
    reject.name = "reject";
    reject.summary = "Reject a pending quote (a manager above its owner, or an administrator)";
    kit::Field version = Member("version", FieldType::kInteger, "The version read (409 if stale)");
    version.def.nullable = false;
    kit::ItemRoute revise =
        Action("revise",
               "Make a new version of a quote (draft, revision + 1, lines copied); the earlier one "
               "stays readable",
               "409 for an earlier version (superseded_by set). Answers the new version.");
    revise.status = 201;
    return {
        {.method = "GET",
         .name = "",
         .summary = "A quote with its lines, by its id alone",
         .description = "As GET /api/v1/customers/{id}/quotes/{record_id}, with its lines and the "
                        "owner's discount limit.",
         .answers = WithLines()},
        {.method = "PUT",
         .name = "lines",
         .summary = "Replace a quote's lines; the server computes the totals",
         .description =
             "One request for the whole set. Totals in integer cents, per line then summed "
             "(docs/QUOTES.md). 422 names lines[i].<field>: quantity not more than 0 or with more "
             "than 3 decimals, discount or tax_rate outside 0-100, unit_price past "
             "1000000000000.00, product_id not a product; lines[i] when a line's amount passes "
             "1000000000000.00, total when the sum does. 409 stale_version for an old version, "
             "conflict for an accepted, declined or earlier version. An approved, pending, "
             "rejected "
             "or sent quote goes back to draft.",
         .permission = "edit",
         .body = kit::Shape{{version}, {{"lines", LineInput(), kMaxLines}}},
         .answers = WithLines(),
         .errors = {"409"}},
        Action("submit", "Submit a quote: for approval when a discount passes the owner's limit",
               "draft or rejected → pending_approval (the owner's manager chain, or the "
               "administrators, are notified) or approved. 422 naming lines when it has none."),
        approve,
        reject,
        Action("send", "Mark a quote sent to the customer",
               "approved, or a draft that needs no approval → sent; 409 otherwise."),
        Action("accept", "Mark a quote accepted: it becomes a draft contract",
               "approved, sent, or a draft that needs no approval → accepted; the contract is made "
               "in the same step. 409 otherwise."),
        Action("decline", "Mark a quote declined by the customer",
               "approved or sent → declined; 409 otherwise."),
        revise,
        {.method = "GET",
         .name = "versions",
         .summary = "Every version of a quote, oldest first",
         .answer = kit::ItemAnswer::kRecords},
        {.method = "GET",
         .name = "print",
         .summary = "The quote's print view (HTML, A4)",
         .description = "Nothing else loads or runs in the page (Content-Security-Policy).",
         .answer = kit::ItemAnswer::kHtml,
         .query = {"lang"}},
        {.method = "GET",
         .name = "pdf",
         .summary = "The quote as a PDF (A4, CJK fonts embedded)",
         .description = "Content-Disposition names the file with an RFC 6266 filename*.",
         .answer = kit::ItemAnswer::kPdf,
         .query = {"lang", "inline"}},
    };
}

}  // namespace

kit::RecordType QuoteType() {
    kit::RecordType type;
    type.name = "quotes";
    type.singular = "quote";
    type.table = "quotes";
    type.label = {"报价", "Quote"};
    type.listed_across = true;  // GET /api/v1/quotes: e.g. every quote awaiting approval
    type.fields = {
        // The title first: the generic kit tests patch a type's first field (number is read-only).
        {{.name = "title", .max_length = 200, .list = true}, {"标题", "Title"}, true},
        {{.name = "number", .max_length = 40, .list = true, .sort = true, .readonly = true},
         {"报价单号", "Number"},
         /*search=*/true},
        ReadOnly("revision", FieldType::kInteger, {"版本", "Revision"}, true, false),
        {{.name = "contact_id", .type = FieldType::kInteger},
         {"联系人", "Contact"},
         false,
         {},
         {},
         "contacts"},
        {{.name = "owner_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .nullable = false},
         {"负责人", "Owner"}},
        {{.name = "valid_until", .type = FieldType::kDate, .list = true, .sort = true},
         {"有效期至", "Valid until"}},
        {{.name = "currency", .type = FieldType::kEnum, .options = {"CNY"}, .nullable = false},
         {"币种", "Currency"}},
        {{.name = "status",
          .type = FieldType::kEnum,
          .options = {std::string(kDraft), std::string(kPendingApproval), std::string(kApproved),
                      std::string(kRejected), std::string(kSent), std::string(kAccepted),
                      std::string(kDeclined)},
          .list = true,
          .filter = true,
          .readonly = true},
         {"状态", "Status"}},
        ReadOnly("needs_approval", FieldType::kBoolean, {"需审批", "Needs approval"}),
        ReadOnly("line_count", FieldType::kInteger, {"行数", "Lines"}, false, false),
        ReadOnly("subtotal", FieldType::kMoney, {"未税金额", "Subtotal"}, false, false),
        ReadOnly("tax_total", FieldType::kMoney, {"税额", "Tax"}, false, false),
        {{.name = "total",
          .type = FieldType::kMoney,
          .list = true,
          .sort = true,
          .readonly = true,
          .nullable = false},
         {"含税总额", "Total"}},
        {{.name = "notes", .type = FieldType::kText, .max_length = 2000}, {"备注", "Notes"}, true},
        ReadOnly("decided_by", FieldType::kUser, {"审批人", "Decided by"}),
        ReadOnly("decision_note", FieldType::kText, {"审批意见", "Decision note"}),
        ReadOnly("accepted_at", FieldType::kDatetime, {"接受时间", "Accepted at"}),
        ReadOnly("previous_id", FieldType::kInteger, {"上一版本", "Previous version"}),
        ReadOnly("superseded_by", FieldType::kInteger, {"新版本", "Superseded by"}),
        pipeline::OpportunityRef(),
    };
    type.default_sort = {{"number", true}};
    type.example = {
        {"title", "年度软件采购报价"}, {"valid_until", "2027-01-31"}, {"notes", "含安装培训"}};
    type.fill_defaults = [](const Principal& caller, json& body) {
        if (body.value("owner_id", json()).is_null()) body["owner_id"] = caller.user_id;
        const json defaults = {{"currency", "CNY"},       {"status", kDraft}, {"revision", 1},
                               {"needs_approval", false}, {"line_count", 0},  {"subtotal", "0.00"},
                               {"tax_total", "0.00"},     {"total", "0.00"}};
        for (const auto& [key, value] : defaults.items()) {
            if (!body.contains(key)) body[key] = value;
        }
    };
    type.after_change = AfterChange;
    type.item_routes = QuoteRoutes();
    return type;
}

}  // namespace guanxi::quotes
