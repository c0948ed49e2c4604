#include "domains/quotes/quote_type.hpp"

#include "domains/pipeline/opportunity_types.hpp"
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
    return type;
}

}  // namespace guanxi::quotes
