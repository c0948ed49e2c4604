#pragma once
// Sales pipelines (销售流程, issue 16 item 2): pipelines, their stages and competitors are kit
// record types of an administrator's (kAdminOnly; staff read them). Opportunities, their contacts,
// needs, solutions and competitors' presence are in opportunity_types.hpp.

#include "kit/record_type.hpp"

namespace guanxi::pipeline {

// The largest amount an opportunity or a competitor's price may have: 10^12 with cents.
inline constexpr std::int64_t kMaxAmountCents = 100'000'000'000'000;

kit::RecordType PipelineType();
kit::RecordType StageType();
kit::RecordType CompetitorType();

// 422 naming `field` when a money value in `record` is above kMaxAmountCents.
Status CheckAmount(const nlohmann::json& record, const std::string& field);

}  // namespace guanxi::pipeline
