#include "domains/contracts/payment_type.hpp"

#include "core/money.hpp"
#include "domains/contracts/contract_ledger.hpp"
#include "domains/customers/prepayment_types.hpp"

namespace guanxi::contracts {

namespace {

using nlohmann::json;

std::optional<std::int64_t> OptId(const json& record, std::string_view key) {
    auto it = record.find(key);
    if (it == record.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::string Kind(const json& record) {
    auto it = record.find("kind");
    return it != record.end() && it->is_string() ? it->get<std::string>() : "payment";
}

Error Outstanding(std::int64_t outstanding) {
    return Error::ValidationCode("amount", "more_than_outstanding",
                                 {{"outstanding", FormatMoney(outstanding)}});
}

Error MoreThanPaid(std::int64_t paid) {
    return Error::ValidationCode("amount", "more_than_paid", {{"paid", FormatMoney(paid)}});
}

// What the entry says, without the ledger: a correction names what it corrects and why, and
// takes its instalment and prepayment from that entry; only a refund or a correction names one.
Status CheckEntry(const json& record) {
    const std::string kind = Kind(record);
    const bool from_prepayment = record.value("from_prepayment", false);
    const auto amount = record.find("amount");
    if (kind != "correction" && amount != record.end() && amount->is_string() &&
        ParseMoney(amount->get<std::string>()) == 0) {
        return Error::Validation("amount", "must be more than 0.00");
    }
    if (kind == "correction") {
        if (!OptId(record, "corrects_id")) {
            return Error::Validation("corrects_id", "is required for a correction");
        }
        const json note = record.value("note", json());
        if (!note.is_string() || note.get<std::string>().empty()) {
            return Error::Validation("note", "is required for a correction: say why");
        }
        if (from_prepayment) {
            return Error::Validation("from_prepayment",
                                     "is taken from the entry a correction corrects");
        }
        if (OptId(record, "instalment_no")) {
            return Error::Validation("instalment_no",
                                     "is taken from the entry a correction corrects");
        }
    } else if (kind == "payment" && OptId(record, "corrects_id")) {
        return Error::Validation("corrects_id", "is only for a refund or a correction");
    }
    return {};
}

// The entry's effect on the contract's paid amount and its draw on the customer's prepayment,
// judged against the ledger as it stands (contract_ledger.hpp): a payment no more than what is
// outstanding (of the instalment it names, too), a refund no more than what was paid, a
// correction the difference from the entry as it stands now, within both.
Status ComputeEffect(db::Connection& conn, std::int64_t /*customer_id*/, json& record) {
    const std::int64_t contract_id = record["contract_id"].get<std::int64_t>();
    const std::string kind = Kind(record);
    const std::int64_t amount = *ParseMoney(record["amount"].get<std::string>());
    const bool from_prepayment = record.value("from_prepayment", false);
    const std::optional<std::int64_t> instalment_no = OptId(record, "instalment_no");
    GX_TRY_ASSIGN(auto contract,
                  conn.QueryOne("SELECT amount FROM contracts WHERE id = ?", {contract_id}));
    if (!contract) return Error::NotFound("Contract");
    GX_TRY_ASSIGN(std::int64_t paid, PaidOf(conn, contract_id));
    const std::int64_t outstanding = contract->Int(0) - paid;
    if (instalment_no && kind != "correction") {
        GX_TRY_ASSIGN(auto instalment,
                      conn.QueryOne("SELECT amount - paid FROM contract_instalments WHERE "
                                    "contract_id = ? AND seq = ?",
                                    {contract_id, *instalment_no}));
        if (!instalment) return Error::ValidationCode("instalment_no", "no_such_instalment");
        if (kind == "payment" && amount > instalment->Int(0))
            return Outstanding(instalment->Int(0));
    }
    std::int64_t effect = 0;
    std::int64_t draw = 0;
    if (kind == "payment") {
        if (amount > outstanding) return Outstanding(outstanding);
        effect = amount;
        draw = from_prepayment ? amount : 0;
    } else if (kind == "refund") {
        if (amount > paid) return MoreThanPaid(paid);
        effect = -amount;
        draw = from_prepayment ? -amount : 0;  // given back to the prepayment balance
    } else {
        // The entry corrected, as it stands now (its amount with earlier corrections).
        GX_TRY_ASSIGN(auto entry,
                      conn.QueryOne("SELECT kind, amount, prepayment_draw, "
                                    "(SELECT COALESCE(SUM(c.effect), 0) FROM payments c "
                                    "WHERE c.corrects_id = p.id) FROM payments p WHERE "
                                    "p.id = ? AND p.contract_id = ? AND p.kind <> 'correction'",
                                    {*OptId(record, "corrects_id"), contract_id}));
        if (!entry) return Error::ValidationCode("corrects_id", "not_an_entry_of_contract");
        const bool refund = entry->Text(0) == "refund";
        const std::int64_t current = entry->Int(1) + (refund ? -entry->Int(3) : entry->Int(3));
        effect = refund ? current - amount : amount - current;
        if (effect == 0) return Error::Validation("amount", "is what the entry already has");
        if (paid + effect < 0) return MoreThanPaid(paid);
        if (paid + effect > contract->Int(0)) return Outstanding(outstanding);
        draw = entry->Int(2) != 0 ? effect : 0;
        record["from_prepayment"] = entry->Int(2) != 0;
    }
    record["effect"] = FormatMoney(effect);
    record["prepayment_draw"] = FormatMoney(draw);
    if (record.value("from_prepayment", false)) record["method"] = "prepayment";
    return {};
}

// An entry that draws on the prepayment: the customer's prepayments must still cover every draw
// (422 naming from_prepayment, as a deal's draw names its own field). One that draws nothing
// can't make the balance worse, so the sums are not read for it.
Status BalanceCoversDraw(db::Connection& conn, std::int64_t customer_id, const json& record) {
    const json draw = record.value("prepayment_draw", json());
    if (!draw.is_string() || draw.get<std::string>().starts_with('-') ||
        ParseMoney(draw.get<std::string>()).value_or(0) == 0) {
        return {};
    }
    GX_TRY_ASSIGN(std::int64_t balance, customers::PrepaymentBalance(conn, customer_id));
    if (balance >= 0) return {};
    return Error::ValidationCode("from_prepayment", "more_than_prepayment",
                                 {{"short_by", FormatMoney(-balance)}});
}

// The draw checked, the contract's instalments re-spread, and the customer's 催款 mark
// re-judged. (Being set, this hook has the customer's writes take turns: kit record_service.)
Status AfterEntry(db::Connection& conn, std::int64_t customer_id, std::int64_t /*id*/,
                  const json& record) {
    GX_TRY(BalanceCoversDraw(conn, customer_id, record));
    const std::int64_t contract_id = record["contract_id"].get<std::int64_t>();
    const UnixSeconds now = NowSeconds();
    GX_TRY(Reallocate(conn, contract_id));
    GX_TRY_ASSIGN(std::string today, CompanyToday(conn, now));
    GX_TRY(MarkOverdueOf(conn, contract_id, today, now));
    return RefreshMark(conn, customer_id, now);
}

kit::Field Computed(std::string name, kit::Labels label, std::string note, bool list) {
    kit::Field field{{.name = std::move(name),
                      .type = FieldType::kMoney,
                      .list = list,
                      .readonly = true,
                      .nullable = false},
                     std::move(label)};
    field.note = std::move(note);
    return field;
}

}  // namespace

kit::RecordType PaymentType() {
    kit::RecordType type;
    type.name = "payments";
    type.singular = "payment";
    type.table = "payments";
    type.label = {"回款", "Payment"};
    type.listed_across = true;
    type.append_only = true;
    type.customer_from = "contract_id";
    // The contract's permissions: whoever reads a contract reads its ledger; whoever changes it
    // records payments (a ledger has nothing to edit or delete).
    type.permission_of = {{"view", "contracts.view"},
                          {"create", "contracts.edit"},
                          {"edit", "contracts.edit"},
                          {"delete", "contracts.delete"},
                          {"export", "contracts.export"}};
    type.fields = {
        {{.name = "contract_id",
          .type = FieldType::kInteger,
          .required = true,
          .list = true,
          .filter = true,
          .nullable = false},
         {"合同", "Contract"},
         false,
         {},
         {},
         "contracts"},
        {{.name = "kind",
          .type = FieldType::kEnum,
          .options = {"payment", "refund", "correction"},
          .list = true,
          .filter = true,
          .nullable = false},
         {"类型", "Kind"}},
        kit::RequiredDate("received_on", {"收款日期", "Received on"}),
        kit::RequiredMoney("amount", {"金额", "Amount"}),
        Computed("effect", {"计入已收", "Effect"},
                 "What the entry adds to the contract's paid amount: a payment its amount, a "
                 "refund minus it, a correction the difference from the entry as it stood",
                 true),
        {{.name = "instalment_no", .type = FieldType::kInteger, .list = true},
         {"期次", "Instalment"}},
        {{.name = "from_prepayment", .type = FieldType::kBoolean, .nullable = false},
         {"预收款抵扣", "From prepayment"}},
        Computed("prepayment_draw", {"预收款抵扣金额", "Drawn from prepayment"},
                 "What the entry takes from the customer's prepayment balance (negative: given "
                 "back)",
                 false),
        {{.name = "method",
          .type = FieldType::kEnum,
          .options = {"bank_transfer", "cash", "wechat", "alipay", "cheque", "prepayment", "other"},
          .list = true,
          .filter = true},
         {"收款方式", "Method"}},
        {{.name = "corrects_id", .type = FieldType::kInteger, .filter = true},
         {"更正的记录", "Corrects"}},
        {{.name = "note", .type = FieldType::kText, .max_length = 1000}, {"备注", "Note"}, true},
    };
    type.Show("contract_id", "contracts.number");
    // A ledger reads oldest first (ties in the order entered).
    type.default_sort = {{"created_at", false}};
    type.default_page_size = 200;
    type.example = {{"contract_id", 0},
                    {"received_on", "2026-12-05"},
                    {"amount", "1000.00"},
                    {"method", "bank_transfer"}};
    type.fill_defaults = [](const Principal&, json& body) {
        if (!body.contains("kind") || body["kind"].is_null()) body["kind"] = "payment";
        if (!body.contains("from_prepayment") || body["from_prepayment"].is_null())
            body["from_prepayment"] = false;
        if (!body.contains("method") || body["method"].is_null()) body["method"] = "bank_transfer";
    };
    // On the customer's timeline by the day received, named by who entered it.
    type.timeline = kit::TimelineSource{
        .at = "received_on", .summary = {"kind", "amount", "contract_id", "method", "note"}};
    type.check_record = CheckEntry;
    type.compute_create = ComputeEffect;
    type.after_record_write = AfterEntry;
    return type;
}

}  // namespace guanxi::contracts
