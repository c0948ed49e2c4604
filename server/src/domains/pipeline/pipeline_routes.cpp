#include "core/time.hpp"
#include "domains/pipeline/pipeline_service.hpp"

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
    router.Add("GET", "/api/v1/opportunities/{id}/stage-history",
               [service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(nlohmann::json history, service->StageHistory(ctx.user(), id));
                   return http::Response::Json(200, history);
               });
    router.Add("GET", "/api/v1/opportunities/{id}/timeline",
               [service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(nlohmann::json timeline, service->Timeline(ctx.user(), id));
                   return http::Response::Json(200, timeline);
               });
}

}  // namespace guanxi::pipeline
