#include "domains/todo/todo_service.hpp"

#include "core/time_zone.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/todo/todo_sections.hpp"

#include <algorithm>
#include <cstdio>

namespace guanxi::todo {

namespace {

using nlohmann::json;

Error BadParameter(std::string_view name, std::string message) {
    Error e{ErrorCode::kBadRequest, std::move(message), json::object(), {}};
    e.details["parameter"] = name;
    return e;
}

bool KnownSection(std::string_view key) {
    return std::any_of(Sections().begin(), Sections().end(),
                       [&](const Section& s) { return s.key == key; });
}

std::string DateText(const tz::LocalTime& t) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", t.year, t.month, t.day);
    return text;
}

}  // namespace

Result<TodoQuery> ParseTodoQuery(const http::Request& request) {
    TodoQuery query;
    if (auto limit = request.QueryValue("limit")) {
        std::int64_t value = 0;
        const bool digits =
            !limit->empty() && limit->size() <= 3 &&
            std::all_of(limit->begin(), limit->end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) value = std::stoll(*limit);
        if (value < 1 || value > kMaxLimit) {
            return BadParameter("limit",
                                "limit must be between 1 and " + std::to_string(kMaxLimit) + ".");
        }
        query.limit = value;
    }
    if (auto sections = request.QueryValue("sections")) {
        size_t from = 0;
        while (from <= sections->size()) {
            const size_t comma = std::min(sections->find(',', from), sections->size());
            const std::string key = sections->substr(from, comma - from);
            if (!KnownSection(key)) {
                return BadParameter("sections",
                                    "sections takes a comma-separated list of: "
                                    "contacts_due, activities_today, newly_assigned, pool_soon, "
                                    "payments_due.");
            }
            query.sections.push_back(key);
            from = comma + 1;
        }
    }
    return query;
}

Result<json> TodoService::Build(const Principal& caller, const TodoQuery& query) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    const UnixSeconds now = clock_();
    GX_TRY_ASSIGN(const std::string zone, accounts::store::TimeZoneOf(*conn, caller.user_id));
    Day today;
    today.start = tz::StartOfDay(zone, now);
    // A day lasts 23 to 25 hours: 26 hours on is always within the next one.
    today.end = tz::StartOfDay(zone, today.start + 26 * 3600);
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    const SectionContext context{*conn, gate, caller, today, now, query.limit};

    json sections = json::array();
    for (const Section& section : Sections()) {
        if (!caller.Can(section.permission)) continue;
        if (!query.sections.empty() && std::find(query.sections.begin(), query.sections.end(),
                                                 section.key) == query.sections.end()) {
            continue;
        }
        GX_TRY_ASSIGN(json body, section.read(context));
        body["key"] = section.key;
        sections.push_back(std::move(body));
    }
    return json{{"date", DateText(tz::ToLocal(zone, now))},
                {"time_zone", zone},
                {"day_start", FormatRfc3339(today.start)},
                {"day_end", FormatRfc3339(today.end)},
                {"sections", std::move(sections)}};
}

}  // namespace guanxi::todo
