#pragma once
// What a role grants — its permissions and its data scope — and how two grants compare. A user
// with users.manage may hand out only rights they hold themselves (account_service.hpp).

#include "core/principal.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace guanxi::accounts {

// Every permission there is, in display order.
const std::vector<std::string>& AllPermissions();

struct Rights {
    PermissionSet permissions;
    DataScope scope = DataScope::kSelf;
};

// A role's rights from its stored form (data_scope name, permissions JSON array).
Rights RoleRights(std::string_view data_scope, const nlohmann::json& permissions);
Rights CallerRights(const Principal& caller);

// Whether `holder` holds everything `granted` grants: every permission, and a data scope at least
// as wide (self < department < department_tree < all).
bool Covers(const Rights& holder, const Rights& granted);
// The permissions and scope of `granted` that `holder` lacks, for the error's details.
nlohmann::json Missing(const Rights& holder, const Rights& granted);

// An administrator's role holds every permission with scope `all`: the one role that can grant
// everything, so the last active user holding one is never removed.
bool IsAdministrator(const Rights& rights);

}  // namespace guanxi::accounts
