#pragma once
// A contract's payment plan and payments, and what they add up to (docs/DEVELOPING.md
// "Contracts, instalments and payments"). All amounts are integer cents.
//
// - The plan: instalments (seq 1.., amount, due_on, note) that add up to the contract's amount
//   exactly; replaced whole.
// - Payments are a ledger that is only added to: kind `payment` (money received), `refund` (money
//   given back) and `correction` (names the payment or refund it corrects, the amount that entry
//   should have had, and why; its effect is the difference, negative or positive). Each entry's
//   `effect` is what it adds to the contract's paid amount.
// - Allocation: the paid amount is spread over the instalments — a payment naming an instalment
//   (instalment_no) goes to it, the rest (and what a named instalment can't take) to the oldest
//   open instalments first (by due date, then number); money taken back by a refund that names
//   none comes off the newest first. Recomputed on every payment and plan write.
// - 催款: an instalment due before today (the company's time zone) and not fully paid is overdue
//   (overdue_at: when it was first seen so); a customer with any overdue instalment of a live
//   contract is marked `payment_due`, the category it had kept in payment_due_marks; when none is
//   left the mark is cleared and that category given back — unless someone changed the category
//   meanwhile (it is no longer payment_due), which is then left as they set it.

#include "core/error.hpp"
#include "core/time.hpp"
#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::contracts {

struct InstalmentPlan {
    std::int64_t seq = 0;
    std::int64_t amount = 0;
    std::string due_on;
    std::optional<std::string> note;
};

// One ledger entry as the allocation reads it.
struct LedgerEntry {
    std::int64_t effect = 0;
    std::optional<std::int64_t> instalment_no;
};

struct Allocation {
    std::int64_t seq = 0;
    std::int64_t amount = 0;
    std::int64_t paid = 0;
};

// Spreads `entries` over `instalments` (sorted by due date, then seq) by the rule above.
std::vector<Allocation> Allocate(const std::vector<Allocation>& instalments,
                                 const std::vector<LedgerEntry>& entries);

// What the payments of the contract add up to (its paid amount).
Result<std::int64_t> PaidOf(db::Connection& conn, std::int64_t contract_id);
// Recomputes the instalments' paid amounts of the contract.
Status Reallocate(db::Connection& conn, std::int64_t contract_id);
// Marks the instalments due before `today` (YYYY-MM-DD) and unpaid overdue (at `now`); clears
// nothing (a paid one is no longer counted as overdue).
Status MarkOverdueOf(db::Connection& conn, std::int64_t contract_id, std::string_view today,
                     UnixSeconds now);
// Sets or clears the customer's payment_due mark by whether it has overdue instalments now.
Status RefreshMark(db::Connection& conn, std::int64_t customer_id, UnixSeconds now);

// A changed contract amount: 422 amount when the plan no longer adds up or the payments exceed it.
Status CheckAmountKeepsPlan(db::Connection& conn, std::int64_t contract_id, std::int64_t amount);
// Gives a contract without a number its generated one (contract_type.hpp), another when taken.
Status AssignNumber(db::Connection& conn, std::int64_t id, std::string_view signed_on);

// The contract list's extra members: the customer's totals over its live contracts
// {"contracts_amount", "paid", "outstanding", "overdue", "payment_due"}.
Result<nlohmann::json> CustomerTotals(db::Connection& conn, std::int64_t customer_id);

// The plan ({"contract_id","customer_id","amount","total","items"}) with each instalment's paid,
// outstanding and overdue state.
Result<nlohmann::json> PlanJson(db::Connection& conn, std::int64_t contract_id,
                                std::string_view today);

// The company's calendar day at `now`, as YYYY-MM-DD.
Result<std::string> CompanyToday(db::Connection& conn, UnixSeconds now);

// The daily job: every instalment newly overdue at `now` is marked, and its customer with it.
// Returns {"instalments": n, "customers": m}.
inline constexpr std::string_view kOverdueJob = "contracts.overdue";
Result<nlohmann::json> RunOverdueJob(db::Database& db, UnixSeconds now);

}  // namespace guanxi::contracts
