#include "domains/pipeline/opportunity_types.hpp"

#include "core/time.hpp"
#include "db/sql_builder.hpp"
#include "domains/pipeline/pipeline_types.hpp"

namespace guanxi::pipeline {

namespace {

using nlohmann::json;

Error Closed(const std::string& status) {
    return Error{ErrorCode::kOpportunityClosed,
                 "This opportunity is closed (" + status + "); its stage can't change any more.",
                 {{"status", status}},
                 {}};
}

std::int64_t IntOf(const json& record, const char* field) {
    const json value = record.value(field, json());
    return value.is_number_integer() ? value.get<std::int64_t>() : 0;
}

struct Stage {
    std::int64_t pipeline_id = 0;
    std::int64_t probability = 0;
    bool won = false;
    bool lost = false;
    std::string Status() const { return won ? "won" : lost ? "lost" : "open"; }
};

Result<std::optional<Stage>> LiveStage(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT pipeline_id, probability, is_won, is_lost FROM "
                                          "pipeline_stages WHERE id = ? AND deleted_at IS NULL",
                                          {id}));
    if (!row) return std::optional<Stage>();
    return std::optional<Stage>(
        Stage{row->Int(0), row->Int(1), row->Int(2) != 0, row->Int(3) != 0});
}

Status CheckOpportunity(const json& record) {
    const json probability = record.value("probability", json());
    if (probability.is_number_integer() &&
        (probability.get<std::int64_t>() < 0 || probability.get<std::int64_t>() > 100)) {
        return Error::ValidationCode("probability", "not_in_range", {{"min", 0}, {"max", 100}});
    }
    return {};
}

// The stage is one of the pipeline's (422 stage_id), a lost stage has a reason, the competitor
// who won is a live one; a closed opportunity's stage and pipeline stay (409).
Status CheckStored(db::Connection& conn, std::int64_t id, const json& record) {
    const std::int64_t pipeline_id = IntOf(record, "pipeline_id");
    GX_TRY_ASSIGN(auto pipeline, conn.QueryOne("SELECT 1 FROM pipelines WHERE id = ? AND "
                                               "deleted_at IS NULL",
                                               {pipeline_id}));
    if (!pipeline) return Error::ValidationCode("pipeline_id", "not_a_visible_record");
    if (id != 0) {
        GX_TRY_ASSIGN(auto stored, conn.QueryOne("SELECT status, stage_id, pipeline_id FROM "
                                                 "opportunities WHERE id = ?",
                                                 {id}));
        if (stored && stored->Text(0) != "open" &&
            (stored->Int(1) != IntOf(record, "stage_id") || stored->Int(2) != pipeline_id)) {
            return Closed(stored->Text(0));
        }
    }
    GX_TRY_ASSIGN(auto stage, LiveStage(conn, IntOf(record, "stage_id")));
    if (!stage || stage->pipeline_id != pipeline_id) {
        return Error::ValidationCode("stage_id", "not_a_stage_of_pipeline");
    }
    if (stage->lost && record.value("lost_reason", json()).is_null()) {
        return Error::ValidationCode("lost_reason", "required");
    }
    const json competitor = record.value("won_competitor_id", json());
    if (competitor.is_number_integer()) {
        GX_TRY_ASSIGN(auto live, conn.QueryOne("SELECT 1 FROM competitors WHERE id = ? AND "
                                               "deleted_at IS NULL",
                                               {competitor.get<std::int64_t>()}));
        if (!live) return Error::ValidationCode("won_competitor_id", "not_a_visible_record");
    }
    return {};
}

// A new stage: the stage history's row for the one left is closed and one opened for the new
// (a won or lost stage's row is closed at once: time is counted in open stages only), the
// probability follows the stage unless the write sent one, and a won or lost stage closes the
// opportunity (its milestone on the customer's timeline moves to the close).
Status EnterStage(const kit::Change& change, std::int64_t stage_id, UnixSeconds now) {
    GX_TRY_ASSIGN(auto stage, LiveStage(change.conn, stage_id));
    if (!stage) return Error::ValidationCode("stage_id", "not_a_stage_of_pipeline");
    const bool closes = stage->won || stage->lost;
    GX_TRY(
        change.conn.Execute("UPDATE opportunity_stage_history SET left_at = ? WHERE "
                            "opportunity_id = ? AND left_at IS NULL",
                            {now, change.id}));
    GX_TRY(change.conn.Execute(
        "INSERT INTO opportunity_stage_history (opportunity_id, stage_id, entered_at, left_at, "
        "moved_by) VALUES (?, ?, ?, ?, ?)",
        {change.id, stage_id, now, closes ? db::Value(now) : db::Value(nullptr),
         change.caller.user_id}));
    // Sent with the write (null included: no probability): kept; else the stage's default.
    const json sent = change.request.value("probability", json());
    db::Value probability = stage->probability;
    if (change.request.contains("probability")) {
        probability =
            sent.is_number_integer() ? db::Value(sent.get<std::int64_t>()) : db::Value(nullptr);
    }
    const bool first = change.before.is_null();
    GX_TRY(change.conn.Execute(
        "UPDATE opportunities SET stage_entered_at = ?, probability = ?, status = ?, "
        "closed_at = ?, milestone_at = CASE WHEN ? = 1 THEN ? ELSE milestone_at END WHERE id = ?",
        {now, probability, stage->Status(), closes ? db::Value(now) : db::Value(nullptr),
         std::int64_t{first || closes ? 1 : 0}, now, change.id}));
    return {};
}

Status AfterChange(const kit::Change& change) {
    const UnixSeconds now = NowSeconds();
    if (change.before.is_null()) return EnterStage(change, IntOf(change.after, "stage_id"), now);
    const std::string status = change.before.value("status", "open");
    // Closing twice (or moving a closed one, even to where it is): refused, nothing changed.
    if (status != "open" &&
        (change.request.contains("stage_id") || change.request.contains("pipeline_id"))) {
        return Closed(status);
    }
    if (IntOf(change.before, "stage_id") != IntOf(change.after, "stage_id")) {
        return EnterStage(change, IntOf(change.after, "stage_id"), now);
    }
    return {};
}

}  // namespace

kit::Field OpportunityRef() {
    return {{.name = "opportunity_id", .type = FieldType::kInteger, .list = true, .filter = true},
            {"销售机会", "Opportunity"},
            false,
            {},
            {},
            "opportunities"};
}

const std::vector<std::string>& LostReasons() {
    static const std::vector<std::string> kReasons = {"price",        "product_fit", "competitor",
                                                      "timing",       "no_budget",   "no_decision",
                                                      "relationship", "other"};
    return kReasons;
}

const std::vector<std::string>& TimelineKinds() {
    static const std::vector<std::string> kinds = {"created",  "update",   "delete",     "restore",
                                                   "need",     "solution", "competitor", "contact",
                                                   "activity", "quote",    "contract"};
    return kinds;
}

kit::RecordType OpportunityType() {
    kit::RecordType type;
    type.name = "opportunities";
    type.singular = "opportunity";
    type.table = "opportunities";
    type.label = {"销售机会", "Opportunity"};
    type.visibility = kit::Visibility::kOwnScope;
    type.fields = {
        kit::RequiredName("name", {"机会名称", "Name"}, 200),
        {{.name = "customer_id",
          .type = FieldType::kInteger,
          .required = true,
          .list = true,
          .filter = true,
          .nullable = false},
         {"客户", "Customer"},
         false,
         {},
         {},
         "customers"},
        {{.name = "owner_id",
          .type = FieldType::kUser,
          .list = true,
          .filter = true,
          .nullable = false},
         {"负责人", "Owner"}},
        {{.name = "amount", .type = FieldType::kMoney, .list = true, .sort = true},
         {"预计金额", "Amount"}},
        {{.name = "expected_close_on",
          .type = FieldType::kDate,
          .list = true,
          .filter = true,
          .sort = true},
         {"预计成交日期", "Expected close"}},
        {{.name = "pipeline_id",
          .type = FieldType::kInteger,
          .required = true,
          .filter = true,
          .nullable = false},
         {"销售流程", "Pipeline"}},
        {{.name = "stage_id",
          .type = FieldType::kInteger,
          .required = true,
          .list = true,
          .filter = true,
          .nullable = false},
         {"阶段", "Stage"}},
        {{.name = "probability", .type = FieldType::kInteger, .list = true, .sort = true},
         {"赢率（%）", "Probability (%)"}},
        {{.name = "source", .max_length = 100, .filter = true}, {"来源", "Source"}, true},
        {{.name = "next_step", .type = FieldType::kText, .max_length = 1000},
         {"下一步", "Next step"},
         true},
        {{.name = "status",
          .type = FieldType::kEnum,
          .options = {"open", "won", "lost"},
          .list = true,
          .filter = true,
          .readonly = true},
         {"状态", "Status"}},
        {{.name = "lost_reason",
          .type = FieldType::kEnum,
          .options = LostReasons(),
          .filter = true},
         {"输单原因", "Lost reason"}},
        {{.name = "won_competitor_id", .type = FieldType::kInteger, .filter = true},
         {"赢单的竞争对手", "Competitor who won"}},
        {{.name = "close_note", .type = FieldType::kText, .max_length = 2000},
         {"赢输说明", "Close note"}},
        {{.name = "stage_entered_at", .type = FieldType::kDatetime, .sort = true, .readonly = true},
         {"进入阶段时间", "In stage since"}},
        {{.name = "closed_at",
          .type = FieldType::kDatetime,
          .filter = true,
          .sort = true,
          .readonly = true},
         {"关闭时间", "Closed at"}},
        {{.name = "milestone_at", .type = FieldType::kDatetime, .readonly = true},
         {"里程碑时间", "Milestone at"}},
        // Past the stage's time limit while open; the limit is the stage's as it is now.
        {{.name = "stale", .type = FieldType::kBoolean, .list = true, .readonly = true},
         {"停滞", "Stale"},
         false,
         "CAST(CASE WHEN t.status = 'open' AND t.stage_entered_at + 86400 * (SELECT "
         "s.days_limit FROM pipeline_stages s WHERE s.id = t.stage_id) < {now} THEN 1 ELSE 0 "
         "END AS BIGINT)"},
    };
    type.default_sort = {{"created_at", true}};
    type.example = {{"name", "2027 年度 CRM 采购"},
                    {"customer_id", 0},  // (0: the tests' customer)
                    {"amount", "250000.00"},
                    {"expected_close_on", "2027-03-31"},
                    {"pipeline_id", 1},
                    {"stage_id", 1},
                    {"source", "展会"}};
    type.fill_defaults = [](const Principal&, json& record) { record.erase("status"); };
    type.check_record = CheckOpportunity;
    type.check_stored = CheckStored;
    type.after_change = AfterChange;
    // Its milestones on the customer's timeline: created, then won or lost (one entry, at the
    // latest; its status says which).
    type.timeline = kit::TimelineSource{.at = "milestone_at",
                                        .summary = {"name", "status", "amount", "stage_id"},
                                        .actor = "owner_id"};
    type.Show("pipeline_id", "pipelines.name|name_en");
    type.Show("stage_id", "pipeline_stages.name|name_en");
    type.Show("won_competitor_id", "competitors.name");
    using kit::Member;
    kit::Field kind = Member("kind", FieldType::kEnum);
    kind.def.options = TimelineKinds();
    kind.def.required = true;
    type.item_routes = {
        {.method = "GET",
         .name = "stage-history",
         .summary = "The stages an opportunity was in, with the time spent in each",
         .description =
             "Each stay, oldest first, with seconds and whole days spent (to now for the current "
             "stay; a won or lost stage counts none), and the sums per stage in by_stage. "
             "Durations are instants apart, the same in every time zone.",
         .answer = kit::ItemAnswer::kObject,
         .answers =
             {{},
              {{"items",
                {Member("stage_id", FieldType::kInteger), Member("stage_name", FieldType::kString),
                 Member("stage_name_en", FieldType::kString),
                 Member("entered_at", FieldType::kDatetime),
                 Member("left_at", FieldType::kDatetime), Member("current", FieldType::kBoolean),
                 Member("seconds", FieldType::kInteger), Member("days", FieldType::kInteger),
                 Member("moved_by", FieldType::kUser),
                 Member("moved_by_name", FieldType::kString)}},
               {"by_stage",
                {Member("stage_id", FieldType::kInteger), Member("seconds", FieldType::kInteger),
                 Member("days", FieldType::kInteger)}}}}},
        {.method = "GET",
         .name = "timeline",
         .summary = "An opportunity's action history, newest first",
         .description =
             "Its own changes from its audit rows (kind created, update, delete, restore; changes "
             "as in a record's history: stage_id, amount, owner_id, probability, …; reason "
             "customer_transfer or user_handover when it moved with its customer) and the needs, "
             "solutions, competitors and decision makers recorded on it (kinds need, solution, "
             "competitor, contact; each only with its type's view permission), and the "
             "activities, quotes and contracts for it that the caller may read through the access "
             "gate (kinds activity — at its start —, quote, contract; summary: kind, subject, "
             "status, start_at / number, title, status, total / number, title, status, amount). "
             "Newest first by (at, kind, id), all descending, paged by cursor as the customer's "
             "timeline: pass a page's next_cursor to get the next (null on the last page); a "
             "cursor stays valid when entries are added meanwhile.",
         .answer = kit::ItemAnswer::kObject,
         .answers = {{Member("next_cursor", FieldType::kString,
                             "The cursor of the next page; null when there is none")},
                     {{"items",
                       {kind, Member("at", FieldType::kDatetime, {}, true),
                        Member("user_id", FieldType::kUser),
                        Member("user_name", FieldType::kString),
                        Member("changes", FieldType::kObject), Member("reason", FieldType::kString),
                        Member("record_id", FieldType::kInteger),
                        Member("summary", FieldType::kObject)}}}},
         .params = {Member("limit", FieldType::kInteger, "Entries on a page: 1 to 200, default 50"),
                    Member("cursor", FieldType::kString, "A page's next_cursor: the page after it"),
                    Member("kinds", FieldType::kString,
                           "Only these kinds, comma-separated (e.g. update,quote)")},
         .errors = {"422"}},
    };
    return type;
}

kit::RecordType OpportunityContactType() {
    kit::RecordType type;
    type.name = "opportunity_contacts";
    type.singular = "opportunity_contact";
    type.table = "opportunity_contacts";
    type.label = {"决策人", "Decision maker"};
    type.fields = {
        {{.name = "role",
          .type = FieldType::kEnum,
          .required = true,
          .options = {"decision_maker", "influencer", "user", "champion", "gatekeeper", "evaluator",
                      "other"},
          .list = true,
          .filter = true,
          .nullable = false},
         {"决策角色", "Role"}},
        OpportunityRef(),
        {{.name = "contact_id",
          .type = FieldType::kInteger,
          .required = true,
          .list = true,
          .filter = true,
          .nullable = false},
         {"联系人", "Contact"},
         false,
         {},
         {},
         "contacts"},
        {{.name = "notes", .type = FieldType::kText, .max_length = 2000}, {"备注", "Notes"}, true},
    };
    type.example = {{"role", "decision_maker"}, {"contact_id", 0}};  // (0: the tests' contact)
    return type;
}

kit::RecordType NeedType() {
    kit::RecordType type;
    type.name = "opportunity_needs";
    type.singular = "opportunity_need";
    type.table = "opportunity_needs";
    type.label = {"客户需求", "Need"};
    type.fields = {
        kit::RequiredName("title", {"需求", "Need"}, 200),
        OpportunityRef(),
        {{.name = "details", .type = FieldType::kText, .max_length = 5000},
         {"详细说明", "Details"},
         true},
        {{.name = "priority",
          .type = FieldType::kEnum,
          .required = true,
          .options = {"high", "medium", "low"},
          .list = true,
          .filter = true,
          .sort = true,
          .nullable = false},
         {"优先级", "Priority"}},
        {{.name = "raised_by_contact_id", .type = FieldType::kInteger, .list = true},
         {"提出人", "Raised by"},
         false,
         {},
         {},
         "contacts"},
    };
    type.example = {{"title", "移动端审批"}, {"priority", "high"}};
    return type;
}

kit::RecordType SolutionType() {
    kit::RecordType type;
    type.name = "opportunity_solutions";
    type.singular = "opportunity_solution";
    type.table = "opportunity_solutions";
    type.label = {"解决方案", "Solution"};
    type.fields = {
        kit::RequiredName("title", {"方案", "Solution"}, 200),
        OpportunityRef(),
        {{.name = "description", .type = FieldType::kText, .max_length = 10000},
         {"方案说明", "Description"},
         true},
        // The needs it answers: needs of the same opportunity (check_stored).
        {{.name = "need_ids", .type = FieldType::kRecords, .list = true, .filter = true},
         {"满足的需求", "Answers needs"},
         false,
         {},
         {},
         "opportunity_needs"},
        // The products it offers, from the catalogue; what they are for, in words, beside them.
        {{.name = "product_ids", .type = FieldType::kRecords, .list = true, .filter = true},
         {"方案产品", "Products"},
         false,
         {},
         {},
         "products",
         false,
         "",
         "",
         true},
        {{.name = "products", .type = FieldType::kText, .max_length = 5000},
         {"产品说明", "Product notes"},
         true},
        {{.name = "document_id", .type = FieldType::kInteger, .list = true},
         {"方案文档", "Document"},
         false,
         {},
         {},
         "documents"},
    };
    type.example = {{"title", "移动审批模块"}, {"products", "审批中心 ×1，移动端 ×50"}};
    // A need of another opportunity is refused by name (the kit has checked each is a live need of
    // the same customer).
    type.check_stored = [](db::Connection& conn, std::int64_t, const json& record) -> Status {
        const json ids = record.value("need_ids", json());
        const json opportunity = record.value("opportunity_id", json());
        if (!ids.is_array() || ids.empty()) return {};
        db::Params params;
        for (const json& id : ids) params.emplace_back(id.get<std::int64_t>());
        GX_TRY_ASSIGN(db::Rows needs, conn.Query("SELECT opportunity_id FROM opportunity_needs "
                                                 "WHERE id IN (" +
                                                     db::Placeholders(params.size()) + ")",
                                                 params));
        for (const db::Row& need : needs) {
            if (need.OptInt(0) != (opportunity.is_number_integer()
                                       ? std::optional(opportunity.get<std::int64_t>())
                                       : std::nullopt)) {
                return Error::ValidationCode("need_ids", "not_a_need_of_opportunity");
            }
        }
        return {};
    };
    type.Show("document_id", "documents.file_name");
    type.Show("need_ids", "opportunity_needs.title");
    return type;
}

kit::RecordType OpportunityCompetitorType() {
    kit::RecordType type;
    type.name = "opportunity_competitors";
    type.singular = "opportunity_competitor";
    type.table = "opportunity_competitors";
    type.label = {"竞争情况", "Competitor presence"};
    type.fields = {
        {{.name = "price", .type = FieldType::kMoney, .list = true, .sort = true},
         {"对手报价", "Their price"}},
        OpportunityRef(),
        {{.name = "competitor_id",
          .type = FieldType::kInteger,
          .required = true,
          .list = true,
          .filter = true,
          .nullable = false},
         {"竞争对手", "Competitor"}},
        {{.name = "notes", .type = FieldType::kText, .max_length = 2000}, {"备注", "Notes"}, true},
    };
    type.example = {{"price", "230000.00"}, {"competitor_id", 0}};  // (0: the tests' competitor)
    type.check_stored = [](db::Connection& conn, std::int64_t, const json& record) -> Status {
        GX_TRY_ASSIGN(auto live, conn.QueryOne("SELECT 1 FROM competitors WHERE id = ? AND "
                                               "deleted_at IS NULL",
                                               {IntOf(record, "competitor_id")}));
        if (!live) return Error::ValidationCode("competitor_id", "not_a_visible_record");
        return {};
    };
    type.Show("competitor_id", "competitors.name");
    return type;
}

}  // namespace guanxi::pipeline
