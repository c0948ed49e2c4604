#include "jobs/job_routes.hpp"

#include "http/list_query.hpp"

namespace guanxi::jobs {

namespace {

const http::ListSpec kSpec{{"status"}, {"id"}, {{"id", true}}, false};

}  // namespace

void RegisterJobRoutes(http::Router& router, JobStore& store, Scheduler& scheduler) {
    router.Add("GET", "/api/v1/jobs", [&store](http::Context& ctx) -> Result<http::Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(http::ListQuery query, http::ParseListQuery(ctx.request().query, kSpec));
        auto status = query.Filter("status");
        if (status && *status != "queued" && *status != "running" && *status != "done" &&
            *status != "dead" && *status != "failed") {
            return Error{ErrorCode::kBadRequest,
                         "status must be queued, running, failed, done or dead.",
                         {{"parameter", "status"}},
                         {}};
        }
        GX_TRY_ASSIGN(nlohmann::json list, store.List(status, query.page_size, query.Offset()));
        GX_TRY_ASSIGN(list["counts"], store.Counts());
        list["page"] = query.page;
        list["page_size"] = query.page_size;
        return http::Response::Json(200, list);
    });
    router.Add("GET", "/api/v1/job-schedules",
               [&scheduler](http::Context& ctx) -> Result<http::Response> {
                   if (!ctx.user().Can("users.manage")) return Error::Forbidden();
                   GX_TRY_ASSIGN(nlohmann::json list, scheduler.List());
                   return http::Response::Json(200, list);
               });
    router.Add("GET", "/api/v1/jobs/{id}", [&store](http::Context& ctx) -> Result<http::Response> {
        if (!ctx.user().Can("users.manage")) return Error::Forbidden();
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(nlohmann::json job, store.Get(id));
        return http::Response::Json(200, job);
    });
    router.Add("POST", "/api/v1/jobs/{id}/retry",
               [&store](http::Context& ctx) -> Result<http::Response> {
                   if (!ctx.user().Can("users.manage")) return Error::Forbidden();
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(nlohmann::json job, store.Get(id));
                   GX_TRY_ASSIGN(bool retried, store.Retry(id));
                   if (!retried)
                       return Error{ErrorCode::kConflict,
                                    "Only a dead job can be retried.",
                                    {{"status", job["status"]}},
                                    {}};
                   GX_TRY_ASSIGN(nlohmann::json updated, store.Get(id));
                   return http::Response::Json(200, updated);
               });
}

}  // namespace guanxi::jobs
