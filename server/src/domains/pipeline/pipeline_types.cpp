#include "domains/pipeline/pipeline_types.hpp"

#include "core/money.hpp"

namespace guanxi::pipeline {

namespace {

using nlohmann::json;

// A name shown in Chinese and, when name_en is set, in English (labels are data, not code).
std::vector<kit::Field> Names(std::size_t max_length) {
    return {kit::RequiredName("name", {"名称", "Name"}, max_length),
            {{.name = "name_en", .max_length = max_length, .list = true},
             {"英文名称", "Name in English"},
             true}};
}

Status CheckRange(const json& record, const std::string& field, std::int64_t min,
                  std::int64_t max) {
    const json value = record.value(field, json());
    if (!value.is_number_integer()) return {};
    const std::int64_t v = value.get<std::int64_t>();
    if (v < min || v > max) {
        return Error::ValidationCode(field, "not_in_range", {{"min", min}, {"max", max}});
    }
    return {};
}

// Only one pipeline is the default (the one a new opportunity and the board start with).
Status OneDefault(db::Connection& conn, std::int64_t, std::int64_t id, const json& record) {
    if (!record.value("is_default", false) || !record["deleted_at"].is_null()) return {};
    GX_TRY(
        conn.Execute("UPDATE pipelines SET is_default = 0 WHERE id <> ? AND is_default = 1", {id}));
    return {};
}

// A pipeline with live stages stays (delete its stages first, which needs them empty).
Status RefusePipelineInUse(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto stages, conn.QueryOne("SELECT COUNT(*) FROM pipeline_stages WHERE "
                                             "pipeline_id = ? AND deleted_at IS NULL",
                                             {id}));
    if (stages->Int(0) == 0) return {};
    return Error{ErrorCode::kConflict,
                 "This pipeline still has " + std::to_string(stages->Int(0)) +
                     " stage(s); delete them first.",
                 {{"stages", stages->Int(0)}},
                 {}};
}

Status CheckStage(const json& record) {
    GX_TRY(CheckRange(record, "probability", 0, 100));
    GX_TRY(CheckRange(record, "days_limit", 1, 3650));
    GX_TRY(CheckRange(record, "position", 0, 1000));
    if (record.value("is_won", false) && record.value("is_lost", false)) {
        return Error::ValidationCode("is_lost", "won_and_lost");
    }
    return {};
}

// A stage's pipeline is a live one; a stage doesn't move to another pipeline while opportunities
// are in it.
Status CheckStagePipeline(db::Connection& conn, std::int64_t id, const json& record) {
    const json pipeline = record.value("pipeline_id", json());
    if (!pipeline.is_number_integer()) return {};
    GX_TRY_ASSIGN(auto live, conn.QueryOne("SELECT 1 FROM pipelines WHERE id = ? AND "
                                           "deleted_at IS NULL",
                                           {pipeline.get<std::int64_t>()}));
    if (!live) return Error::ValidationCode("pipeline_id", "not_a_visible_record");
    if (id == 0) return {};
    GX_TRY_ASSIGN(auto used, conn.QueryOne("SELECT COUNT(*) FROM opportunities WHERE stage_id = ? "
                                           "AND pipeline_id <> ? AND deleted_at IS NULL",
                                           {id, pipeline.get<std::int64_t>()}));
    if (used->Int(0) > 0) return Error::ValidationCode("pipeline_id", "stage_in_use");
    return {};
}

// A stage that open opportunities are in stays (move them first); closed ones keep naming it.
Status RefuseStageInUse(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto open, conn.QueryOne("SELECT COUNT(*) FROM opportunities WHERE stage_id = ? "
                                           "AND status = 'open' AND deleted_at IS NULL",
                                           {id}));
    if (open->Int(0) == 0) return {};
    return Error{
        ErrorCode::kConflict,
        std::to_string(open->Int(0)) + " open opportunity(ies) are in this stage; move them first.",
        {{"opportunities", open->Int(0)}},
        {}};
}

}  // namespace

kit::RecordType PipelineType() {
    kit::RecordType type;
    type.name = "pipelines";
    type.singular = "pipeline";
    type.table = "pipelines";
    type.label = {"销售流程", "Pipeline"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = Names(100);
    type.fields.push_back({{.name = "description", .type = FieldType::kText, .max_length = 2000},
                           {"说明", "Description"}});
    type.fields.push_back({{.name = "is_default", .type = FieldType::kBoolean, .list = true},
                           {"默认流程", "Default"}});
    type.fields.push_back(
        {{.name = "active", .type = FieldType::kBoolean, .list = true, .filter = true},
         {"启用", "Active"}});
    type.default_sort = {{"name", false}};
    type.example = {{"name", "大客户销售流程"}, {"name_en", "Key account sales"}};
    type.fill_defaults = [](const Principal&, json& record) {
        if (!record.contains("active")) record["active"] = true;
        if (!record.contains("is_default")) record["is_default"] = false;
    };
    type.after_record_write = OneDefault;
    type.before_delete = RefusePipelineInUse;
    type.default_page_size = http::kMaxPageSize;
    using kit::Member;
    kit::Field status = Member("status", FieldType::kEnum);
    status.def.options = {"open", "won", "lost"};
    const std::vector<kit::Field> card = {
        Member("id", FieldType::kInteger),
        Member("name", FieldType::kString),
        Member("customer_id", FieldType::kInteger),
        Member("customer_name", FieldType::kString),
        Member("owner_id", FieldType::kUser),
        Member("owner_name", FieldType::kString),
        Member("amount", FieldType::kMoney),
        Member("probability", FieldType::kInteger),
        Member("expected_close_on", FieldType::kDate),
        Member("stage_entered_at", FieldType::kDatetime),
        Member("stale", FieldType::kBoolean,
               "Open and in its stage longer than the stage's days_limit"),
        status,
        Member("version", FieldType::kInteger,
               "Send it with a move (PATCH /api/v1/opportunities/{id}); 409 stale_version when "
               "someone moved it first"),
    };
    type.item_routes = {{
        .method = "GET",
        .name = "board",
        .summary = "The board of a pipeline: a column per stage with the count, amount and cards "
                   "of open opportunities",
        .description =
            "Needs opportunities.view too. Only opportunities whose owner is in the caller's owner "
            "set (the caller, the role's data scope, the manager chain), as for every opportunity "
            "read; owner_id and department_id narrow it further, never widen it. A won or lost "
            "stage's column shows the opportunities closed in it in the last closed_days days. "
            "Cards are ordered by the time they entered the stage (open: oldest first; closed: "
            "newest first).",
        .answer = kit::ItemAnswer::kObject,
        .answers = {{Member("pipeline", FieldType::kObject, "The pipeline: id, name, name_en"),
                     Member("closed_days", FieldType::kInteger)},
                    {{"columns",
                      {Member("stage", FieldType::kObject,
                              "The stage: id, name, name_en, position, probability, is_won, "
                              "is_lost, days_limit"),
                       Member("count", FieldType::kInteger),
                       Member("amount", FieldType::kMoney, "The sum of the column's amounts")},
                      0,
                      {},
                      {{"cards", card}}}}},
        .params = {Member("owner_id", FieldType::kUser, "Only this owner's opportunities"),
                   Member("department_id", FieldType::kDepartment,
                          "Only opportunities whose owner is in this department"),
                   Member("cards", FieldType::kInteger,
                          "Cards per column (1-200, default 50); count and amount cover them "
                          "all")},
    }};
    return type;
}

kit::RecordType StageType() {
    kit::RecordType type;
    type.name = "pipeline_stages";
    type.singular = "pipeline_stage";
    type.table = "pipeline_stages";
    type.label = {"销售阶段", "Pipeline stage"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = Names(60);
    type.fields.insert(type.fields.begin(), {{.name = "pipeline_id",
                                              .type = FieldType::kInteger,
                                              .required = true,
                                              .list = true,
                                              .filter = true,
                                              .nullable = false},
                                             {"销售流程", "Pipeline"}});
    // The first field is the one the generic tests patch: keep the name first.
    std::swap(type.fields[0], type.fields[1]);
    type.Show("pipeline_id", "pipelines.name|name_en");
    type.fields.push_back({{.name = "position",
                            .type = FieldType::kInteger,
                            .required = true,
                            .list = true,
                            .sort = true,
                            .nullable = false},
                           {"顺序", "Order"}});
    type.fields.push_back({{.name = "probability",
                            .type = FieldType::kInteger,
                            .required = true,
                            .list = true,
                            .nullable = false},
                           {"默认赢率（%）", "Default probability (%)"}});
    type.fields.push_back(
        {{.name = "is_won", .type = FieldType::kBoolean, .list = true}, {"赢单阶段", "Won stage"}});
    type.fields.push_back({{.name = "is_lost", .type = FieldType::kBoolean, .list = true},
                           {"输单阶段", "Lost stage"}});
    type.fields.push_back({{.name = "days_limit", .type = FieldType::kInteger, .list = true},
                           {"停留时限（天）", "Time limit (days)"}});
    type.default_sort = {{"pipeline_id", false}, {"position", false}};
    type.example = {{"name", "技术评估"}, {"name_en", "Technical evaluation"},
                    {"pipeline_id", 1},   {"position", 7},
                    {"probability", 40},  {"days_limit", 10}};
    type.fill_defaults = [](const Principal&, json& record) {
        if (!record.contains("is_won")) record["is_won"] = false;
        if (!record.contains("is_lost")) record["is_lost"] = false;
    };
    type.check_record = CheckStage;
    type.check_stored = CheckStagePipeline;
    type.before_delete = RefuseStageInUse;
    type.default_page_size = http::kMaxPageSize;
    return type;
}

kit::RecordType CompetitorType() {
    kit::RecordType type;
    type.name = "competitors";
    type.singular = "competitor";
    type.table = "competitors";
    type.label = {"竞争对手", "Competitor"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = {
        kit::RequiredName("name", {"名称", "Name"}),
        {{.name = "website", .max_length = 500, .list = true}, {"网站", "Website"}},
        {{.name = "strengths", .type = FieldType::kText, .max_length = 5000},
         {"优势", "Strengths"},
         true},
        {{.name = "weaknesses", .type = FieldType::kText, .max_length = 5000},
         {"劣势", "Weaknesses"},
         true},
        {{.name = "notes", .type = FieldType::kText, .max_length = 5000}, {"备注", "Notes"}},
        // The win/loss record against it, over every opportunity (derived, never written): won
        // while it was present, and lost to it (it is the competitor who won).
        {{.name = "won_against", .type = FieldType::kInteger, .list = true, .readonly = true},
         {"赢过对手", "Won against"},
         false,
         "CAST((SELECT COUNT(DISTINCT oc.opportunity_id) FROM opportunity_competitors oc "
         "JOIN opportunities o ON o.id = oc.opportunity_id WHERE oc.competitor_id = t.id AND "
         "oc.deleted_at IS NULL AND o.deleted_at IS NULL AND o.status = 'won') AS BIGINT)"},
        {{.name = "lost_to", .type = FieldType::kInteger, .list = true, .readonly = true},
         {"输给对手", "Lost to"},
         false,
         "CAST((SELECT COUNT(*) FROM opportunities o WHERE o.won_competitor_id = t.id AND "
         "o.deleted_at IS NULL AND o.status = 'lost') AS BIGINT)"},
    };
    type.default_sort = {{"name", false}};
    type.example = {{"name", "华信软件"},
                    {"website", "https://example.com"},
                    {"strengths", "价格低"},
                    {"weaknesses", "实施周期长"}};
    return type;
}

}  // namespace guanxi::pipeline
