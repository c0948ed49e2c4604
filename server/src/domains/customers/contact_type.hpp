#pragma once
// Contact persons (联系人) of a customer as a record type of the kit (docs/adr/0006-record-kit.md):
// part of the customer's card, so read by whoever sees the customer (pool customers included);
// their phones and e-mails feed the customer's search postings and duplicate checks.

#include "kit/record_type.hpp"

namespace guanxi::customers {

kit::RecordType ContactType();

}  // namespace guanxi::customers
