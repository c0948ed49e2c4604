#pragma once
// Follow-ups (跟进记录) as a record type of the kit (docs/adr/0006-record-kit.md): read, listed,
// changed, deleted, restored, exported and traced by the generic path; created by the tuned
// asynchronous route (customer_routes.cpp, CustomerService::CreateFollowup — the busiest write of
// the product), which the definition declares by generic_create = false.

#include "kit/record_type.hpp"

namespace guanxi::customers {

kit::RecordType FollowupType();

}  // namespace guanxi::customers
