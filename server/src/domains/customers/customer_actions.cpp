#include "domains/customers/customer_actions.hpp"

namespace guanxi::customers {

std::string_view ActionName(CustomerAction action) {
    switch (action) {
        case CustomerAction::kEdit:
            return "edit";
        case CustomerAction::kDelete:
            return "delete";
        case CustomerAction::kTransfer:
            return "transfer";
        case CustomerAction::kRelease:
            return "release";
        case CustomerAction::kClaim:
            return "claim";
        case CustomerAction::kAddFollowup:
            return "add_followup";
    }
    return "";
}

Status RequireClaimed(const Principal& caller, std::optional<std::int64_t> owner_id) {
    if (owner_id || caller.Can("pool.manage")) return {};
    return Error{ErrorCode::kClaimFirst,
                 "This customer is in the public pool: claim it before changing it.",
                 {{"permission", "pool.manage"}},
                 {}};
}

Status MayTake(const access::Gate& gate, CustomerAction action, const CustomerOwnership& customer) {
    const Principal& caller = gate.caller();
    if (!gate.SeesCustomer(customer.owner_id)) return Error::NotFound("Customer");
    switch (action) {
        case CustomerAction::kEdit:
            GX_TRY(RequirePermission(caller, "customers.edit"));
            return RequireClaimed(caller, customer.owner_id);
        case CustomerAction::kDelete:
            GX_TRY(RequirePermission(caller, "customers.delete"));
            return RequireClaimed(caller, customer.owner_id);
        case CustomerAction::kTransfer:
            return RequirePermission(caller, "customers.transfer");
        case CustomerAction::kRelease:
            if (!customer.owner_id) {
                return Error{ErrorCode::kConflict,
                             "This customer is already in the public pool.",
                             nlohmann::json::object(),
                             {}};
            }
            // One's own customer goes back to the pool freely; another's is a transfer.
            if (*customer.owner_id == caller.user_id) return {};
            return RequirePermission(caller, "customers.transfer");
        case CustomerAction::kClaim:
            GX_TRY(RequirePermission(caller, "customers.view"));
            if (customer.owner_id) {
                return Error{ErrorCode::kAlreadyClaimed,
                             "Someone else claimed this customer first.",
                             nlohmann::json::object(),
                             {}};
            }
            return {};
        case CustomerAction::kAddFollowup:
            // A pool customer's history belongs to its last owner's scope.
            if (!gate.SeesFollowups(customer.owner_id, customer.last_owner_id))
                return Error::NotFound("Customer");
            GX_TRY(RequirePermission(caller, "customers.edit"));
            return RequireClaimed(caller, customer.owner_id);
    }
    return Error::Internal("unknown customer action");
}

void WriteActions(JsonWriter& writer, const access::Gate& gate, const CustomerOwnership& customer) {
    writer.Key("actions").BeginArray();
    for (CustomerAction action : kCustomerActions) {
        if (MayTake(gate, action, customer)) writer.String(ActionName(action));
    }
    writer.EndArray();
}

}  // namespace guanxi::customers
