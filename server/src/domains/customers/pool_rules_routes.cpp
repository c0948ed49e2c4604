#include "domains/customers/pool_rules_routes.hpp"

namespace guanxi::customers {

void RegisterPoolRulesRoutes(http::Router& router, PoolRulesService& service) {
    router.Add("GET", "/api/v1/settings/pool-rules",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json rules, service.Get(ctx.user()));
                   return http::Response::Json(200, rules);
               });
    router.Add("PUT", "/api/v1/settings/pool-rules",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(nlohmann::json rules, service.Put(ctx.user(), body));
                   return http::Response::Json(200, rules);
               });
    router.Add("GET", "/api/v1/pool/quota",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json quota, service.Quota(ctx.user()));
                   return http::Response::Json(200, quota);
               });
}

}  // namespace guanxi::customers
