#include "domains/quotes/quote_routes.hpp"

#include "domains/customers/document_routes.hpp"
#include "domains/quotes/quote_print.hpp"
#include "kit/record_routes.hpp"

namespace guanxi::quotes {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

}  // namespace

void RegisterQuoteRoutes(http::Router& router, QuoteService& service, kit::RecordService& records,
                         const kit::Registry& registry) {
    const kit::CompiledType& quotes = *registry.Find("quotes");
    const auto serve = [&](std::string_view method, std::string_view name, kit::ItemHandler run) {
        kit::ServeItemRoute(router, records, quotes, method, name, std::move(run));
    };
    serve("GET", "", [&service](const kit::ItemCall& call) {
        return service.WithLines(call.record);  // read through the gate by the kit
    });
    serve("PUT", "lines", [&service](const kit::ItemCall& call) {
        return service.PutLines(call.caller, call.id, call.body);
    });
    using Action = Result<json> (QuoteService::*)(const Principal&, std::int64_t);
    for (auto [name, action] :
         {std::pair<const char*, Action>{"submit", &QuoteService::Submit},
          std::pair<const char*, Action>{"send", &QuoteService::Send},
          std::pair<const char*, Action>{"accept", &QuoteService::Accept},
          std::pair<const char*, Action>{"decline", &QuoteService::Decline},
          std::pair<const char*, Action>{"revise", &QuoteService::Revise},
          std::pair<const char*, Action>{"versions", &QuoteService::Versions}}) {
        serve(name == std::string_view("versions") ? "GET" : "POST", name,
              [&service, action](const kit::ItemCall& call) {
                  return (service.*action)(call.caller, call.id);
              });
    }
    for (auto [name, approve] : {std::pair{"approve", true}, std::pair{"reject", false}}) {
        serve("POST", name, [&service, approve](const kit::ItemCall& call) {
            return service.Decide(call.caller, call.id, approve, call.body);
        });
    }
    kit::ServeItemPage(router, records, quotes, "GET", "print",
                       [&service](const kit::ItemCall& call) -> Result<Response> {
                           GX_TRY_ASSIGN(kit::Language language,
                                         kit::ExportLanguage(call.ctx.request()));
                           GX_TRY_ASSIGN(json quote, service.PrintData(call.caller, call.id));
                           Response response;
                           response.status = 200;
                           response.body = QuoteHtml(quote, language);
                           response.SetHeader("Content-Type", "text/html; charset=utf-8");
                           // The page is the quote's text and its own style: nothing else may load
                           // or run in it.
                           response.SetHeader("Content-Security-Policy",
                                              "default-src 'none'; style-src 'unsafe-inline'");
                           return response;
                       });
    kit::ServeItemPage(
        router, records, quotes, "GET", "pdf",
        [&service](const kit::ItemCall& call) -> Result<Response> {
            GX_TRY_ASSIGN(kit::Language language, kit::ExportLanguage(call.ctx.request()));
            GX_TRY_ASSIGN(json quote, service.PrintData(call.caller, call.id));
            GX_TRY_ASSIGN(std::string pdf, QuotePdf(quote, language));
            Response response;
            response.status = 200;
            response.body = std::move(pdf);
            response.SetHeader("Content-Type", "application/pdf");
            response.SetHeader(
                "Content-Disposition",
                customers::ContentDisposition(call.ctx.request().QueryValue("inline") == "true",
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
    const kit::CompiledType& price_lists = *registry.Find("price_lists");
    kit::ServeItemRoute(router, records, price_lists, "GET", "lines",
                        [&service](const kit::ItemCall& call) {
                            return service.PriceListLines(call.caller, call.id);
                        });
    kit::ServeItemRoute(router, records, price_lists, "PUT", "lines",
                        [&service](const kit::ItemCall& call) {
                            return service.PutPriceListLines(call.caller, call.id, call.body);
                        });
}

}  // namespace guanxi::quotes
