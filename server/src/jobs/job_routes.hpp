#pragma once

#include "http/router.hpp"
#include "jobs/job_store.hpp"

namespace guanxi::jobs {

// GET /api/v1/jobs[?status=], GET /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/retry — users.manage.
void RegisterJobRoutes(http::Router& router, JobStore& store);

}  // namespace guanxi::jobs
