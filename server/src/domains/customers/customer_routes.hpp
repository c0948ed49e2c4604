#pragma once

#include "domains/customers/customer_service.hpp"
#include "http/router.hpp"

namespace guanxi::customers {

// /customers (+ contacts, follow-ups, history, duplicates, transfer, export, counts), /pool,
// /users/{id}/handover and the customers' metadata.
void RegisterCustomerRoutes(http::Router& router, CustomerService& service);

}  // namespace guanxi::customers
