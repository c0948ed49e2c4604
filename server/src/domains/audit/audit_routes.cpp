#include "domains/audit/audit_routes.hpp"

namespace guanxi::audit {

void RegisterAuditRoutes(http::Router& router, AuditService& service) {
    router.Add(
        "GET", "/api/v1/audit-log", [&service](http::Context& ctx) -> Result<http::Response> {
            GX_TRY_ASSIGN(
                http::ListQuery query,
                http::ParseListQuery(ctx.request().query, AuditService::ListSpecification()));
            GX_TRY_ASSIGN(nlohmann::json list, service.List(ctx.user(), query));
            return http::Response::Json(200, list);
        });
}

}  // namespace guanxi::audit
