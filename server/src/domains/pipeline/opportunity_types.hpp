#pragma once
// Opportunities (销售机会, issue 16 items 2-4): a kit record type of its own owner (kOwnScope),
// always of a customer the caller can see, on a pipeline's stage. Moving it to another stage is a
// PATCH of stage_id with `version`; the move is written to its stage history, and a stage that is
// won or lost closes it. Its decision makers (contacts with a role), needs, solutions and
// competitors' presence are records under its customer that name it (opportunity_id).

#include "kit/record_type.hpp"

namespace guanxi::pipeline {

kit::RecordType OpportunityType();
kit::RecordType OpportunityContactType();
kit::RecordType NeedType();
kit::RecordType SolutionType();
kit::RecordType OpportunityCompetitorType();

// An optional `opportunity_id` field naming an opportunity of the record's customer (a contract's,
// a quote's, a need's): a live opportunity whose customer the caller can see (422 naming it).
kit::Field OpportunityRef();

// The kinds of entry on an opportunity's timeline: its own changes (created, update, delete,
// restore), then the records on it and for it (need, solution, ..., contract).
const std::vector<std::string>& TimelineKinds();

// The reasons an opportunity is lost (a fixed list; the web names them in both languages).
const std::vector<std::string>& LostReasons();

}  // namespace guanxi::pipeline
