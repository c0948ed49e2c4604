#include "domains/customers/followup_type.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/customers/contact_type.hpp"
#include "domains/customers/customer.hpp"
#include "domains/customers/customer_store.hpp"

namespace guanxi::customers {

namespace {

using nlohmann::json;

// Something happened, so it has content, and it happened already (a clock a few minutes fast is
// forgiven).
Status CheckFollowup(const json& record) {
    const auto content = record.find("content");
    if (content != record.end() && content->is_string() &&
        text::Trim(content->get<std::string>()).empty()) {
        return Error::Validation("content", "must not be empty");
    }
    const auto at = record.find("contacted_at");
    if (at != record.end() && at->is_string()) {
        const auto when = ParseRfc3339(at->get<std::string>());
        if (when && *when > NowSeconds() + 300) {
            return Error::Validation("contacted_at", "cannot be in the future");
        }
    }
    return {};
}

// A follow-up changed or restored moves the customer's last contact forward when it is later (as
// creating one does; its next contact is the create's to set).
Status TouchCustomer(db::Connection& conn, std::int64_t customer_id, std::int64_t,
                     const json& followup) {
    if (!followup["deleted_at"].is_null()) return {};
    const auto at = ParseRfc3339(followup["contacted_at"].get<std::string>());
    if (!at) return {};
    return store::TouchContactTimes(conn, customer_id, *at, std::nullopt, NowSeconds());
}

}  // namespace

kit::RecordType FollowupType() {
    kit::RecordType type;
    type.name = "followups";
    type.singular = "followup";
    type.table = "followups";
    type.label = {"跟进记录", "Follow-up"};
    type.fields = {
        {{.name = "kind",
          .type = FieldType::kEnum,
          .required = true,
          .options = FollowupMeta().Find("kind")->options,
          .list = true,
          .filter = true,
          .nullable = false},
         {"方式", "Kind"}},
        {{.name = "content",
          .type = FieldType::kText,
          .required = true,
          .max_length = 5000,
          .list = true,
          .nullable = false},
         {"内容", "Content"},
         true},
        {{.name = "contacted_at",
          .type = FieldType::kDatetime,
          .list = true,
          .sort = true,
          .nullable = false},
         {"联系时间", "Contacted at"}},
        {{.name = "next_contact_at", .type = FieldType::kDatetime, .list = true, .sort = true},
         {"下次联系", "Next contact"}},
        // Its author, set by the create (the kit's created_by is the same user).
        {{.name = "user_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .readonly = true,
          .nullable = false},
         {"跟进人", "By"}},
    };
    type.default_sort = {{"contacted_at", true}};
    type.example = {{"kind", "call"}, {"content", "电话沟通报价，客户下周回复"}};
    type.check_record = CheckFollowup;
    type.after_record_write = TouchCustomer;
    type.generic_create = false;  // CustomerService::CreateFollowup, the tuned path
    type.permission_of = CustomersOwnPermissions();  // as before the kit
    return type;
}

}  // namespace guanxi::customers
