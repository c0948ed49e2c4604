#pragma once

#include "domains/settings/company_settings.hpp"
#include "http/router.hpp"

namespace guanxi::settings {

// GET /api/v1/settings/company (anyone signed in), PATCH /api/v1/settings/company (users.manage),
// GET /api/v1/time-zones (anyone signed in: the zones a picker offers, tz::TimeZoneNames).
void RegisterSettingsRoutes(http::Router& router, CompanySettingsService& service);

}  // namespace guanxi::settings
