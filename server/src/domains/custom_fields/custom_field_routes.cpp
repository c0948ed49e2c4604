#include "domains/custom_fields/custom_field_routes.hpp"

namespace guanxi::custom_fields {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

}  // namespace

void RegisterCustomFieldRoutes(http::Router& router, CustomFieldService& service) {
    router.Add("GET", "/api/v1/custom-fields", [&service](Context& ctx) -> Result<Response> {
        std::optional<std::string> entity;
        for (const auto& [key, value] : ctx.request().query) {
            if (key != "entity") {
                return Error{ErrorCode::kUnknownFilter,
                             "Unknown filter '" + key + "'.",
                             {{"parameter", key}},
                             {}};
            }
            entity = value;
        }
        GX_TRY_ASSIGN(json list, service.List(ctx.user(), entity));
        return Response::Json(200, list);
    });
    router.Add("POST", "/api/v1/custom-fields", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json created, service.Create(ctx.user(), body));
        return Response::Json(201, created);
    });
    router.Add("PATCH", "/api/v1/custom-fields/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json updated, service.Update(ctx.user(), id, body));
        return Response::Json(200, updated);
    });
    router.Add("DELETE", "/api/v1/custom-fields/{id}",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY(service.Delete(ctx.user(), id));
                   return Response::NoContent();
               });
}

}  // namespace guanxi::custom_fields
