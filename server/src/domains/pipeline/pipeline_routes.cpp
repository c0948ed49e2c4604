#include "core/time.hpp"
#include "domains/pipeline/pipeline_service.hpp"
#include "kit/record_routes.hpp"

namespace guanxi::pipeline {

void RegisterPipelineRoutes(http::Router& router, db::Database& db, kit::RecordService& records,
                            const kit::Registry& registry) {
    auto service =
        std::make_shared<PipelineService>(db, records, registry, [] { return NowSeconds(); });
    router.Add("GET", "/api/v1/pipelines/{id}/board",
               [service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(BoardQuery query, ParseBoardQuery(ctx.request()));
                   GX_TRY_ASSIGN(nlohmann::json board, service->Board(ctx.user(), id, query));
                   return http::Response::Json(200, board);
               });
    const kit::CompiledType& opportunities = *registry.Find("opportunities");
    kit::ServeItemRoute(router, records, opportunities, "GET", "stage-history",
                        [service](const kit::ItemCall& call) {
                            return service->StageHistory(call.caller, call.id);
                        });
    kit::ServeItemRoute(
        router, records, opportunities, "GET", "timeline",
        [service](const kit::ItemCall& call) { return service->Timeline(call.caller, call.id); });
}

}  // namespace guanxi::pipeline
