#pragma once
// Who is calling: the authenticated user with their role's data scope and permissions.

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace guanxi {

enum class DataScope { kSelf, kDepartment, kDepartmentTree, kAll };

using PermissionSet = std::set<std::string, std::less<>>;

struct Principal {
    std::int64_t user_id = 0;
    std::string username;
    std::string display_name;
    std::optional<std::int64_t> department_id;
    std::optional<std::int64_t> manager_id;
    std::int64_t role_id = 0;
    DataScope scope = DataScope::kSelf;
    // Shared: a caller is copied per request (the session cache), its role's set is not.
    std::shared_ptr<const PermissionSet> permissions;
    // The organisation's version when the session was read (org_version); lets the access gate
    // reuse an owner set it resolved before. Negative: unknown, resolve afresh.
    std::int64_t org_epoch = 0;
    std::int64_t org_version = -1;
    std::string ip;
    std::string request_id;

    bool Can(std::string_view permission) const {
        return permissions && permissions->count(permission) > 0;
    }
};

// 403 "You need the permission <permission>." unless the caller holds it: the one wording every
// service and the router use.
inline Status RequirePermission(const Principal& caller, std::string_view permission) {
    if (caller.Can(permission)) return {};
    return Error::Forbidden("You need the permission " + std::string(permission) + ".");
}

}  // namespace guanxi
