#include "domains/quotes/quote_routes.hpp"

#include "domains/customers/document_routes.hpp"
#include "domains/quotes/quote_print.hpp"
#include "kit/record_routes.hpp"

namespace guanxi::quotes {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// The body of an action that may have none.
Result<json> OptionalBody(Context& ctx) {
    if (ctx.request().body.empty()) return json();
    return ctx.JsonBody();
}

}  // namespace

void RegisterQuoteRoutes(http::Router& router, QuoteService& service) {
    router.Add("GET", "/api/v1/quotes/{id}", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json quote, service.Get(ctx.user(), id));
        return Response::Json(200, quote);
    });
    router.Add("PUT", "/api/v1/quotes/{id}/lines", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json quote, service.PutLines(ctx.user(), id, body));
        return Response::Json(200, quote);
    });
    using Action = Result<json> (QuoteService::*)(const Principal&, std::int64_t);
    for (auto [name, action] :
         {std::pair<const char*, Action>{"submit", &QuoteService::Submit},
          std::pair<const char*, Action>{"send", &QuoteService::Send},
          std::pair<const char*, Action>{"accept", &QuoteService::Accept},
          std::pair<const char*, Action>{"decline", &QuoteService::Decline}}) {
        router.Add("POST", std::string("/api/v1/quotes/{id}/") + name,
                   [&service, action](Context& ctx) -> Result<Response> {
                       GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                       GX_TRY_ASSIGN(json quote, (service.*action)(ctx.user(), id));
                       return Response::Json(200, quote);
                   });
    }
    for (auto [name, approve] : {std::pair{"approve", true}, std::pair{"reject", false}}) {
        router.Add("POST", std::string("/api/v1/quotes/{id}/") + name,
                   [&service, approve](Context& ctx) -> Result<Response> {
                       GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                       GX_TRY_ASSIGN(json body, OptionalBody(ctx));
                       GX_TRY_ASSIGN(json quote, service.Decide(ctx.user(), id, approve, body));
                       return Response::Json(200, quote);
                   });
    }
    router.Add("POST", "/api/v1/quotes/{id}/revise", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json quote, service.Revise(ctx.user(), id));
        return Response::Json(201, quote);
    });
    router.Add("GET", "/api/v1/quotes/{id}/versions", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(json versions, service.Versions(ctx.user(), id));
        return Response::Json(200, versions);
    });
    router.Add("GET", "/api/v1/quotes/{id}/print", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(kit::Language language, kit::ExportLanguage(ctx.request()));
        GX_TRY_ASSIGN(json quote, service.PrintData(ctx.user(), id));
        Response response;
        response.status = 200;
        response.body = QuoteHtml(quote, language);
        response.SetHeader("Content-Type", "text/html; charset=utf-8");
        // The page is the quote's text and its own style: nothing else may load or run in it.
        response.SetHeader("Content-Security-Policy",
                           "default-src 'none'; style-src 'unsafe-inline'");
        return response;
    });
    router.Add("GET", "/api/v1/quotes/{id}/pdf", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
        GX_TRY_ASSIGN(kit::Language language, kit::ExportLanguage(ctx.request()));
        GX_TRY_ASSIGN(json quote, service.PrintData(ctx.user(), id));
        GX_TRY_ASSIGN(std::string pdf, QuotePdf(quote, language));
        Response response;
        response.status = 200;
        response.body = std::move(pdf);
        response.SetHeader("Content-Type", "application/pdf");
        response.SetHeader("Content-Disposition", customers::ContentDisposition(
                                                      ctx.request().QueryValue("inline") == "true",
                                                      QuoteFileName(quote, language, "pdf")));
        return response;
    });
    router.Add("GET", "/api/v1/customers/{id}/product-prices",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   std::int64_t except = 0;
                   if (auto text = ctx.request().QueryValue("except_quote")) {
                       except = std::atoll(text->c_str());
                       if (except <= 0) {
                           return Error{ErrorCode::kBadRequest,
                                        "except_quote must be a quote id.",
                                        {{"parameter", "except_quote"}},
                                        {}};
                       }
                   }
                   GX_TRY_ASSIGN(json prices,
                                 service.ProductPrices(
                                     ctx.user(), id,
                                     ctx.request().QueryValue("product_ids").value_or(""), except));
                   return Response::Json(200, prices);
               });
    router.Add("GET", "/api/v1/settings/quote-discount-limits",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(json limits, service.DiscountLimits(ctx.user()));
                   return Response::Json(200, limits);
               });
    router.Add("PUT", "/api/v1/settings/quote-discount-limits",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(json limits, service.SetDiscountLimits(ctx.user(), body));
                   return Response::Json(200, limits);
               });
    router.Add("GET", "/api/v1/price-lists/{id}/lines",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json lines, service.PriceListLines(ctx.user(), id));
                   return Response::Json(200, lines);
               });
    router.Add("PUT", "/api/v1/price-lists/{id}/lines",
               [&service](Context& ctx) -> Result<Response> {
                   GX_TRY_ASSIGN(std::int64_t id, ctx.PathId("id"));
                   GX_TRY_ASSIGN(json body, ctx.JsonBody());
                   GX_TRY_ASSIGN(json lines, service.PutPriceListLines(ctx.user(), id, body));
                   return Response::Json(200, lines);
               });
}

}  // namespace guanxi::quotes
