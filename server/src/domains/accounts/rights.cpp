#include "domains/accounts/rights.hpp"

#include "domains/accounts/account_store.hpp"
#include "domains/record_types.hpp"

#include <algorithm>

namespace guanxi::accounts {

const std::vector<std::string>& AllPermissions() {
    // The built-in permissions, then every record type's <name>.view|create|edit|delete|export.
    static const std::vector<std::string> kPermissions = [] {
        std::vector<std::string> all = {
            "customers.view",   "customers.create", "customers.edit",     "customers.delete",
            "customers.export", "customers.import", "customers.transfer", "users.manage",
            "audit.view",       "pool.manage",
        };
        for (std::string& p : RecordTypes().Permissions()) all.push_back(std::move(p));
        return all;
    }();
    return kPermissions;
}

Rights RoleRights(std::string_view data_scope, const nlohmann::json& permissions) {
    Rights rights;
    rights.scope = store::ParseScope(data_scope);
    if (permissions.is_array()) {
        for (const auto& p : permissions) {
            if (p.is_string()) rights.permissions.insert(p.get<std::string>());
        }
    }
    return rights;
}

Rights CallerRights(const Principal& caller) {
    Rights rights;
    rights.scope = caller.scope;
    if (caller.permissions) rights.permissions = *caller.permissions;
    return rights;
}

bool Covers(const Rights& holder, const Rights& granted) {
    // DataScope is declared from the narrowest to the widest.
    return granted.scope <= holder.scope &&
           std::includes(holder.permissions.begin(), holder.permissions.end(),
                         granted.permissions.begin(), granted.permissions.end());
}

nlohmann::json Missing(const Rights& holder, const Rights& granted) {
    nlohmann::json permissions = nlohmann::json::array();
    for (const auto& p : granted.permissions) {
        if (!holder.permissions.count(p)) permissions.push_back(p);
    }
    nlohmann::json out = {{"missing_permissions", permissions}};
    if (granted.scope > holder.scope) out["data_scope"] = store::ScopeName(granted.scope);
    return out;
}

bool IsAdministrator(const Rights& rights) {
    if (rights.scope != DataScope::kAll) return false;
    const auto& all = AllPermissions();
    return std::all_of(all.begin(), all.end(),
                       [&](const std::string& p) { return rights.permissions.count(p) > 0; });
}

}  // namespace guanxi::accounts
