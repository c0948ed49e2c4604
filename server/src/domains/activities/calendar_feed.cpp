#include "domains/activities/calendar_feed.hpp"

#include "core/time.hpp"
#include "domains/activities/activity_series.hpp"
#include "domains/activities/ical_zone.hpp"
#include "domains/audit/audit_service.hpp"

#include <sodium.h>

#include <memory>

namespace guanxi::activities {

namespace {

using nlohmann::json;

constexpr std::int64_t kDay = 86400;

// The hex SHA-256 of a secret: what the table keeps.
std::string SecretHash(std::string_view secret) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

// 256 random bits, URL-safe base64 without padding (43 characters).
std::string NewSecret() {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text;
}

void AddText(icalcomponent* event, icalproperty* property) {
    icalcomponent_add_property(event, property);
}

// A DTSTART or DTEND in the zone (a TZID parameter), or a DATE.
icalproperty* ZonedTime(icalproperty* (*make)(icaltimetype), std::int64_t t, icaltimezone* tz,
                        std::string_view zone, bool date) {
    if (!date && zone == "UTC") {  // no VTIMEZONE to name: a UTC time ("Z")
        return make(icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone()));
    }
    icalproperty* property = make(LocalTime(t, tz, date));
    if (date) {
        icalproperty_add_parameter(property, icalparameter_new_value(ICAL_VALUE_DATE));
    } else {
        icalproperty_add_parameter(property, icalparameter_new_tzid(std::string(zone).c_str()));
    }
    return property;
}

icalcomponent* Event(const json& activity, icaltimezone* tz, std::string_view zone) {
    icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    const std::string uid = "activity-" + activity["id"].dump() + "@guanxi";
    AddText(event, icalproperty_new_uid(uid.c_str()));
    const std::int64_t updated =
        ParseRfc3339(activity["updated_at"].get<std::string>()).value_or(0);
    const std::int64_t created =
        ParseRfc3339(activity["created_at"].get<std::string>()).value_or(0);
    icaltimezone* utc = icaltimezone_get_utc_timezone();
    AddText(event, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(updated, 0, utc)));
    AddText(event, icalproperty_new_created(icaltime_from_timet_with_zone(created, 0, utc)));
    AddText(event, icalproperty_new_lastmodified(icaltime_from_timet_with_zone(updated, 0, utc)));
    AddText(event, icalproperty_new_sequence(
                       static_cast<int>(activity["version"].get<std::int64_t>() - 1)));
    const std::int64_t start = *ParseRfc3339(activity["start_at"].get<std::string>());
    const std::int64_t end = ParseRfc3339(activity.value("end_at", std::string())).value_or(start);
    const bool all_day = activity.value("all_day", false);
    AddText(event, ZonedTime(icalproperty_new_dtstart, start, tz, zone, all_day));
    if (all_day) {
        // DTEND of a DATE event is exclusive: the day after the last one it covers.
        icaltimetype last = LocalTime(std::max(end, start), tz, true);
        icaltime_adjust(&last, 1, 0, 0, 0);
        icalproperty* dtend = icalproperty_new_dtend(last);
        icalproperty_add_parameter(dtend, icalparameter_new_value(ICAL_VALUE_DATE));
        AddText(event, dtend);
    } else {
        AddText(event, ZonedTime(icalproperty_new_dtend, std::max(end, start), tz, zone, false));
    }
    AddText(event, icalproperty_new_summary(activity["subject"].get<std::string>().c_str()));
    if (activity["location"].is_string()) {
        AddText(event, icalproperty_new_location(activity["location"].get<std::string>().c_str()));
    }
    if (activity["outcome"].is_string()) {
        AddText(event,
                icalproperty_new_description(activity["outcome"].get<std::string>().c_str()));
    }
    AddText(event, icalproperty_new_categories(activity["kind"].get<std::string>().c_str()));
    AddText(event,
            icalproperty_new_status(activity["status"] == "cancelled" ? ICAL_STATUS_CANCELLED
                                                                      : ICAL_STATUS_CONFIRMED));
    const json remind = activity.value("remind_before_minutes", json());
    if (remind.is_number_integer() && !all_day) {
        icalcomponent* alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        icalcomponent_add_property(
            alarm, icalproperty_new_description(activity["subject"].get<std::string>().c_str()));
        struct icaltriggertype trigger = {};
        trigger.time = icaltime_null_time();
        trigger.duration =
            icaldurationtype_from_int(-static_cast<int>(remind.get<std::int64_t>() * 60));
        icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
        icalcomponent_add_component(event, alarm);
    }
    return event;
}

std::string BaseUrl(const http::Request& request) {
    const std::string host = request.Header("host").value_or("");
    if (host.empty()) return {};
    const std::string proto = request.Header("x-forwarded-proto").value_or("http");
    return (proto == "https" ? "https://" : "http://") + host;
}

}  // namespace

std::string CalendarText(const std::vector<json>& activities, std::string_view zone,
                         std::string_view name) {
    auto lock = IcalLock();
    icaltimezone* tz = ZoneOf(zone);
    const std::string zone_name = tz == icaltimezone_get_utc_timezone() ? "UTC" : std::string(zone);
    icalcomponent* calendar = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(calendar, icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar, icalproperty_new_prodid("-//Guanxi CRM//Activities//EN"));
    icalcomponent_add_property(calendar, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(calendar, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalproperty* calendar_name = icalproperty_new_x(std::string(name).c_str());
    icalproperty_set_x_name(calendar_name, "X-WR-CALNAME");
    icalcomponent_add_property(calendar, calendar_name);
    if (zone_name != "UTC") icalcomponent_add_component(calendar, ZoneComponent(tz, zone_name));
    for (const json& activity : activities) {
        icalcomponent_add_component(calendar, Event(activity, tz, zone_name));
    }
    std::string text = icalcomponent_as_ical_string(calendar);  // CRLF lines, folded at 75
    icalcomponent_free(calendar);
    return text;
}

Result<json> CalendarFeeds::Make(const Principal& caller, std::string_view base_url, bool replace) {
    const std::string secret = NewSecret();
    const std::int64_t now = NowSeconds();
    GX_TRY_ASSIGN(
        bool made,
        db::InTransaction(db_, db::TxMode::kWrite, [&](db::Connection& conn) -> Result<bool> {
            GX_TRY_ASSIGN(
                auto existing,
                conn.QueryOne("SELECT 1 FROM calendar_feeds WHERE user_id = ?", {caller.user_id}));
            if (existing && !replace) return false;
            GX_TRY(conn.Execute("DELETE FROM calendar_feeds WHERE user_id = ?", {caller.user_id}));
            GX_TRY(
                conn.Execute("INSERT INTO calendar_feeds (user_id, secret_hash, "
                             "created_at) VALUES (?, ?, ?)",
                             {caller.user_id, SecretHash(secret), now}));
            if (replace) {
                GX_TRY(
                    audit::Record(conn, caller, {"calendar_feed.rotate", "user", caller.user_id}));
            }
            return true;
        }));
    json out = {{"days_back", kFeedDaysBack}, {"days_ahead", kFeedDaysAhead}};
    if (made) {
        const std::string path = "/calendar/" + secret + ".ics";
        out["path"] = path;
        out["url"] = base_url.empty() ? json(nullptr) : json(std::string(base_url) + path);
        out["created_at"] = FormatRfc3339(now);
        return out;
    }
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row,
                  conn->QueryOne("SELECT created_at FROM calendar_feeds WHERE user_id = ?",
                                 {caller.user_id}));
    out["path"] = nullptr;
    out["url"] = nullptr;
    out["created_at"] = row ? json(FormatRfc3339(row->Int(0))) : json(nullptr);
    return out;
}

Result<json> CalendarFeeds::Get(const Principal& caller, std::string_view base_url) {
    return Make(caller, base_url, false);
}

Result<json> CalendarFeeds::Rotate(const Principal& caller, std::string_view base_url) {
    return Make(caller, base_url, true);
}

Result<std::optional<std::string>> CalendarFeeds::Feed(std::string_view secret) {
    std::optional<std::int64_t> user_id;
    std::string zone;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(auto row,
                      conn->QueryOne("SELECT user_id FROM calendar_feeds WHERE secret_hash = ?",
                                     {SecretHash(secret)}));
        if (!row) return std::optional<std::string>();
        user_id = row->Int(0);
        GX_TRY_ASSIGN(zone, UserZone(*conn, *user_id));
    }
    GX_TRY_ASSIGN(std::optional<Principal> caller, accounts_.ActingAs(*user_id));
    if (!caller || !caller->Can(activities_.type.Permission("view"))) {
        return std::optional<std::string>();
    }
    const std::int64_t now = NowSeconds();
    http::ListQuery query;
    query.filters = {{"start_at_from", FormatRfc3339(now - kFeedDaysBack * kDay)},
                     {"start_at_to", FormatRfc3339(now + kFeedDaysAhead * kDay)}};
    std::vector<json> activities;
    GX_TRY(records_.Each(*caller, activities_, std::nullopt, query, [&](const json& activity) {
        activities.push_back(activity);
        return true;
    }));
    const std::string name = "Guanxi · " + caller->display_name;
    return std::optional<std::string>(CalendarText(activities, zone, name));
}

void RegisterCalendarFeedRoutes(http::Router& router, db::Database& db,
                                accounts::AccountService& accounts, kit::RecordService& records,
                                const kit::Registry& registry) {
    const kit::CompiledType* type = registry.Find("activities");
    auto feeds = std::make_shared<CalendarFeeds>(db, accounts, records, *type);
    const std::vector<std::string> view = {type->type.Permission("view")};
    router.Add("GET", "/api/v1/me/calendar-feed",
               [feeds](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(json feed, feeds->Get(ctx.user(), BaseUrl(ctx.request())));
                   return http::Response::Json(200, feed);
               },
               {.permissions = view});
    router.Add("POST", "/api/v1/me/calendar-feed/rotate",
               [feeds](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(json feed, feeds->Rotate(ctx.user(), BaseUrl(ctx.request())));
                   return http::Response::Json(200, feed);
               },
               {.permissions = view});
    router.Add("GET", "/calendar/{file}",
               [feeds](http::Context& ctx) -> Result<http::Response> {
                   const std::string& file = ctx.PathParam("file");
                   constexpr std::string_view kSuffix = ".ics";
                   if (file.size() <= kSuffix.size() || !file.ends_with(kSuffix)) {
                       return Error::NotFound("Calendar");
                   }
                   GX_TRY_ASSIGN(auto text,
                                 feeds->Feed(file.substr(0, file.size() - kSuffix.size())));
                   if (!text) return Error::NotFound("Calendar");
                   http::Response response;
                   response.status = 200;
                   response.body = std::move(*text);
                   response.SetHeader("Content-Type", "text/calendar; charset=utf-8");
                   response.SetHeader("Cache-Control", "private, max-age=300");
                   return response;
               },
               {.auth = false});
}

}  // namespace guanxi::activities
