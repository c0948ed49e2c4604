#pragma once

#include "domains/customers/timeline_service.hpp"
#include "http/router.hpp"

namespace guanxi::customers {

// GET /api/v1/customers/{id}/timeline.
void RegisterTimelineRoutes(http::Router& router, TimelineService& service);

}  // namespace guanxi::customers
