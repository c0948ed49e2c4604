#pragma once

#include "http/router.hpp"
#include "jobs/job_store.hpp"
#include "jobs/scheduler.hpp"

namespace guanxi::jobs {

// GET /api/v1/jobs[?status=] (with "counts" per status), GET /api/v1/jobs/{id},
// POST /api/v1/jobs/{id}/retry, GET /api/v1/job-schedules — users.manage.
void RegisterJobRoutes(http::Router& router, JobStore& store, Scheduler& scheduler);

}  // namespace guanxi::jobs
