#include "domains/customers/customer.hpp"

#include "db/row_json.hpp"

namespace guanxi::customers {

namespace {

const std::vector<std::string> kCategories = {"core",           "potential", "interested",
                                              "not_interested", "closed",    "payment_due"};
const std::vector<std::string> kFollowupKinds = {"call",  "visit", "meeting",
                                                 "email", "sms",   "other"};

}  // namespace

const EntityMeta& CustomerMeta() {
    //                name               type                   req    max  options      list filter
    //                sort   readonly
    static const EntityMeta kMeta{
        "customers",
        {
            {"name", FieldType::kString, true, 200, {}, true, false, true},
            {"category", FieldType::kEnum, false, 0, kCategories, true, true, true},
            {"owner_id", FieldType::kUser, false, 0, {}, true, true},
            {"department_id", FieldType::kDepartment, false, 0, {}, false, true},
            {"industry", FieldType::kString, false, 100, {}, true, true, true},
            {"region", FieldType::kString, false, 100, {}, true, true, true},
            {"source", FieldType::kString, false, 100, {}, false, true},
            {"phone", FieldType::kPhone, false, 32, {}, true},
            {"email", FieldType::kEmail, false, 254, {}, false},
            {"address", FieldType::kString, false, 300, {}, false},
            {"tags", FieldType::kTags, false, 0, {}, true, true},
            {"custom", FieldType::kObject, false, 0, {}, false},
            {"last_contact_at", FieldType::kDatetime, false, 0, {}, true, false, true, true},
            {"next_contact_at", FieldType::kDatetime, false, 0, {}, true, true, true},
            {"created_at", FieldType::kDatetime, false, 0, {}, false, false, true, true},
            {"updated_at", FieldType::kDatetime, false, 0, {}, false, false, true, true},
        }};
    return kMeta;
}

const EntityMeta& ContactMeta() {
    static const EntityMeta kMeta{"contacts",
                                  {
                                      {"name", FieldType::kString, true, 100, {}, true},
                                      {"title", FieldType::kString, false, 100, {}, true},
                                      {"phone", FieldType::kPhone, false, 32, {}, true},
                                      {"email", FieldType::kEmail, false, 254, {}, true},
                                      {"primary", FieldType::kBoolean, false, 0, {}, true},
                                  }};
    return kMeta;
}

const EntityMeta& FollowupMeta() {
    static const EntityMeta kMeta{
        "followups",
        {
            {"kind", FieldType::kEnum, true, 0, kFollowupKinds, true, true},
            {"content", FieldType::kText, true, 5000, {}, true},
            {"contacted_at", FieldType::kDatetime, false, 0, {}, true, false, true},
            {"next_contact_at", FieldType::kDatetime, false, 0, {}, true},
        }};
    return kMeta;
}

const http::ListSpec& CustomerListSpec() {
    static const http::ListSpec kSpec{
        {"category", "owner_id", "department_id", "industry", "region", "source", "tag",
         "next_contact_before", "next_contact_after", "in_pool", "deleted", "created_after",
         "created_before"},
        {"name", "category", "industry", "region", "created_at", "updated_at", "next_contact_at",
         "last_contact_at", "id"},
        {{"updated_at", true}},
        true,
    };
    return kSpec;
}

const http::ListSpec& FollowupListSpec() {
    static const http::ListSpec kSpec{
        {"kind"}, {"contacted_at", "created_at"}, {{"contacted_at", true}}, false};
    return kSpec;
}

const std::string_view kCustomerColumns =
    "c.id, c.name, c.category, c.owner_id, ou.display_name, c.department_id, d.name, c.industry, "
    "c.region, c.source, c.phone, c.email, c.address, c.tags, c.custom, c.last_contact_at, "
    "c.next_contact_at, c.created_by, c.created_at, c.updated_at, c.version, c.deleted_at, "
    "c.last_owner_id";
const std::string_view kCustomerFrom =
    " FROM customers c LEFT JOIN users ou ON ou.id = c.owner_id "
    "LEFT JOIN departments d ON d.id = c.department_id";

nlohmann::json CustomerJson(const db::Row& r) {
    nlohmann::json j = {{"id", r.Int(0)},
                        {"name", r.Text(1)},
                        {"category", r.Text(2)},
                        {"owner_id", db::JsonInt(r, 3)},
                        {"owner_name", db::JsonText(r, 4)},
                        {"department_id", db::JsonInt(r, 5)},
                        {"department_name", db::JsonText(r, 6)},
                        {"industry", db::JsonText(r, 7)},
                        {"region", db::JsonText(r, 8)},
                        {"source", db::JsonText(r, 9)},
                        {"phone", db::JsonText(r, 10)},
                        {"email", db::JsonText(r, 11)},
                        {"address", db::JsonText(r, 12)},
                        {"tags", db::JsonDoc(r, 13, nlohmann::json::array())},
                        {"custom", db::JsonDoc(r, 14, nlohmann::json::object())},
                        {"last_contact_at", db::JsonTime(r, 15)},
                        {"next_contact_at", db::JsonTime(r, 16)},
                        {"created_by", db::JsonInt(r, 17)},
                        {"created_at", FormatRfc3339(r.Int(18))},
                        {"updated_at", FormatRfc3339(r.Int(19))},
                        {"version", r.Int(20)},
                        {"in_pool", r.IsNull(3)}};
    if (!r.IsNull(21)) j["deleted_at"] = FormatRfc3339(r.Int(21));
    return j;
}

const std::string_view kContactColumns =
    "k.id, k.customer_id, k.name, k.title, k.phone, k.email, k.is_primary, k.created_at, "
    "k.updated_at, k.version, k.deleted_at";

nlohmann::json ContactJson(const db::Row& r) {
    nlohmann::json j = {{"id", r.Int(0)},
                        {"customer_id", r.Int(1)},
                        {"name", r.Text(2)},
                        {"title", db::JsonText(r, 3)},
                        {"phone", db::JsonText(r, 4)},
                        {"email", db::JsonText(r, 5)},
                        {"primary", r.Bool(6)},
                        {"created_at", FormatRfc3339(r.Int(7))},
                        {"updated_at", FormatRfc3339(r.Int(8))},
                        {"version", r.Int(9)}};
    if (!r.IsNull(10)) j["deleted_at"] = FormatRfc3339(r.Int(10));
    return j;
}

const std::string_view kFollowupColumns =
    "f.id, f.customer_id, f.user_id, fu.display_name, f.kind, f.content, f.contacted_at, "
    "f.next_contact_at, f.created_at, f.updated_at, f.version, f.deleted_at";

nlohmann::json FollowupJson(const db::Row& r) {
    nlohmann::json j = {{"id", r.Int(0)},
                        {"customer_id", r.Int(1)},
                        {"user_id", r.Int(2)},
                        {"user_name", db::JsonText(r, 3)},
                        {"kind", r.Text(4)},
                        {"content", r.Text(5)},
                        {"contacted_at", FormatRfc3339(r.Int(6))},
                        {"next_contact_at", db::JsonTime(r, 7)},
                        {"created_at", FormatRfc3339(r.Int(8))},
                        {"updated_at", FormatRfc3339(r.Int(9))},
                        {"version", r.Int(10)}};
    if (!r.IsNull(11)) j["deleted_at"] = FormatRfc3339(r.Int(11));
    return j;
}

}  // namespace guanxi::customers
