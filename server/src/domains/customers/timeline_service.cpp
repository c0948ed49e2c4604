#include "domains/customers/timeline_service.hpp"

#include "core/text.hpp"
#include "core/time.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/customers/customer_store.hpp"
#include "kit/record_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace guanxi::customers {

namespace {

using nlohmann::json;
using timeline::Detail;
using timeline::Key;
using timeline::Source;

// Cursor times stay within years 1..9999, the dates the API can hold.
constexpr std::int64_t kMinAt = -62135596800;
constexpr std::int64_t kMaxAt = 253402300799;
constexpr std::size_t kMaxCursor = 200;

json Label(std::string_view zh_cn, std::string_view en) { return {{"zh-CN", zh_cn}, {"en", en}}; }

json FieldJson(std::string_view name, std::string_view type, json label) {
    return {{"name", name}, {"type", type}, {"label", std::move(label)}};
}

Source FollowupSource() {
    Source source;
    source.kind = "followup";
    source.permission = "customers.view";
    source.record_type = "followups";
    source.label = Label("跟进记录", "Follow-up");
    source.fields =
        json::array({FieldJson("kind", "enum", Label("方式", "Kind")),
                     FieldJson("content", "text", Label("内容", "Content")),
                     FieldJson("next_contact_at", "datetime", Label("下次联系", "Next contact"))});
    source.table = "followups";
    source.at_column = "contacted_at";
    source.details = timeline::FollowupDetails;
    return source;
}

Source OwnershipSource() {
    Source source;
    source.kind = "ownership";
    source.permission = "customers.view";
    source.label = Label("归属变更", "Ownership change");
    source.fields = json::array({FieldJson("change", "string", Label("变更", "Change")),
                                 FieldJson("from_user_id", "user", Label("原负责人", "From")),
                                 FieldJson("to_user_id", "user", Label("新负责人", "To")),
                                 FieldJson("reason", "text", Label("原因", "Reason"))});
    source.table = "ownership_changes";
    source.at_column = "at";
    source.soft_deleted = false;  // a change is never undone, only followed by another
    source.details = timeline::OwnershipDetails;
    return source;
}

// A kit type's entries: the summary fields of its records as the kit answers them (a user field
// with its name beside it), named by its actor field.
Source KitSource(const kit::CompiledType& type) {
    const kit::TimelineSource& declared = *type.type.timeline;
    Source source;
    source.kind = type.type.singular;
    source.permission = type.type.Permission("view");
    source.record_type = type.type.name;
    source.label = Label(type.type.label.zh_cn, type.type.label.en);
    source.fields = json::array();
    for (const std::string& name : declared.summary) {
        for (const kit::Field& field : type.type.fields) {
            if (field.def.name != name) continue;
            EntityMeta one{type.type.name, {field.def}};
            json shown = FieldJson(name, one.ToJson()["fields"][0]["type"].get<std::string>(),
                                   Label(field.label.zh_cn, field.label.en));
            // An id field is shown by the name answered beside it (a payment's contract number).
            for (const kit::CompiledType::NameOf& named : type.names) {
                if (named.field == name && !shown.contains("name_member"))
                    shown["name_member"] = named.member;
            }
            source.fields.push_back(std::move(shown));
        }
    }
    source.table = type.type.table;
    source.at_column = declared.at;
    const FieldDef* at = type.meta.Find(declared.at);
    source.at_is_date = at != nullptr && at->type == FieldType::kDate;
    const kit::CompiledType* compiled = &type;
    source.details = [compiled](
                         db::Connection& conn, std::int64_t customer_id,
                         const std::vector<std::int64_t>& ids) -> Result<std::vector<Detail>> {
        const kit::TimelineSource& source_of = *compiled->type.timeline;
        GX_TRY_ASSIGN(db::Rows rows, kit::store::GetMany(conn, *compiled, customer_id, ids));
        std::vector<Detail> out;
        for (const db::Row& row : rows) {
            const json record = kit::store::ToJson(*compiled, row);
            if (!record["deleted_at"].is_null()) continue;  // deleted since the keys were read
            Detail detail{record["id"].get<std::int64_t>(), std::nullopt, json::object()};
            const auto actor = record.find(source_of.actor);
            if (actor != record.end() && actor->is_number_integer()) {
                detail.actor_id = actor->get<std::int64_t>();
            }
            for (const std::string& name : source_of.summary) detail.summary[name] = record[name];
            for (const kit::CompiledType::NameOf& name : compiled->names) {
                if (detail.summary.contains(name.field))
                    detail.summary[name.member] = record[name.member];
            }
            out.push_back(std::move(detail));
        }
        return out;
    };
    return source;
}

Error BadParameter(const std::string& name, std::string message) {
    return Error{ErrorCode::kBadRequest, std::move(message), {{"parameter", name}}, {}};
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

}  // namespace

std::string EncodeTimelineCursor(const Key& key) {
    const std::string plain =
        std::to_string(key.at) + ":" + key.kind + ":" + std::to_string(key.id);
    std::string out(
        sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                      plain.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    out.resize(out.find('\0'));
    return out;
}

std::optional<Key> DecodeTimelineCursor(std::string_view text) {
    if (text.empty() || text.size() > kMaxCursor) return std::nullopt;
    std::string plain(text.size(), '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(plain.data()), plain.size(), text.data(),
                          text.size(), nullptr, &length, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text.data() + text.size()) {
        return std::nullopt;
    }
    plain.resize(length);
    const std::size_t first = plain.find(':');
    const std::size_t last = plain.rfind(':');
    if (first == std::string::npos || first == last) return std::nullopt;
    const auto at = ParseInt(std::string_view(plain).substr(0, first));
    const auto id = ParseInt(std::string_view(plain).substr(last + 1));
    if (!at || !id || *at < kMinAt || *at > kMaxAt || *id < 1) return std::nullopt;
    return Key{*at, plain.substr(first + 1, last - first - 1), *id};
}

Result<TimelineQuery> ParseTimelineQuery(
    const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::string>& kinds) {
    TimelineQuery query;
    const auto known = [&](std::string_view kind) {
        return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
    };
    std::set<std::string, std::less<>> seen;
    for (const auto& [key, value] : params) {
        if (!seen.insert(key).second) {
            return BadParameter(key, "Parameter '" + key + "' is given twice.");
        }
        if (key == "limit") {
            const auto limit = ParseInt(value);
            if (!limit || *limit < 1 || *limit > kTimelineMaxLimit) {
                return Error::ValidationCode("limit", "not_in_range",
                                             {{"min", 1}, {"max", kTimelineMaxLimit}});
            }
            query.limit = *limit;
        } else if (key == "cursor") {
            query.after = DecodeTimelineCursor(value);
            if (!query.after || !known(query.after->kind)) {
                return Error::ValidationCode("cursor", "not_a_cursor");
            }
        } else if (key == "kinds") {
            query.kinds.emplace();
            for (std::size_t start = 0; start <= value.size();) {
                std::size_t comma = value.find(',', start);
                if (comma == std::string::npos) comma = value.size();
                const std::string kind = text::Trim(value.substr(start, comma - start));
                start = comma + 1;
                if (!known(kind)) {
                    std::string names;
                    for (const std::string& k : kinds) names += (names.empty() ? "" : ", ") + k;
                    return Error::ValidationCode("kinds", "unknown_kind",
                                                 {{"kind", kind.substr(0, 40)}, {"known", names}});
                }
                query.kinds->insert(kind);
            }
        } else {
            return BadParameter(key, "Unknown parameter '" + key +
                                         "' (the timeline takes limit, cursor and kinds).");
        }
    }
    return query;
}

std::vector<Source> TimelineSources(const kit::Registry& registry) {
    std::vector<Source> sources;
    sources.push_back(FollowupSource());
    for (const auto& type : registry.types()) {
        if (type->type.timeline) sources.push_back(KitSource(*type));
    }
    sources.push_back(OwnershipSource());
    return sources;
}

Result<json> TimelineService::Page(const Principal& caller, std::int64_t customer_id,
                                   const std::vector<std::pair<std::string, std::string>>& params) {
    GX_TRY(RequirePermission(caller, "customers.view"));
    std::vector<std::string> known;
    for (const Source& source : sources_) known.push_back(source.kind);
    GX_TRY_ASSIGN(TimelineQuery query, ParseTimelineQuery(params, known));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    GX_TRY_ASSIGN(auto owners, store::LiveOwners(*conn, customer_id));
    if (!owners || !gate.SeesCustomer(owners->OptInt(0)) ||
        !gate.SeesFollowups(owners->OptInt(0), owners->OptInt(1))) {
        return Error::NotFound("Customer");
    }

    // The kinds this caller may see (all of them listed for the web's filter), and of those the
    // ones asked for.
    json kinds = json::array();
    std::vector<const Source*> wanted;
    for (const Source& source : sources_) {
        if (!caller.Can(source.permission)) continue;
        kinds.push_back(
            {{"kind", source.kind},
             {"label", source.label},
             {"record_type", source.record_type.empty() ? json() : json(source.record_type)},
             {"fields", source.fields}});
        if (!query.kinds || query.kinds->count(source.kind)) wanted.push_back(&source);
    }

    // One more than the page: whether there is a next one.
    GX_TRY_ASSIGN(std::vector<Key> keys,
                  timeline::Newest(*conn, wanted, customer_id, query.after, query.limit + 1));
    const bool more = keys.size() > static_cast<std::size_t>(query.limit);
    if (more) keys.resize(query.limit);

    // The page's details, one read per kind on it, then every actor's name in one read.
    std::map<std::pair<std::string, std::int64_t>, Detail> details;
    for (const Source* source : wanted) {
        std::vector<std::int64_t> ids;
        for (const Key& key : keys) {
            if (key.kind == source->kind) ids.push_back(key.id);
        }
        if (ids.empty()) continue;
        GX_TRY_ASSIGN(std::vector<Detail> found, source->details(*conn, customer_id, ids));
        for (Detail& detail : found) {
            const std::int64_t id = detail.id;
            details.emplace(std::make_pair(source->kind, id), std::move(detail));
        }
    }
    std::vector<std::int64_t> actor_ids;
    for (const auto& [key, detail] : details) {
        if (detail.actor_id) actor_ids.push_back(*detail.actor_id);
    }
    std::sort(actor_ids.begin(), actor_ids.end());
    actor_ids.erase(std::unique(actor_ids.begin(), actor_ids.end()), actor_ids.end());
    GX_TRY_ASSIGN(auto names, timeline::UserNames(*conn, actor_ids));
    std::map<std::int64_t, std::string> name_of(names.begin(), names.end());

    json items = json::array();
    for (const Key& key : keys) {
        auto found = details.find({key.kind, key.id});
        if (found == details.end()) continue;  // deleted between the two reads
        const Detail& detail = found->second;
        const Source& source = **std::find_if(wanted.begin(), wanted.end(),
                                              [&](const Source* s) { return s->kind == key.kind; });
        json actor;
        if (detail.actor_id) {
            auto name = name_of.find(*detail.actor_id);
            actor = {{"id", *detail.actor_id},
                     {"name", name == name_of.end() ? json() : json(name->second)}};
        }
        items.push_back(
            {{"kind", key.kind},
             {"id", key.id},
             {"at", FormatRfc3339(key.at)},
             {"on", source.at_is_date ? json(FormatDate(key.at / 86400)) : json()},
             {"actor", actor},
             {"summary", detail.summary},
             {"record_type", source.record_type.empty() ? json() : json(source.record_type)}});
    }
    // The cursor is the last key read, even when its entry vanished meanwhile: no entry is skipped.
    json next = more && !keys.empty() ? json(EncodeTimelineCursor(keys.back())) : json();
    return json{{"items", std::move(items)}, {"next_cursor", std::move(next)}, {"kinds", kinds}};
}

}  // namespace guanxi::customers
