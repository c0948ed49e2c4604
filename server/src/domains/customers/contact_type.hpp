#pragma once
// Contact persons (联系人) of a customer as a record type of the kit (docs/adr/0006-record-kit.md):
// part of the customer's card, so read by whoever sees the customer (pool customers included);
// their phones and e-mails feed the customer's search postings and duplicate checks.

#include "kit/record_type.hpp"

namespace guanxi::customers {

kit::RecordType ContactType();

// The permissions of a record that is part of the customer itself (its contacts, its follow-ups),
// as kit::RecordType::permission_of: read with customers.view, written with customers.edit,
// exported with customers.export — as before these types were on the kit, so no role changed.
std::map<std::string, std::string, std::less<>> CustomersOwnPermissions();

}  // namespace guanxi::customers
