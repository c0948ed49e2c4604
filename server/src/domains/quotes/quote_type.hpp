#pragma once
// Quotes (报价, issue 16): a kit type under a customer (seen through the customer, like a deal),
// with an owner. The kit serves the quote's own fields at /api/v1/customers/{id}/quotes; its lines,
// status changes (submit, approve, reject, send, accept, decline), revisions and print views are
// QuoteService's routes at /api/v1/quotes/{id}/... (quote_service.hpp). Status, totals, number,
// revision and the approval's facts are read-only fields the server writes.

#include "kit/record_type.hpp"

#include <string_view>

namespace guanxi::quotes {

// The statuses, in the order a quote usually passes them.
inline constexpr std::string_view kDraft = "draft";
inline constexpr std::string_view kPendingApproval = "pending_approval";
inline constexpr std::string_view kApproved = "approved";
inline constexpr std::string_view kRejected = "rejected";
inline constexpr std::string_view kSent = "sent";
inline constexpr std::string_view kAccepted = "accepted";
inline constexpr std::string_view kDeclined = "declined";

kit::RecordType QuoteType();

}  // namespace guanxi::quotes
