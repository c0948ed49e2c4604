#include "kit/record_routes.hpp"

namespace guanxi::kit {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// The field metadata the web's generic pages render from, with each field's labels.
json MetaJson(const CompiledType& type) {
    json meta = type.meta.ToJson();
    meta["label"] = {{"zh-CN", type.type.label.zh_cn}, {"en", type.type.label.en}};
    for (auto& field : meta["fields"]) {
        for (const Field& f : type.type.fields) {
            if (f.def.name != field["name"]) continue;
            field["label"] = {{"zh-CN", f.label.zh_cn}, {"en", f.label.en}};
            field["search"] = f.search;
        }
    }
    return meta;
}

}  // namespace

std::string CollectionPattern(const RecordType& type) {
    return "/api/v1/customers/{id}/" + type.name;
}

void RegisterRecordRoutes(http::Router& router, RecordService& service, const Registry& registry) {
    for (const auto& compiled : registry.types()) {
        const CompiledType* type = compiled.get();
        const std::string collection = CollectionPattern(type->type);
        const std::string item = collection + "/{record_id}";
        router.Add("GET", collection, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(http::ListQuery query,
                          http::ParseListQuery(ctx.request().query, type->list));
            GX_TRY_ASSIGN(json page, service.List(ctx.user(), *type, customer_id, query));
            return Response::Json(200, page);
        });
        if (type->type.generic_create) {
            router.Add("POST", collection, [&service, type](Context& ctx) -> Result<Response> {
                GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
                GX_TRY_ASSIGN(json body, ctx.JsonBody());
                GX_TRY_ASSIGN(json created, service.Create(ctx.user(), *type, customer_id, body));
                return Response::Json(201, created);
            });
        }
        router.Add("GET", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("record_id"));
            GX_TRY_ASSIGN(json record, service.Get(ctx.user(), *type, customer_id, id));
            return Response::Json(200, record);
        });
        router.Add("PATCH", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("record_id"));
            GX_TRY_ASSIGN(json body, ctx.JsonBody());
            GX_TRY_ASSIGN(json record, service.Update(ctx.user(), *type, customer_id, id, body));
            return Response::Json(200, record);
        });
        router.Add("DELETE", item, [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("record_id"));
            GX_TRY(service.Delete(ctx.user(), *type, customer_id, id));
            return Response::NoContent();
        });
        router.Add("POST", item + "/restore", [&service, type](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t customer_id, ctx.PathId("id"));
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("record_id"));
            GX_TRY_ASSIGN(json record, service.Restore(ctx.user(), *type, customer_id, id));
            return Response::Json(200, record);
        });
        router.Add("GET", "/api/v1/meta/" + type->type.name,
                   [&service, type](Context&) -> Result<Response> {
                       json meta = MetaJson(*type);
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
