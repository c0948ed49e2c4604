#pragma once
// Products (产品) and price lists (价格表, issue 16): types of their own that only administrators
// write (kAdminOnly) and every salesperson reads (staff_read), so quotes can name them.
// A price list's lines (product, price) are kept beside it in price_list_lines and written whole
// by PUT /api/v1/price-lists/{id}/lines (quote_service.hpp).

#include "kit/record_type.hpp"

namespace guanxi::quotes {

kit::RecordType ProductType();
kit::RecordType PriceListType();

}  // namespace guanxi::quotes
