#pragma once
// Activities (日程活动, issue 15): calls, visits, incoming visits, meetings and tasks on the
// calendar, a kit record type of their own owner (kOwnScope) that their participants see too.
// Completing a call or visit of a customer writes its follow-up in the same transaction; a
// repeating activity is a series of stored occurrences (activity_series.hpp).

#include "kit/record_type.hpp"

namespace guanxi::activities {

kit::RecordType ActivityType();

// The follow-up kind an activity of `kind` is recorded as ("incoming_visit" → "visit"); empty for
// kinds that write none (meetings, tasks).
std::string_view FollowupKindOf(std::string_view kind);

}  // namespace guanxi::activities
