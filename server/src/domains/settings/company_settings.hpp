#pragma once
// The company's settings (one row, company_settings): for now its IANA time zone, which is every
// user's zone until they pick their own (accounts::store::TimeZoneOf) and the zone of schedules
// registered without one (jobs::Scheduler). Anyone signed in may read them; an administrator
// (users.manage) changes them.

#include "core/principal.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::settings {

// The company's time zone, read inside the caller's transaction.
Result<std::string> CompanyTimeZone(db::Connection& conn);

class CompanySettingsService {
  public:
    explicit CompanySettingsService(db::Database& db) : db_(db) {}

    // {"time_zone", "updated_at", "updated_by"}.
    Result<nlohmann::json> Get();
    Result<std::string> TimeZone();
    // PATCH: users.manage; 422 naming time_zone unless it is a zone of TimeZoneNames' kind; the
    // change is audited (settings.update).
    Result<nlohmann::json> Update(const Principal& caller, const nlohmann::json& body);

  private:
    db::Database& db_;
};

}  // namespace guanxi::settings
