#include "domains/customers/mailing_type.hpp"

#include "core/text.hpp"
#include "core/time.hpp"

namespace guanxi::customers {

namespace {

using nlohmann::json;

// Earlier live mailings of the same item (trimmed; Latin letters in any case) to this customer.
constexpr std::string_view kSameItem =
    "SELECT id, item, sent_on FROM mailings WHERE customer_id = ? AND deleted_at IS NULL "
    "AND LOWER(TRIM(item)) = ? ORDER BY id LIMIT 5";

Status WarnIfSentBefore(db::Connection& conn, std::int64_t customer_id, const json& body) {
    if (body.value("allow_duplicate", false)) return {};
    const std::string item = text::AsciiLower(text::Trim(body["item"].get<std::string>()));
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(kSameItem, {customer_id, item}));
    if (rows.empty()) return {};
    json matches = json::array();
    for (const db::Row& row : rows) {
        matches.push_back({{"id", row.Int(0)}, {"item", row.Text(1)}, {"sent_on", row.Text(2)}});
    }
    return Error{ErrorCode::kDuplicate,
                 "This item was already sent to this customer; send \"allow_duplicate\": true to "
                 "record it again.",
                 {{"field", "item"}, {"matches", matches}},
                 {}};
}

// A parcel can't arrive before it left.
Status CheckDates(const json& record) {
    const auto sent = record.find("sent_on");
    const auto received = record.find("received_on");
    if (sent == record.end() || received == record.end() || !sent->is_string() ||
        !received->is_string()) {
        return {};
    }
    if (*ParseDate(received->get<std::string>()) < *ParseDate(sent->get<std::string>())) {
        return Error::Validation("received_on", "must not be before sent_on");
    }
    return {};
}

}  // namespace

kit::RecordType MailingType() {
    kit::RecordType type;
    type.name = "mailings";
    type.singular = "mailing";
    type.table = "mailings";
    type.label = {"邮寄记录", "Mailing"};
    type.fields = {
        {{.name = "item", .required = true, .list = true, .sort = true, .nullable = false},
         {"邮寄物品", "Item"},
         true},
        {{.name = "carrier", .max_length = 100, .list = true, .filter = true},
         {"快递公司", "Carrier"},
         true},
        {{.name = "tracking_number", .max_length = 64, .list = true},
         {"运单号", "Tracking number"},
         true},
        kit::RequiredDate("sent_on", {"寄出日期", "Sent on"}),
        {{.name = "received_on",
          .type = FieldType::kDate,
          .list = true,
          .filter = true,
          .sort = true},
         {"签收日期", "Received on"}},
        {{.name = "note", .type = FieldType::kText, .max_length = 1000}, {"备注", "Note"}, true},
    };
    type.default_sort = {{"sent_on", true}};
    type.example = {{"item", "2027 年产品目录"},
                    {"carrier", "顺丰速运"},
                    {"tracking_number", "SF1234567890"},
                    {"sent_on", "2026-12-01"}};
    type.create_options = {"allow_duplicate"};
    type.before_create = WarnIfSentBefore;
    type.check_record = CheckDates;
    type.timeline = kit::TimelineSource{
        .at = "sent_on", .summary = {"item", "carrier", "tracking_number", "received_on"}};
    return type;
}

}  // namespace guanxi::customers
