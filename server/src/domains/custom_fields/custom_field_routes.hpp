#pragma once
// /api/v1/custom-fields: GET (any logged-in user), POST, PATCH /{id}, DELETE /{id}
// (users.manage).

#include "domains/custom_fields/custom_field_service.hpp"
#include "http/router.hpp"

namespace guanxi::custom_fields {

void RegisterCustomFieldRoutes(http::Router& router, CustomFieldService& service);

}  // namespace guanxi::custom_fields
