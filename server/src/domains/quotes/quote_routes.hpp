#pragma once
// The quote routes besides the kit's (docs/QUOTES.md): /api/v1/quotes/{id} with its lines,
// actions, versions, print view and PDF; a customer's product prices; price lists' lines; the
// discount limits.

#include "domains/quotes/quote_service.hpp"
#include "http/router.hpp"

namespace guanxi::quotes {

void RegisterQuoteRoutes(http::Router& router, QuoteService& service);

}  // namespace guanxi::quotes
