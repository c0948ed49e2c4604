#include "kit/record_routes.hpp"

#include "core/log.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace guanxi::kit {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// The field metadata the web's generic pages render from, with each field's labels.
json MetaJson(const CompiledType& type, const Registry& registry) {
    json meta = type.meta.ToJson();
    meta["label"] = {{"zh-CN", type.type.label.zh_cn}, {"en", type.type.label.en}};
    // Where its records live, so a generic page knows its routes: the collection's path pattern
    // ("/api/v1/customers/{id}/mailings", "/api/v1/departments") and who sees them.
    static constexpr const char* kVisibility[] = {"through_customer", "own_scope", "admin_only"};
    meta["collection"] = CollectionPattern(type.type);
    meta["visibility"] = kVisibility[static_cast<int>(type.type.visibility)];
    // A type under a customer that is also listed across customers: that list's path.
    meta["across"] = type.type.listed_across ? json("/api/v1/" + type.type.Segment()) : json();
    for (auto& field : meta["fields"]) {
        for (const Field& f : type.type.fields) {
            if (f.def.name != field["name"]) continue;
            field["label"] = {{"zh-CN", f.label.zh_cn}, {"en", f.label.en}};
            field["search"] = f.search;
            // What the field names, for a picker, and where its name is answered.
            if (!f.references.empty()) field["references"] = f.references;
            for (const CompiledType::NameOf& name : type.names) {
                if (name.field != f.def.name) continue;
                if (field.contains("name_member")) {
                    field["name_member_en"] = name.member;  // the English name, when there is one
                    continue;
                }
                field["name_member"] = name.member;
                // A record of another type (or a customer): the type and the list a picker
                // reads ({id}: the customer of the record being edited).
                if (name.table == "customers") {
                    field["record_type"] = "customers";
                    field["collection"] = "/api/v1/customers";
                }
                for (const auto& other : registry.types()) {
                    if (other->type.table != name.table) continue;
                    field["record_type"] = other->type.name;
                    field["collection"] = CollectionPattern(other->type);
                }
            }
        }
    }
    return meta;
}

// The history's query: pages only.
const http::ListSpec kHistorySpec{{}, {}, {}, false};

}  // namespace

Result<Language> ExportLanguage(const http::Request& request) {
    if (auto lang = request.QueryValue("lang")) {
        if (*lang == "zh-CN") return Language::kZhCn;
        if (*lang == "en") return Language::kEn;
        return Error{
            ErrorCode::kBadRequest, "lang must be zh-CN or en.", {{"parameter", "lang"}}, {}};
    }
    const std::string accept = request.Header("accept-language").value_or("");
    std::size_t start = 0;
    while (start < accept.size()) {
        std::size_t end = accept.find(',', start);
        if (end == std::string::npos) end = accept.size();
        std::string tag = accept.substr(start, end - start);
        tag = tag.substr(0, tag.find(';'));
        tag.erase(0, tag.find_first_not_of(' '));
        const auto starts = [&](std::string_view prefix) {
            return tag.size() >= prefix.size() &&
                   std::equal(prefix.begin(), prefix.end(), tag.begin(), [](char a, char b) {
                       return a == std::tolower(static_cast<unsigned char>(b));
                   });
        };
        if (starts("zh")) return Language::kZhCn;
        if (starts("en")) return Language::kEn;
        start = end + 1;
    }
    return Language::kZhCn;
}

std::string CollectionPattern(const RecordType& type) {
    return type.UnderCustomer() ? "/api/v1/customers/{id}/" + type.Segment()
                                : "/api/v1/" + type.Segment();
}

std::string ItemPattern(const RecordType& type) {
    return CollectionPattern(type) + (type.UnderCustomer() ? "/{record_id}" : "/{id}");
}

std::string ItemBasePattern(const RecordType& type) {
    if (type.UnderCustomer() && !type.listed_across) return ItemPattern(type);
    return "/api/v1/" + type.Segment() + "/{id}";
}

namespace {

// The body's shape as an item route declares it: an object of its members (checked by type as a
// record's fields are, ValidateBody) and its list (present, a list, not too long); the list's
// elements are the handler's to check.
Status CheckShape(const Shape& shape, const json& body) {
    const std::string first =
        !shape.lists.empty() ? shape.lists.front().name
                             : (shape.members.empty() ? "body" : shape.members.front().def.name);
    if (!body.is_object()) return Error::ValidationCode(first, "not_an_object");
    EntityMeta meta;
    for (const Field& field : shape.members) meta.fields.push_back(field.def);
    std::set<std::string, std::less<>> extra;
    for (const ListMember& list : shape.lists) extra.insert(list.name);
    Error invalid{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    if (Status members = ValidateBody(meta, body, true, extra); !members) {
        invalid.FieldsOf(members.error());
    }
    for (const ListMember& list : shape.lists) {
        const auto value = body.find(list.name);
        if (value == body.end() || value->is_null()) {
            invalid.FieldCode(list.name, "required");
        } else if (!value->is_array()) {
            invalid.FieldCode(list.name, "not_a_list");
        } else if (list.max_items > 0 && value->size() > list.max_items) {
            invalid.FieldCode(list.name, "too_many_items", {{"max", list.max_items}});
        }
    }
    if (invalid.details.contains("fields")) return invalid;
    return {};
}

const ItemRoute& DeclaredRoute(const CompiledType& type, std::string_view method,
                               std::string_view name) {
    for (const ItemRoute& route : type.type.item_routes) {
        if (route.method == method && route.name == name) return route;
    }
    log::Error(
        "an item route served but not declared",
        {{"type", type.type.name}, {"route", std::string(method) + " " + std::string(name)}});
    std::abort();
}

void ServeItem(http::Router& router, RecordService& service, const CompiledType& type,
               std::string_view method, std::string_view name, ItemPageHandler handler) {
    const ItemRoute& route = DeclaredRoute(type, method, name);
    const std::string base = ItemBasePattern(type.type);
    const bool nested = base.find("{record_id}") != std::string::npos;
    router.Add(std::string(method), route.name.empty() ? base : base + "/" + route.name,
               [&service, &type, &route, nested,
                handler = std::move(handler)](http::Context& ctx) -> Result<http::Response> {
                   std::int64_t customer_id = 0;
                   json record;
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId(nested ? "record_id" : "id"));
                   if (nested) {
                       GX_TRY_ASSIGN(customer_id, ctx.PathId("id"));
                       GX_TRY_ASSIGN(record, service.Get(ctx.user(), type, customer_id, id));
                   } else {
                       GX_TRY_ASSIGN(record, service.GetById(ctx.user(), type, id));
                       if (type.type.UnderCustomer())
                           customer_id = record["customer_id"].get<std::int64_t>();
                   }
                   // A record in the recycle bin is read and restored, nothing more.
                   if (!record.value("deleted_at", json()).is_null()) {
                       return Error::NotFound(type.type.label.en);
                   }
                   if (!ctx.user().Can(type.type.Permission(route.permission))) {
                       return Error::Forbidden();
                   }
                   json body;
                   if (route.body && !(route.body_optional && ctx.request().body.empty())) {
                       GX_TRY_ASSIGN(body, ctx.JsonBody());
                       GX_TRY(CheckShape(*route.body, body));
                   }
                   return handler(ItemCall{ctx, ctx.user(), id, customer_id, record, body});
               });
}

}  // namespace

void ServeItemRoute(http::Router& router, RecordService& service, const CompiledType& type,
                    std::string_view method, std::string_view name, ItemHandler handler) {
    const int status = DeclaredRoute(type, method, name).status;
    ServeItem(
        router, service, type, method, name,
        [status, handler = std::move(handler)](const ItemCall& call) -> Result<http::Response> {
            GX_TRY_ASSIGN(json answer, handler(call));
            return http::Response::Json(status, answer);
        });
}

void ServeItemPage(http::Router& router, RecordService& service, const CompiledType& type,
                   std::string_view method, std::string_view name, ItemPageHandler handler) {
    ServeItem(router, service, type, method, name, std::move(handler));
}

namespace {

// The customer in the path of a type under a customer; nullopt for the others.
Result<store::Parent> ParentOf(Context& ctx, const CompiledType& type) {
    if (!type.type.UnderCustomer()) return store::Parent();
    GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
    return store::Parent(customer_id);
}

Result<std::int64_t> RecordIdOf(Context& ctx, const CompiledType& type) {
    return ctx.PathId(type.type.UnderCustomer() ? "record_id" : "id");
}

// The type of the records `type`'s field `name` references (RecordType::customer_from); a
// definition naming none is a programmer's error (it aborts at start).
const CompiledType* ReferencedType(const Registry& registry, const CompiledType& type,
                                   std::string_view name) {
    for (const Field& field : type.type.fields) {
        if (field.def.name != name || field.references.empty()) continue;
        for (const auto& other : registry.types()) {
            if (other->type.table == field.references && other->type.UnderCustomer())
                return other.get();
        }
    }
    log::Error("customer_from names no reference to a type under a customer",
               {{"type", type.type.name}, {"field", std::string(name)}});
    std::abort();
}

// The customer of the live record the body's customer_from field names, read through the gate
// (404 when the caller can't see it, as if absent); 422 naming the field when it names none.
Result<std::int64_t> CustomerFrom(RecordService& service, const Principal& caller,
                                  const CompiledType& type, const CompiledType& of,
                                  const json& body) {
    const std::string& name = type.type.customer_from;
    const json value = body.is_object() ? body.value(name, json()) : json();
    if (value.is_null()) return Error::ValidationCode(name, "required");
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0) {
        return Error::ValidationCode(name, "not_a_positive_id");
    }
    return service.ReadableCustomerOf(caller, of, value.get<std::int64_t>());
}

// PATCH, DELETE and restore of one record (not for a ledger: RecordType::append_only).
void RegisterChanges(http::Router& router, RecordService& service, const CompiledType* type,
                     const std::string& item) {
    router.Add("PATCH", item, [&service, type](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
        GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json record, service.Update(ctx.user(), *type, parent, id, body));
        return Response::Json(200, record);
    });
    router.Add("DELETE", item, [&service, type](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
        GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
        GX_TRY(service.Delete(ctx.user(), *type, parent, id));
        return Response::NoContent();
    });
    router.Add("POST", item + "/restore", [&service, type](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
        GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
        GX_TRY_ASSIGN(json record, service.Restore(ctx.user(), *type, parent, id));
        return Response::Json(200, record);
    });
}

}  // namespace

void RegisterRecordRoutes(http::Router& router, RecordService& service, const Registry& registry) {
    for (const auto& compiled : registry.types()) {
        const CompiledType* type = compiled.get();
        const std::string collection = CollectionPattern(type->type);
        const std::string item = ItemPattern(type->type);
        if (type->type.listed_across && type->type.UnderCustomer()) {
            router.Add("GET", "/api/v1/" + type->type.Segment(),
                       [&service, type](Context& ctx) -> Result<Response> {
                           GX_TRY_ASSIGN(http::ListQuery query,
                                         http::ParseListQuery(ctx.request().query, type->list));
                           GX_TRY_ASSIGN(json page, service.ListAcross(ctx.user(), *type, query));
                           return Response::Json(200, page);
                       });
        }
        router.Add("GET", collection, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(http::ListQuery query,
                          http::ParseListQuery(ctx.request().query, type->list));
            GX_TRY_ASSIGN(json page, service.List(ctx.user(), *type, parent, query));
            return Response::Json(200, page);
        });
        if (type->type.generic_create) {
            router.Add("POST", collection, [&service, type](Context& ctx) -> Result<Response> {
                GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
                GX_TRY_ASSIGN(json body, ctx.JsonBody());
                GX_TRY_ASSIGN(json created, service.Create(ctx.user(), *type, parent, body));
                return Response::Json(201, created);
            });
        }
        router.Add("GET", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(json record, service.Get(ctx.user(), *type, parent, id));
            return Response::Json(200, record);
        });
        if (!type->type.customer_from.empty()) {
            const CompiledType* of = ReferencedType(registry, *type, type->type.customer_from);
            router.Add("POST", "/api/v1/" + type->type.Segment(),
                       [&service, type, of](Context& ctx) -> Result<Response> {
                           GX_TRY_ASSIGN(json body, ctx.JsonBody());
                           GX_TRY_ASSIGN(std::int64_t customer_id,
                                         CustomerFrom(service, ctx.user(), *type, *of, body));
                           GX_TRY_ASSIGN(json created,
                                         service.Create(ctx.user(), *type, customer_id, body));
                           return Response::Json(201, created);
                       });
        }
        // A ledger is only added to (RecordType::append_only).
        if (!type->type.append_only) RegisterChanges(router, service, type, item);
        router.Add("GET", item + "/history", [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
            GX_TRY_ASSIGN(std::int64_t id, RecordIdOf(ctx, *type));
            GX_TRY_ASSIGN(http::ListQuery page,
                          http::ParseListQuery(ctx.request().query, kHistorySpec));
            GX_TRY_ASSIGN(json history, service.History(ctx.user(), *type, parent, id, page));
            return Response::Json(200, history);
        });
        router.Add(
            "GET", collection + "/export", [&service, type](Context& ctx) -> Result<Response> {
                GX_TRY_ASSIGN(store::Parent parent, ParentOf(ctx, *type));
                GX_TRY_ASSIGN(
                    http::ListQuery query,
                    http::ParseListQuery(
                        http::WithoutParams(ctx.request().query, {"format", "lang"}), type->list));
                GX_TRY_ASSIGN(Language language, ExportLanguage(ctx.request()));
                GX_TRY_ASSIGN(
                    io::ExportFile file,
                    service.Export(ctx.user(), *type, parent, query,
                                   ctx.request().QueryValue("format").value_or("csv"), language));
                return io::ExportResponse(std::move(file));
            });
        router.Add("GET", "/api/v1/meta/" + type->type.name,
                   [&service, type, &registry](Context&) -> Result<Response> {
                       json meta = MetaJson(*type, registry);
                       if (service.custom_fields() != nullptr) {
                           const auto custom = service.custom_fields()->Current();
                           for (const auto& def : custom->Of(type->type.name))
                               meta["fields"].push_back(def.MetaJson());
                       }
                       return Response::Json(200, meta);
                   });
    }
}

}  // namespace guanxi::kit
