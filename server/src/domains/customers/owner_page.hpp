#pragma once
// A page of live customers in next-contact, last-change, name, creation, category, industry or
// region order, read by owner
// instead of by sorting and counting the caller's whole scope (docs/PERFORMANCE.md, "List by
// owner"; migrations 011 and 013):
//   * the total is the sum of the owners' live-customer counters (customer_owner_counts);
//   * the page's ids come from index ranges already in order: one range per owner when the scope
//     is a few owners holding a small share of all customers, otherwise one scan of every live
//     customer in order (customers_live_next / customers_live_updated) keeping the scope's owners.
// Both give exactly the order of the general list: the column ascending or descending with
// customers without a value last, then id.

#include "db/database.hpp"
#include "domains/access/access_gate.hpp"
#include "http/list_query.hpp"

#include <optional>
#include <string>
#include <vector>

namespace guanxi::customers {

struct OwnerPage {
    std::int64_t total = 0;
    std::vector<std::int64_t> ids;  // the page's, in order
};

// Whether a list sorted by this column alone can be read by owner.
bool OwnerPageSorts(std::string_view column);

// The number of live customers `owners` hold, from the per-owner counters.
Result<std::int64_t> LiveCustomers(db::Connection& conn, const access::CustomerOwners& owners);

// nullopt when the general list should sort this scope whole instead (a small scope in an order
// that has no per-owner index).
Result<std::optional<OwnerPage>> PlanOwnerPage(db::Connection& conn,
                                               const access::CustomerOwners& owners,
                                               const http::SortKey& sort, std::int64_t page_size,
                                               std::int64_t offset);

}  // namespace guanxi::customers
