#pragma once
// The one access gate (DESIGN.md "Access control"). Every read of customers and of what hangs off
// them — lists, get, search, counts, export, contacts, follow-ups, history, duplicate matches, bulk
// actions — takes its WHERE predicate from here. Nothing else decides who sees a customer.
//
// A caller sees a customer when
//   - it is in the public pool (owner_id IS NULL) and the caller has customers.view, or
//   - its owner is in the caller's owner set: the caller, plus by role data_scope the users of the
//     caller's department (department), of it and every department below (department_tree), or
//     everyone (all), plus every user below the caller in the manager chain.
// Follow-ups of a pool customer are visible only to callers whose owner set covers its last owner.

#include "core/principal.hpp"
#include "db/database.hpp"

#include <string>
#include <vector>

namespace guanxi::access {

struct OwnerSet {
    bool all = false;
    std::vector<std::int64_t> owner_ids;  // sorted; meaningful when !all

    bool Contains(std::int64_t owner_id) const;
};

// Which customers a read covers: the public pool is visible to everyone with customers.view, but
// the customer list shows the customers owned within the caller's scope unless asked for the pool
// (docs/adr/0002-customer-list-scope.md).
enum class Pool { kInclude, kExclude, kOnly };

struct Predicate {
    std::string sql;
    db::Params params;
};

// The same customers as CustomerVisible, named by owner: every owner or a list of them, plus
// whether the public pool is in. Lists use it to read per owner (the live-customer counters and
// per-owner index ranges) instead of filtering the whole scope.
struct CustomerOwners {
    bool every_owner = false;
    std::vector<std::int64_t> owner_ids;  // sorted; meaningful when !every_owner
    bool pool = false;

    bool None() const { return !every_owner && owner_ids.empty() && !pool; }
};

class Gate {
  public:
    // Resolves the caller's owner set with one query.
    static Result<Gate> For(db::Connection& conn, const Principal& caller);

    const OwnerSet& owners() const { return owners_; }
    const Principal& caller() const { return *caller_; }

    // Whether a customer with this owner (and last owner, for pool follow-ups) is visible.
    bool SeesCustomer(std::optional<std::int64_t> owner_id) const;
    bool SeesFollowups(std::optional<std::int64_t> owner_id,
                       std::optional<std::int64_t> last_owner_id) const;

    // SQL predicates over a customers row aliased `alias`.
    Predicate CustomerVisible(std::string_view alias, Pool pool = Pool::kInclude) const;
    Predicate FollowupsVisible(std::string_view alias) const;
    // What CustomerVisible(alias, pool) covers, by owner.
    CustomerOwners CustomerOwnersOf(Pool pool) const;
    // `column` (a user id) is in the caller's owner set: the rule of a record type with its own
    // owner (kit::Visibility::kOwnScope), as SeesCustomer's is for customers.
    Predicate OwnerIn(std::string_view column) const;

  private:
    Gate(const Principal& caller, OwnerSet owners) : caller_(&caller), owners_(std::move(owners)) {}

    const Principal* caller_;
    OwnerSet owners_;
};

}  // namespace guanxi::access
