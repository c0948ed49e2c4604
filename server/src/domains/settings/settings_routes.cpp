#include "domains/settings/settings_routes.hpp"

#include "core/time_zone.hpp"

namespace guanxi::settings {

void RegisterSettingsRoutes(http::Router& router, CompanySettingsService& service) {
    router.Add("GET", "/api/v1/settings/company",
               [&service](http::Context&) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json settings, service.Get());
                   return http::Response::Json(200, settings);
               });
    router.Add("PATCH", "/api/v1/settings/company",
               [&service](http::Context& ctx) -> Result<http::Response> {
                   GX_TRY_ASSIGN(nlohmann::json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(nlohmann::json settings, service.Update(ctx.user(), body));
                   return http::Response::Json(200, settings);
               });
    // The same few kilobytes for everyone, built once.
    static const std::string kZones = nlohmann::json{{"items", tz::TimeZoneNames()}}.dump();
    router.Add("GET", "/api/v1/time-zones", [](http::Context&) -> Result<http::Response> {
        http::Response response = http::Response::JsonText(200, kZones);
        response.SetHeader("Cache-Control", "private, max-age=86400");
        return response;
    });
}

}  // namespace guanxi::settings
