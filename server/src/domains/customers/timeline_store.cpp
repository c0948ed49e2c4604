#include "domains/customers/timeline_store.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"
#include "db/sql_builder.hpp"

#include <algorithm>

namespace guanxi::customers::timeline {

namespace {

constexpr std::int64_t kDay = 86400;

constexpr std::string_view kFollowupDetails =
    "SELECT id, user_id, kind, content, next_contact_at FROM followups "
    "WHERE customer_id = ? AND deleted_at IS NULL AND id IN (";
constexpr std::string_view kOwnershipDetails =
    "SELECT o.id, o.by_user_id, o.kind, o.from_user_id, fu.display_name, o.to_user_id, "
    "tu.display_name, o.reason FROM ownership_changes o "
    "LEFT JOIN users fu ON fu.id = o.from_user_id LEFT JOIN users tu ON tu.id = o.to_user_id "
    "WHERE o.customer_id = ? AND o.id IN (";
constexpr std::string_view kUserNames =
    "SELECT id, COALESCE(NULLIF(display_name, ''), username) FROM users WHERE id IN (";

std::int64_t FloorDays(std::int64_t seconds) {
    return seconds >= 0 ? seconds / kDay : -((-seconds + kDay - 1) / kDay);
}

// A bound on the source's ordering column: `seconds` as the column holds it (a date column's
// bound is the date of the day that second falls in: d's 00:00 ≤ seconds ⇔ d ≤ that date).
db::Value AtBound(const Source& source, std::int64_t seconds) {
    if (source.at_is_date) return FormatDate(FloorDays(seconds));
    return seconds;
}

// The rows of `source` that come after `after` in the timeline order (see Key), as a condition on
// its own columns, so that the index on (customer_id, ..., at) still serves the range.
void AddCursor(const Source& source, const Key& after, db::Where& where) {
    const std::string at = "t." + source.at_column;
    const db::Value at_or_before = AtBound(source, after.at);  // at ≤ after.at
    const db::Value before = AtBound(source, after.at - 1);    // at < after.at
    if (source.kind < after.kind) {
        where.Add(at + " <= ?", {at_or_before});
    } else if (source.kind > after.kind) {
        where.Add(at + " <= ?", {before});
    } else {
        where.Add(at + " <= ? AND (" + at + " <= ? OR t.id < ?)", {at_or_before, before, after.id});
    }
}

std::string InList(std::string_view head, std::size_t n) {
    return std::string(head) + db::Placeholders(n) + ")";
}

db::Params IdParams(std::int64_t customer_id, const std::vector<std::int64_t>& ids) {
    db::Params params = {customer_id};
    params.insert(params.end(), ids.begin(), ids.end());
    return params;
}

}  // namespace

bool Key::Before(const Key& other) const {
    if (at != other.at) return at > other.at;
    if (kind != other.kind) return kind > other.kind;
    return id > other.id;
}

Result<std::vector<Key>> Newest(db::Connection& conn, const std::vector<const Source*>& sources,
                                std::int64_t customer_id, const std::optional<Key>& after,
                                std::int64_t limit) {
    std::vector<Key> keys;
    if (sources.empty()) return keys;
    std::string sql;
    db::Params params;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const Source& source = *sources[i];
        db::Where where;
        where.Add("t.customer_id = ?", {customer_id});
        if (source.soft_deleted) where.Add("t.deleted_at IS NULL");
        if (after) AddCursor(source, *after, where);
        // Both time columns in every branch (one NULL), typed, so that the branches agree.
        const std::string at = "t." + source.at_column;
        const std::string times = source.at_is_date
                                      ? "CAST(NULL AS BIGINT) AS at_seconds, " + at + " AS at_date"
                                      : at + " AS at_seconds, CAST(NULL AS TEXT) AS at_date";
        const std::string alias = "s" + std::to_string(i);
        if (i > 0) sql += " UNION ALL ";
        sql += "SELECT * FROM (SELECT " + std::to_string(i) + " AS src, t.id AS id, " + times +
               " FROM " + source.table + " t" + where.Sql() + " ORDER BY " + at +
               " DESC, t.id DESC LIMIT ?) " + alias;
        params.insert(params.end(), where.params().begin(), where.params().end());
        params.push_back(limit);
    }
    GX_TRY_ASSIGN(db::Rows rows, conn.Query(sql, params));
    keys.reserve(rows.size());
    for (const db::Row& row : rows) {
        const std::size_t src = static_cast<std::size_t>(row.Int(0));
        if (src >= sources.size()) return Error::Internal("timeline: a row of no source");
        Key key{0, sources[src]->kind, row.Int(1)};
        if (row.IsNull(2)) {
            const auto days = ParseDate(row.Text(3));
            if (!days) return Error::Internal("timeline: a stored date that is not a date");
            key.at = *days * kDay;
        } else {
            key.at = row.Int(2);
        }
        keys.push_back(std::move(key));
    }
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.Before(b); });
    if (keys.size() > static_cast<std::size_t>(limit)) keys.resize(limit);
    return keys;
}

Result<std::vector<Detail>> FollowupDetails(db::Connection& conn, std::int64_t customer_id,
                                            const std::vector<std::int64_t>& ids) {
    std::vector<Detail> out;
    if (ids.empty()) return out;
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query(InList(kFollowupDetails, ids.size()), IdParams(customer_id, ids)));
    for (const db::Row& r : rows) {
        out.push_back({r.Int(0),
                       r.OptInt(1),
                       {{"kind", r.Text(2)},
                        {"content", r.Text(3)},
                        {"next_contact_at", db::JsonTime(r, 4)}}});
    }
    return out;
}

Result<std::vector<Detail>> OwnershipDetails(db::Connection& conn, std::int64_t customer_id,
                                             const std::vector<std::int64_t>& ids) {
    std::vector<Detail> out;
    if (ids.empty()) return out;
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query(InList(kOwnershipDetails, ids.size()), IdParams(customer_id, ids)));
    for (const db::Row& r : rows) {
        out.push_back({r.Int(0),
                       r.OptInt(1),
                       {{"change", r.Text(2)},
                        {"from_user_id", db::JsonInt(r, 3)},
                        {"from_user_name", db::JsonText(r, 4)},
                        {"to_user_id", db::JsonInt(r, 5)},
                        {"to_user_name", db::JsonText(r, 6)},
                        {"reason", db::JsonText(r, 7)}}});
    }
    return out;
}

Result<std::vector<std::pair<std::int64_t, std::string>>> UserNames(
    db::Connection& conn, const std::vector<std::int64_t>& ids) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    if (ids.empty()) return out;
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query(InList(kUserNames, ids.size()), db::Params(ids.begin(), ids.end())));
    for (const db::Row& r : rows) out.emplace_back(r.Int(0), r.Text(1));
    return out;
}

}  // namespace guanxi::customers::timeline
