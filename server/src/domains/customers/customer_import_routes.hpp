#pragma once

#include "domains/customers/customer_import_service.hpp"
#include "http/router.hpp"

namespace guanxi::customers {

// POST /api/v1/customers/import (an upload route: the body is the file),
// GET /api/v1/customers/imports/{id}, GET /api/v1/customers/imports/{id}/errors.
void RegisterCustomerImportRoutes(http::Router& router, CustomerImportService& service);

}  // namespace guanxi::customers
