#include "domains/reminders/reminder_routes.hpp"

namespace guanxi::reminders {

void RegisterReminderRoutes(http::Router& router, ReminderService& service) {
    router.Add("GET", "/api/v1/me/notification-settings",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json settings, service.Preferences(ctx.user()));
                   return http::Response::Json(200, settings);
               });
    router.Add("PUT", "/api/v1/me/notification-settings",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(nlohmann::json settings,
                                 service.UpdatePreferences(ctx.user(), body));
                   return http::Response::Json(200, settings);
               });
    router.Add("GET", "/api/v1/settings/reminders",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json rules, service.Rules(ctx.user()));
                   return http::Response::Json(200, rules);
               });
    router.Add("PUT", "/api/v1/settings/reminders",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(nlohmann::json rules, service.UpdateRules(ctx.user(), body));
                   return http::Response::Json(200, rules);
               });
}

}  // namespace guanxi::reminders
