#include "kit/record_openapi.hpp"

#include "kit/record_routes.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace guanxi::kit {

namespace {

using nlohmann::json;

// "mailing" → "Mailing", "deal_line" → "DealLine".
std::string Pascal(std::string_view snake) {
    std::string out;
    bool upper = true;
    for (char c : snake) {
        if (c == '_' || c == '-') {
            upper = true;
        } else {
            out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                : c);
            upper = false;
        }
    }
    return out;
}

json FieldSchema(const Field& field) {
    const FieldDef& def = field.def;
    json schema;
    switch (def.type) {
        case FieldType::kInteger:
            schema = {{"type", "integer"}};
            break;
        case FieldType::kUser:
        case FieldType::kDepartment:
            schema = {{"type", "integer"}, {"minimum", 1}};
            break;
        case FieldType::kMoney:
            schema = {{"type", "string"},
                      {"pattern", "^[0-9]{1,13}(\\.[0-9]{1,2})?$"},
                      {"description", "An amount with at most two decimals, as a string"}};
            break;
        case FieldType::kBoolean:
            schema = {{"type", "boolean"}};
            break;
        case FieldType::kDate:
            schema = {{"type", "string"}, {"format", "date"}};
            break;
        case FieldType::kDatetime:
            schema = {{"type", "string"}, {"format", "date-time"}};
            break;
        case FieldType::kTags:
        case FieldType::kStringList:
            schema = {{"type", "array"}, {"items", {{"type", "string"}}}};
            break;
        case FieldType::kUsers:
        case FieldType::kRecords:
            schema = {{"type", "array"},
                      {"items", {{"type", "integer"}, {"minimum", 1}}},
                      {"maxItems", 50},
                      {"uniqueItems", true}};
            break;
        case FieldType::kEnum:
            schema = {{"type", "string"}, {"enum", def.options}};
            break;
        case FieldType::kDecimal:
            schema = {{"type", {"string", "number"}}};
            break;
        case FieldType::kObject:
            schema = {{"type", "object"}};
            break;
        default:
            schema = {{"type", "string"}, {"maxLength", def.max_length}};
            if (def.type == FieldType::kText) schema["x-multiline"] = true;
            break;
    }
    if (def.nullable && !def.required && def.type != FieldType::kBoolean &&
        def.type != FieldType::kEnum) {
        if (schema["type"].is_array()) {
            schema["type"].push_back("null");
        } else {
            schema["type"] = json::array({schema["type"], "null"});
        }
    }
    if (!field.label.en.empty()) schema["title"] = field.label.en;
    if (!field.label.zh_cn.empty()) schema["x-label-zh-CN"] = field.label.zh_cn;
    if (!field.note.empty()) schema["description"] = field.note;
    return schema;
}

// An item route's body (`input`: no other members) or answer: its members and lists.
json ObjectSchema(const std::vector<Field>& members, const std::vector<ListMember>& lists,
                  bool input) {
    json schema = {{"type", "object"}, {"properties", json::object()}};
    if (input) schema["additionalProperties"] = false;
    json required = json::array();
    for (const Field& field : members) {
        schema["properties"][field.def.name] = FieldSchema(field);
        if (field.def.required) required.push_back(field.def.name);
    }
    for (const ListMember& member : lists) {
        json list = {{"type", "array"},
                     {"items", ObjectSchema(member.fields, member.lists, input)}};
        if (member.max_items > 0) list["maxItems"] = member.max_items;
        if (!member.note.empty()) list["description"] = member.note;
        schema["properties"][member.name] = list;
        required.push_back(member.name);
    }
    if (!required.empty()) schema["required"] = required;
    return schema;
}

json ShapeSchema(const Shape& shape, bool input) {
    return ObjectSchema(shape.members, shape.lists, input);
}

json Ref(std::string_view kind, std::string_view name) {
    return {{"$ref", "#/components/" + std::string(kind) + "/" + std::string(name)}};
}

json Responses(std::initializer_list<std::string_view> codes) {
    static const std::map<std::string_view, std::string_view> kNames = {
        {"400", "BadRequest"}, {"401", "Unauthenticated"},
        {"403", "Forbidden"},  {"404", "NotFound"},
        {"409", "Conflict"},   {"413", "PayloadTooLarge"},
        {"422", "Invalid"},    {"503", "Busy"}};
    json out = json::object();
    for (std::string_view code : codes) out[std::string(code)] = Ref("responses", kNames.at(code));
    return out;
}

json Content(const json& schema) { return {{"application/json", {{"schema", schema}}}}; }

json IdParameter(std::string_view name) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"schema", {{"type", "integer"}, {"minimum", 1}}}};
}

// The operation of an item route (ItemRoute), from its declaration.
json ItemOperation(const RecordType& type, const ItemRoute& route) {
    const std::string name = Pascal(type.singular);
    const std::string what = Pascal(route.name);
    std::string id;
    if (route.method == "POST") {
        id = route.name.empty() ? "post" + name : route.name + name;
        std::erase(id, '-');
    } else {
        id = (route.method == "GET" ? "get" : "put") + name + (what.empty() ? "ById" : what);
    }
    const bool nested = ItemBasePattern(type).find("{record_id}") != std::string::npos;
    json params = nested ? json::array({IdParameter("id"), IdParameter("record_id")})
                         : json::array({IdParameter("id")});
    for (const std::string& q : route.query) {
        if (q == "lang") {
            params.push_back({{"name", "lang"},
                              {"in", "query"},
                              {"description", "Default: Accept-Language, else zh-CN"},
                              {"schema", {{"type", "string"}, {"enum", {"zh-CN", "en"}}}}});
        } else {
            params.push_back({{"name", q},
                              {"in", "query"},
                              {"schema", {{"type", "string"}, {"enum", {"true", "false"}}}}});
        }
    }
    for (const Field& param : route.params) {
        json schema = FieldSchema(param);
        json p = {{"name", param.def.name}, {"in", "query"}, {"schema", schema}};
        if (schema.contains("description")) p["description"] = schema["description"];
        params.push_back(std::move(p));
    }
    std::vector<std::string_view> codes = {"401", "403", "404"};
    if (route.body || !route.query.empty() || !route.params.empty()) codes.push_back("400");
    if (route.body) codes.push_back("422");
    for (const std::string& code : route.errors) {
        if (std::ranges::find(codes, code) == codes.end()) codes.push_back(code);
    }
    json responses = json::object();
    for (std::string_view code : codes) responses.update(Responses({code}));
    const std::string permission = type.Permission(route.permission);
    json op = {{"operationId", id},
               {"summary", route.summary},
               {"description", route.description.empty()
                                   ? "Needs " + permission + "."
                                   : route.description + " Needs " + permission + "."},
               {"tags", {type.name}},
               {"parameters", params},
               {"responses", responses}};
    if (route.body) {
        op["requestBody"] = {{"required", !route.body_optional},
                             {"content", Content(ShapeSchema(*route.body, true))}};
    }
    json record = Ref("schemas", name);
    const bool adds = !route.answers.members.empty() || !route.answers.lists.empty();
    if (adds) record = {{"allOf", {record, ShapeSchema(route.answers, false)}}};
    const json binary = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
    json content;
    switch (route.answer) {
        case ItemAnswer::kRecord:
            content = Content(record);
            break;
        case ItemAnswer::kRecords:
            content =
                Content({{"type", "object"},
                         {"required", {"items"}},
                         {"properties", {{"items", {{"type", "array"}, {"items", record}}}}}});
            break;
        case ItemAnswer::kObject:
            content = Content(ShapeSchema(route.answers, false));
            break;
        case ItemAnswer::kHtml:
            content = {{"text/html", {{"schema", {{"type", "string"}}}}}};
            break;
        case ItemAnswer::kPdf:
            content = {{"application/pdf", binary}};
            break;
    }
    op["responses"][std::to_string(route.status)] = {
        {"description", route.status == 201 ? "Created" : "OK"}, {"content", content}};
    return op;
}

// One page of a record's history (RecordService::History), the same for every type.
json HistoryPage() {
    const json value = {{"description", "As the record answers it (null: none)"}};
    const json change = {
        {"type", "object"},
        {"required", {"before", "after"}},
        {"properties",
         {{"before", value},
          {"after", value},
          {"before_name", {{"type", {"string", "null"}}, {"description", "A user field's user"}}},
          {"after_name", {{"type", {"string", "null"}}, {"description", "A user field's user"}}}}}};
    const json entry = {
        {"type", "object"},
        {"required", {"id", "at", "action", "changes"}},
        {"properties",
         {{"id", {{"type", "integer"}}},
          {"at", {{"type", "string"}, {"format", "date-time"}}},
          {"user_id", {{"type", {"integer", "null"}}}},
          {"user_name", {{"type", {"string", "null"}}}},
          {"action", {{"type", "string"}, {"enum", {"create", "update", "delete", "restore"}}}},
          {"changes",
           {{"type", "object"},
            {"description", "The fields the write changed, by name"},
            {"additionalProperties", change}}}}}};
    return {{"type", "object"},
            {"required", {"items", "total", "page", "page_size"}},
            {"properties",
             {{"items", {{"type", "array"}, {"items", entry}}},
              {"total", {{"type", "integer"}}},
              {"page", {{"type", "integer"}}},
              {"page_size", {{"type", "integer"}}}}}};
}

}  // namespace

json WithRecordTypes(json document, const Registry& registry) {
    json& schemas = document["components"]["schemas"];
    json& paths = document["paths"];
    schemas["RecordHistoryPage"] = HistoryPage();
    for (const auto& compiled : registry.types()) {
        const RecordType& type = compiled->type;
        const std::string name = Pascal(type.singular);
        const std::string plural = Pascal(type.name);
        const std::string tag = type.name;
        json input = {
            {"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}};
        json record = {{"type", "object"},
                       {"required", {"id", "created_at", "updated_at", "version"}},
                       {"properties",
                        {{"id", {{"type", "integer"}}},
                         {"created_by", {{"type", {"integer", "null"}}}},
                         {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                         {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
                         {"version", {{"type", "integer"}}},
                         {"deleted_at", {{"type", {"string", "null"}}, {"format", "date-time"}}}}}};
        if (type.UnderCustomer()) {
            record["required"].push_back("customer_id");
            record["properties"]["customer_id"] = {{"type", "integer"}};
        }
        for (const CompiledType::NameOf& named : compiled->names) {
            record["properties"][named.member] = {
                {"type", {"string", "null"}},
                {"readOnly", true},
                {"description", "The name of what " + named.field + " names"}};
            if (!named.set_side_table.empty()) {
                record["properties"][named.member] = {
                    {"type", "array"},
                    {"items", {{"type", "string"}}},
                    {"readOnly", true},
                    {"description", "The names of what " + named.field + " names, in id order"}};
            }
        }
        json required = json::array();
        for (const Field& field : type.fields) {
            json schema = FieldSchema(field);
            if (!field.def.readonly) input["properties"][field.def.name] = schema;
            record["properties"][field.def.name] = schema;
            if (field.def.required) required.push_back(field.def.name);
        }
        // Custom fields (/api/v1/custom-fields) by key; a patch merges (null clears a key, a null
        // object every key).
        input["properties"]["custom"] = {
            {"type", {"object", "null"}},
            {"description", "Custom field values by key; 422 names custom.<key>"}};
        record["properties"]["custom"] = {{"type", "object"}};
        json create = input;
        if (!required.empty()) create["required"] = required;
        for (const std::string& option : type.create_options) {
            create["properties"][option] = {{"type", "boolean"}};
        }
        create["example"] = type.example;
        json patch = input;
        patch["properties"]["version"] = {{"type", "integer"}};
        schemas[name] = record;
        if (type.generic_create) schemas[name + "Create"] = create;
        if (!type.append_only) schemas[name + "Patch"] = patch;

        // The path's parameters: the customer's id and the record's, or the record's alone.
        const bool nested = type.UnderCustomer();
        json list_params = nested ? json::array({IdParameter("id")}) : json::array();
        for (const char* p : {"page", "page_size"}) {
            list_params.push_back(
                {{"name", p}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
        }
        list_params.push_back({{"name", "sort"},
                               {"in", "query"},
                               {"description", "Comma-separated fields, '-' for descending"},
                               {"schema", {{"type", "string"}}}});
        if (compiled->list.searchable) {
            list_params.push_back(
                {{"name", "q"}, {"in", "query"}, {"schema", {{"type", "string"}}}});
        }
        if (!type.append_only) {
            list_params.push_back(
                {{"name", "deleted"},
                 {"in", "query"},
                 {"description", "true: the recycle bin (needs " + type.Permission("delete") + ")"},
                 {"schema", {{"type", "boolean"}}}});
        }
        for (const Field& field : type.fields) {
            if (!field.def.filter) continue;
            json schema = FieldSchema(field);
            if (field.def.type == FieldType::kUsers || field.def.type == FieldType::kRecords) {
                list_params.push_back({{"name", field.def.name},
                                       {"in", "query"},
                                       {"description", field.def.type == FieldType::kUsers
                                                           ? "Records whose set holds this user"
                                                           : "Records whose set holds this one"},
                                       {"schema", {{"type", "integer"}, {"minimum", 1}}}});
                continue;
            }
            list_params.push_back({{"name", field.def.name}, {"in", "query"}, {"schema", schema}});
            if (field.def.type != FieldType::kDate && field.def.type != FieldType::kDatetime) {
                continue;
            }
            // Ranges (record_store.cpp): on or after _from, before _to.
            schema.erase("title");
            schema.erase("x-label-zh-CN");
            list_params.push_back({{"name", field.def.name + "_from"},
                                   {"in", "query"},
                                   {"description", "On or after this " + field.def.name},
                                   {"schema", schema}});
            list_params.push_back({{"name", field.def.name + "_to"},
                                   {"in", "query"},
                                   {"description", "Before this " + field.def.name},
                                   {"schema", schema}});
        }
        for (const char* bound : {"from", "to"}) {
            const bool from = std::string_view(bound) == "from";
            list_params.push_back(
                {{"name", std::string("created_at_") + bound},
                 {"in", "query"},
                 {"description", from ? "Made at or after this time" : "Made before this time"},
                 {"schema", {{"type", "string"}, {"format", "date-time"}}}});
        }
        const json page = {{"type", "object"},
                           {"required", {"items", "total", "page", "page_size"}},
                           {"properties",
                            {{"items", {{"type", "array"}, {"items", Ref("schemas", name)}}},
                             {"total", {{"type", "integer"}}},
                             {"page", {{"type", "integer"}}},
                             {"page_size", {{"type", "integer"}}}}}};
        const json one = Content(Ref("schemas", name));
        const std::string collection = CollectionPattern(type);
        const std::string item = ItemPattern(type);
        const json item_params = nested ? json::array({IdParameter("id"), IdParameter("record_id")})
                                        : json::array({IdParameter("id")});
        const std::string of = nested ? " of a customer" : "";

        json list_op = {{"operationId", "list" + plural},
                        {"summary", type.label.en + of},
                        {"tags", {tag}},
                        {"parameters", list_params},
                        {"responses", Responses({"400", "401", "403", "404"})}};
        list_op["responses"]["200"] = {{"description", "OK"}, {"content", Content(page)}};
        json create_op = {
            {"operationId", "create" + name},
            {"summary", "Create a " + type.label.en + " (" + type.Permission("create") + ")"},
            {"tags", {tag}},
            {"parameters",
             nested ? json::array({IdParameter("id"), Ref("parameters", "IdempotencyKey")})
                    : json::array({Ref("parameters", "IdempotencyKey")})},
            {"requestBody",
             {{"required", true}, {"content", Content(Ref("schemas", name + "Create"))}}},
            {"responses", Responses({"400", "401", "403", "404", "409", "413", "422", "503"})}};
        create_op["responses"]["201"] = {{"description", "Created"}, {"content", one}};
        paths[collection]["get"] = list_op;
        if (type.listed_across && nested) {
            // The same list across every customer whose records the caller may read.
            json across = list_op;
            across["operationId"] = "list" + plural + "AcrossCustomers";
            across["summary"] = type.label.en + " of every customer the caller may read";
            across["parameters"].erase(0);  // (no customer in the path)
            json row = json{{"allOf",
                             {Ref("schemas", name),
                              {{"type", "object"},
                               {"properties", {{"customer_name", {{"type", "string"}}}}}}}}};
            across["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
                  ["items"]["items"] = row;
            paths["/api/v1/" + type.Segment()]["get"] = across;
        }
        // A type with its own create route has it in the hand-written document.
        if (type.generic_create) paths[collection]["post"] = create_op;
        if (!type.customer_from.empty()) {
            // Created across customers too, under the customer of the record a field names.
            json across = create_op;
            across["operationId"] = "create" + name + "AcrossCustomers";
            across["description"] = "Under the customer of the record " + type.customer_from +
                                    " names; 404 when the caller can't see that record.";
            across["parameters"] = json::array({Ref("parameters", "IdempotencyKey")});
            paths["/api/v1/" + type.Segment()]["post"] = across;
        }

        json get_op = {{"operationId", "get" + name},
                       {"summary", "One " + type.label.en},
                       {"tags", {tag}},
                       {"parameters", item_params},
                       {"responses", Responses({"401", "403", "404"})}};
        get_op["responses"]["200"] = {{"description", "OK"}, {"content", one}};
        json patch_op = {
            {"operationId", "update" + name},
            {"summary", "Change a " + type.label.en + "; a stale version is 409"},
            {"tags", {tag}},
            {"parameters", item_params},
            {"requestBody",
             {{"required", true}, {"content", Content(Ref("schemas", name + "Patch"))}}},
            {"responses", Responses({"400", "401", "403", "404", "409", "413", "422", "503"})}};
        patch_op["responses"]["200"] = {{"description", "OK"}, {"content", one}};
        json delete_op = {{"operationId", "delete" + name},
                          {"summary", "Move a " + type.label.en + " to the recycle bin"},
                          {"tags", {tag}},
                          {"parameters", item_params},
                          {"responses", Responses({"401", "403", "404"})}};
        delete_op["responses"]["204"] = {{"description", "Deleted"}};
        paths[item] = {{"get", get_op}};
        if (!type.append_only) {
            paths[item]["patch"] = patch_op;
            paths[item]["delete"] = delete_op;
        }

        json restore_op = {{"operationId", "restore" + name},
                           {"summary", "Bring a " + type.label.en + " back from the recycle bin"},
                           {"tags", {tag}},
                           {"parameters", item_params},
                           {"responses", Responses({"401", "403", "404"})}};
        restore_op["responses"]["200"] = {{"description", "OK"}, {"content", one}};
        if (!type.append_only) paths[item + "/restore"] = {{"post", restore_op}};

        json history_params = item_params;
        for (const char* p : {"page", "page_size"}) {
            history_params.push_back(
                {{"name", p}, {"in", "query"}, {"schema", {{"type", "integer"}}}});
        }
        json history_op = {{"operationId", "list" + name + "History"},
                           {"summary", "Who changed a " + type.label.en + " and how, newest first"},
                           {"tags", {tag}},
                           {"parameters", history_params},
                           {"responses", Responses({"400", "401", "403", "404"})}};
        history_op["responses"]["200"] = {
            {"description", "OK"}, {"content", Content(Ref("schemas", "RecordHistoryPage"))}};
        paths[item + "/history"] = {{"get", history_op}};

        json export_params = json::array();
        for (const json& p : list_params) {
            if (p["name"] != "page" && p["name"] != "page_size") export_params.push_back(p);
        }
        export_params.push_back({{"name", "format"},
                                 {"in", "query"},
                                 {"schema", {{"type", "string"}, {"enum", {"csv", "xlsx"}}}}});
        export_params.push_back(
            {{"name", "lang"},
             {"in", "query"},
             {"description", "The header's language; default: Accept-Language, else zh-CN"},
             {"schema", {{"type", "string"}, {"enum", {"zh-CN", "en"}}}}});
        const json file = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
        json export_op = {{"operationId", "export" + plural},
                          {"summary", type.label.en + of + " as CSV or XLSX (" +
                                          type.Permission("export") + "), every page, audited"},
                          {"tags", {tag}},
                          {"parameters", export_params},
                          {"responses", Responses({"400", "401", "403", "404"})}};
        export_op["responses"]["200"] = {
            {"description", "The file; X-Export-Rows gives its row count"},
            {"content",
             {{"text/csv", file},
              {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file}}}};
        paths[collection + "/export"] = {{"get", export_op}};

        json meta_op = {{"operationId", "get" + plural + "Meta"},
                        {"summary", "Fields and labels of " + type.label.en + " records"},
                        {"tags", {tag}},
                        {"responses", Responses({"401"})}};
        meta_op["responses"]["200"] = {{"description", "OK"},
                                       {"content", Content({{"type", "object"}})}};
        paths["/api/v1/meta/" + type.name] = {{"get", meta_op}};

        for (const ItemRoute& route : type.item_routes) {
            const std::string base = ItemBasePattern(type);
            std::string method = route.method;
            std::ranges::transform(method, method.begin(), [](unsigned char c) {
                return static_cast<char>(std::tolower(c));
            });
            paths[route.name.empty() ? base : base + "/" + route.name][method] =
                ItemOperation(type, route);
        }
    }
    return document;
}

}  // namespace guanxi::kit
