#include "domains/custom_fields/custom_field_service.hpp"

#include "core/fields.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/custom_fields/custom_field_store.hpp"

#include <algorithm>

namespace guanxi::custom_fields {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxChoices = 100;
constexpr std::size_t kMaxFieldsPerEntity = 100;

const EntityMeta& DefinitionMeta() {
    static const EntityMeta kMeta = [] {
        std::vector<std::string> types(std::begin(kTypes), std::end(kTypes));
        EntityMeta meta{
            "custom_fields",
            {
                {.name = "entity", .required = true, .max_length = 50},
                {.name = "key", .required = true, .max_length = 40},
                {.name = "type", .type = FieldType::kEnum, .required = true, .options = types},
                {.name = "label", .type = FieldType::kObject, .required = true},
                {.name = "required", .type = FieldType::kBoolean},
                {.name = "choices", .type = FieldType::kStringList, .nullable = false},
                {.name = "indexed", .type = FieldType::kBoolean},
                {.name = "position", .type = FieldType::kInteger, .nullable = false},
            }};
        return meta;
    }();
    return kMeta;
}

Error Stale(std::int64_t current) {
    return Error{ErrorCode::kStaleVersion,
                 "Someone else changed this field; reload it and try again.",
                 {{"current_version", current}},
                 {}};
}

Error Taken(std::string field, std::string message) {
    return Error{ErrorCode::kConflict, std::move(message), {{"field", std::move(field)}}, {}};
}

// Applies the changeable members of a validated body (label, required, choices, position) onto
// `def` and checks the result as a whole; 422 naming each bad member.
Status Apply(Definition& def, const json& body) {
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    if (auto label = body.find("label"); label != body.end()) {
        for (const char* lang : {"zh-CN", "en"}) {
            auto text = label->find(lang);
            std::string& target = std::string_view(lang) == "en" ? def.label_en : def.label_zh_cn;
            if (text == label->end()) {
                if (target.empty()) {
                    error.Field(std::string("label.") + lang, "is required");
                    bad = true;
                }
                continue;
            }
            const std::string value = text->is_string() ? text::Trim(text->get<std::string>()) : "";
            if (value.empty() || text::CodePointCount(value) > 100 ||
                text::HasControlCharacters(value, false)) {
                error.Field(std::string("label.") + lang,
                            "must be 1 to 100 characters of one line");
                bad = true;
                continue;
            }
            target = value;
        }
        for (const auto& [lang, value] : label->items()) {
            if (lang != "zh-CN" && lang != "en") {
                error.Field("label", "takes zh-CN and en only");
                bad = true;
            }
        }
    }
    if (body.contains("required")) def.required = body["required"].get<bool>();
    if (body.contains("position")) def.position = body["position"].get<std::int64_t>();
    if (body.contains("choices")) {
        def.choices.clear();
        for (const auto& c : body["choices"]) {
            std::string choice = text::Trim(c.get<std::string>());
            if (std::find(def.choices.begin(), def.choices.end(), choice) != def.choices.end()) {
                error.FieldCode("choices", "repeated_choice", {{"choice", choice}});
                bad = true;
            }
            def.choices.push_back(std::move(choice));
        }
    }
    const bool takes_choices = def.type == "choice" || def.type == "multi_choice";
    if (takes_choices && def.choices.empty()) {
        error.FieldCode("choices", "choices_required");
        bad = true;
    } else if (!takes_choices && !def.choices.empty()) {
        error.Field("choices", "are only for choice and multi_choice fields");
        bad = true;
    } else if (def.choices.size() > kMaxChoices) {
        error.FieldCode("choices", "too_many_items", {{"max", kMaxChoices}});
        bad = true;
    }
    if (bad) return error;
    return {};
}

// 409 when another live field of the entity has one of `def`'s labels.
Status CheckLabels(const Snapshot& snapshot, const Definition& def) {
    for (const Definition& other : snapshot.Of(def.entity)) {
        if (other.id == def.id) continue;
        for (const std::string* label : {&def.label_zh_cn, &def.label_en}) {
            if (*label == other.label_zh_cn || *label == other.label_en) {
                return Taken(label == &def.label_en ? "label.en" : "label.zh-CN",
                             "Another custom field of " + def.entity + " is labelled '" + *label +
                                 "' (imports find columns by label).");
            }
        }
    }
    return {};
}

Status Audit(db::Connection& conn, const Principal& caller, std::string_view action,
             const Definition& def) {
    return audit::Record(conn, caller,
                         {"custom_field." + std::string(action),
                          "custom_field",
                          def.id,
                          {{"entity", def.entity}, {"key", def.key}}});
}

}  // namespace

Result<json> CustomFieldService::List(const Principal&, const std::optional<std::string>& entity) {
    if (entity && tables_.count(*entity) == 0) {
        return Error{ErrorCode::kBadRequest,
                     "'" + *entity + "' takes no custom fields.",
                     {{"parameter", "entity"}},
                     {}};
    }
    // Read from the database, not the catalog: an administrator's page shows what is stored.
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(std::vector<Definition> all, store::All(*conn));
    json items = json::array();
    if (entity) {
        const Snapshot snapshot(std::move(all));
        for (const Definition& def : snapshot.Of(*entity)) items.push_back(def.ToJson());
    } else {
        for (const Definition& def : all) items.push_back(def.ToJson());
    }
    return json{{"items", items}};
}

Result<json> CustomFieldService::Create(const Principal& caller, const json& body) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    GX_TRY(guanxi::ValidateBody(DefinitionMeta(), body, true));
    Definition def;
    def.entity = body["entity"].get<std::string>();
    def.key = body["key"].get<std::string>();
    def.type = body["type"].get<std::string>();
    def.indexed = body.value("indexed", false);
    Error error{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    if (tables_.count(def.entity) == 0) {
        std::string known;
        for (const auto& [name, table] : tables_) known += (known.empty() ? "" : ", ") + name;
        error.FieldCode("entity", "not_an_option", {{"options", known}});
        bad = true;
    }
    if (!IsKey(def.key)) {
        error.Field("key",
                    "must be lower snake_case: a letter, then letters, digits or _, at most 40");
        bad = true;
    }
    if (def.indexed && (def.type == "multi_choice" || def.type == "tags")) {
        error.Field("indexed", "lists are filtered by item and are not indexed");
        bad = true;
    }
    if (Status s = Apply(def, body); !s) {
        error.FieldsOf(s.error());
        bad = true;
    }
    if (bad) return error;
    GX_TRY_ASSIGN(
        json created,
        db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<json> {
            GX_TRY_ASSIGN(bool taken, store::KeyTaken(conn, def.entity, def.key));
            if (taken) {
                return Taken("key", def.entity + " has a custom field '" + def.key + "' already.");
            }
            GX_TRY_ASSIGN(std::vector<Definition> all, store::All(conn));
            const Snapshot snapshot(std::move(all));
            if (snapshot.Of(def.entity).size() >= kMaxFieldsPerEntity) {
                return Error::ValidationCode("entity", "too_many_custom_fields",
                                             {{"max", kMaxFieldsPerEntity}});
            }
            GX_TRY(CheckLabels(snapshot, def));
            const std::int64_t now = NowSeconds();
            GX_TRY_ASSIGN(def.id, store::Insert(conn, def, now));
            if (def.indexed) GX_TRY(store::CreateIndex(conn, def, tables_.at(def.entity)));
            GX_TRY(Audit(conn, caller, "create", def));
            GX_TRY_ASSIGN(auto stored, store::Get(conn, def.id));
            return stored->ToJson();
        }));
    GX_TRY(catalog_.Reload());
    return created;
}

Result<json> CustomFieldService::Update(const Principal& caller, std::int64_t id,
                                        const json& body) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    if (body.contains("version") && !body["version"].is_number_integer()) {
        return Error::Validation("version", "must be an integer");
    }
    GX_TRY(guanxi::ValidateBody(DefinitionMeta(), body, false, {"version"}));
    for (const char* fixed : {"entity", "key", "type", "indexed"}) {
        if (body.contains(fixed)) {
            return Error::Validation(fixed, "cannot be changed (define a new field instead)");
        }
    }
    GX_TRY_ASSIGN(
        json updated,
        db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<json> {
            GX_TRY_ASSIGN(auto found, store::Get(conn, id));
            if (!found) return Error::NotFound("Custom field");
            Definition def = std::move(*found);
            const std::int64_t version = def.version;
            if (body.contains("version") && body["version"] != version) {
                return Stale(version);
            }
            GX_TRY(Apply(def, body));
            GX_TRY_ASSIGN(std::vector<Definition> all, store::All(conn));
            GX_TRY(CheckLabels(Snapshot(std::move(all)), def));
            GX_TRY_ASSIGN(bool changed, store::Update(conn, def, version, NowSeconds()));
            if (!changed) return Stale(version);
            GX_TRY(Audit(conn, caller, "update", def));
            GX_TRY_ASSIGN(auto stored, store::Get(conn, id));
            return stored->ToJson();
        }));
    GX_TRY(catalog_.Reload());
    return updated;
}

Status CustomFieldService::Delete(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, "users.manage"));
    GX_TRY(db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(auto found, store::Get(conn, id));
        if (!found) return Error::NotFound("Custom field");
        GX_TRY_ASSIGN(bool deleted, store::SetDeleted(conn, id, NowSeconds()));
        if (!deleted) return Error::NotFound("Custom field");
        if (found->indexed) {
            auto table = tables_.find(found->entity);
            if (table != tables_.end()) GX_TRY(store::DropIndex(conn, *found, table->second));
        }
        return Audit(conn, caller, "delete", *found);
    }));
    return catalog_.Reload();
}

}  // namespace guanxi::custom_fields
