#include "domains/customers/contact_type.hpp"

#include "core/text.hpp"
#include "domains/customers/search_index.hpp"

namespace guanxi::customers {

namespace {

using nlohmann::json;

// A normalised phone or e-mail as duplicate checks look it up (customer_store.cpp's
// kByPhoneTail / kByEmailTail); NULL when there is none.
db::Value Normalised(const json& record, const char* field,
                     std::string (*normalise)(std::string_view)) {
    const auto it = record.find(field);
    if (it == record.end() || !it->is_string()) return nullptr;
    std::string norm = normalise(it->get<std::string>());
    if (norm.empty()) return nullptr;
    return norm;
}

// One primary contact per customer: the one just made primary wins. The customer's search
// postings carry its contacts' names, phones and e-mails, so every write re-indexes it.
Status AfterContactWrite(db::Connection& conn, std::int64_t customer_id, std::int64_t id,
                         const json& contact) {
    if (contact["deleted_at"].is_null() && contact.value("primary", false)) {
        GX_TRY(
            conn.Execute("UPDATE contacts SET is_primary = 0 WHERE customer_id = ? AND id <> ? "
                         "AND is_primary = 1",
                         {customer_id, id}));
    }
    return search::Reindex(conn, customer_id);
}

}  // namespace

kit::RecordType ContactType() {
    kit::RecordType type;
    type.name = "contacts";
    type.singular = "contact";
    type.table = "contacts";
    type.label = {"联系人", "Contact"};
    type.fields = {
        kit::RequiredName("name", {"姓名", "Name"}),
        {{.name = "title", .max_length = 100, .list = true}, {"职务", "Title"}, true},
        {{.name = "phone", .type = FieldType::kPhone, .max_length = 32, .list = true},
         {"电话", "Phone"},
         true},
        {{.name = "email", .type = FieldType::kEmail, .max_length = 254, .list = true},
         {"邮箱", "E-mail"},
         true},
        {{.name = "primary", .type = FieldType::kBoolean, .list = true, .filter = true},
         {"主要联系人", "Primary"},
         false,
         {},
         "is_primary"},
    };
    type.default_sort = {{"primary", true}, {"id", false}};  // the primary first, then as added
    type.default_page_size = http::kMaxPageSize;             // a customer's card shows them all
    type.example = {{"name", "王经理"}, {"title", "采购经理"}, {"phone", "13800138000"}};
    type.stored = {
        {"phone_norm",
         [](const json& record) { return Normalised(record, "phone", text::NormalizePhone); }},
        {"email_norm",
         [](const json& record) { return Normalised(record, "email", text::NormalizeEmail); }},
    };
    type.after_record_write = AfterContactWrite;
    type.read_with_customer = true;
    type.permission_of = CustomersOwnPermissions();  // part of the customer's card
    return type;
}

std::map<std::string, std::string, std::less<>> CustomersOwnPermissions() {
    return {{"view", "customers.view"},
            {"create", "customers.edit"},
            {"edit", "customers.edit"},
            {"delete", "customers.edit"},
            {"export", "customers.export"}};
}

}  // namespace guanxi::customers
