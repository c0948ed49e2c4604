#include "domains/customers/customer_routes.hpp"

#include "domains/customers/customer.hpp"

#include <algorithm>

namespace guanxi::customers {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

Response Ok(const json& body) { return Response::Json(200, body); }

// An empty body counts as {} for actions whose fields are all optional.
Result<json> OptionalBody(Context& ctx) {
    if (ctx.request().body.empty()) return json::object();
    return ctx.JsonBody();
}

}  // namespace

void RegisterCustomerRoutes(http::Router& router, CustomerService& service) {
    router.Add("GET", "/api/v1/customers", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(http::ListQuery query,
                      http::ParseListQuery(ctx.request().query, CustomerListSpec()));
        GX_TRY_ASSIGN(std::string page, service.List(ctx.user(), query, false));
        return Response::JsonText(200, std::move(page));
    });
    router.Add("GET", "/api/v1/pool", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(http::ListQuery query,
                      http::ParseListQuery(ctx.request().query, CustomerListSpec()));
        GX_TRY_ASSIGN(std::string page, service.List(ctx.user(), query, true));
        return Response::JsonText(200, std::move(page));
    });
    router.Add("GET", "/api/v1/customers/counts", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(http::ListQuery query,
                      http::ParseListQuery(ctx.request().query, CustomerListSpec()));
        GX_TRY_ASSIGN(json counts, service.Counts(ctx.user(), query));
        return Ok(counts);
    });
    router.Add("GET", "/api/v1/customers/export", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(
            http::ListQuery query,
            http::ParseListQuery(http::WithoutParams(ctx.request().query, {"format", "lang"}),
                                 CustomerListSpec()));
        GX_TRY_ASSIGN(
            ExportFile file,
            service.Export(ctx.user(), query, ctx.request().QueryValue("format").value_or("csv"),
                           ctx.request().QueryValue("lang").value_or("en")));
        return io::ExportResponse(std::move(file));
    });
    router.Add("POST", "/api/v1/customers", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json created, service.Create(ctx.user(), body));
        return Response::Json(201, created);
    });
    router.Add("POST", "/api/v1/customers/check-duplicates",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(json result, service.CheckDuplicates(ctx.user(), body));
                   return Ok(result);
               });
    router.Add("POST", "/api/v1/customers/transfer", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json result, service.Transfer(ctx.user(), body));
        return Ok(result);
    });
    router.Add("GET", "/api/v1/customers/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(std::string customer, service.Get(ctx.user(), id));
        return Response::JsonText(200, std::move(customer));
    });
    router.Add("PATCH", "/api/v1/customers/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json customer, service.Update(ctx.user(), id, body));
        return Ok(customer);
    });
    router.Add("DELETE", "/api/v1/customers/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY(service.Delete(ctx.user(), id));
        return Response::NoContent();
    });
    router.Add("POST", "/api/v1/customers/{id}/restore",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json customer, service.Restore(ctx.user(), id));
                   return Ok(customer);
               });
    router.Add("POST", "/api/v1/customers/{id}/claim",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json customer, service.Claim(ctx.user(), id));
                   return Ok(customer);
               });
    router.Add("POST", "/api/v1/customers/{id}/release",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json body, OptionalBody(ctx));
                   GX_TRY_ASSIGN(json customer, service.Release(ctx.user(), id, body));
                   return Ok(customer);
               });
    router.Add("GET", "/api/v1/customers/{id}/history",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json history, service.History(ctx.user(), id));
                   return Ok(history);
               });
    // Answered after the group commit that makes the follow-up durable.
    router.AddAsync(
        "POST", "/api/v1/customers/{id}/followups", [&service](Context& ctx, http::Reply reply) {
            auto id = ctx.PathId("id");
            if (!id) return reply(id.error());
            auto body = ctx.JsonBody();
            if (!body) return reply(body.error());
            service.CreateFollowup(ctx.user(), *id, *body, [reply](Result<json> followup) {
                if (!followup) return reply(followup.error());
                reply(Response::Json(201, *followup));
            });
        });
    router.Add("POST", "/api/v1/users/{id}/handover", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json result, service.HandOver(ctx.user(), id, body));
        return Ok(result);
    });
    router.Add("GET", "/api/v1/meta/customers", [&service](Context&) -> Result<Response> {
        json meta = CustomerMeta().ToJson();
        if (service.custom_fields() != nullptr) {
            for (const auto& def : service.custom_fields()->Current()->Of("customers"))
                meta["fields"].push_back(def.MetaJson());
        }
        return Ok(meta);
    });
}

}  // namespace guanxi::customers
