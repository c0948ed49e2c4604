#include "domains/customers/customer_import_routes.hpp"

#include "kit/record_routes.hpp"

namespace guanxi::customers {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

}  // namespace

void RegisterCustomerImportRoutes(http::Router& router, CustomerImportService& service) {
    router.Add("POST", "/api/v1/customers/import",
               [&service](Context& ctx) -> Result<Response> {
                   const http::Request& request = ctx.request();
                   Upload upload{request.Header("content-type").value_or(""), request.body,
                                 request.body_file};
                   GX_TRY_ASSIGN(json started,
                                 service.Start(ctx.user(), std::move(upload), request.query));
                   return Response::Json(202, started);
               },
               // Checked from the headers too, before a byte of the file is written to disk.
               {.upload = true, .permissions = {"customers.create", "customers.import"}});
    router.Add("GET", "/api/v1/customers/imports/{id}",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json import, service.Get(ctx.user(), id));
                   return Response::Json(200, import);
               });
    router.Add(
        "GET", "/api/v1/customers/imports/{id}/errors",
        [&service](Context& ctx) -> Result<Response> {
            GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
            // In the reader's language, as an export's header is.
            GX_TRY_ASSIGN(kit::Language language, kit::ExportLanguage(ctx.request()));
            GX_TRY_ASSIGN(std::string report,
                          service.ErrorReport(ctx.user(), id, language == kit::Language::kEn));
            Response response;
            response.body = std::move(report);
            response.SetHeader("Content-Type", "text/csv; charset=utf-8");
            response.SetHeader("Content-Disposition", "attachment; filename=\"import-" +
                                                          std::to_string(id) + "-errors.csv\"");
            return response;
        });
}

}  // namespace guanxi::customers
