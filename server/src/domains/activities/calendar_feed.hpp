#pragma once
// Each user's iCalendar feed (RFC 5545) of the activities they may see, for Outlook, Google
// Calendar and Apple Calendar to subscribe to (issue 15 item 8): GET /calendar/<secret>.ics, no
// session — the secret is the key, 256 random bits, stored only as its SHA-256; rotating it makes
// a new one and the old URL answers 404.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "domains/accounts/account_service.hpp"
#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace guanxi::activities {

// The window a feed lists, by an activity's start: from 90 days ago to 365 days ahead.
inline constexpr std::int64_t kFeedDaysBack = 90;
inline constexpr std::int64_t kFeedDaysAhead = 365;

// A VCALENDAR of `activities` (as the kit answers them), times in `zone` (an IANA name, with its
// VTIMEZONE): one VEVENT each with UID activity-<id>@guanxi, DTSTAMP (its last change),
// SEQUENCE (its version − 1), DTSTART/DTEND with TZID (all-day ones as DATEs, the end the day
// after the last), SUMMARY, LOCATION, DESCRIPTION (the outcome), STATUS (cancelled: CANCELLED)
// and a VALARM when it has a reminder.
std::string CalendarText(const std::vector<nlohmann::json>& activities, std::string_view zone,
                         std::string_view name);

class CalendarFeeds {
  public:
    CalendarFeeds(db::Database& db, accounts::AccountService& accounts, kit::RecordService& records,
                  const kit::CompiledType& activities)
        : db_(db), accounts_(accounts), records_(records), activities_(activities) {}

    // The caller's feed: {"path", "url", "created_at", "days_back", "days_ahead"}. Its secret is
    // shown once, when it is made (on the first call, or by Rotate); later calls answer path and
    // url null (the database holds only its hash).
    Result<nlohmann::json> Get(const Principal& caller, std::string_view base_url);
    // A new secret (the old URL stops working at once), answered as Get answers a new one.
    Result<nlohmann::json> Rotate(const Principal& caller, std::string_view base_url);
    // The calendar behind `secret`; nullopt when it opens none (unknown, rotated, the user
    // deactivated or without activities.view).
    Result<std::optional<std::string>> Feed(std::string_view secret);

  private:
    Result<nlohmann::json> Make(const Principal& caller, std::string_view base_url, bool replace);

    db::Database& db_;
    accounts::AccountService& accounts_;
    kit::RecordService& records_;
    const kit::CompiledType& activities_;
};

// GET /api/v1/me/calendar-feed, POST /api/v1/me/calendar-feed/rotate, GET /calendar/{file}.
void RegisterCalendarFeedRoutes(http::Router& router, db::Database& db,
                                accounts::AccountService& accounts, kit::RecordService& records,
                                const kit::Registry& registry);

}  // namespace guanxi::activities
