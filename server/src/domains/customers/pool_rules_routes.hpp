#pragma once

#include "domains/customers/pool_rules.hpp"
#include "http/router.hpp"

namespace guanxi::customers {

// GET and PUT /api/v1/settings/pool-rules (users.manage), GET /api/v1/pool/quota (the caller's
// claims left under the pool rules).
void RegisterPoolRulesRoutes(http::Router& router, PoolRulesService& service);

}  // namespace guanxi::customers
