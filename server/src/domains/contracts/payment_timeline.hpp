#pragma once
// Payments on the customer's 360° timeline: each ledger entry (payment, refund, correction) by
// the day it was received, named by who entered it. Payments are a ledger, not a kit type
// (contract_service.hpp), so this is their timeline source, beside the kit types' own.

#include "domains/customers/timeline_store.hpp"

namespace guanxi::contracts {

customers::timeline::Source PaymentTimelineSource();

}  // namespace guanxi::contracts
