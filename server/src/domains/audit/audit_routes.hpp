#pragma once

#include "domains/audit/audit_service.hpp"
#include "http/router.hpp"

namespace guanxi::audit {

// GET /api/v1/audit-log (audit.view).
void RegisterAuditRoutes(http::Router& router, AuditService& service);

}  // namespace guanxi::audit
