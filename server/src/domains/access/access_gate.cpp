#include "domains/access/access_gate.hpp"

#include "db/sql_builder.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

namespace guanxi::access {

namespace {

// Users below the caller in the manager chain, and the users the role's data scope covers.
constexpr std::string_view kSubordinates =
    "WITH RECURSIVE below(id) AS (SELECT id FROM users WHERE manager_id = ? "
    "UNION SELECT u.id FROM users u JOIN below b ON u.manager_id = b.id) SELECT id FROM below";
constexpr std::string_view kDepartmentUsers = "SELECT id FROM users WHERE department_id = ?";
constexpr std::string_view kDepartmentTreeUsers =
    "WITH RECURSIVE tree(id) AS (SELECT id FROM departments WHERE id = ? "
    "UNION SELECT d.id FROM departments d JOIN tree t ON d.parent_id = t.id) "
    "SELECT u.id FROM users u JOIN tree t ON u.department_id = t.id";

Result<OwnerSet> Resolve(db::Connection& conn, const Principal& caller) {
    OwnerSet owners;
    owners.owner_ids.push_back(caller.user_id);
    const auto add_rows = [&](std::string_view sql, std::int64_t arg) -> Status {
        GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql, {arg}));
        for (const auto& r : rows) owners.owner_ids.push_back(r.Int(0));
        return {};
    };
    GX_TRY(add_rows(kSubordinates, caller.user_id));
    if (caller.department_id) {
        if (caller.scope == DataScope::kDepartment)
            GX_TRY(add_rows(kDepartmentUsers, *caller.department_id));
        if (caller.scope == DataScope::kDepartmentTree)
            GX_TRY(add_rows(kDepartmentTreeUsers, *caller.department_id));
    }
    std::sort(owners.owner_ids.begin(), owners.owner_ids.end());
    owners.owner_ids.erase(std::unique(owners.owner_ids.begin(), owners.owner_ids.end()),
                           owners.owner_ids.end());
    return owners;
}

// Owner sets resolved before, per caller and organisation version. An entry is valid while the
// database's org_version (bumped by triggers on every change to users' managers and departments or
// to the department tree) is the one it was resolved at; the role's scope is part of the key.
class OwnerSetCache {
  public:
    struct Key {
        std::int64_t epoch, user_id;
        DataScope scope;
        std::int64_t department_id;
        auto operator<=>(const Key&) const = default;
    };

    std::optional<OwnerSet> Find(const Key& key, std::int64_t version) {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it == entries_.end() || it->second.version != version) return std::nullopt;
        return it->second.owners;
    }
    void Put(const Key& key, std::int64_t version, const OwnerSet& owners) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= kMaxEntries) entries_.clear();
        entries_[key] = {version, owners};
    }

  private:
    static constexpr size_t kMaxEntries = 10000;
    struct Entry {
        std::int64_t version;
        OwnerSet owners;
    };
    std::mutex mutex_;
    std::map<Key, Entry> entries_;
};

OwnerSetCache& Cache() {
    static OwnerSetCache cache;
    return cache;
}

}  // namespace

bool OwnerSet::Contains(std::int64_t owner_id) const {
    return all || std::binary_search(owner_ids.begin(), owner_ids.end(), owner_id);
}

Result<Gate> Gate::For(db::Connection& conn, const Principal& caller) {
    if (caller.scope == DataScope::kAll) {
        OwnerSet owners;
        owners.all = true;
        return Gate(caller, std::move(owners));
    }
    if (caller.org_version < 0) {
        GX_TRY_ASSIGN(OwnerSet owners, Resolve(conn, caller));
        return Gate(caller, std::move(owners));
    }
    const OwnerSetCache::Key key{caller.org_epoch, caller.user_id, caller.scope,
                                 caller.department_id.value_or(0)};
    if (auto hit = Cache().Find(key, caller.org_version)) return Gate(caller, std::move(*hit));
    GX_TRY_ASSIGN(OwnerSet owners, Resolve(conn, caller));
    Cache().Put(key, caller.org_version, owners);
    return Gate(caller, std::move(owners));
}

bool Gate::SeesCustomer(std::optional<std::int64_t> owner_id) const {
    if (!caller_->Can("customers.view")) return false;
    return !owner_id || owners_.Contains(*owner_id);
}

bool Gate::SeesFollowups(std::optional<std::int64_t> owner_id,
                         std::optional<std::int64_t> last_owner_id) const {
    if (!SeesCustomer(owner_id)) return false;
    if (owner_id) return true;
    return !last_owner_id || owners_.Contains(*last_owner_id);
}

Predicate Gate::OwnerIn(std::string_view column) const {
    if (owners_.all) return {"1 = 1", {}};
    Predicate p{std::string(column) + " IN (" + db::Placeholders(owners_.owner_ids.size()) + ")",
                {}};
    for (std::int64_t id : owners_.owner_ids) p.params.emplace_back(id);
    return p;
}

Predicate Gate::CustomerVisible(std::string_view alias, Pool pool) const {
    // The predicate form of CustomerOwnersOf, so lists read by owner and by predicate agree.
    const CustomerOwners owners = CustomerOwnersOf(pool);
    const std::string a(alias);
    if (owners.None()) return {"1 = 0", {}};
    if (owners.every_owner) {
        return owners.pool ? Predicate{"1 = 1", {}} : Predicate{a + ".owner_id IS NOT NULL", {}};
    }
    if (owners.owner_ids.empty()) return {a + ".owner_id IS NULL", {}};
    Predicate owned = OwnerIn(a + ".owner_id");
    if (!owners.pool) return owned;
    return {a + ".owner_id IS NULL OR " + owned.sql, std::move(owned.params)};
}

CustomerOwners Gate::CustomerOwnersOf(Pool pool) const {
    CustomerOwners out;
    if (!caller_->Can("customers.view")) return out;
    out.pool = pool != Pool::kExclude;
    if (pool == Pool::kOnly) return out;
    out.every_owner = owners_.all;
    if (!owners_.all) out.owner_ids = owners_.owner_ids;
    return out;
}

Predicate Gate::FollowupsVisible(std::string_view alias) const {
    if (!caller_->Can("customers.view")) return {"1 = 0", {}};
    const std::string a(alias);
    Predicate owned = OwnerIn(a + ".owner_id");
    Predicate last = OwnerIn(a + ".last_owner_id");
    Predicate p{"(" + a + ".owner_id IS NOT NULL AND " + owned.sql + ") OR (" + a +
                    ".owner_id IS NULL AND (" + a + ".last_owner_id IS NULL OR " + last.sql + "))",
                std::move(owned.params)};
    for (auto& v : last.params) p.params.push_back(std::move(v));
    return p;
}

}  // namespace guanxi::access
