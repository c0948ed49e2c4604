#include "domains/messages/template_type.hpp"

#include "core/text.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/messages/html_sanitize.hpp"
#include "domains/messages/sms_count.hpp"
#include "domains/messages/template_text.hpp"
#include "kit/record_routes.hpp"

#include <algorithm>

namespace guanxi::messages {

namespace {

using nlohmann::json;

std::string Text(const json& record, const char* name) {
    const json value = record.value(name, json());
    return value.is_string() ? value.get<std::string>() : std::string();
}

// The characters of UTF-8 `text` (continuation bytes are not counted).
std::size_t Characters(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// A signature as the gateway wants it: without the brackets a user may type around it.
std::string BareSignature(std::string text) {
    text = text::Trim(text);
    for (std::string_view open : {"【", "["}) {
        if (text.starts_with(open)) text.erase(0, open.size());
    }
    for (std::string_view close : {"】", "]"}) {
        if (text.ends_with(close)) text.erase(text.size() - close.size());
    }
    return text::Trim(text);
}

void Derive(const json& before, json& record) {
    const bool sms = record.value("channel", std::string()) == "sms";
    if (record.contains("signature") && record["signature"].is_string()) {
        const std::string bare = BareSignature(record["signature"].get<std::string>());
        record["signature"] = bare.empty() ? json() : json(bare);
    }
    if (!sms && record.contains("body") && record["body"].is_string()) {
        record["body"] = SanitizeHtml(record["body"].get<std::string>());
    }
    if (sms) {
        const SmsCount count = CountSms(SmsText(Text(record, "signature"), Text(record, "body")));
        record["length"] = count.length;
        record["segments"] = count.segments;
        record["encoding"] = count.encoding;
    } else {
        record["length"] = nullptr;
        record["segments"] = nullptr;
        record["encoding"] = nullptr;
    }
    std::vector<std::string> names = VariablesIn(Text(record, "subject"));
    for (std::string& name : VariablesIn(Text(record, "body"))) {
        if (std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(std::move(name));
    }
    record["variables"] = names;
    // A gateway approved the text it saw: a new text needs approving again.
    if (before.is_object() && (Text(before, "body") != Text(record, "body") ||
                               Text(before, "signature") != Text(record, "signature"))) {
        record["approved"] = false;
    }
}

Status CheckRecord(const json& record) {
    const bool sms = record.value("channel", std::string()) == "sms";
    if (!sms && text::Trim(Text(record, "subject")).empty()) {
        return Error::ValidationCode("subject", "required");
    }
    if (sms && Characters(Text(record, "body")) > kMaxSmsCharacters) {
        return Error::ValidationCode("body", "too_long",
                                     {{"max", static_cast<std::int64_t>(kMaxSmsCharacters)}});
    }
    return {};
}

// The first variable of `text` no customer can fill: neither built in nor a live customer custom
// field's.
Result<std::optional<std::string>> UnknownVariable(db::Connection& conn, std::string_view text) {
    const auto& built_in = BuiltInVariables();
    for (const std::string& name : VariablesIn(text)) {
        if (std::find(built_in.begin(), built_in.end(), name) != built_in.end()) continue;
        if (name.starts_with(kCustomPrefix)) {
            GX_TRY_ASSIGN(auto field,
                          conn.QueryOne("SELECT 1 FROM custom_fields WHERE entity = 'customers' "
                                        "AND key = ? AND deleted_at IS NULL",
                                        {name.substr(kCustomPrefix.size())}));
            if (field) continue;
        }
        return std::optional<std::string>(name);
    }
    return std::optional<std::string>();
}

Status CheckVariables(db::Connection& conn, const json& record) {
    for (const char* field : {"subject", "body"}) {
        GX_TRY_ASSIGN(auto unknown, UnknownVariable(conn, Text(record, field)));
        if (unknown) {
            return Error::ValidationCode(field, "unknown_variable",
                                         {{"variable", unknown->substr(0, 80)}});
        }
    }
    return {};
}

std::string ValueText(const json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (const json& item : value) out += (out.empty() ? "" : ", ") + ValueText(item);
        return out;
    }
    return value.dump();
}

kit::Field Member(std::string name, FieldType type, std::string note = {}, bool required = false) {
    return kit::Member(std::move(name), type, std::move(note), required);
}

}  // namespace

std::string SmsText(std::string_view signature, std::string_view body) {
    if (signature.empty()) return std::string(body);
    return "【" + std::string(signature) + "】" + std::string(body);
}

kit::RecordType TemplateType() {
    kit::RecordType type;
    type.name = "templates";
    type.singular = "template";
    type.table = "templates";
    type.label = {"消息模板", "Message template"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    const auto readonly = [](std::string name, FieldType field_type, kit::Labels label,
                             std::string note) {
        kit::Field field{{.name = std::move(name), .type = field_type, .readonly = true},
                         std::move(label)};
        field.note = std::move(note);
        return field;
    };
    type.fields = {
        kit::RequiredName("name", {"模板名称", "Name"}),
        {{.name = "channel",
          .type = FieldType::kEnum,
          .required = true,
          .options = {"sms", "email"},
          .list = true,
          .filter = true,
          .sort = true,
          .nullable = false},
         {"渠道", "Channel"}},
        {{.name = "subject", .max_length = 200, .list = true}, {"邮件主题", "Subject"}},
        {{.name = "body",
          .type = FieldType::kText,
          .required = true,
          .max_length = 100000,
          .nullable = false},
         {"内容", "Body"},
         /*search=*/true},
        {{.name = "signature", .max_length = 20, .list = true}, {"短信签名", "SMS signature"}},
        {{.name = "approved",
          .type = FieldType::kBoolean,
          .list = true,
          .filter = true,
          .nullable = false},
         {"已通过网关审核", "Approved by the gateway"}},
        {{.name = "gateway_template_code", .max_length = 64},
         {"网关模板编号", "Gateway template code"}},
        readonly("length", FieldType::kInteger, {"字数", "Length"},
                 "SMS: the whole message's length (signature first) in its encoding's units — "
                 "GSM-7 septets or UTF-16 units; a variable counts as written. Null for e-mail."),
        readonly("segments", FieldType::kInteger, {"计费条数", "Segments"},
                 "SMS: the parts it is sent and billed in (one of 160 GSM-7 / 70 UCS-2 units, "
                 "else parts of 153 / 67). Null for e-mail."),
        readonly("encoding", FieldType::kString, {"编码", "Encoding"},
                 "SMS: gsm7 or ucs2 (any Chinese character makes it ucs2). Null for e-mail."),
        readonly("variables", FieldType::kTags, {"变量", "Variables"},
                 "The variables the subject and body use, in order of first use."),
    };
    type.fields.back().def.nullable = false;  // an empty list when there are none
    type.default_sort = {{"name", false}};
    type.example = {{"name", "回访提醒"},
                    {"channel", "sms"},
                    {"body", "{{contact.name}}您好，我是{{owner.display_name}}，明天上午来拜访。"},
                    {"signature", "关系科技"}};
    type.fill_defaults = [](const Principal&, json& body) {
        if (!body.contains("approved")) body["approved"] = false;
    };
    type.derive = Derive;
    type.check_record = CheckRecord;
    type.check_stored = [](db::Connection& conn, std::int64_t, const json& record) {
        return CheckVariables(conn, record);
    };
    type.item_routes = {
        {.method = "POST",
         .name = "preview",
         .summary = "A template rendered for a customer",
         .description =
             "The template's text with the variables of a customer the caller can see (404 "
             "otherwise): its fields and custom fields, the contact named (of that customer) or "
             "else its primary contact, and its owner. subject, body and signature, when sent, "
             "stand in for the stored ones (the editor's draft). An SMS answers the whole "
             "message as sent (text: signature first) with its length, segments and encoding; an "
             "e-mail its subject and its body as HTML, made safe.",
         .body =
             kit::Shape{{Member("customer_id", FieldType::kInteger, {}, true),
                         Member("contact_id", FieldType::kInteger),
                         Member("subject", FieldType::kString), Member("body", FieldType::kText),
                         Member("signature", FieldType::kString)}},
         .answer = kit::ItemAnswer::kObject,
         .answers = {{Member("subject", FieldType::kString), Member("body", FieldType::kText),
                      Member("text", FieldType::kText), Member("length", FieldType::kInteger),
                      Member("segments", FieldType::kInteger),
                      Member("encoding", FieldType::kString)}},
         .errors = {"422"}},
    };
    return type;
}

Result<std::map<std::string, std::string>> VariableValues(db::Connection& conn,
                                                          std::int64_t customer_id,
                                                          std::optional<std::int64_t> contact_id) {
    std::map<std::string, std::string> values;
    GX_TRY_ASSIGN(auto customer,
                  conn.QueryOne("SELECT c.name, c.industry, c.region, c.phone, c.email, "
                                "c.address, c.custom, u.display_name, u.phone, u.email FROM "
                                "customers c LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = "
                                "? AND c.deleted_at IS NULL",
                                {customer_id}));
    if (!customer) return Error::NotFound("Customer");
    const char* names[] = {"customer.name",  "customer.industry", "customer.region",
                           "customer.phone", "customer.email",    "customer.address"};
    for (std::size_t i = 0; i < std::size(names); ++i) {
        values[names[i]] = customer->OptText(i).value_or("");
    }
    const json custom = json::parse(customer->OptText(6).value_or("{}"), nullptr, false);
    if (custom.is_object()) {
        for (const auto& [key, value] : custom.items()) {
            values[std::string(kCustomPrefix) + key] = ValueText(value);
        }
    }
    values["owner.display_name"] = customer->OptText(7).value_or("");
    values["owner.phone"] = customer->OptText(8).value_or("");
    values["owner.email"] = customer->OptText(9).value_or("");
    db::Params params = {customer_id};
    std::string sql =
        "SELECT name, phone, email FROM contacts WHERE customer_id = ? AND deleted_at IS NULL";
    if (contact_id) {
        sql += " AND id = ?";
        params.emplace_back(*contact_id);
    }
    GX_TRY_ASSIGN(auto contact,
                  conn.QueryOne(sql + " ORDER BY is_primary DESC, id LIMIT 1", params));
    if (!contact && contact_id) return Error::ValidationCode("contact_id", "does_not_exist");
    values["contact.name"] = contact ? contact->OptText(0).value_or("") : "";
    values["contact.phone"] = contact ? contact->OptText(1).value_or("") : "";
    values["contact.email"] = contact ? contact->OptText(2).value_or("") : "";
    return values;
}

void RegisterTemplateRoutes(http::Router& router, db::Database& db, kit::RecordService& records,
                            const kit::CompiledType& templates) {
    kit::ServeItemRoute(
        router, records, templates, "POST", "preview",
        [&db](const kit::ItemCall& call) -> Result<json> {
            json draft = call.record;
            for (const char* field : {"subject", "body", "signature"}) {
                if (call.body.contains(field)) draft[field] = call.body[field];
            }
            Derive(json(), draft);  // a draft's e-mail body made safe, its signature bare
            const std::int64_t customer_id = call.body.value("customer_id", std::int64_t{0});
            std::optional<std::int64_t> contact_id;
            if (call.body.value("contact_id", json()).is_number_integer())
                contact_id = call.body["contact_id"].get<std::int64_t>();
            GX_TRY_ASSIGN(db::Lease conn, db.Acquire());
            GX_TRY(CheckVariables(*conn, draft));
            GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, call.caller));
            GX_TRY_ASSIGN(auto owner, conn->QueryOne("SELECT owner_id FROM customers WHERE id = "
                                                     "? AND deleted_at IS NULL",
                                                     {customer_id}));
            if (!call.caller.Can("customers.view") || !owner ||
                !gate.SeesCustomer(owner->OptInt(0))) {
                return Error::NotFound("Customer");
            }
            GX_TRY_ASSIGN(auto values, VariableValues(*conn, customer_id, contact_id));
            const bool sms = draft.value("channel", std::string()) == "sms";
            const std::string body = Render(Text(draft, "body"), values, !sms);
            json out = {
                {"subject", sms ? json() : json(Render(Text(draft, "subject"), values, false))}};
            if (sms) {
                const std::string text = SmsText(Text(draft, "signature"), body);
                const SmsCount count = CountSms(text);
                out.update({{"body", body},
                            {"text", text},
                            {"length", count.length},
                            {"segments", count.segments},
                            {"encoding", count.encoding}});
            } else {
                // A value may carry markup or a link of its own: the whole is made safe again.
                const std::string html = SanitizeHtml(body);
                out.update({{"body", html},
                            {"text", html},
                            {"length", nullptr},
                            {"segments", nullptr},
                            {"encoding", nullptr}});
            }
            return out;
        });
}

}  // namespace guanxi::messages
