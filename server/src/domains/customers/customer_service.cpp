#include "domains/customers/customer_service.hpp"

#include "core/fields.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "db/change_epoch.hpp"
#include "db/rate_limit.hpp"
#include "db/row_json.hpp"
#include "db/sql_builder.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/accounts/account_store.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/customer.hpp"
#include "domains/customers/customer_actions.hpp"
#include "domains/customers/customer_export.hpp"
#include "domains/customers/customer_store.hpp"
#include "domains/customers/owner_page.hpp"
#include "domains/customers/pool_rules.hpp"
#include "domains/customers/search_document.hpp"
#include "domains/customers/search_index.hpp"
#include "domains/pipeline/pipeline_service.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace guanxi::customers {

namespace {

using access::Gate;
using nlohmann::json;

constexpr std::string_view kUserForOwner =
    "SELECT id, department_id, active FROM users WHERE id = ?";
constexpr std::int64_t kMaxTransferIds = 500;
// Duplicate checks per user: a form checks as its fields are filled in, a few times a customer;
// scripted lookups of a competitor's phone list hit the limit at once.
constexpr db::RateLimit kDuplicateChecks{60, 60};
// Up to this many postings a search's count and page are read from the listed ids (ReadPage);
// on PostgreSQL also up to this share of the customers in scope.
constexpr std::int64_t kFewPostings = 200;
constexpr std::int64_t kScopePerPostingPg = 16;

Error BadParam(const std::string& name, const std::string& message) {
    return Error{ErrorCode::kBadRequest, message, {{"parameter", name}}, {}};
}

Error Stale(std::int64_t current) {
    return Error{ErrorCode::kStaleVersion,
                 "Someone else changed this customer; reload it and try again.",
                 {{"current_version", current}},
                 {}};
}

std::optional<std::int64_t> ParseTimeOrDate(const std::string& s) {
    if (auto t = ParseRfc3339(s)) return t;
    if (auto d = ParseDate(s)) return *d * 86400;
    return std::nullopt;
}

// The ORDER BY for a list: customers without a value come last either way where
// SortsBlanksLast says so, on both backends; id breaks ties. A custom field's sort (`custom`,
// checked by ListWhere already) sorts its blanks last too.
std::string OrderBy(const std::vector<http::SortKey>& sort,
                    const custom_fields::ListSql* custom = nullptr) {
    std::string out = " ORDER BY ";
    for (const auto& key : sort) {
        if (custom != nullptr && key.field.rfind("custom.", 0) == 0) {
            out += custom->OrderTerm(key).value() + ", ";
            continue;
        }
        const std::string column = "c." + key.field;
        if (SortsBlanksLast(key.field)) {
            out += "(" + column + " IS NULL), ";
        }
        out += column + (key.descending ? " DESC, " : " ASC, ");
    }
    const bool desc = !sort.empty() && sort.front().descending;
    return out + (desc ? "c.id DESC" : "c.id ASC");
}

// The list shows the customers owned within the caller's scope; the pool is asked for.
Result<access::Pool> ListPool(const http::ListQuery& query, bool pool_only) {
    if (pool_only) return access::Pool::kOnly;
    const auto p = query.Filter("in_pool");
    if (!p || *p == "false") return access::Pool::kExclude;
    if (*p == "true") return access::Pool::kOnly;
    if (*p == "any") return access::Pool::kInclude;
    return BadParam("in_pool", "in_pool must be true, false or any.");
}

// The WHERE of a customer list, count or export: the gate, then the filters, then the search.
// `by_id`: the search's postings are few (search::Matches).
Result<db::Where> ListWhere(db::Connection& conn, const Gate& gate, const http::ListQuery& query,
                            bool pool_only, bool by_id = false,
                            const custom_fields::ListSql* custom = nullptr) {
    GX_TRY_ASSIGN(const access::Pool pool, ListPool(query, pool_only));
    db::Where where;
    access::Predicate visible = gate.CustomerVisible("c", pool);
    where.Add(visible.sql, std::move(visible.params));
    bool deleted = false;
    if (auto d = query.Filter("deleted")) {
        if (*d != "true" && *d != "false")
            return BadParam("deleted", "deleted must be true or false.");
        deleted = *d == "true";
        if (deleted && !gate.caller().Can("customers.delete")) {
            return Error::Forbidden(
                "You need the permission customers.delete to see the recycle bin.");
        }
    }
    // On SQLite the unary + keeps "deleted_at IS NULL" out of index choice: without statistics
    // it takes it for a selective equality and would walk every live customer through the
    // whole-table orders of migration 011 checking each against a search (5 → 280 ms at 1M).
    // Those orders serve the by-owner list only (owner_page.cpp). PostgreSQL has statistics for
    // the column but none for the expression (it guessed 0.5% of the rows).
    const bool sqlite = conn.backend() == db::Backend::kSqlite;
    where.Add(deleted ? "c.deleted_at IS NOT NULL"
                      : (sqlite ? "+c.deleted_at IS NULL" : "c.deleted_at IS NULL"));
    if (pool_only) where.Add("c.owner_id IS NULL");
    const auto& categories = CustomerMeta().Find("category")->options;
    for (const auto& [name, value] : query.filters) {
        if (name == "deleted") continue;
        if (name == "category") {
            if (std::find(categories.begin(), categories.end(), value) == categories.end()) {
                return BadParam(name, "Unknown category '" + value + "'.");
            }
            where.Add("c.category = ?", {value});
        } else if (name == "owner_id" || name == "department_id") {
            std::optional<std::int64_t> id = name == "owner_id" && value == "me"
                                                 ? std::optional(gate.caller().user_id)
                                                 : http::ParseId(value);
            if (!id) return BadParam(name, name + " must be a positive integer.");
            where.Add("c." + name + " = ?", {*id});
        } else if (name == "industry" || name == "region" || name == "source") {
            where.Add("c." + name + " = ?", {value});
        } else if (name == "tag") {
            where.Add(db::LikeClause("c.tags"), {db::ContainsPattern(json(value).dump())});
        } else if (name == "in_pool") {
            if (pool_only && value != "true")
                return BadParam(name, "The public pool holds only customers in the pool.");
        } else if (name.rfind("custom.", 0) == 0) {
            continue;  // custom fields, below
        } else {
            auto t = ParseTimeOrDate(value);
            if (!t) return BadParam(name, name + " must be an RFC 3339 time or a date.");
            if (name == "next_contact_before") where.Add("c.next_contact_at < ?", {*t});
            if (name == "next_contact_after") where.Add("c.next_contact_at >= ?", {*t});
            if (name == "created_before") where.Add("c.created_at < ?", {*t});
            if (name == "created_after") where.Add("c.created_at >= ?", {*t});
        }
    }
    if (query.q) {
        access::Predicate match =
            search::Matches(conn.backend(), *query.q, search::Owners::Of(gate, pool), by_id);
        where.Add(match.sql, std::move(match.params));
    }
    if (custom_fields::ListSql::Uses(query)) {
        if (custom == nullptr) return BadParam("custom", "There are no custom fields.");
        GX_TRY(custom->AddFilters(query, where));
    }
    return where;
}

// The SQL of a list's custom filters and sorts; none when the query names no custom field, so the
// usual lists do not even look at the custom fields.
std::optional<custom_fields::ListSql> CustomSql(const custom_fields::Catalog* custom,
                                                db::Connection& conn,
                                                const http::ListQuery& query) {
    if (custom == nullptr || !custom_fields::ListSql::Uses(query)) return std::nullopt;
    return custom_fields::ListSql{custom->Current(), "customers", "c", conn.backend()};
}

// The scope of a list that OwnerPage can read by owner: live customers in one of its orders
// (OwnerPageSorts), filtered at most by owner and pool (the filters were checked by ListWhere
// already).
std::optional<access::CustomerOwners> OwnerPageScope(const Gate& gate, const http::ListQuery& query,
                                                     bool pool_only) {
    if (query.q || query.sort.size() != 1 || !OwnerPageSorts(query.sort.front().field)) {
        return std::nullopt;
    }
    std::optional<std::int64_t> owner;
    for (const auto& [name, value] : query.filters) {
        if (name == "owner_id") {
            if (owner) return std::nullopt;
            owner = value == "me" ? std::optional(gate.caller().user_id) : http::ParseId(value);
        } else if (!(name == "in_pool" || (name == "deleted" && value == "false"))) {
            return std::nullopt;
        }
    }
    auto pool = ListPool(query, pool_only);
    if (!pool) return std::nullopt;
    access::CustomerOwners owners = gate.CustomerOwnersOf(*pool);
    if (owner) {
        const bool in_scope =
            owners.every_owner ||
            std::binary_search(owners.owner_ids.begin(), owners.owner_ids.end(), *owner);
        owners = {};
        if (in_scope && !pool_only) owners.owner_ids = {*owner};
    }
    return owners;
}

// Whether a search's posting list is short enough to read its count and page from the listed ids
// and sort them, instead of walking the caller's scope checking each customer against the list.
// SQLite: a salesperson's 华强, 80 postings among 4,527 customers — count 1.1 → 0.15 ms, page
// 0.66 → 0.19 ms; from ~250 postings on the walk wins. PostgreSQL, a manager's 68,124 customers:
// 1,078 postings 37 → 6 ms, 3,439 36 → 19 ms, 6,901 38 → 35 ms (a lookup by id costs about ten
// entries of the walk), so there up to a sixteenth of the scope.
Result<bool> SearchByPostings(db::Connection& conn, const Gate& gate, const http::ListQuery& query,
                              bool pool_only) {
    if (!query.q) return false;
    GX_TRY_ASSIGN(const access::Pool pool, ListPool(query, pool_only));
    auto candidates = search::CandidateCount(*query.q, search::Owners::Of(gate, pool));
    if (!candidates) return false;
    GX_TRY_ASSIGN(auto n, conn.QueryOne(candidates->sql, candidates->params));
    const std::int64_t postings = n ? n->Int(0) : 0;
    if (postings <= kFewPostings) return true;
    if (conn.backend() != db::Backend::kPostgres) return false;
    GX_TRY_ASSIGN(const std::int64_t scope, LiveCustomers(conn, gate.CustomerOwnersOf(pool)));
    return postings * kScopePerPostingPg <= scope;
}

// Loads a live customer the caller can see; 404 otherwise.
Result<db::Row> VisibleCustomer(db::Connection& conn, const Gate& gate, std::int64_t id) {
    GX_TRY_ASSIGN(auto row, store::Get(conn, id));
    if (!row || !row->IsNull(kColDeletedAt) || !gate.SeesCustomer(row->OptInt(kColOwnerId))) {
        return Error::NotFound("Customer");
    }
    return std::move(*row);
}

// The owners of a stored customer row, as MayTake judges them.
CustomerOwnership OwnershipOf(const db::Row& row) {
    return {row.OptInt(kColOwnerId), row.OptInt(kColLastOwnerId)};
}

// The optional `reason` of a transfer or a release: a note, so it may span lines.
const EntityMeta& ReasonMeta() {
    static const EntityMeta kMeta{"reasons", {{"reason", FieldType::kText, false, 500}}};
    return kMeta;
}

struct OwnerInfo {
    std::int64_t id;
    std::optional<std::int64_t> department_id;
};

// An active user who can own customers; 422 naming `field` otherwise.
Result<OwnerInfo> ActiveUser(db::Connection& conn, std::int64_t id, std::string_view field) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kUserForOwner, {id}));
    if (!row) return Error::Validation(field, "does not exist");
    if (!row->Bool(2)) return Error::Validation(field, "is deactivated");
    return OwnerInfo{id, row->OptInt(1)};
}

// Duplicate matches. One the caller can see is shown in full: id, name, owner, reasons. One they
// can't see behaves as if it did not exist (API.md), except for the fact of the match: it says
// only {"visible": false, "reason", "reasons"} — no id, name or owner — and invisible matches with
// the same reasons are one entry, so the answer does not count a colleague's customers either.
Result<json> FindDuplicates(db::Connection& conn, const Gate& gate, const std::string& name,
                            const std::string& phone, const std::string& email, bool by_name) {
    struct Match {
        db::Row row;
        std::vector<std::string> reasons;
    };
    std::map<std::int64_t, Match> found;
    std::vector<std::int64_t> order;
    const auto add = [&](const db::Rows& rows, const char* reason) {
        for (const auto& r : rows) {
            const std::int64_t id = r.Int(0);
            auto [it, inserted] = found.try_emplace(id, Match{r, {}});
            it->second.reasons.emplace_back(reason);
            if (inserted) order.push_back(id);
        }
    };
    if (const auto p = text::NormalizePhone(phone); !p.empty()) {
        GX_TRY_ASSIGN(db::Rows rows, store::ByPhone(conn, p));
        add(rows, "phone");
    }
    if (const auto e = text::NormalizeEmail(email); !e.empty()) {
        GX_TRY_ASSIGN(db::Rows rows, store::ByEmail(conn, e));
        add(rows, "email");
    }
    if (by_name) {
        if (const auto n = text::NormalizeCompanyName(name); !n.empty()) {
            GX_TRY_ASSIGN(db::Rows rows, store::ByName(conn, n));
            add(rows, "name");
        }
    }
    json matches = json::array();
    std::set<std::vector<std::string>> hidden;  // reasons of the invisible matches listed
    for (std::int64_t id : order) {
        const Match& m = found.at(id);
        if (!gate.SeesCustomer(m.row.OptInt(2))) {
            if (hidden.insert(m.reasons).second) {
                matches.push_back(
                    {{"visible", false}, {"reason", m.reasons.front()}, {"reasons", m.reasons}});
            }
            continue;
        }
        matches.push_back({{"id", id},
                           {"name", m.row.Text(1)},
                           {"owner_id", db::JsonInt(m.row, 2)},
                           {"owner_name", db::JsonText(m.row, 3)},
                           {"visible", true},
                           {"reason", m.reasons.front()},
                           {"reasons", m.reasons}});
    }
    return matches;
}

std::optional<std::string> BodyText(const json& body, const char* key) {
    if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
    std::string v = text::Trim(body[key].get<std::string>());
    return v.empty() ? std::nullopt : std::optional(v);
}

std::optional<std::int64_t> BodyTime(const json& body, const char* key) {
    if (!body.contains(key) || !body[key].is_string()) return std::nullopt;
    return ParseRfc3339(body[key].get<std::string>());
}

// Applies the writable fields present in `body` onto `record`.
void ApplyFields(store::CustomerRecord& record, const json& body,
                 const custom_fields::Catalog* custom = nullptr) {
    if (auto v = BodyText(body, "name")) record.name = *v;
    if (body.contains("category") && body["category"].is_string())
        record.category = body["category"].get<std::string>();
    for (auto [key, field] : {std::pair{"industry", &record.industry},
                              {"region", &record.region},
                              {"source", &record.source},
                              {"phone", &record.phone},
                              {"email", &record.email},
                              {"address", &record.address}}) {
        if (body.contains(key)) *field = BodyText(body, key);
    }
    if (body.contains("tags")) {
        json tags = json::array();
        for (const auto& t : body["tags"].is_array() ? body["tags"] : json::array()) {
            std::string tag = text::Trim(t.get<std::string>());
            if (!tag.empty() && std::find(tags.begin(), tags.end(), tag) == tags.end())
                tags.push_back(tag);
        }
        record.tags = tags;
    }
    // Custom values merge: the keys sent change, null clears one (a null object, all).
    if (body.contains("custom")) {
        record.custom =
            body["custom"].is_object()
                ? custom_fields::Merge(custom, "customers", record.custom, body["custom"])
                : json::object();
    }
    if (body.contains("next_contact_at"))
        record.next_contact_at = BodyTime(body, "next_contact_at");
}

// 422 naming next_contact_at when the body plans a next contact before the start of today in the
// caller's time zone (today itself is fine, any hour of it): a date in the past is a slip (2020 for
// 2026) and would silently replace a later plan. A value equal to `stored` is what the customer
// already had (an edit form sends it back unchanged), so it is let through even when it has passed.
Status CheckNextContact(db::Connection& conn, const Principal& caller, const json& body,
                        std::optional<std::int64_t> stored = std::nullopt) {
    const auto at = BodyTime(body, "next_contact_at");
    if (!at || at == stored) return {};
    const auto now = NowSeconds();
    // Today starts less than a day before now in every zone: only a value within a day of now
    // needs the caller's zone.
    if (*at >= now) return {};
    bool past = *at < now - 86400;
    if (!past) {
        GX_TRY_ASSIGN(const std::string zone, accounts::store::TimeZoneOf(conn, caller.user_id));
        past = *at < tz::StartOfDay(zone, now);
    }
    if (past) return Error::Validation("next_contact_at", "must not be before today");
    return {};
}

Status CheckVersionField(const json& body) {
    if (body.contains("version") && !body["version"].is_number_integer()) {
        return Error::Validation("version", "must be an integer");
    }
    return {};
}

Status LockDuplicateKeys(db::Connection& conn, const store::CustomerRecord& record) {
    // PostgreSQL runs writers concurrently: serialise creates that share a phone or e-mail so the
    // duplicate check and the insert cannot interleave. (SQLite already has one writer.)
    if (conn.backend() != db::Backend::kPostgres) return {};
    for (const std::string& key : {text::NormalizePhone(record.phone.value_or("")),
                                   text::NormalizeEmail(record.email.value_or(""))}) {
        if (!key.empty()) GX_TRY(conn.Query("SELECT pg_advisory_xact_lock(hashtext(?))", {key}));
    }
    return {};
}

}  // namespace

Status ApplyCustomerBody(store::CustomerRecord& record, const nlohmann::json& body, bool creating,
                         const std::set<std::string, std::less<>>& extra,
                         const custom_fields::Catalog* custom) {
    GX_TRY(custom_fields::ValidateBody(CustomerMeta(), custom, "customers", body, creating, extra));
    ApplyFields(record, body, custom);
    return {};
}

Result<std::string> CustomerService::List(const Principal& caller, const http::ListQuery& query,
                                          bool pool_only) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    if (!pages_.Enabled()) return ReadPage(*conn, caller, query, pool_only);
    // The epoch is taken after catching up with other writers and before the page is read, so a
    // page kept under it is never older than the database at that epoch (page_cache.hpp).
    GX_TRY(conn->NoteOtherWriters());
    const std::uint64_t epoch = db::DataEpoch();
    const std::string key = PageCache::Key(caller, query, pool_only);
    if (auto page = pages_.Find(key, epoch)) return std::move(*page);
    GX_TRY_ASSIGN(std::string page, ReadPage(*conn, caller, query, pool_only));
    pages_.Put(key, epoch, page);
    return page;
}

Result<std::string> CustomerService::ReadPage(db::Connection& conn, const Principal& caller,
                                              const http::ListQuery& query, bool pool_only) {
    GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
    GX_TRY_ASSIGN(const bool by_postings, SearchByPostings(conn, gate, query, pool_only));
    const std::optional<custom_fields::ListSql> custom = CustomSql(custom_, conn, query);
    GX_TRY_ASSIGN(db::Where where, ListWhere(conn, gate, query, pool_only, by_postings,
                                             custom ? &*custom : nullptr));
    // The recycle bin also says who deleted each customer: two more columns and a join that only
    // its list reads, so the live lists' tuned SELECT stays as it is.
    const bool bin = query.Filter("deleted") == "true";
    const std::string select = "SELECT " + std::string(kCustomerColumns) +
                               (bin ? std::string(kDeletedByColumns) + std::string(kCustomerFrom) +
                                          std::string(kDeletedByJoin)
                                    : std::string(kCustomerFrom)) +
                               " WHERE c.id IN (";
    // A row is the customer as GET answers it, its actions included: they come from the row and
    // the gate already read, no query of their own.
    const auto write_row = [&gate, bin](JsonWriter& w, const db::Row& row) {
        w.BeginObject();
        WriteCustomerFields(w, row);
        if (bin) WriteDeletedBy(w, row);
        WriteActions(w, gate, OwnershipOf(row));
        w.EndObject();
    };
    std::optional<OwnerPage> by_owner;
    if (auto owners = OwnerPageScope(gate, query, pool_only)) {
        GX_TRY_ASSIGN(by_owner, PlanOwnerPage(conn, *owners, query.sort.front(), query.page_size,
                                              query.Offset()));
    }
    if (by_owner) {
        // The usual lists read the page's ids by owner, without sorting or counting the
        // whole scope, then those rows; each is written in the page's order as it arrives.
        const OwnerPage& page = *by_owner;
        std::vector<std::string> items(page.ids.size());
        if (!page.ids.empty()) {
            std::vector<std::pair<std::int64_t, size_t>> position;
            for (size_t i = 0; i < page.ids.size(); ++i) position.emplace_back(page.ids[i], i);
            std::sort(position.begin(), position.end());
            // A few IN-list lengths only (repeating the last id), so the statement cache holds
            // a handful of shapes rather than one per page length.
            size_t slots = 10;
            while (slots < page.ids.size()) slots *= 2;
            db::Params params;
            for (size_t i = 0; i < slots; ++i)
                params.emplace_back(page.ids[std::min(i, page.ids.size() - 1)]);
            GX_TRY(conn.ForEach(select + db::Placeholders(slots) + ")", params,
                                [&](const db::Row& row) {
                                    auto at = std::lower_bound(position.begin(), position.end(),
                                                               std::pair{row.Int(0), size_t{0}});
                                    JsonWriter w;
                                    write_row(w, row);
                                    items[at->second] = w.Take();
                                    return true;
                                }));
        }
        std::string array = "[";
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0) array += ',';
            array += items[i];
        }
        array += ']';
        return http::ListPageText(array, page.total, query);
    }
    // NOT INDEXED leaves SQLite only the rowid lookups of the listed ids (PostgreSQL gets them
    // as an array in the WHERE).
    const std::string from = by_postings && conn.backend() == db::Backend::kSqlite
                                 ? " FROM customers c NOT INDEXED"
                                 : " FROM customers c";
    // Ids first: the page's 50 ids come from the indexes alone; only those rows are then read and
    // joined (docs/PERFORMANCE.md: 53 → 14 ms for a salesperson's page at 100k customers).
    db::Params params = where.params();
    GX_TRY_ASSIGN(auto count, conn.QueryOne("SELECT COUNT(*)" + from + where.Sql(), params));
    params.emplace_back(query.page_size);
    params.emplace_back(query.Offset());
    const std::string order = OrderBy(query.sort, custom ? &*custom : nullptr);
    // Written straight as JSON text: building nlohmann::json per row cost more than the query.
    JsonWriter items;
    items.BeginArray();
    GX_TRY(conn.ForEach(
        select + "SELECT c.id" + from + where.Sql() + order + " LIMIT ? OFFSET ?)" + order, params,
        [&](const db::Row& row) {
            write_row(items, row);
            return true;
        }));
    items.EndArray();
    return http::ListPageText(items.text(), count->Int(0), query);
}

Result<nlohmann::json> CustomerService::Counts(const Principal& caller,
                                               const http::ListQuery& query) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(Gate gate, Gate::For(*conn, caller));
    const std::optional<custom_fields::ListSql> custom = CustomSql(custom_, *conn, query);
    GX_TRY_ASSIGN(db::Where where,
                  ListWhere(*conn, gate, query, false, false, custom ? &*custom : nullptr));
    GX_TRY_ASSIGN(db::Rows rows,
                  conn->Query("SELECT c.category, COUNT(*) FROM customers c" + where.Sql() +
                                  " GROUP BY c.category ORDER BY c.category",
                              where.params()));
    json by_category = json::object();
    std::int64_t total = 0;
    for (const auto& r : rows) {
        by_category[r.Text(0)] = r.Int(1);
        total += r.Int(1);
    }
    return json{{"total", total}, {"by_category", by_category}};
}

Result<std::string> CustomerService::Get(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(Gate gate, Gate::For(*conn, caller));
    // One read for the customer and its contacts, written straight as JSON text.
    JsonWriter w;
    bool found = false;
    GX_TRY(store::GetWithContacts(*conn, id, [&](const db::Row& row) {
        if (!found) {
            if (!row.IsNull(kColDeletedAt) || !gate.SeesCustomer(row.OptInt(kColOwnerId))) {
                return false;
            }
            found = true;
            w.BeginObject();
            WriteCustomerFields(w, row);
            WriteActions(w, gate, OwnershipOf(row));
            w.Key("contacts").BeginArray();
        }
        if (!row.IsNull(kCustomerColumnCount)) WriteContact(w, row, kCustomerColumnCount);
        return true;
    }));
    if (!found) return Error::NotFound("Customer");
    w.EndArray();
    w.EndObject();
    return w.text();
}

Result<nlohmann::json> CustomerService::Create(const Principal& caller,
                                               const nlohmann::json& body) {
    GX_TRY(RequirePermission(caller, "customers.create"));
    store::CustomerRecord validated;
    GX_TRY(ApplyCustomerBody(validated, body, true, {"allow_duplicate"}, custom_));
    if (body.contains("allow_duplicate") && !body["allow_duplicate"].is_boolean()) {
        return Error::Validation("allow_duplicate", "must be true or false");
    }
    const bool allow_duplicate = body.value("allow_duplicate", false);
    if (BodyTime(body, "next_contact_at")) {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY(CheckNextContact(*conn, caller, body));
    }
    GX_TRY_ASSIGN(db::Row row, writes_.Transact([&](db::Connection& conn) -> Result<db::Row> {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        store::CustomerRecord record = validated;
        // Owner: the creator unless the body names another (which needs customers.transfer) or
        // null (straight into the public pool).
        std::optional<std::int64_t> department = caller.department_id;
        record.owner_id = caller.user_id;
        if (body.contains("owner_id")) {
            record.owner_id = OptInt(body, "owner_id");
            if (record.owner_id && *record.owner_id != caller.user_id) {
                GX_TRY(RequirePermission(caller, "customers.transfer"));
            }
            if (record.owner_id) {
                GX_TRY_ASSIGN(OwnerInfo owner, ActiveUser(conn, *record.owner_id, "owner_id"));
                department = owner.department_id;
            }
        }
        if (body.contains("department_id") && OptInt(body, "department_id") != department) {
            GX_TRY(RequirePermission(caller, "customers.transfer"));
            department = OptInt(body, "department_id");
            if (department) {
                GX_TRY_ASSIGN(
                    auto dep,
                    conn.QueryOne("SELECT 1 FROM departments WHERE id = ? AND deleted_at IS NULL",
                                  {*department}));
                if (!dep) return Error::Validation("department_id", "does not exist");
            }
        }
        record.department_id = department;

        GX_TRY(LockDuplicateKeys(conn, record));
        if (!allow_duplicate) {
            GX_TRY_ASSIGN(json matches,
                          FindDuplicates(conn, gate, record.name, record.phone.value_or(""),
                                         record.email.value_or(""), false));
            if (!matches.empty()) {
                return Error{ErrorCode::kDuplicate,
                             "A customer with this phone or e-mail already exists.",
                             {{"matches", matches}},
                             {}};
            }
        }
        const auto now = NowSeconds();
        GX_TRY_ASSIGN(std::int64_t id, store::Insert(conn, record, caller.user_id, now));
        // A new customer has no contacts yet: its search document is its row's values.
        search::Document document;
        document.AddRow(record.name, record.phone.value_or(""), record.email.value_or(""));
        document.Finish();
        GX_TRY(search::IndexNew(conn, id, record.owner_id.value_or(0), document));
        GX_TRY(store::LogOwnership(conn, id, "create", std::nullopt, record.owner_id,
                                   caller.user_id, std::nullopt, now));
        GX_TRY(audit::Record(conn, caller,
                             {"customer.create", "customer", id, {{"name", record.name}}}));
        GX_TRY_ASSIGN(auto row, store::Get(conn, id));
        return std::move(*row);
    }));
    // The answer is made after the commit, off the writer.
    json out = CustomerJson(row);
    out["contacts"] = json::array();
    return out;
}

Result<nlohmann::json> CustomerService::Update(const Principal& caller, std::int64_t id,
                                               const nlohmann::json& body) {
    GX_TRY(RequirePermission(caller, "customers.edit"));
    GX_TRY(CheckVersionField(body));
    GX_TRY(custom_fields::ValidateBody(CustomerMeta(), custom_, "customers", body, false,
                                       {"version"}));
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(db::Row row, VisibleCustomer(conn, gate, id));
        GX_TRY(MayTake(gate, CustomerAction::kEdit, OwnershipOf(row)));
        const std::int64_t version = row.Int(kColVersion);
        if (auto v = OptInt(body, "version"); v && *v != version) return Stale(version);
        store::CustomerRecord record = store::RecordFromRow(row);
        const store::CustomerRecord before = record;
        GX_TRY(CheckNextContact(conn, caller, body, before.next_contact_at));
        ApplyFields(record, body, custom_);
        const auto now = NowSeconds();
        bool owner_changed = false;
        if (body.contains("owner_id") && OptInt(body, "owner_id") != record.owner_id) {
            GX_TRY(RequirePermission(caller, "customers.transfer"));
            record.owner_id = OptInt(body, "owner_id");
            record.last_owner_id = before.owner_id;
            owner_changed = true;
            if (record.owner_id) {
                GX_TRY_ASSIGN(OwnerInfo owner, ActiveUser(conn, *record.owner_id, "owner_id"));
                record.department_id = owner.department_id;
            }
        }
        if (body.contains("department_id") &&
            OptInt(body, "department_id") != record.department_id) {
            GX_TRY(RequirePermission(caller, "customers.transfer"));
            record.department_id = OptInt(body, "department_id");
        }
        GX_TRY_ASSIGN(bool updated, store::Update(conn, id, record, version, now));
        if (!updated) return Stale(version);
        if (record.name != before.name || record.phone != before.phone ||
            record.email != before.email) {
            GX_TRY(search::Reindex(conn, id));
        }
        if (owner_changed) {
            GX_TRY(store::LogOwnership(conn, id, "transfer", before.owner_id, record.owner_id,
                                       caller.user_id, std::nullopt, now));
        }
        // The audit row says what changed as a kit record's does: each field sent, before → after
        // as the API answers them (a time in any offset compares as the instant stored); a field
        // sent with the value it had is left out. An owner or department is named as well.
        GX_TRY_ASSIGN(auto after_row, store::Get(conn, id));
        if (!after_row) return Error::NotFound("Customer");
        GX_TRY(audit::Record(
            conn, caller,
            {"customer.update",
             "customer",
             id,
             {{"changes", audit::Changes(body, CustomerJson(row), CustomerJson(*after_row))}}}));
        return Status{};
    }));
    GX_TRY_ASSIGN(std::string text, Get(caller, id));
    return json::parse(text);
}

Status CustomerService::Delete(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, "customers.delete"));
    return writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(db::Row row, VisibleCustomer(conn, gate, id));
        GX_TRY(MayTake(gate, CustomerAction::kDelete, OwnershipOf(row)));
        GX_TRY(store::SetDeleted(conn, id, NowSeconds(), caller.user_id, NowSeconds()));
        return audit::Record(conn, caller,
                             {"customer.delete", "customer", id, {{"name", row.Text(kColName)}}});
    });
}

Result<nlohmann::json> CustomerService::Restore(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, "customers.delete"));
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(auto row, store::Get(conn, id));
        if (!row || row->IsNull(kColDeletedAt) || !gate.SeesCustomer(row->OptInt(kColOwnerId))) {
            return Error::NotFound("Deleted customer");
        }
        GX_TRY(RequireClaimed(caller, row->OptInt(kColOwnerId)));
        GX_TRY(store::SetDeleted(conn, id, std::nullopt, std::nullopt, NowSeconds()));
        return audit::Record(conn, caller, {"customer.restore", "customer", id, {}});
    }));
    GX_TRY_ASSIGN(std::string text, Get(caller, id));
    return json::parse(text);
}

Result<nlohmann::json> CustomerService::CheckDuplicates(const Principal& caller,
                                                        const nlohmann::json& body) {
    GX_TRY(RequirePermission(caller, "customers.view"));
    static const EntityMeta kMeta{"customers",
                                  {{"name", FieldType::kString, false, 200},
                                   {"phone", FieldType::kPhone, false, 32},
                                   {"email", FieldType::kEmail, false, 254}}};
    // A form checks while its fields are being typed: a half-typed phone or e-mail is not a reason
    // to drop the warning the name already earned. Text that is not (yet) a valid value is left
    // out of the matching and named in `ignored`; what no typing produces — an unknown key, a
    // number for a text, control characters — is still a 422.
    static const EntityMeta kTyped{"customers",
                                   {{"name", FieldType::kString, false, 1 << 20},
                                    {"phone", FieldType::kString, false, 1 << 20},
                                    {"email", FieldType::kString, false, 1 << 20}}};
    GX_TRY(ValidateBody(kTyped, body, false));
    json usable = json::object();
    json ignored = json::array();
    for (const auto& [key, value] : body.items()) {
        if (ValidateBody(kMeta, json{{key, value}}, false)) {
            usable[key] = value;
        } else {
            ignored.push_back(key);
        }
    }
    GX_TRY(db::CountRequest(db_, "duplicates:user:" + std::to_string(caller.user_id),
                            kDuplicateChecks, NowSeconds(), "duplicate checks"));
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(Gate gate, Gate::For(*conn, caller));
    GX_TRY_ASSIGN(json matches, FindDuplicates(*conn, gate, BodyText(usable, "name").value_or(""),
                                               BodyText(usable, "phone").value_or(""),
                                               BodyText(usable, "email").value_or(""), true));
    return json{{"matches", matches}, {"ignored", ignored}};
}

Result<nlohmann::json> CustomerService::Transfer(const Principal& caller,
                                                 const nlohmann::json& body) {
    GX_TRY(RequirePermission(caller, "customers.transfer"));
    Error invalid{ErrorCode::kValidationFailed, "Some fields are invalid.", json::object(), {}};
    bool bad = false;
    for (const auto& [key, value] : body.items()) {
        if (key != "ids" && key != "owner_id" && key != "reason" && key != "move_opportunities") {
            invalid.Field(key, "is not a known field");
            bad = true;
        }
    }
    std::vector<std::int64_t> ids;
    if (!body.contains("ids") || !body["ids"].is_array() || body["ids"].empty() ||
        body["ids"].size() > static_cast<size_t>(kMaxTransferIds)) {
        invalid.Field("ids", "must be a list of 1 to 500 customer ids");
        bad = true;
    } else {
        for (const auto& v : body["ids"]) {
            if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
                invalid.Field("ids", "must contain only positive integers");
                bad = true;
                break;
            }
            ids.push_back(v.get<std::int64_t>());
        }
    }
    if (!body.contains("owner_id") || !body["owner_id"].is_number_integer()) {
        invalid.Field("owner_id", "must be a user id");
        bad = true;
    }
    // The reason is checked as every text field is (unknown keys are named by both, alike); its
    // complaint keeps its key, so it reaches the person in their language.
    if (auto checked =
            ValidateBody(ReasonMeta(), body, false, {"ids", "owner_id", "move_opportunities"});
        !checked) {
        invalid.FieldsOf(checked.error());
        bad = true;
    }
    // The previous owner's open opportunities of each customer go with it unless asked not to.
    if (body.contains("move_opportunities") && !body["move_opportunities"].is_boolean()) {
        invalid.Field("move_opportunities", "must be true or false");
        bad = true;
    }
    if (bad) return invalid;
    const bool move_opportunities = body.value("move_opportunities", true);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const std::int64_t to = body["owner_id"].get<std::int64_t>();
    const auto reason = BodyText(body, "reason");
    return writes_.Transact([&](db::Connection& conn) -> Result<json> {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(OwnerInfo owner, ActiveUser(conn, to, "owner_id"));
        const auto now = NowSeconds();
        std::int64_t moved = 0;
        for (std::int64_t id : ids) {
            auto row = VisibleCustomer(conn, gate, id);
            if (!row) {
                Error e = std::move(row).error();
                e.details["id"] = id;
                return e;  // nothing is changed: the transaction rolls back
            }
            GX_TRY(MayTake(gate, CustomerAction::kTransfer, OwnershipOf(*row)));
            const auto from = row->OptInt(kColOwnerId);
            if (from == std::optional(to)) continue;
            GX_TRY(store::SetOwner(conn, id, to, owner.department_id, from, now));
            GX_TRY(
                store::LogOwnership(conn, id, "transfer", from, to, caller.user_id, reason, now));
            if (move_opportunities && from) {
                GX_TRY(pipeline::MoveOpenOpportunities(conn, caller, id, *from, to,
                                                       "customer_transfer", now));
            }
            ++moved;
        }
        GX_TRY(audit::Record(
            conn, caller,
            {"customer.transfer",
             "customer",
             std::nullopt,
             {{"ids", ids}, {"owner_id", to}, {"reason", reason ? json(*reason) : json()}}}));
        return json{{"transferred", moved}};
    });
}

Result<nlohmann::json> CustomerService::HandOver(const Principal& caller, std::int64_t from_user_id,
                                                 const nlohmann::json& body) {
    if (!caller.Can("users.manage")) return Error::Forbidden();
    for (const auto& [key, value] : body.items()) {
        if (key != "to_user_id" && key != "move_opportunities") {
            return Error::Validation(key, "is not a known field");
        }
    }
    if (body.contains("move_opportunities") && !body["move_opportunities"].is_boolean()) {
        return Error::Validation("move_opportunities", "must be true or false");
    }
    // The user's open opportunities (of any customer) go with the customers unless asked not to.
    const bool move_opportunities = body.value("move_opportunities", true);
    if (!body.contains("to_user_id") || !body["to_user_id"].is_number_integer()) {
        return Error::Validation("to_user_id", "must be a user id");
    }
    const std::int64_t to = body["to_user_id"].get<std::int64_t>();
    if (to == from_user_id) return Error::Validation("to_user_id", "must be another user");
    return writes_.Transact([&](db::Connection& conn) -> Result<json> {
        GX_TRY_ASSIGN(auto from, conn.QueryOne(kUserForOwner, {from_user_id}));
        if (!from) return Error::NotFound("User");
        GX_TRY_ASSIGN(OwnerInfo owner, ActiveUser(conn, to, "to_user_id"));
        GX_TRY_ASSIGN(std::int64_t moved,
                      store::HandOver(conn, from_user_id, to, owner.department_id, caller.user_id,
                                      NowSeconds()));
        std::int64_t opportunities = 0;
        if (move_opportunities) {
            GX_TRY_ASSIGN(opportunities,
                          pipeline::MoveOpenOpportunities(conn, caller, std::nullopt, from_user_id,
                                                          to, "user_handover", NowSeconds()));
        }
        GX_TRY(audit::Record(
            conn, caller,
            {"user.handover",
             "user",
             from_user_id,
             {{"to_user_id", to}, {"customers", moved}, {"opportunities", opportunities}}}));
        return json{{"transferred", moved}, {"opportunities", opportunities}};
    });
}

Result<nlohmann::json> CustomerService::Claim(const Principal& caller, std::int64_t id) {
    GX_TRY(RequirePermission(caller, "customers.view"));
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(auto row, store::Get(conn, id));
        if (!row || !row->IsNull(kColDeletedAt)) return Error::NotFound("Customer");
        const auto now = NowSeconds();
        // An owned customer is answered as a lost claim below: who won, and whether the caller may
        // see them, decides what is said.
        bool won = false;
        if (row->IsNull(kColOwnerId)) {
            GX_TRY(MayTake(gate, CustomerAction::kClaim, OwnershipOf(*row)));
            GX_TRY(CheckClaim(conn, caller, id, now));  // the pool rules' caps and reclaim block
            // The conditional UPDATE is the arbiter: only one claimer finds owner_id still NULL.
            GX_TRY_ASSIGN(
                won, store::ClaimIfInPool(conn, id, caller.user_id, caller.department_id, now));
        }
        if (!won) {
            GX_TRY_ASSIGN(auto current, store::Get(conn, id));
            if (!current) return Error::NotFound("Customer");
            if (gate.SeesCustomer(current->OptInt(kColOwnerId))) {
                return Error{ErrorCode::kAlreadyClaimed,
                             "Someone else claimed this customer first.",
                             {{"owner_id", db::JsonInt(*current, kColOwnerId)}},
                             {}};
            }
            // Owned by someone whose customers the caller can't see. If it was just claimed from
            // the pool, the caller could see it until then (the loser of two simultaneous claims):
            // say only that it was claimed. Otherwise it was never theirs to see, and a 409 would
            // tell them that the id exists.
            GX_TRY_ASSIGN(auto last_change, store::LastOwnershipKind(conn, id));
            if (last_change != "claim") return Error::NotFound("Customer");
            return Error{ErrorCode::kAlreadyClaimed,
                         "Someone else claimed this customer first.",
                         json::object(),
                         {}};
        }
        GX_TRY(store::LogOwnership(conn, id, "claim", std::nullopt, caller.user_id, caller.user_id,
                                   std::nullopt, now));
        return audit::Record(conn, caller, {"customer.claim", "customer", id, {}});
    }));
    GX_TRY_ASSIGN(std::string text, Get(caller, id));
    return json::parse(text);
}

Result<nlohmann::json> CustomerService::Release(const Principal& caller, std::int64_t id,
                                                const nlohmann::json& body) {
    GX_TRY(ValidateBody(ReasonMeta(), body, false));
    const auto reason = BodyText(body, "reason");
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
        GX_TRY_ASSIGN(db::Row row, VisibleCustomer(conn, gate, id));
        GX_TRY(MayTake(gate, CustomerAction::kRelease, OwnershipOf(row)));
        const auto owner = row.OptInt(kColOwnerId);
        const auto now = NowSeconds();
        GX_TRY(store::SetOwner(conn, id, std::nullopt, row.OptInt(kColDepartmentId), owner, now));
        GX_TRY(store::LogOwnership(conn, id, "release", owner, std::nullopt, caller.user_id, reason,
                                   now));
        return audit::Record(
            conn, caller,
            {"customer.release", "customer", id, {{"reason", reason ? json(*reason) : json()}}});
    }));
    GX_TRY_ASSIGN(std::string text, Get(caller, id));
    return json::parse(text);
}

Result<nlohmann::json> CustomerService::History(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(Gate gate, Gate::For(*conn, caller));
    GX_TRY_ASSIGN(db::Row row, VisibleCustomer(*conn, gate, id));
    GX_TRY_ASSIGN(db::Rows rows, store::History(*conn, id));
    json items = json::array();
    for (const auto& r : rows) items.push_back(store::HistoryJson(r));
    return json{{"items", items}, {"total", items.size()}};
}

Result<ExportFile> CustomerService::Export(const Principal& caller, const http::ListQuery& query,
                                           std::string_view format, std::string_view lang) {
    GX_TRY(RequirePermission(caller, "customers.export"));
    if (format != "csv" && format != "xlsx")
        return BadParam("format", "format must be csv or xlsx.");
    if (lang != "en" && lang != "zh-CN") return BadParam("lang", "lang must be zh-CN or en.");
    ExportFile file;
    {
        GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
        GX_TRY_ASSIGN(Gate gate, Gate::For(*conn, caller));
        const std::optional<custom_fields::ListSql> custom = CustomSql(custom_, *conn, query);
        GX_TRY_ASSIGN(db::Where where,
                      ListWhere(*conn, gate, query, false, false, custom ? &*custom : nullptr));
        const std::string sql = "SELECT " + std::string(kCustomerColumns) +
                                std::string(kCustomerFrom) + where.Sql() +
                                OrderBy(query.sort, custom ? &*custom : nullptr);
        // A column per custom field after the built-in ones, headed by its label.
        CustomColumns columns;
        if (custom_ != nullptr) {
            for (const auto& def : custom_->Current()->Of("customers")) {
                columns.header.push_back(lang == "zh-CN" ? def.label_zh_cn : def.label_en);
                columns.keys.push_back(def.key);
            }
        }
        auto writer =
            io::TableWriter::Create(format, "customers", ExportHeader(columns, lang == "en"));
        GX_TRY(conn->ForEach(sql, where.params(), [&](const db::Row& row) {
            writer->Add(ExportCells(row, columns));
            return true;
        }));
        GX_TRY_ASSIGN(file, writer->Finish());
    }
    GX_TRY(writes_.Transact([&](db::Connection& conn) -> Status {
        json filters = json::object();
        for (const auto& [k, v] : query.filters) filters[k] = v;
        if (query.q) filters["q"] = *query.q;
        return audit::Record(conn, caller,
                             {"customer.export",
                              "customer",
                              std::nullopt,
                              {{"format", format}, {"rows", file.rows}, {"filters", filters}}});
    }));
    return file;
}

// ---- Follow-ups ----

void CustomerService::CreateFollowup(const Principal& caller, std::int64_t customer_id,
                                     const nlohmann::json& body,
                                     std::function<void(Result<nlohmann::json>)> done) {
    struct Input {
        std::string kind, content;
        std::int64_t contacted_at, now;
        std::optional<std::int64_t> next_contact_at;
    };
    auto checked = [&]() -> Result<Input> {
        GX_TRY(RequirePermission(caller, "customers.edit"));
        GX_TRY(ValidateBody(FollowupMeta(), body, true));
        const auto now = NowSeconds();
        const std::int64_t contacted_at = BodyTime(body, "contacted_at").value_or(now);
        if (contacted_at > now + 300)
            return Error::Validation("contacted_at", "cannot be in the future");
        if (text::Trim(body["content"].get<std::string>()).empty())
            return Error::Validation("content", "must not be empty");
        if (BodyTime(body, "next_contact_at")) {
            GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
            GX_TRY(CheckNextContact(*conn, caller, body));
        }
        return Input{body["kind"].get<std::string>(), body["content"].get<std::string>(),
                     contacted_at, now, BodyTime(body, "next_contact_at")};
    }();
    if (!checked) return done(checked.error());
    // One copy of the caller and the input, shared by the write and its answer.
    struct Pending {
        Principal caller;
        Input in;
    };
    auto pending = std::make_shared<Pending>(Pending{caller, std::move(*checked)});
    writes_.TransactAsync(
        [pending, customer_id](db::Connection& conn) -> Result<db::Row> {
            // This runs on the group commit's one writer thread, which every follow-up waits
            // for: read only what the gate needs, and leave the answer to the caller's side.
            const Principal& caller = pending->caller;
            const Input& in = pending->in;
            GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller));
            // Locked (PostgreSQL): the pool's recycle job cannot take the customer between this
            // check and the write (pool_recycle.hpp).
            GX_TRY_ASSIGN(auto owners, store::LiveOwners(conn, customer_id, true));
            if (!owners) return Error::NotFound("Customer");
            // As every record of a customer (the kit's rule): a pool customer is claimed first.
            GX_TRY(MayTake(gate, CustomerAction::kAddFollowup,
                           {owners->OptInt(0), owners->OptInt(1)}));
            GX_TRY_ASSIGN(
                std::int64_t id,
                store::InsertFollowup(conn, customer_id, caller.user_id, in.kind, in.content,
                                      in.contacted_at, in.next_contact_at, in.now));
            GX_TRY(store::TouchContactTimes(conn, customer_id, in.contacted_at, in.next_contact_at,
                                            in.now));
            // The fields it set, from nothing, as the kit's history shows every create's.
            json changes = {
                {"kind", {{"before", nullptr}, {"after", in.kind}}},
                {"content", {{"before", nullptr}, {"after", in.content}}},
                {"contacted_at", {{"before", nullptr}, {"after", FormatRfc3339(in.contacted_at)}}}};
            if (in.next_contact_at) {
                changes["next_contact_at"] = {{"before", nullptr},
                                              {"after", FormatRfc3339(*in.next_contact_at)}};
            }
            GX_TRY(audit::Record(conn, caller,
                                 {"followup.create",
                                  "customer",
                                  customer_id,
                                  {{"followup_id", id}, {"changes", std::move(changes)}}}));
            // The row FollowupJson reads, from the values written (a new follow-up is
            // version 1, not deleted): what a replay of a keyed request answers from, too.
            return db::Row({id, customer_id, caller.user_id, caller.display_name, in.kind,
                            in.content, in.contacted_at, db::Nullable(in.next_contact_at), in.now,
                            in.now, std::int64_t{1}, nullptr});
        },
        [done = std::move(done)](Result<db::Row> row) {
            if (!row) return done(std::move(row).error());
            done(FollowupJson(*row));
        });
}

}  // namespace guanxi::customers
