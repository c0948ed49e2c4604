#include "core/fields.hpp"

#include "core/money.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

#include <algorithm>

namespace guanxi {

namespace {

constexpr std::string_view kTypeNames[] = {
    "string", "text",     "enum",        "phone",    "email",   "user",    "department",
    "role",   "tags",     "string_list", "datetime", "date",    "integer", "boolean",
    "object", "password", "money",       "users",    "decimal", "records",
};

using text::HasControlCharacters;

// Whether a custom object holds a control character in a key (one-line) or a string value (which
// may be multi-line: the object's fields are the admin's to define).
bool ObjectHasControlCharacters(const nlohmann::json& value) {
    if (value.is_string()) return HasControlCharacters(value.get_ref<const std::string&>(), true);
    if (value.is_object()) {
        for (const auto& [key, item] : value.items()) {
            if (HasControlCharacters(key, false) || ObjectHasControlCharacters(item)) return true;
        }
    }
    if (value.is_array()) {
        for (const auto& item : value) {
            if (ObjectHasControlCharacters(item)) return true;
        }
    }
    return false;
}

// A field's complaint: a field message's key (core/error.hpp) and its parameters; an empty key
// when the value is acceptable.
struct Complaint {
    std::string key;
    nlohmann::json params = nlohmann::json::object();

    Complaint() = default;
    Complaint(const char* k) : key(k) {}  // NOLINT(google-explicit-constructor)
    Complaint(std::string k, nlohmann::json p) : key(std::move(k)), params(std::move(p)) {}
    bool empty() const { return key.empty(); }
};

Complaint Check(const FieldDef& field, const nlohmann::json& value) {
    if (value.is_null()) {
        if (field.required) return "required";
        if (AcceptsNull(field)) return {};
        // Not nullable: the type's own complaint below names what the field takes.
    }
    const auto check_text = [&](bool multiline) -> Complaint {
        if (!value.is_string()) return "not_a_string";
        const auto& s = value.get_ref<const std::string&>();
        if (text::CodePointCount(s) > field.max_length) {
            return {"too_long", {{"max", field.max_length}}};
        }
        if (HasControlCharacters(s, multiline)) return "control_characters";
        if (field.required && text::Trim(s).empty()) return "empty";
        return {};
    };
    switch (field.type) {
        case FieldType::kString:
        case FieldType::kPassword:
            return check_text(false);
        case FieldType::kText:
            return check_text(true);
        case FieldType::kEnum: {
            if (value.is_string() &&
                std::find(field.options.begin(), field.options.end(),
                          value.get_ref<const std::string&>()) != field.options.end()) {
                return {};
            }
            std::string allowed;
            for (const auto& o : field.options) allowed += (allowed.empty() ? "" : ", ") + o;
            return {"not_an_option", {{"options", allowed}}};
        }
        case FieldType::kPhone: {
            if (auto e = check_text(false); !e.empty()) return e;
            const auto& s = value.get_ref<const std::string&>();
            if (s.empty()) return {};
            // Stored trimmed (as every text is), so checked trimmed.
            if (!text::IsPhoneNumber(text::Trim(s))) {
                return "not_a_phone";
            }
            return {};
        }
        case FieldType::kEmail: {
            if (auto e = check_text(false); !e.empty()) return e;
            const auto& s = value.get_ref<const std::string&>();
            if (s.empty()) return {};
            const size_t at = s.find('@');
            if (at == std::string::npos || at == 0 || at + 1 >= s.size() ||
                s.find('@', at + 1) != std::string::npos || s.find(' ') != std::string::npos ||
                s.find('.', at) == std::string::npos) {
                return "not_an_email";
            }
            return {};
        }
        case FieldType::kUser:
        case FieldType::kDepartment:
        case FieldType::kRole:
        case FieldType::kInteger:
            if (!value.is_number_integer()) return "not_an_integer";
            if (field.type != FieldType::kInteger && value.get<std::int64_t>() <= 0) {
                return "not_a_positive_id";
            }
            return {};
        case FieldType::kTags:
        case FieldType::kStringList: {
            if (!value.is_array()) return "not_a_string_list";
            // A list of choices may hold every choice (a role's permissions grow with the record
            // types); any other list at most 50 items.
            const std::size_t max = std::max<std::size_t>(50, field.options.size());
            if (value.size() > max) return {"too_many_items", {{"max", max}}};
            for (const auto& item : value) {
                if (!item.is_string()) return "not_a_string_list";
                const auto& s = item.get_ref<const std::string&>();
                if (s.empty() || text::CodePointCount(s) > 50 || HasControlCharacters(s, false)) {
                    return {"bad_item_length", {{"max", 50}}};
                }
                if (!field.options.empty() && std::find(field.options.begin(), field.options.end(),
                                                        s) == field.options.end()) {
                    return {"unknown_item", {{"item", s}}};
                }
            }
            return {};
        }
        case FieldType::kDatetime:
            if (!value.is_string() || !ParseRfc3339(value.get<std::string>())) {
                return "not_a_datetime";
            }
            return {};
        case FieldType::kDate:
            if (!value.is_string() || !ParseDate(value.get<std::string>())) {
                return "not_a_date";
            }
            return {};
        case FieldType::kBoolean:
            return value.is_boolean() ? "" : "not_a_boolean";
        case FieldType::kMoney: {
            if (!value.is_string()) return "not_money";
            const auto cents = ParseMoney(value.get_ref<const std::string&>());
            if (!cents) return "not_money";
            if (*cents > kMaxAmountCents) {
                return {"money_too_large", {{"max", FormatMoney(kMaxAmountCents)}}};
            }
            return {};
        }
        case FieldType::kUsers:
        case FieldType::kRecords: {
            if (!value.is_array()) return "not_an_id_list";
            if (value.size() > 50) return {"too_many_items", {{"max", 50}}};
            std::set<std::int64_t> seen;
            for (const auto& item : value) {
                if (!item.is_number_integer() || item.get<std::int64_t>() <= 0) {
                    return "not_an_id_list";
                }
                if (!seen.insert(item.get<std::int64_t>()).second) return "repeated_item";
            }
            return {};
        }
        case FieldType::kDecimal: {
            if (value.is_number()) return {};
            if (!value.is_string()) return "not_a_decimal";
            const auto& s = value.get_ref<const std::string&>();
            const std::size_t digits = s.find_first_not_of("0123456789", s.starts_with('-'));
            const bool whole = !s.empty() && s != "-" && digits == std::string::npos;
            const bool fraction =
                digits != std::string::npos && s[digits] == '.' &&
                digits > (s.starts_with('-') ? 1u : 0u) && digits + 1 < s.size() &&
                s.find_first_not_of("0123456789", digits + 1) == std::string::npos;
            return whole || fraction ? "" : "not_a_decimal";
        }
        case FieldType::kObject:
            if (!value.is_object()) return "not_an_object";
            if (value.dump().size() > 16 * 1024) return "too_large";
            if (ObjectHasControlCharacters(value)) return "control_characters";
            return {};
    }
    return {};
}

}  // namespace

bool AcceptsNull(const FieldDef& field) {
    return field.nullable && !field.required && field.type != FieldType::kBoolean &&
           field.type != FieldType::kEnum && field.type != FieldType::kPassword;
}

const FieldDef* EntityMeta::Find(std::string_view name) const {
    for (const auto& f : fields) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

nlohmann::json EntityMeta::ToJson() const {
    nlohmann::json out = {{"entity", entity}, {"fields", nlohmann::json::array()}};
    for (const auto& f : fields) {
        if (f.type == FieldType::kPassword) continue;
        nlohmann::json j = {{"name", f.name},
                            {"type", kTypeNames[static_cast<int>(f.type)]},
                            {"required", f.required},
                            {"label_key", entity + ".fields." + f.name},
                            {"list", f.list},
                            {"filter", f.filter},
                            {"sort", f.sort},
                            {"readonly", f.readonly},
                            {"nullable", AcceptsNull(f)}};
        if (f.type == FieldType::kString || f.type == FieldType::kText ||
            f.type == FieldType::kPhone || f.type == FieldType::kEmail) {
            j["max_length"] = f.max_length;
        }
        if (!f.options.empty()) j["options"] = f.options;
        out["fields"].push_back(std::move(j));
    }
    return out;
}

Status ValidateBody(const EntityMeta& meta, const nlohmann::json& body, bool creating,
                    const std::set<std::string, std::less<>>& extra) {
    Error error{
        ErrorCode::kValidationFailed, "Some fields are invalid.", nlohmann::json::object(), {}};
    bool bad = false;
    for (const auto& [key, value] : body.items()) {
        if (extra.count(key) > 0) continue;
        const FieldDef* field = meta.Find(key);
        if (field == nullptr || field->readonly) {
            error.FieldCode(key, field == nullptr ? "unknown_field" : "read_only");
            bad = true;
            continue;
        }
        if (Complaint complaint = Check(*field, value); !complaint.empty()) {
            error.FieldCode(key, complaint.key, std::move(complaint.params));
            bad = true;
        }
    }
    if (creating) {
        for (const auto& f : meta.fields) {
            if (f.required && !f.readonly && (!body.contains(f.name) || body[f.name].is_null())) {
                error.FieldCode(f.name, "required");
                bad = true;
            }
        }
    }
    if (bad) return error;
    return {};
}

std::optional<std::string> OptString(const nlohmann::json& body, std::string_view key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::int64_t> OptInt(const nlohmann::json& body, std::string_view key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

}  // namespace guanxi
