#pragma once
// Sales pipelines (销售流程, issue 16 item 2): pipelines, their stages and competitors are kit
// record types of an administrator's (kAdminOnly; staff read them). Opportunities, their contacts,
// needs, solutions and competitors' presence are in opportunity_types.hpp.

#include "kit/record_type.hpp"

namespace guanxi::pipeline {

kit::RecordType PipelineType();
kit::RecordType StageType();
kit::RecordType CompetitorType();

}  // namespace guanxi::pipeline
