#include "core/time.hpp"
#include "domains/pipeline/pipeline_service.hpp"
#include "kit/record_routes.hpp"

namespace guanxi::pipeline {

void RegisterPipelineRoutes(http::Router& router, db::Database& db, kit::RecordService& records,
                            const kit::Registry& registry) {
    auto service =
        std::make_shared<PipelineService>(db, records, registry, [] { return NowSeconds(); });
    kit::ServeItemRoute(router, records, *registry.Find("pipelines"), "GET", "board",
                        [service](const kit::ItemCall& call) -> Result<nlohmann::json> {
                            GX_TRY_ASSIGN(BoardQuery query, ParseBoardQuery(call.ctx.request()));
                            return service->Board(call.caller, call.id, query);
                        });
    const kit::CompiledType& opportunities = *registry.Find("opportunities");
    kit::ServeItemRoute(router, records, opportunities, "GET", "stage-history",
                        [service](const kit::ItemCall& call) {
                            return service->StageHistory(call.caller, call.id);
                        });
    kit::ServeItemRoute(
        router, records, opportunities, "GET", "timeline", [service](const kit::ItemCall& call) {
            return service->Timeline(call.caller, call.record, call.ctx.request().query);
        });
}

}  // namespace guanxi::pipeline
