#pragma once
// 催款: the payment-collection reminder (a reminder source, kind "payment_due") and the to-do
// page's section of instalments due (contract_ledger.hpp has the overdue rule and the mark).

#include "domains/reminders/reminder_service.hpp"
#include "domains/todo/todo_sections.hpp"

namespace guanxi::contracts {

// How far ahead the to-do page lists instalments coming due.
inline constexpr std::int64_t kDueSoonDays = 7;

// The reminder of an instalment that fell overdue (its overdue_at in the window, still not fully
// paid), to the contract's owner (else the customer's), once per instalment and due date: the key
// is "payment_due:<contract>:<instalment>:<due_on>:<user>". The reminder rules' "payment_due"
// {"enabled": false} switches it off.
reminders::ReminderSource PaymentDueSource();

// GET /api/v1/todo's "payments_due": the caller's contracts' instalments that are overdue or due
// within kDueSoonDays and not fully paid, oldest due first, with their totals
// ({"count","overdue","outstanding","items"}).
Result<nlohmann::json> PaymentsDueSection(const todo::SectionContext& s);

}  // namespace guanxi::contracts
