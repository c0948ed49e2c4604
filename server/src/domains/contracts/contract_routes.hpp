#pragma once
// GET/PUT /api/v1/contracts/{id}/instalments, GET/POST /api/v1/payments (contract_service.hpp).

#include "domains/contracts/contract_service.hpp"
#include "http/router.hpp"

namespace guanxi::contracts {

void RegisterContractRoutes(http::Router& router, ContractService& service);

}  // namespace guanxi::contracts
