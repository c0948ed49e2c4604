#include "domains/activities/activity_type.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/activities/activity_series.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/customer_store.hpp"
#include "domains/pipeline/opportunity_types.hpp"

namespace guanxi::activities {

namespace {

using nlohmann::json;

// At most four weeks ahead (a reminder rule reads it; issue 15 item 4).
constexpr std::int64_t kMaxRemindMinutes = 4 * 7 * 24 * 60;

// An hour, when a create leaves the end out.
constexpr std::int64_t kDefaultLength = 3600;

Status CheckActivity(const json& record) {
    const auto start = ParseRfc3339(record.value("start_at", std::string()));
    const json end_at = record.value("end_at", json());
    if (start && end_at.is_string()) {
        const auto end = ParseRfc3339(end_at.get<std::string>());
        if (end && *end < *start) return Error::ValidationCode("end_at", "before_start_at");
    }
    const json remind = record.value("remind_before_minutes", json());
    if (remind.is_number_integer() &&
        (remind.get<std::int64_t>() < 0 || remind.get<std::int64_t>() > kMaxRemindMinutes)) {
        return Error::ValidationCode("remind_before_minutes", "minutes_range",
                                     {{"max", kMaxRemindMinutes}});
    }
    return CheckRepeat(record.value("repeat", json()));
}

void FillDefaults(const Principal&, json& record) {
    if (!record.contains("status")) record["status"] = "planned";
    if (!record.contains("all_day")) record["all_day"] = false;
    if (record.value("end_at", json()).is_null()) {
        if (auto start = ParseRfc3339(record.value("start_at", std::string()))) {
            record["end_at"] = FormatRfc3339(*start + kDefaultLength);
        }
    }
}

// A call or visit of a customer marked done (on its create, or by a patch) writes the customer's
// follow-up in the same transaction: its kind, the outcome (or the subject) as content, the end
// (or now, when the end is still ahead) as the time contacted. A customer deleted meanwhile gets
// none.
Status WriteFollowup(const kit::Change& change) {
    const json& after = change.after;
    if (after.value("status", "") != "done") return {};
    if (!change.before.is_null() && change.before.value("status", "") == "done") return {};
    const std::string_view kind = FollowupKindOf(after.value("kind", ""));
    const json customer = after.value("customer_id", json());
    if (kind.empty() || !customer.is_number_integer()) return {};
    const std::int64_t customer_id = customer.get<std::int64_t>();
    GX_TRY_ASSIGN(auto live, change.conn.QueryOne(
                                 "SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL",
                                 {customer_id}));
    if (!live) return {};
    const std::string outcome =
        text::Trim(after.value("outcome", json()).is_string() ? after["outcome"].get<std::string>()
                                                              : std::string());
    const std::string content = outcome.empty() ? after.value("subject", "") : outcome;
    const std::int64_t now = NowSeconds();
    const std::int64_t contacted_at =
        std::min(now, ParseRfc3339(after.value("end_at", std::string())).value_or(now));
    GX_TRY_ASSIGN(std::int64_t id,
                  customers::store::InsertFollowup(change.conn, customer_id, change.caller.user_id,
                                                   kind, content, contacted_at, std::nullopt, now));
    GX_TRY(customers::store::TouchContactTimes(change.conn, customer_id, contacted_at, std::nullopt,
                                               now));
    json changes = {
        {"kind", {{"before", nullptr}, {"after", kind}}},
        {"content", {{"before", nullptr}, {"after", content}}},
        {"contacted_at", {{"before", nullptr}, {"after", FormatRfc3339(contacted_at)}}}};
    return audit::Record(
        change.conn, change.caller,
        {"followup.create",
         "customer",
         customer_id,
         {{"followup_id", id}, {"activity_id", change.id}, {"changes", std::move(changes)}}});
}

Status AfterChange(const kit::Change& change) {
    GX_TRY(WriteFollowup(change));
    return SeriesAfterChange(change);
}

}  // namespace

std::string_view FollowupKindOf(std::string_view kind) {
    if (kind == "call") return "call";
    if (kind == "visit" || kind == "incoming_visit") return "visit";
    return {};
}

kit::RecordType ActivityType() {
    kit::RecordType type;
    type.name = "activities";
    type.singular = "activity";
    type.table = "activities";
    type.label = {"日程活动", "Activity"};
    type.visibility = kit::Visibility::kOwnScope;
    type.participants = "participants";
    type.fields = {
        {{.name = "kind",
          .type = FieldType::kEnum,
          .required = true,
          .options = {"call", "visit", "incoming_visit", "meeting", "task"},
          .list = true,
          .filter = true,
          .nullable = false},
         {"类型", "Kind"}},
        {{.name = "subject",
          .required = true,
          .max_length = 200,
          .list = true,
          .sort = true,
          .nullable = false},
         {"主题", "Subject"},
         true},
        {{.name = "customer_id", .type = FieldType::kInteger, .list = true, .filter = true},
         {"客户", "Customer"},
         false,
         {},
         {},
         "customers"},
        {{.name = "contact_id", .type = FieldType::kInteger, .filter = true},
         {"联系人", "Contact"},
         false,
         {},
         {},
         "contacts"},
        // The opportunity it is for (of its customer): it joins the opportunity's timeline.
        pipeline::OpportunityRef(),
        // Never cleared: an activity without an owner would be nobody's to see.
        {{.name = "owner_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .nullable = false},
         {"负责人", "Owner"}},
        {{.name = "participants", .type = FieldType::kUsers, .filter = true, .nullable = false},
         {"参与人", "Participants"}},
        {{.name = "start_at",
          .type = FieldType::kDatetime,
          .required = true,
          .list = true,
          .filter = true,
          .sort = true,
          .nullable = false},
         {"开始时间", "Starts"}},
        {{.name = "end_at",
          .type = FieldType::kDatetime,
          .list = true,
          .sort = true,
          .nullable = false},
         {"结束时间", "Ends"}},
        {{.name = "all_day", .type = FieldType::kBoolean, .filter = true}, {"全天", "All day"}},
        {{.name = "location", .max_length = 200}, {"地点", "Location"}, true},
        {{.name = "status",
          .type = FieldType::kEnum,
          .options = {"planned", "done", "cancelled"},
          .list = true,
          .filter = true,
          .nullable = false},
         {"状态", "Status"}},
        {{.name = "outcome", .type = FieldType::kText, .max_length = 5000}, {"结果", "Outcome"}},
        {{.name = "remind_before_minutes", .type = FieldType::kInteger},
         {"提前提醒（分钟）", "Remind before (minutes)"}},
        // A repeat rule (activity_series.hpp), on every occurrence of its series.
        {{.name = "repeat", .type = FieldType::kObject}, {"重复", "Repeat"}},
        {{.name = "series_id", .type = FieldType::kInteger, .filter = true, .readonly = true},
         {"系列", "Series"}},
    };
    type.default_sort = {{"start_at", false}};
    type.example = {{"kind", "meeting"},
                    {"subject", "季度回顾会议"},
                    {"start_at", "2026-12-10T02:00:00Z"},
                    {"end_at", "2026-12-10T03:00:00Z"}};
    type.check_record = CheckActivity;
    type.fill_defaults = FillDefaults;
    type.after_change = AfterChange;
    type.update_options = {"apply_to"};
    type.timeline =
        kit::TimelineSource{"start_at", {"kind", "subject", "status", "start_at"}, "owner_id"};
    return type;
}

}  // namespace guanxi::activities
