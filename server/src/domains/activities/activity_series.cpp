#include "domains/activities/activity_series.hpp"

#include "core/time.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/activities/ical_zone.hpp"
#include "domains/audit/audit_service.hpp"
#include "kit/record_store.hpp"

#include <libical/ical.h>

namespace guanxi::activities {

namespace {

using nlohmann::json;

Error BadRepeat() {
    return Error::ValidationCode("repeat", "bad_repeat", {{"max", kMaxOccurrences}});
}

// The fields "following" copies to the later occurrences (times are moved, not copied).
bool Copied(const kit::Field& field) {
    const std::string& name = field.def.name;
    return !field.def.readonly && name != "repeat" && name != "start_at" && name != "end_at";
}

// The record's writable fields, for another occurrence's create.
json OccurrenceBody(const kit::CompiledType& type, const json& record) {
    json body = json::object();
    for (const kit::Field& field : type.type.fields) {
        if (field.def.name == "series_id") continue;
        body[field.def.name] = record.value(field.def.name, json());
    }
    body["custom"] = record.value("custom", json::object());
    return body;
}

Status CreateSeries(const kit::Change& change) {
    const json& first = change.after;
    const UnixSeconds start = *ParseRfc3339(first["start_at"].get<std::string>());
    const UnixSeconds end = ParseRfc3339(first.value("end_at", std::string())).value_or(start);
    GX_TRY_ASSIGN(std::string zone, UserZone(change.conn, first["owner_id"].get<std::int64_t>()));
    GX_TRY_ASSIGN(std::vector<UnixSeconds> starts, Occurrences(first["repeat"], start, zone));
    const std::int64_t series = change.id;
    GX_TRY(change.conn.Execute(
        "UPDATE " + change.type.type.table + " SET series_id = ? WHERE id = ?", {series, series}));
    json body = OccurrenceBody(change.type, first);
    body["series_id"] = series;
    const std::int64_t now = NowSeconds();
    for (std::size_t i = 1; i < starts.size(); ++i) {
        body["start_at"] = FormatRfc3339(starts[i]);
        body["end_at"] = FormatRfc3339(starts[i] + (end - start));
        GX_TRY_ASSIGN(std::int64_t id, kit::store::Insert(change.conn, change.type, std::nullopt,
                                                          body, change.caller.user_id, now));
        GX_TRY(audit::Record(
            change.conn, change.caller,
            {"activity.create", "activity", id, {{"activity_id", id}, {"series_id", series}}}));
    }
    return {};
}

// "apply_to": "following": the fields the patch sent, on the series' later occurrences that the
// caller may change (of this one's owner when the owner is in the caller's scope; otherwise those
// the caller takes part in); their times moved by as much as this one's.
Status ApplyToFollowing(const kit::Change& change) {
    const json& before = change.before;
    const json series = before.value("series_id", json());
    if (!series.is_number_integer()) return {};
    const kit::CompiledType& type = change.type;
    json fields = json::object();
    for (const kit::Field& field : type.type.fields) {
        if (Copied(field) && change.request.contains(field.def.name)) {
            fields[field.def.name] = change.after[field.def.name];
        }
    }
    const auto moved = [&](const char* name) -> std::int64_t {
        if (!change.request.contains(name)) return 0;
        return *ParseRfc3339(change.after[name].get<std::string>()) -
               *ParseRfc3339(before[name].get<std::string>());
    };
    const std::int64_t start_moved = moved("start_at");
    const std::int64_t end_moved = moved("end_at");
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(change.conn, change.caller));
    const std::int64_t owner = before["owner_id"].get<std::int64_t>();
    std::string sql = "SELECT id FROM " + type.type.table +
                      " t WHERE t.series_id = ? AND t.start_at > ? AND t.id <> ? AND "
                      "t.deleted_at IS NULL";
    db::Params params = {series.get<std::int64_t>(),
                         *ParseRfc3339(before["start_at"].get<std::string>()), change.id};
    if (gate.owners().Contains(owner)) {
        sql += " AND t.owner_id = ?";
        params.push_back(owner);
    } else {
        sql += " AND EXISTS (SELECT 1 FROM " + type.type.table +
               "_participants p WHERE p.record_id = t.id AND p.user_id = ?)";
        params.push_back(change.caller.user_id);
    }
    GX_TRY_ASSIGN(db::Rows later, change.conn.Query(sql, params));
    const std::int64_t now = NowSeconds();
    for (const db::Row& row : later) {
        const std::int64_t id = row.Int(0);
        GX_TRY_ASSIGN(auto stored, kit::store::Get(change.conn, type, std::nullopt, id));
        if (!stored) continue;
        const json current = kit::store::ToJson(type, *stored);
        json patch = fields;
        for (const char* name : {"start_at", "end_at"}) {
            const std::int64_t by = std::string_view(name) == "start_at" ? start_moved : end_moved;
            if (by != 0) {
                patch[name] = FormatRfc3339(*ParseRfc3339(current[name].get<std::string>()) + by);
            }
        }
        if (patch.empty()) continue;
        const json old_values = kit::store::FieldsJson(type, *stored, patch);
        GX_TRY_ASSIGN(bool updated,
                      kit::store::Update(change.conn, type, id, patch, patch,
                                         current["version"].get<std::int64_t>(), now));
        if (!updated) continue;
        json changes = json::object();
        for (const auto& [name, value] : patch.items()) {
            if (old_values.value(name, json()) != value) {
                changes[name] = {{"before", old_values.value(name, json())}, {"after", value}};
            }
        }
        GX_TRY(audit::Record(change.conn, change.caller,
                             {"activity.update",
                              "activity",
                              id,
                              {{"activity_id", id}, {"changes", std::move(changes)}}}));
    }
    return {};
}

}  // namespace

Status CheckRepeat(const json& repeat) {
    if (repeat.is_null()) return {};
    if (!repeat.is_object()) return BadRepeat();
    for (const auto& [key, value] : repeat.items()) {
        if (key != "freq" && key != "interval" && key != "until" && key != "count") {
            return BadRepeat();
        }
    }
    const json freq = repeat.value("freq", json());
    if (freq != "daily" && freq != "weekly" && freq != "monthly") return BadRepeat();
    const json interval = repeat.value("interval", json(1));
    if (!interval.is_number_integer() || interval.get<std::int64_t>() < 1 ||
        interval.get<std::int64_t>() > 99) {
        return BadRepeat();
    }
    const bool until = repeat.contains("until");
    const bool count = repeat.contains("count");
    if (until == count) return BadRepeat();
    if (until && (!repeat["until"].is_string() || !ParseDate(repeat["until"].get<std::string>()))) {
        return BadRepeat();
    }
    if (count) {
        const json& n = repeat["count"];
        if (!n.is_number_integer() || n.get<std::int64_t>() < 1) return BadRepeat();
        if (n.get<std::int64_t>() > kMaxOccurrences) {
            return Error::ValidationCode("repeat", "too_many_occurrences",
                                         {{"max", kMaxOccurrences}});
        }
    }
    return {};
}

Result<std::vector<UnixSeconds>> Occurrences(const json& repeat, UnixSeconds start,
                                             std::string_view zone) {
    GX_TRY(CheckRepeat(repeat));
    std::vector<UnixSeconds> out;
    if (repeat.is_null()) return std::vector<UnixSeconds>{start};
    auto lock = IcalLock();
    icaltimezone* tz = ZoneOf(zone);
    // The rule as RFC 5545 says it, run by libical over the local wall-clock time.
    std::string rule = "FREQ=" +
                       std::string(repeat["freq"] == "daily"    ? "DAILY"
                                   : repeat["freq"] == "weekly" ? "WEEKLY"
                                                                : "MONTHLY") +
                       ";INTERVAL=" + std::to_string(repeat.value("interval", 1));
    std::int64_t limit = kMaxOccurrences;
    if (repeat.contains("count")) limit = repeat["count"].get<std::int64_t>();
    std::optional<std::string> until;
    if (repeat.contains("until")) until = repeat["until"].get<std::string>();
    icalrecurrencetype recur = icalrecurrencetype_from_string(rule.c_str());
    const icaltimetype first = icaltime_from_timet_with_zone(static_cast<time_t>(start), 0, tz);
    icalrecur_iterator* it = icalrecur_iterator_new(recur, first);
    if (it == nullptr) return Error::Internal("libical refused the rule " + rule);
    for (icaltimetype next = icalrecur_iterator_next(it); !icaltime_is_null_time(next);
         next = icalrecur_iterator_next(it)) {
        if (until) {
            char day[11];
            std::snprintf(day, sizeof day, "%04d-%02d-%02d", next.year, next.month, next.day);
            if (std::string_view(day) > *until) break;
        }
        if (static_cast<std::int64_t>(out.size()) == limit) {
            if (!until) break;
            icalrecur_iterator_free(it);
            return Error::ValidationCode("repeat", "too_many_occurrences",
                                         {{"max", kMaxOccurrences}});
        }
        out.push_back(static_cast<UnixSeconds>(icaltime_as_timet_with_zone(next, tz)));
    }
    icalrecur_iterator_free(it);
    if (out.empty()) out.push_back(start);  // an "until" before the start: the one occurrence
    return out;
}

Status SeriesAfterChange(const kit::Change& change) {
    if (change.before.is_null()) {
        if (change.after.value("repeat", json()).is_null()) return {};
        return CreateSeries(change);
    }
    if (change.request.contains("repeat") &&
        change.request["repeat"] != change.before.value("repeat", json())) {
        return Error::ValidationCode("repeat", "repeat_fixed");
    }
    if (change.request.contains("apply_to")) {
        const json& apply_to = change.request["apply_to"];
        if (apply_to != "this" && apply_to != "following") {
            return Error::ValidationCode("apply_to", "bad_apply_to");
        }
        if (apply_to == "following") return ApplyToFollowing(change);
    }
    return {};
}

Result<std::string> UserZone(db::Connection& conn, std::int64_t user_id) {
    return accounts::store::TimeZoneOf(conn, user_id);
}

}  // namespace guanxi::activities
