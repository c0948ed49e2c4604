#include "domains/contracts/contract_routes.hpp"

#include "kit/record_routes.hpp"

namespace guanxi::contracts {

namespace {

using http::Context;
using http::Response;
using nlohmann::json;

// ?contract_id=, a positive integer (400 naming it otherwise).
Result<std::int64_t> ContractParam(const Context& ctx) {
    const auto value = ctx.request().QueryValue("contract_id");
    std::int64_t id = 0;
    if (value && !value->empty() && value->size() < 19 &&
        value->find_first_not_of("0123456789") == std::string::npos) {
        id = std::stoll(*value);
    }
    if (id <= 0) {
        return Error{ErrorCode::kBadRequest,
                     "contract_id is required: the payments of one contract are listed.",
                     {{"parameter", "contract_id"}},
                     {}};
    }
    return id;
}

}  // namespace

void RegisterContractRoutes(http::Router& router, ContractService& service,
                            kit::RecordService& records, const kit::CompiledType& contracts) {
    kit::ServeItemRoute(
        router, records, contracts, "GET", "instalments",
        [&service](const kit::ItemCall& call) { return service.Plan(call.caller, call.id); });
    kit::ServeItemRoute(router, records, contracts, "PUT", "instalments",
                        [&service](const kit::ItemCall& call) {
                            return service.SetPlan(call.caller, call.id, call.body);
                        });
    router.Add("GET", "/api/v1/payments", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(std::int64_t contract_id, ContractParam(ctx));
        GX_TRY_ASSIGN(json page, service.Payments(ctx.user(), contract_id));
        return Response::Json(200, page);
    });
    router.Add("POST", "/api/v1/payments", [&service](Context& ctx) -> Result<Response> {
        GX_TRY_ASSIGN(json body, ctx.JsonBody());
        GX_TRY_ASSIGN(json created, service.AddPayment(ctx.user(), body));
        return Response::Json(201, created);
    });
}

}  // namespace guanxi::contracts
