#include "domains/customers/timeline_routes.hpp"

namespace guanxi::customers {

void RegisterTimelineRoutes(http::Router& router, TimelineService& service) {
    router.Add("GET", "/api/v1/customers/{id}/timeline",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(nlohmann::json page,
                                 service.Page(ctx.user(), id, ctx.request().query));
                   return http::Response::Json(200, page);
               });
}

}  // namespace guanxi::customers
