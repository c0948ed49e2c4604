#pragma once
// The quote routes besides the kit's (docs/QUOTES.md): the handlers of the item routes the quote
// and price-list types declare (/api/v1/quotes/{id} with its lines, actions, versions, print view
// and PDF; a price list's lines), a customer's product prices and the discount limits.

#include "domains/quotes/quote_service.hpp"
#include "http/router.hpp"
#include "kit/record_service.hpp"
#include "kit/registry.hpp"

namespace guanxi::quotes {

void RegisterQuoteRoutes(http::Router& router, QuoteService& service, kit::RecordService& records,
                         const kit::Registry& registry);

}  // namespace guanxi::quotes
