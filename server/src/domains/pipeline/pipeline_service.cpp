#include "domains/pipeline/pipeline_service.hpp"

#include "core/money.hpp"
#include "core/time.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/timeline_service.hpp"
#include "domains/pipeline/opportunity_types.hpp"

#include <algorithm>
#include <map>

namespace guanxi::pipeline {

namespace {

using nlohmann::json;

constexpr std::string_view kUserName = "COALESCE(NULLIF(u.display_name, ''), u.username)";

Error BadParameter(std::string_view name, std::string message) {
    return Error{ErrorCode::kBadRequest, std::move(message), {{"parameter", name}}, {}};
}

Result<std::optional<std::int64_t>> PositiveParam(const http::Request& request,
                                                  std::string_view name) {
    const auto value = request.QueryValue(name);
    if (!value) return std::optional<std::int64_t>();
    const bool digits = !value->empty() && value->size() < 19 &&
                        value->find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoll(*value) <= 0) {
        return BadParameter(name, std::string(name) + " must be a positive integer.");
    }
    return std::optional<std::int64_t>(std::stoll(*value));
}

json Money(const db::Row& row, std::size_t i) {
    return row.IsNull(i) ? json() : json(FormatMoney(row.Int(i)));
}

json Time(const db::Row& row, std::size_t i) {
    return row.IsNull(i) ? json() : json(FormatRfc3339(row.Int(i)));
}

struct StageRow {
    std::int64_t id;
    json stage;
    bool closing;
    std::optional<std::int64_t> days_limit;
};

// The whole days in `seconds` (a stay of 47 hours is 1 day): durations are instants apart, so
// they read the same in every time zone.
std::int64_t WholeDays(std::int64_t seconds) { return seconds / 86400; }

}  // namespace

Result<BoardQuery> ParseBoardQuery(const http::Request& request) {
    BoardQuery query;
    for (const auto& [key, value] : request.query) {
        if (key != "owner_id" && key != "department_id" && key != "cards") {
            return BadParameter(key, "Unknown parameter '" + key +
                                         "' (the board takes owner_id, department_id and cards).");
        }
    }
    GX_TRY_ASSIGN(query.owner_id, PositiveParam(request, "owner_id"));
    GX_TRY_ASSIGN(query.department_id, PositiveParam(request, "department_id"));
    GX_TRY_ASSIGN(auto cards, PositiveParam(request, "cards"));
    if (cards) {
        if (*cards > kMaxCards) {
            return BadParameter("cards", "cards must be 1 to " + std::to_string(kMaxCards) + ".");
        }
        query.cards = *cards;
    }
    return query;
}

PipelineService::PipelineService(db::Database& db, kit::RecordService& records,
                                 const kit::Registry& registry, std::function<UnixSeconds()> clock)
    : db_(db), records_(records), registry_(registry), clock_(std::move(clock)) {}

Result<json> PipelineService::Board(const Principal& caller, std::int64_t pipeline_id,
                                    const BoardQuery& query) {
    GX_TRY(RequirePermission(caller, "pipelines.view"));
    GX_TRY(RequirePermission(caller, "opportunities.view"));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto pipeline, conn->QueryOne("SELECT id, name, name_en FROM pipelines WHERE "
                                                "id = ? AND deleted_at IS NULL",
                                                {pipeline_id}));
    if (!pipeline) return Error::NotFound("Pipeline");
    GX_TRY_ASSIGN(db::Rows stage_rows,
                  conn->Query("SELECT id, name, name_en, position, probability, is_won, is_lost, "
                              "days_limit FROM pipeline_stages WHERE pipeline_id = ? AND "
                              "deleted_at IS NULL ORDER BY position, id",
                              {pipeline_id}));
    GX_TRY_ASSIGN(access::Gate gate, access::Gate::For(*conn, caller));
    const UnixSeconds now = clock_();
    const UnixSeconds closed_since = now - kClosedDays * 86400;

    // The caller's owner set (the gate's rule for an own-scope type), then the filters, over an
    // owner column: the opportunities' (o.owner_id) or the totals' (t.owner_key).
    auto owned_by = [&](const std::string& column) {
        access::Predicate p = gate.OwnerIn(column);
        p.sql = " AND (" + p.sql + ")";
        if (query.owner_id) {
            p.sql += " AND " + column + " = ?";
            p.params.emplace_back(*query.owner_id);
        }
        if (query.department_id) {
            p.sql += " AND " + column + " IN (SELECT id FROM users WHERE department_id = ?)";
            p.params.emplace_back(*query.department_id);
        }
        return p;
    };
    const access::Predicate scope = owned_by("o.owner_id");
    const std::string& where = scope.sql;
    auto with = [&](db::Params head) {
        head.insert(head.end(), scope.params.begin(), scope.params.end());
        return head;
    };

    // Open opportunities, counted and summed per stage: from the totals the triggers keep per
    // pipeline, owner and stage (migration 057) — a few rows per owner, however many
    // opportunities each has (a manager's 67,000 took 25 ms to count; bench/pipeline_board.py).
    const access::Predicate totals = owned_by("t.owner_key");
    db::Params totals_params = {pipeline_id};
    totals_params.insert(totals_params.end(), totals.params.begin(), totals.params.end());
    const std::string totals_where = totals.sql;
    // One owner's cards come in order from the cards index (see the column's query below).
    const bool one_owner =
        query.owner_id || (!gate.owners().all && gate.owners().owner_ids.size() == 1);
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> open;
    GX_TRY_ASSIGN(db::Rows sums,
                  conn->Query("SELECT t.stage_id, SUM(t.open_count), SUM(t.open_amount) FROM "
                              "opportunity_stage_totals t WHERE t.pipeline_id = ?" +
                                  totals_where + " GROUP BY t.stage_id",
                              totals_params));
    for (const db::Row& row : sums) open[row.Int(0)] = {row.Int(1), row.Int(2)};

    json columns = json::array();
    for (const db::Row& s : stage_rows) {
        const bool won = s.Int(5) != 0;
        const bool lost = s.Int(6) != 0;
        const bool closing = won || lost;
        const std::optional<std::int64_t> limit = s.OptInt(7);
        json stage = {{"id", s.Int(0)},
                      {"name", s.Text(1)},
                      {"name_en", s.OptText(2) ? json(*s.OptText(2)) : json()},
                      {"position", s.Int(3)},
                      {"probability", s.Int(4)},
                      {"is_won", won},
                      {"is_lost", lost},
                      {"days_limit", limit ? json(*limit) : json()}};
        std::int64_t count = 0;
        std::int64_t amount = 0;
        // A won or lost column: those closed in the last kClosedDays days (they entered the
        // stage when they closed).
        const std::string status = closing ? (won ? "won" : "lost") : "open";
        const std::string recent = closing ? " AND o.stage_entered_at >= ?" : "";
        if (closing) {
            GX_TRY_ASSIGN(auto sum,
                          conn->QueryOne("SELECT COUNT(*), COALESCE(SUM(o.amount), 0) "
                                         "FROM opportunities o WHERE o.pipeline_id = ? "
                                         "AND o.stage_id = ? AND o.status = ? AND "
                                         "o.deleted_at IS NULL" +
                                             where + recent,
                                         [&] {
                                             db::Params p = with({pipeline_id, s.Int(0), status});
                                             p.emplace_back(closed_since);
                                             return p;
                                         }()));
            count = sum->Int(0);
            amount = sum->Int(1);
        } else if (auto it = open.find(s.Int(0)); it != open.end()) {
            std::tie(count, amount) = it->second;
        }
        json cards = json::array();
        if (count > 0) {
            db::Params params = with({pipeline_id, s.Int(0), status});
            if (closing) params.emplace_back(closed_since);
            params.emplace_back(query.cards);
            // One owner's cards come in order from the cards index, the first 50 read and joined.
            // Several owners' are not in one order there: the column's page of ids is picked from
            // the index alone first (sorting index entries), then only those rows are joined —
            // joining first read every opportunity of the column (a manager's 22,000: 65 ms).
            const std::string order = std::string(" ORDER BY o.stage_entered_at ") +
                                      (closing ? "DESC" : "ASC") + ", o.id";
            const std::string chosen =
                " WHERE o.pipeline_id = ? AND o.stage_id = ? AND o.status = ? AND "
                "o.deleted_at IS NULL" +
                where + recent + order + " LIMIT ?";
            const std::string joined =
                " JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.owner_id";
            const std::string from =
                one_owner ? " FROM opportunities o" + joined + chosen
                          : " FROM (SELECT o.id FROM opportunities o" + chosen +
                                ") page JOIN opportunities o ON o.id = page.id" + joined + order;
            GX_TRY_ASSIGN(db::Rows rows,
                          conn->Query("SELECT o.id, o.name, o.customer_id, c.name, o.owner_id, " +
                                          std::string(kUserName) +
                                          ", o.amount, o.probability, o.expected_close_on, "
                                          "o.stage_entered_at, o.status, o.version" +
                                          from,
                                      params));
            for (const db::Row& r : rows) {
                const std::optional<std::int64_t> entered = r.OptInt(9);
                const bool stale = !closing && limit && entered && *entered + *limit * 86400 < now;
                cards.push_back({{"id", r.Int(0)},
                                 {"name", r.Text(1)},
                                 {"customer_id", r.Int(2)},
                                 {"customer_name", r.Text(3)},
                                 {"owner_id", r.OptInt(4) ? json(*r.OptInt(4)) : json()},
                                 {"owner_name", r.OptText(5) ? json(*r.OptText(5)) : json()},
                                 {"amount", Money(r, 6)},
                                 {"probability", r.OptInt(7) ? json(*r.OptInt(7)) : json()},
                                 {"expected_close_on", r.OptText(8) ? json(*r.OptText(8)) : json()},
                                 {"stage_entered_at", Time(r, 9)},
                                 {"stale", stale},
                                 {"status", r.Text(10)},
                                 {"version", r.Int(11)}});
            }
        }
        columns.push_back({{"stage", std::move(stage)},
                           {"count", count},
                           {"amount", FormatMoney(amount)},
                           {"cards", std::move(cards)}});
    }
    return json{{"pipeline",
                 {{"id", pipeline->Int(0)},
                  {"name", pipeline->Text(1)},
                  {"name_en", pipeline->OptText(2) ? json(*pipeline->OptText(2)) : json()}}},
                {"closed_days", kClosedDays},
                {"columns", std::move(columns)}};
}

Result<json> PipelineService::StageHistory(const Principal& caller, std::int64_t id) {
    const kit::CompiledType* type = registry_.Find("opportunities");
    GX_TRY(records_.Get(caller, *type, std::nullopt, id));  // the gate: 404 when not visible
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(db::Rows rows,
                  conn->Query("SELECT h.stage_id, s.name, s.name_en, h.entered_at, h.left_at, "
                              "h.moved_by, " +
                                  std::string(kUserName) +
                                  " FROM opportunity_stage_history h JOIN pipeline_stages s ON "
                                  "s.id = h.stage_id LEFT JOIN users u ON u.id = h.moved_by "
                                  "WHERE h.opportunity_id = ? ORDER BY h.entered_at, h.id",
                              {id}));
    const UnixSeconds now = clock_();
    json items = json::array();
    std::vector<std::pair<std::int64_t, std::int64_t>> by_stage;  // in first-entered order
    for (const db::Row& r : rows) {
        const std::int64_t left = r.OptInt(4).value_or(now);
        const std::int64_t seconds = std::max<std::int64_t>(0, left - r.Int(3));
        items.push_back({{"stage_id", r.Int(0)},
                         {"stage_name", r.Text(1)},
                         {"stage_name_en", r.OptText(2) ? json(*r.OptText(2)) : json()},
                         {"entered_at", FormatRfc3339(r.Int(3))},
                         {"left_at", Time(r, 4)},
                         {"current", r.IsNull(4)},
                         {"seconds", seconds},
                         {"days", WholeDays(seconds)},
                         {"moved_by", r.OptInt(5) ? json(*r.OptInt(5)) : json()},
                         {"moved_by_name", r.OptText(6) ? json(*r.OptText(6)) : json()}});
        auto it = std::find_if(by_stage.begin(), by_stage.end(),
                               [&](const auto& p) { return p.first == r.Int(0); });
        if (it == by_stage.end()) {
            by_stage.emplace_back(r.Int(0), seconds);
        } else {
            it->second += seconds;
        }
    }
    json totals = json::array();
    for (const auto& [stage, seconds] : by_stage) {
        totals.push_back({{"stage_id", stage}, {"seconds", seconds}, {"days", WholeDays(seconds)}});
    }
    return json{{"items", std::move(items)}, {"by_stage", std::move(totals)}};
}

Result<json> PipelineService::Timeline(
    const Principal& caller, const json& opportunity,
    const std::vector<std::pair<std::string, std::string>>& params) {
    GX_TRY_ASSIGN(customers::TimelineQuery query,
                  customers::ParseTimelineQuery(params, TimelineKinds()));
    const auto wanted = [&](std::string_view kind) {
        return !query.kinds || query.kinds->count(kind) > 0;
    };
    const std::int64_t id = opportunity.value("id", std::int64_t{0});
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    // Each source's newest `fetch` entries from the cursor's time on, merged. A source that
    // answers `fetch` rows may have more before its oldest, so only the entries newer than every
    // such source's oldest are sure to be all there are; too few of those, and it reads more.
    struct Entry {
        customers::timeline::Key key;
        json item;
    };
    std::vector<Entry> entries;
    std::optional<std::int64_t> unsure;  // entries at or before this time may be missing
    std::vector<std::size_t> named;      // the linked entries, whose user names are read below
    const auto read = [&](std::int64_t fetch) -> Status {
        entries.clear();
        named.clear();
        unsure.reset();
        const auto took = [&](std::size_t rows, std::int64_t oldest) {
            if (static_cast<std::int64_t>(rows) < fetch) return;
            unsure = std::max(unsure.value_or(oldest), oldest);
        };
        const auto add = [&](customers::timeline::Key key, json item) {
            if (query.after && !query.after->Before(key)) return;  // on a page before
            if (!wanted(key.kind)) return;
            entries.push_back({std::move(key), std::move(item)});
        };
        // Its own changes, from its audit rows (the kit's, the stage moves', the transfers').
        std::string actions;
        for (const char* action : {"create", "update", "delete", "restore"}) {
            if (!wanted(std::string_view(action) == "create" ? "created" : action)) continue;
            actions +=
                (actions.empty() ? "'opportunity." : ", 'opportunity.") + std::string(action) + "'";
        }
        if (!actions.empty()) {
            db::Params audit_params = {id};
            if (query.after) audit_params.emplace_back(query.after->at);
            audit_params.emplace_back(fetch);
            GX_TRY_ASSIGN(
                db::Rows audit,
                conn->Query("SELECT a.id, a.at, a.user_id, " + std::string(kUserName) +
                                ", a.action, a.details FROM audit_log a LEFT JOIN users u ON "
                                "u.id = a.user_id WHERE a.entity = 'opportunity' AND "
                                "a.entity_id = ? AND a.action IN (" +
                                actions + ")" + (query.after ? " AND a.at <= ?" : "") +
                                " ORDER BY a.at DESC, a.id DESC LIMIT ?",
                            audit_params));
            for (const db::Row& r : audit) {
                const std::string action =
                    r.Text(4).substr(std::string_view("opportunity.").size());
                json details = json::parse(r.Text(5), nullptr, false);
                json changes =
                    details.is_object() ? details.value("changes", json::object()) : json();
                const std::string kind = action == "create" ? "created" : action;
                json item = {{"kind", kind},
                             {"at", FormatRfc3339(r.Int(1))},
                             {"user_id", r.OptInt(2) ? json(*r.OptInt(2)) : json()},
                             {"user_name", r.OptText(3) ? json(*r.OptText(3)) : json()},
                             {"changes", changes.is_object() ? changes : json::object()}};
                if (details.is_object() && details.contains("reason")) {
                    item["reason"] = details["reason"];
                }
                add({r.Int(1), kind, r.Int(0)}, std::move(item));
            }
            if (!audit.empty()) took(audit.size(), audit.back().Int(1));
        }
        // The records on it the caller may read: needs, solutions, competitors, decision makers.
        struct Child {
            const char* type;
            const char* kind;
            std::string summary;  // the columns shown, as SQL
            std::vector<const char*> names;
        };
        // A solution's products by name, as the kit reads a set's names.
        std::string products;
        for (const kit::CompiledType::NameOf& name :
             registry_.Find("opportunity_solutions")->names) {
            if (name.member == "product_names")
                products = kit::store::SetNamesSql(name, conn->backend());
        }
        const Child children[] = {
            {"opportunity_needs", "need", "t.title, t.priority", {"title", "priority"}},
            {"opportunity_solutions",
             "solution",
             "t.title, t.products, " + products,
             {"title", "products", "product_names"}},
            {"opportunity_competitors",
             "competitor",
             "(SELECT c.name FROM competitors c WHERE c.id = t.competitor_id), t.price",
             {"competitor_name", "price"}},
            {"opportunity_contacts",
             "contact",
             "(SELECT c.name FROM contacts c WHERE c.id = t.contact_id), t.role",
             {"contact_name", "role"}},
        };
        for (const Child& child : children) {
            const kit::CompiledType* of = registry_.Find(child.type);
            if (!caller.Can(of->type.Permission("view")) || !wanted(child.kind)) continue;
            db::Params child_params = {id};
            if (query.after) child_params.emplace_back(query.after->at);
            child_params.emplace_back(fetch);
            GX_TRY_ASSIGN(db::Rows rows,
                          conn->Query(std::string("SELECT t.id, t.created_at, t.created_by, ") +
                                          std::string(kUserName) + ", " + child.summary + " FROM " +
                                          of->type.table +
                                          " t LEFT JOIN users u ON u.id = t.created_by WHERE "
                                          "t.opportunity_id = ? AND t.deleted_at IS NULL" +
                                          (query.after ? " AND t.created_at <= ?" : "") +
                                          " ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
                                      child_params));
            for (const db::Row& r : rows) {
                json summary = json::object();
                for (std::size_t i = 0; i < child.names.size(); ++i) {
                    const std::string name = child.names[i];
                    summary[name] = name == "price"   ? Money(r, 4 + i)
                                    : r.IsNull(4 + i) ? json()
                                                      : json(r.Text(4 + i));
                    if (name == "product_names") summary[name] = kit::store::SetNames(r, 4 + i);
                }
                add({r.Int(1), child.kind, r.Int(0)},
                    {{"kind", child.kind},
                     {"record_id", r.Int(0)},
                     {"at", FormatRfc3339(r.Int(1))},
                     {"user_id", r.OptInt(2) ? json(*r.OptInt(2)) : json()},
                     {"user_name", r.OptText(3) ? json(*r.OptText(3)) : json()},
                     {"summary", std::move(summary)}});
            }
            if (!rows.empty()) took(rows.size(), rows.back().Int(1));
        }
        // The activities, quotes and contracts for it the caller may read, through the kit's list
        // (the gate's scope for activities; the customer's for quotes and contracts: a customer
        // since passed to someone else shows none), newest first by their time on the timeline.
        struct Linked {
            const char* type;
            const char* kind;
            const char* at;  // the record's time on the timeline
            std::vector<const char*> names;
        };
        const Linked linked[] = {
            {"activities", "activity", "start_at", {"kind", "subject", "status", "start_at"}},
            {"quotes", "quote", "created_at", {"number", "title", "status", "total"}},
            {"contracts", "contract", "created_at", {"number", "title", "status", "amount"}},
        };
        for (const Linked& link : linked) {
            const kit::CompiledType* of = registry_.Find(link.type);
            if (!of || !caller.Can(of->type.Permission("view")) || !wanted(link.kind)) continue;
            http::ListQuery list;
            list.page_size = fetch;
            list.sort = {{link.at, true}};
            list.filters = {{"opportunity_id", std::to_string(id)}};
            // From the cursor's second on: before the next one.
            if (query.after) {
                list.filters.emplace_back(std::string(link.at) + "_to",
                                          FormatRfc3339(query.after->at + 1));
            }
            const kit::store::Parent parent =
                of->type.UnderCustomer() ? kit::store::Parent(opportunity.value("customer_id", 0))
                                         : std::nullopt;
            auto page = records_.List(caller, *of, parent, list);
            if (!page && page.error().code == ErrorCode::kNotFound) continue;
            if (!page) return page.error();
            const json& items = (*page)["items"];
            std::int64_t oldest = 0;
            for (const json& record : items) {
                json summary = json::object();
                for (const char* name : link.names) summary[name] = record.value(name, json());
                const std::string at = record.value(link.at, std::string());
                const std::int64_t record_id = record.value("id", std::int64_t{0});
                oldest = ParseRfc3339(at).value_or(0);
                const std::size_t before = entries.size();
                add({oldest, link.kind, record_id},
                    {{"kind", link.kind},
                     {"record_id", record_id},
                     {"at", at},
                     {"user_id", record.value("created_by", json())},
                     {"user_name", nullptr},
                     {"summary", std::move(summary)}});
                if (entries.size() > before) named.push_back(before);
            }
            if (!items.empty()) took(items.size(), oldest);
        }
        return {};
    };
    const auto sure = [&] {
        return static_cast<std::int64_t>(
            std::count_if(entries.begin(), entries.end(),
                          [&](const Entry& e) { return !unsure || e.key.at > *unsure; }));
    };
    for (std::int64_t fetch = query.limit + 1;; fetch *= 4) {
        GX_TRY(read(fetch));
        if (!unsure || sure() >= query.limit) break;
    }
    // Who made the linked records: every name in one query.
    db::Params users;
    for (std::size_t i : named) {
        const json& by = entries[i].item["user_id"];
        if (by.is_number_integer()) users.emplace_back(by.get<std::int64_t>());
    }
    if (!users.empty()) {
        GX_TRY_ASSIGN(db::Rows rows, conn->Query("SELECT u.id, " + std::string(kUserName) +
                                                     " FROM users u WHERE u.id IN (" +
                                                     db::Placeholders(users.size()) + ")",
                                                 users));
        std::map<std::int64_t, std::string> names;
        for (const db::Row& r : rows) names[r.Int(0)] = r.Text(1);
        for (std::size_t i : named) {
            json& item = entries[i].item;
            if (!item["user_id"].is_number_integer()) continue;
            auto it = names.find(item["user_id"].get<std::int64_t>());
            if (it != names.end()) item["user_name"] = it->second;
        }
    }
    // The sure entries, newest first: a page, and a cursor when more may follow.
    std::erase_if(entries, [&](const Entry& e) { return unsure && e.key.at <= *unsure; });
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.key.Before(b.key); });
    const bool more = unsure || entries.size() > static_cast<std::size_t>(query.limit);
    if (entries.size() > static_cast<std::size_t>(query.limit)) entries.resize(query.limit);
    json items = json::array();
    for (Entry& e : entries) items.push_back(std::move(e.item));
    json next = more && !entries.empty() ? json(customers::EncodeTimelineCursor(entries.back().key))
                                         : json();
    return json{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
}

Result<std::int64_t> MoveOpenOpportunities(db::Connection& conn, const Principal& caller,
                                           std::optional<std::int64_t> customer_id,
                                           std::int64_t from, std::int64_t to,
                                           std::string_view reason, UnixSeconds now) {
    if (from == to) return std::int64_t{0};
    db::Params params = {from};
    std::string sql =
        "SELECT id FROM opportunities WHERE owner_id = ? AND status = 'open' AND deleted_at IS "
        "NULL";
    if (customer_id) {
        sql += " AND customer_id = ?";
        params.emplace_back(*customer_id);
    }
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql + " ORDER BY id", params));
    GX_TRY_ASSIGN(auto names, conn.Query("SELECT id, " + std::string(kUserName) +
                                             " FROM users u WHERE id IN (?, ?)",
                                         {from, to}));
    json from_name;
    json to_name;
    for (const db::Row& r : names) (r.Int(0) == from ? from_name : to_name) = r.Text(1);
    for (const db::Row& r : rows) {
        const std::int64_t id = r.Int(0);
        GX_TRY(
            conn.Execute("UPDATE opportunities SET owner_id = ?, version = version + 1, "
                         "updated_at = ? WHERE id = ?",
                         {to, now, id}));
        json changes = {{"owner_id",
                         {{"before", from},
                          {"after", to},
                          {"before_name", from_name},
                          {"after_name", to_name}}}};
        GX_TRY(audit::Record(
            conn, caller,
            {"opportunity.update",
             "opportunity",
             id,
             {{"opportunity_id", id}, {"changes", std::move(changes)}, {"reason", reason}}}));
    }
    return static_cast<std::int64_t>(rows.size());
}

}  // namespace guanxi::pipeline
