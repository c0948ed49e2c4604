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
            {"address", FieldType::kText, false, 300, {}, false},  // may span lines
            {"tags", FieldType::kTags, false, 0, {}, true, true},
            {"custom", FieldType::kObject, false, 0, {}, false},
            {"last_contact_at", FieldType::kDatetime, false, 0, {}, true, false, true, true},
            {"next_contact_at", FieldType::kDatetime, false, 0, {}, true, true, true},
            {"created_at", FieldType::kDatetime, false, 0, {}, false, false, true, true},
            {"updated_at", FieldType::kDatetime, false, 0, {}, false, false, true, true},
        }};
    return kMeta;
}

const EntityMeta& FollowupMeta() {
    static const EntityMeta kMeta{
        "followups",
        {
            {"kind", FieldType::kEnum, true, 0, kFollowupKinds, true, true},
            {"content", FieldType::kText, true, 5000, {}, true},
            // Never empty: left out on create it is now, and it cannot be cleared.
            {"contacted_at", FieldType::kDatetime, false, 0, {}, true, false, true, false, false},
            {"next_contact_at", FieldType::kDatetime, false, 0, {}, true},
        }};
    return kMeta;
}

namespace {

struct FieldLabel {
    std::string_view field, en, zh_cn;
};
constexpr FieldLabel kFieldLabels[] = {
    {"id", "ID", "编号"},
    {"name", "Name", "名称"},
    {"category", "Category", "客户类别"},
    {"phone", "Phone", "电话"},
    {"email", "E-mail", "邮箱"},
    {"industry", "Industry", "行业"},
    {"region", "Region", "地区"},
    {"source", "Source", "来源"},
    {"address", "Address", "地址"},
    {"tags", "Tags", "标签"},
    {"owner", "Owner", "负责人"},
    {"owner_id", "Owner", "负责人"},
    {"department", "Department", "部门"},
    {"last_contact_at", "Last contact", "最近联系"},
    {"next_contact_at", "Next contact", "下次联系"},
    {"created_at", "Created", "创建时间"},
    {"custom", "Custom fields", "自定义字段"},
};

}  // namespace

std::string CustomerFieldLabel(std::string_view field, bool english) {
    for (const FieldLabel& l : kFieldLabels) {
        if (l.field == field) return std::string(english ? l.en : l.zh_cn);
    }
    return std::string(field);
}

bool SortsBlanksLast(std::string_view column) {
    return column == "next_contact_at" || column == "last_contact_at" || column == "industry" ||
           column == "region";
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
        true,  // custom.<key> filters and sorts
    };
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

const std::string_view kDeletedByColumns =
    ", c.deleted_by, COALESCE(NULLIF(xb.display_name, ''), xb.username)";
const std::string_view kDeletedByJoin = " LEFT JOIN users xb ON xb.id = c.deleted_by";

void WriteDeletedBy(JsonWriter& w, const db::Row& r) {
    w.Key("deleted_by").OptInt(r.OptInt(kCustomerColumnCount));
    w.Key("deleted_by_name");
    if (r.IsNull(kCustomerColumnCount + 1)) {
        w.Null();
    } else {
        w.String(r.Text(kCustomerColumnCount + 1));
    }
}

void WriteCustomer(JsonWriter& w, const db::Row& r) {
    w.BeginObject();
    WriteCustomerFields(w, r);
    w.EndObject();
}

void WriteCustomerFields(JsonWriter& w, const db::Row& r) {
    const auto text = [&](size_t i) -> JsonWriter& {
        return r.IsNull(i) ? w.Null() : w.String(r.Text(i));
    };
    const auto id = [&](size_t i) -> JsonWriter& { return w.OptInt(r.OptInt(i)); };
    const auto time = [&](size_t i) -> JsonWriter& {
        return r.IsNull(i) ? w.Null() : w.String(FormatRfc3339(r.Int(i)));
    };
    // Stored documents are written by the server from nlohmann::json; anything else is shown as
    // the empty document, as a parse failure would be.
    const auto doc = [&](size_t i, char open, std::string_view empty) -> JsonWriter& {
        const std::string stored = r.Text(i);
        return !stored.empty() && stored.front() == open ? w.Raw(stored) : w.Raw(empty);
    };
    w.Key("id").Int(r.Int(0));
    w.Key("name").String(r.Text(1));
    w.Key("category").String(r.Text(2));
    w.Key("owner_id");
    id(3);
    w.Key("owner_name");
    text(4);
    w.Key("department_id");
    id(5);
    w.Key("department_name");
    text(6);
    for (auto [key, i] : {std::pair{"industry", 7},
                          {"region", 8},
                          {"source", 9},
                          {"phone", 10},
                          {"email", 11},
                          {"address", 12}}) {
        w.Key(key);
        text(static_cast<size_t>(i));
    }
    w.Key("tags");
    doc(13, '[', "[]");
    w.Key("custom");
    doc(14, '{', "{}");
    w.Key("last_contact_at");
    time(15);
    w.Key("next_contact_at");
    time(16);
    w.Key("created_by");
    id(17);
    w.Key("created_at").String(FormatRfc3339(r.Int(18)));
    w.Key("updated_at").String(FormatRfc3339(r.Int(19)));
    w.Key("version").Int(r.Int(20));
    w.Key("in_pool").Bool(r.IsNull(3));
    if (!r.IsNull(21)) w.Key("deleted_at").String(FormatRfc3339(r.Int(21)));
}

nlohmann::json CustomerJson(const db::Row& r) {
    JsonWriter w;
    WriteCustomer(w, r);
    return nlohmann::json::parse(w.text());
}

const std::string_view kContactColumns =
    "k.id, k.customer_id, k.name, k.title, k.phone, k.email, k.is_primary, k.created_at, "
    "k.updated_at, k.version, k.deleted_at, k.created_by, k.custom";

void WriteContact(JsonWriter& w, const db::Row& r, size_t first) {
    const auto text = [&](size_t i) -> JsonWriter& {
        return r.IsNull(first + i) ? w.Null() : w.String(r.Text(first + i));
    };
    const auto time = [&](size_t i) { return FormatRfc3339(r.Int(first + i)); };
    w.BeginObject();
    w.Key("id").Int(r.Int(first + 0));
    w.Key("customer_id").Int(r.Int(first + 1));
    w.Key("name").String(r.Text(first + 2));
    w.Key("title");
    text(3);
    w.Key("phone");
    text(4);
    w.Key("email");
    text(5);
    w.Key("primary").Bool(r.Bool(first + 6));
    w.Key("created_at").String(time(7));
    w.Key("updated_at").String(time(8));
    w.Key("version").Int(r.Int(first + 9));
    // The same members as the contact's own routes answer (the kit's record: contact_type.cpp).
    w.Key("deleted_at");
    r.IsNull(first + 10) ? w.Null() : w.String(time(10));
    w.Key("created_by");
    r.IsNull(first + 11) ? w.Null() : w.Int(r.Int(first + 11));
    const std::string custom = r.IsNull(first + 12) ? std::string() : r.Text(first + 12);
    w.Key("custom").Raw(custom.size() > 1 && custom.front() == '{' ? custom : "{}");
    w.EndObject();
}

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
                        {"version", r.Int(10)},
                        // As the follow-up's kit routes answer it (followup_type.cpp): its author
                        // created it, and custom fields start empty.
                        {"created_by", r.Int(2)},
                        {"custom", nlohmann::json::object()},
                        {"deleted_at", db::JsonTime(r, 11)}};
    return j;
}

}  // namespace guanxi::customers
