#pragma once
// GET/PUT /api/v1/contracts/{id}/instalments (contract_service.hpp); payments are a kit type
// (payment_type.hpp) with the kit's routes.

#include "domains/contracts/contract_service.hpp"
#include "http/router.hpp"

namespace guanxi::contracts {

// The handlers of the contract type's item routes (its payment plan) are bound here too.
void RegisterContractRoutes(http::Router& router, ContractService& service,
                            kit::RecordService& records, const kit::CompiledType& contracts);

}  // namespace guanxi::contracts
