#pragma once
// What a caller may do with one customer. Each action has one predicate, MayTake, which the route
// doing it calls and which the customer's answer (GET /customers/{id} "actions") lists, so the page
// offers exactly the actions whose route would succeed on the customer as it stands (the body of a
// request — a transfer's target, an edit's fields — is still the route's to check).

#include "core/json_writer.hpp"
#include "core/principal.hpp"
#include "domains/access/access_gate.hpp"

#include <array>
#include <optional>
#include <string_view>

namespace guanxi::customers {

enum class CustomerAction {
    kEdit,         // PATCH /customers/{id}
    kDelete,       // DELETE /customers/{id}
    kTransfer,     // POST /customers/transfer with this id
    kRelease,      // POST /customers/{id}/release
    kClaim,        // POST /customers/{id}/claim
    kAddFollowup,  // POST /customers/{id}/followups
};

inline constexpr std::array kCustomerActions = {
    CustomerAction::kEdit,    CustomerAction::kDelete, CustomerAction::kTransfer,
    CustomerAction::kRelease, CustomerAction::kClaim,  CustomerAction::kAddFollowup};

// The action's name in the answer: edit, delete, transfer, release, claim, add_followup.
std::string_view ActionName(CustomerAction action);

// Who owns a live customer, as the gate judges it.
struct CustomerOwnership {
    std::optional<std::int64_t> owner_id;
    std::optional<std::int64_t> last_owner_id;
};

// {} when the caller may take `action` on a live customer owned so; otherwise the refusal its route
// answers: 404 when the caller can't see the customer (or, to add a follow-up, its follow-ups), 403
// for a missing permission, 403 claim_first to change a pool customer without pool.manage, 409
// conflict to release a pool customer, 409 already_claimed to claim an owned one.
Status MayTake(const access::Gate& gate, CustomerAction action, const CustomerOwnership& customer);

// 403 claim_first for a customer in the public pool unless the caller manages the pool: it is
// visible to everyone with customers.view, and otherwise anyone with customers.edit could rewrite
// or delete customers outside their scope.
Status RequireClaimed(const Principal& caller, std::optional<std::int64_t> owner_id);

// Writes "actions": [the names of the actions MayTake allows] into an object the caller opened.
void WriteActions(JsonWriter& writer, const access::Gate& gate, const CustomerOwnership& customer);

}  // namespace guanxi::customers
