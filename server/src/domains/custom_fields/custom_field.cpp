#include "domains/custom_fields/custom_field.hpp"

#include "core/money.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/custom_fields/custom_field_store.hpp"

#include <algorithm>

namespace guanxi::custom_fields {

namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "custom.";

bool IsList(std::string_view type) { return type == "multi_choice" || type == "tags"; }

Error BadParam(ErrorCode code, const std::string& name, std::string message) {
    return Error{code, std::move(message), {{"parameter", name}}, {}};
}

// A validated value in its stored form.
json Normalised(const Definition& def, const json& value) {
    if (value.is_string()) {
        const std::string s = text::Trim(value.get<std::string>());
        if (def.type == "money") return FormatMoney(ParseMoney(s).value_or(0));
        if (def.type == "datetime") return FormatRfc3339(ParseRfc3339(s).value_or(0));
        return s;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& item : value) {
            std::string s = text::Trim(item.get<std::string>());
            if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
        }
        return out;
    }
    return value;
}

// A filter's text as the value the field's expression is compared with; nullopt when the field
// can't hold it.
std::optional<db::Value> FilterValue(const Definition& def, const std::string& text) {
    if (def.type == "integer") {
        std::int64_t v = 0;
        const bool negative = !text.empty() && text[0] == '-';
        const std::string digits = negative ? text.substr(1) : text;
        if (digits.empty() || digits.size() > 18) return std::nullopt;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + (c - '0');
        }
        return negative ? -v : v;
    }
    if (def.type == "money") {
        auto cents = ParseMoney(text);
        if (!cents) return std::nullopt;
        return static_cast<double>(*cents) / 100.0;
    }
    if (def.type == "boolean") {
        if (text != "true" && text != "false") return std::nullopt;
        return std::int64_t{text == "true" ? 1 : 0};
    }
    if (def.type == "date") {
        if (!ParseDate(text)) return std::nullopt;
        return text;
    }
    if (def.type == "datetime") {
        auto t = ParseRfc3339(text);
        if (!t) return std::nullopt;
        return FormatRfc3339(*t);
    }
    if (def.type == "choice" &&
        std::find(def.choices.begin(), def.choices.end(), text) == def.choices.end()) {
        return std::nullopt;
    }
    return text;
}

}  // namespace

bool IsType(std::string_view type) {
    return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

bool IsKey(std::string_view key) {
    if (key.empty() || key.size() > 40 || key[0] < 'a' || key[0] > 'z') return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

FieldDef Definition::Def() const {
    FieldDef def;
    def.name = Path();
    def.required = required;
    def.filter = true;
    def.sort = indexed && !IsList(type);
    if (type == "text") {
        def.type = FieldType::kString;
        def.max_length = 200;
    } else if (type == "long_text") {
        def.type = FieldType::kText;
        def.max_length = 5000;
    } else if (type == "integer") {
        def.type = FieldType::kInteger;
    } else if (type == "money") {
        def.type = FieldType::kMoney;
    } else if (type == "date") {
        def.type = FieldType::kDate;
    } else if (type == "datetime") {
        def.type = FieldType::kDatetime;
    } else if (type == "boolean") {
        def.type = FieldType::kBoolean;
    } else if (type == "choice") {
        def.type = FieldType::kEnum;
        def.options = choices;
    } else if (type == "multi_choice") {
        def.type = FieldType::kStringList;
        def.options = choices;
    } else {
        def.type = FieldType::kTags;
    }
    return def;
}

json Definition::ToJson() const {
    return {{"id", id},
            {"entity", entity},
            {"key", key},
            {"type", type},
            {"label", {{"zh-CN", label_zh_cn}, {"en", label_en}}},
            {"required", required},
            {"choices", choices},
            {"indexed", indexed},
            {"position", position},
            {"created_at", FormatRfc3339(created_at)},
            {"updated_at", FormatRfc3339(updated_at)},
            {"version", version}};
}

json Definition::MetaJson() const {
    // Named by its path, as errors, filters and sorts name it: the web's generic list, form and
    // filters use the name as is and read the value under `custom`.
    json field = EntityMeta{entity, {Def()}}.ToJson()["fields"][0];
    field["custom"] = true;
    field["key"] = key;
    field["custom_type"] = type;
    field["label"] = {{"zh-CN", label_zh_cn}, {"en", label_en}};
    field["list"] = false;
    // An optional field may always be cleared (a choice too: null removes the key).
    field["nullable"] = !required;
    return field;
}

Snapshot::Snapshot(std::vector<Definition> all) {
    std::stable_sort(all.begin(), all.end(), [](const Definition& a, const Definition& b) {
        return std::tie(a.position, a.id) < std::tie(b.position, b.id);
    });
    for (Definition& def : all) by_entity_[def.entity].push_back(std::move(def));
}

const std::vector<Definition>& Snapshot::Of(std::string_view entity) const {
    static const std::vector<Definition> kNone;
    auto it = by_entity_.find(entity);
    return it == by_entity_.end() ? kNone : it->second;
}

const Definition* Snapshot::Find(std::string_view entity, std::string_view key) const {
    for (const Definition& def : Of(entity)) {
        if (def.key == key) return &def;
    }
    return nullptr;
}

Status Catalog::Reload() const {
    std::lock_guard reloading(reloading_);
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::vector<Definition> all, store::All(*conn));
    auto snapshot = std::make_shared<const Snapshot>(std::move(all));
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(snapshot);
    loaded_at_ = std::chrono::steady_clock::now();
    return {};
}

std::shared_ptr<const Snapshot> Catalog::Current() const {
    {
        std::lock_guard lock(mutex_);
        if (std::chrono::steady_clock::now() - loaded_at_ < kMaxAge) return snapshot_;
    }
    // Stale: one caller reloads, the others answer from the snapshot they have. A failed reload
    // keeps the old snapshot and is tried again by the next caller.
    std::unique_lock reloading(reloading_, std::try_to_lock);
    if (reloading.owns_lock()) {
        reloading.unlock();
        (void)Reload();
    }
    std::lock_guard lock(mutex_);
    return snapshot_;
}

Status ValidateBody(const EntityMeta& meta, const Catalog* catalog, std::string_view entity,
                    const json& body, bool creating,
                    const std::set<std::string, std::less<>>& extra) {
    if (catalog == nullptr || !body.is_object()) {
        return guanxi::ValidateBody(meta, body, creating, extra);
    }
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    auto custom = body.find("custom");
    Status built_in;
    if (custom == body.end()) {
        built_in = guanxi::ValidateBody(meta, body, creating, extra);
    } else {
        json rest = body;
        rest.erase("custom");
        built_in = guanxi::ValidateBody(meta, rest, creating, extra);
    }
    if (!built_in) {
        error = built_in.error();
        bad = true;
    }
    const std::shared_ptr<const Snapshot> snapshot = catalog->Current();
    const std::vector<Definition>& defs = snapshot->Of(entity);
    // The usual body of an entity without custom fields costs nothing more.
    const bool any_required =
        std::any_of(defs.begin(), defs.end(), [](const Definition& def) { return def.required; });
    if (custom == body.end() && !(creating && any_required)) {
        if (bad) return error;
        return {};
    }
    EntityMeta custom_meta{std::string(entity), {}};
    for (const Definition& def : defs) custom_meta.fields.push_back(def.Def());
    json flat = json::object();
    if (custom != body.end() && !custom->is_null()) {
        if (!custom->is_object()) {
            error.Field("custom", "must be an object");
            return error;
        }
        for (const auto& [key, value] : custom->items()) {
            if (!IsKey(key)) {
                // Not a field's key: named by the object, not by a key that may hold anything.
                error.Field("custom", "has a key that is no custom field's");
                bad = true;
                continue;
            }
            const Definition* def = snapshot->Find(entity, key);
            if (def != nullptr && value.is_null()) {
                // null clears an optional field, of any type.
                if (def->required) {
                    error.Field(def->Path(), "is required");
                    bad = true;
                }
                continue;
            }
            flat[std::string(kPrefix) + key] = value;
        }
    }
    if (Status s = guanxi::ValidateBody(custom_meta, flat, creating); !s) {
        error.FieldsOf(s.error());
        bad = true;
    }
    if (bad) return error;
    return {};
}

json Merge(const Catalog* catalog, std::string_view entity, json stored, const json& patch) {
    if (!stored.is_object()) stored = json::object();
    if (!patch.is_object()) return stored;
    std::shared_ptr<const Snapshot> snapshot =
        catalog != nullptr ? catalog->Current() : std::shared_ptr<const Snapshot>();
    for (const auto& [key, value] : patch.items()) {
        if (value.is_null()) {
            stored.erase(key);
            continue;
        }
        const Definition* def = snapshot ? snapshot->Find(entity, key) : nullptr;
        stored[key] = def != nullptr ? Normalised(*def, value) : value;
    }
    return stored;
}

std::string ValueSql(db::Backend backend, const Definition& def, std::string_view column) {
    const std::string col(column);
    if (backend == db::Backend::kSqlite) {
        const std::string value = "json_extract(" + col + ", '$." + def.key + "')";
        // Money is stored as "1234.50": compared and sorted as a number.
        return def.type == "money" ? "CAST(" + value + " AS REAL)" : value;
    }
    const std::string text = "(" + col + "::jsonb ->> '" + def.key + "')";
    if (def.type == "integer" || def.type == "money") {
        // A value stored before the field was defined may be anything: only numbers cast.
        return "(CASE WHEN jsonb_typeof(" + col + "::jsonb -> '" + def.key + "') = 'number' OR (" +
               text + ") ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (" + text + ")::numeric END)";
    }
    return text;
}

bool ListSql::Uses(const http::ListQuery& query) {
    for (const auto& [name, value] : query.filters) {
        if (name.rfind(kPrefix, 0) == 0) return true;
    }
    for (const auto& key : query.sort) {
        if (key.field.rfind(kPrefix, 0) == 0) return true;
    }
    return false;
}

Status ListSql::AddFilters(const http::ListQuery& query, db::Where& where) const {
    const std::string column = alias + ".custom";
    for (const auto& [name, value] : query.filters) {
        if (name.rfind(kPrefix, 0) != 0) continue;
        const Definition* def = snapshot->Find(entity, name.substr(kPrefix.size()));
        if (def == nullptr) {
            return BadParam(ErrorCode::kUnknownFilter, name, "Unknown filter '" + name + "'.");
        }
        if (IsList(def->type)) {
            // Holds the item.
            if (backend == db::Backend::kSqlite) {
                where.Add("EXISTS (SELECT 1 FROM json_each(" + column + ", '$." + def->key +
                              "') WHERE json_each.value = ?)",
                          {value});
            } else {
                where.Add("(" + column + "::jsonb -> '" + def->key + "') @> ?::jsonb",
                          {json::array({value}).dump()});
            }
            continue;
        }
        auto bound = FilterValue(*def, value);
        if (!bound) {
            return BadParam(ErrorCode::kBadRequest, name,
                            "The filter " + name + " does not fit its field.");
        }
        if (backend == db::Backend::kPostgres && def->type == "boolean") {
            bound = std::get<std::int64_t>(*bound) == 1 ? "true" : "false";
        }
        if (backend == db::Backend::kPostgres && def->type == "money") {
            bound = value;  // compared as numeric: the text binds as one
        }
        const std::string param =
            backend == db::Backend::kPostgres && (def->type == "integer" || def->type == "money")
                ? "CAST(? AS numeric)"
                : "?";
        where.Add(ValueSql(backend, *def, column) + " = " + param, {*bound});
    }
    for (const auto& key : query.sort) {
        if (key.field.rfind(kPrefix, 0) == 0) GX_TRY(OrderTerm(key));
    }
    return {};
}

Result<std::string> ListSql::OrderTerm(const http::SortKey& key) const {
    const Definition* def = snapshot->Find(entity, key.field.substr(kPrefix.size()));
    if (def == nullptr || !def->Def().sort) {
        return BadParam(ErrorCode::kUnknownSort, key.field,
                        def == nullptr ? "Cannot sort by '" + key.field + "'."
                                       : "Cannot sort by '" + key.field +
                                             "': only indexed custom fields sort.");
    }
    const std::string value = ValueSql(backend, *def, alias + ".custom");
    return "(" + value + " IS NULL), " + value + (key.descending ? " DESC" : " ASC");
}

std::string CellText(const json& value) {
    if (value.is_null()) return "";
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) {
            if (!out.empty()) out += ";";
            out += item.is_string() ? item.get<std::string>() : item.dump();
        }
        return out;
    }
    return value.dump();
}

json CellValue(const Definition& def, const std::string& cell) {
    const std::string trimmed = text::Trim(cell);
    if (def.type == "integer") {
        json number = json::parse(trimmed, nullptr, false);
        return number.is_number_integer() ? number : json(trimmed);
    }
    if (def.type == "boolean") {
        const std::string lowered = text::AsciiLower(trimmed);
        for (const char* yes : {"true", "yes", "y", "1", "是", "√"}) {
            if (lowered == yes) return true;
        }
        for (const char* no : {"false", "no", "n", "0", "否", "×"}) {
            if (lowered == no) return false;
        }
        return trimmed;
    }
    if (IsList(def.type)) return text::SplitListCell(trimmed);
    return trimmed;
}

}  // namespace guanxi::custom_fields
