#include "domains/contracts/contract_routes.hpp"

#include "kit/record_routes.hpp"

namespace guanxi::contracts {

void RegisterContractRoutes(http::Router& router, ContractService& service,
                            kit::RecordService& records, const kit::CompiledType& contracts) {
    kit::ServeItemRoute(router, records, contracts, "GET", "instalments",
                        [&service](const kit::ItemCall& call) { return service.Plan(call.id); });
    kit::ServeItemRoute(
        router, records, contracts, "PUT", "instalments", [&service](const kit::ItemCall& call) {
            return service.SetPlan(call.caller, call.customer_id, call.id, call.body);
        });
}

}  // namespace guanxi::contracts
