#include "domains/customers/owner_page.hpp"

#include "db/sql_builder.hpp"
#include "domains/customers/customer.hpp"

#include <algorithm>

namespace guanxi::customers {

namespace {

// Per-owner ranges cost one index seek each; past this many the single ordered scan wins anyway.
constexpr size_t kMaxOwnerRanges = 8;

struct Condition {
    std::string sql;
    db::Params params;
};

// The counters' rows for the scope.
Condition CounterKeys(const access::CustomerOwners& owners) {
    if (owners.every_owner) return {owners.pool ? "1 = 1" : "owner_key <> 0", {}};
    Condition c{
        "owner_key IN (" + db::Placeholders(owners.owner_ids.size() + (owners.pool ? 1 : 0)) + ")",
        {}};
    for (std::int64_t id : owners.owner_ids) c.params.emplace_back(id);
    if (owners.pool) c.params.emplace_back(std::int64_t{0});
    return c;
}

// The scope as a filter on a scan in the list's order. The unary + keeps the owner column out of
// index choice, so the scan stays the ordered one.
Condition ScanFilter(const access::CustomerOwners& owners) {
    if (owners.every_owner) return {owners.pool ? "1 = 1" : "c.owner_id IS NOT NULL", {}};
    Condition c{"+c.owner_id IN (" + db::Placeholders(owners.owner_ids.size()) + ")", {}};
    for (std::int64_t id : owners.owner_ids) c.params.emplace_back(id);
    if (owners.owner_ids.empty()) c.sql = "1 = 0";
    if (owners.pool) c.sql = "(c.owner_id IS NULL OR " + c.sql + ")";
    return c;
}

// The sorts read by owner, with their per-owner and whole-table indexes. The few-valued columns
// have only the whole-table one (migration 014): a small scope is sorted whole instead (its rows
// are few), a large one is the first matches of the ordered scan.
struct OrderIndexes {
    std::string_view column;
    std::string_view owner_index, scan_index;
};
constexpr OrderIndexes kOrders[] = {
    {"next_contact_at", "customers_owner_live", "customers_live_next"},
    {"updated_at", "customers_owner_updated", "customers_live_updated"},
    {"name", "customers_owner_name", "customers_live_name"},  // migration 013
    {"created_at", "customers_owner_created", "customers_live_created"},
    {"category", "", "customers_live_category"},  // migration 014
    {"industry", "", "customers_live_industry"},
    {"region", "", "customers_live_region"},
};
// Index entries an ordered scan may read per row of the scope before sorting the scope wins.
constexpr std::int64_t kScanEntriesPerRow = 10;

const OrderIndexes* FindOrder(std::string_view column) {
    for (const auto& o : kOrders) {
        if (o.column == column) return &o;
    }
    return nullptr;
}

// The ids of one part of the order — customers with a value in the column, or those without —
// over one or more index ranges; several ranges are merged by the database (each already in order).
class PartQuery {
  public:
    PartQuery(db::Backend backend, const OrderIndexes& order, bool descending, bool valued)
        : sqlite_(backend == db::Backend::kSqlite),
          column_("c." + std::string(order.column)),
          dir_(descending ? " DESC" : ""),
          valued_(valued),
          blanks_last_(SortsBlanksLast(order.column)) {}

    void AddRange(const Condition& filter, std::string_view index) {
        ranges_.push_back({filter, std::string(index)});
    }

    // Up to `limit` ids after skipping `offset`.
    Result<std::vector<std::int64_t>> Run(db::Connection& conn, std::int64_t limit,
                                          std::int64_t offset) const {
        std::string sql;
        db::Params params;
        // deleted_at leads the order although `deleted_at IS NULL` makes it constant: PostgreSQL
        // reads an index in order only when the columns before the sort column are fixed by = or
        // named in the ORDER BY, and these indexes have deleted_at there (after the owner, which a
        // range fixes by =; PostgreSQL migration 012). Without it PostgreSQL sorted a manager's
        // whole scope (42 ms a page instead of 0.2 ms at 100k). SQLite orders the same either way.
        const std::string order = " ORDER BY c.deleted_at" + dir_ + ", " +
                                  (valued_ ? column_ + dir_ + ", " : std::string()) + "c.id" + dir_;
        for (size_t i = 0; i < ranges_.size(); ++i) {
            const auto& [filter, index] = ranges_[i];
            std::string range =
                "SELECT " + column_ + " AS k, c.id AS id FROM customers c" +
                (sqlite_ ? " INDEXED BY " + index : std::string()) +
                " WHERE c.deleted_at IS NULL AND " +
                (blanks_last_ ? column_ + (valued_ ? " IS NOT NULL AND " : " IS NULL AND ")
                              : std::string()) +
                filter.sql + order;
            params.insert(params.end(), filter.params.begin(), filter.params.end());
            if (ranges_.size() == 1) {
                sql = std::move(range) + " LIMIT ? OFFSET ?";
                break;
            }
            if (i > 0) sql += " UNION ALL ";
            sql += "SELECT * FROM (" + range + " LIMIT ?) r" + std::to_string(i);
            params.emplace_back(offset + limit);
        }
        if (ranges_.size() > 1) {
            sql = "SELECT k, id FROM (" + sql + ") page ORDER BY k" + dir_ + ", id" + dir_ +
                  " LIMIT ? OFFSET ?";
        }
        params.emplace_back(limit);
        params.emplace_back(offset);
        std::vector<std::int64_t> ids;
        GX_TRY(conn.ForEach(sql, params, [&](const db::Row& row) {
            ids.push_back(row.Int(1));
            return true;
        }));
        return ids;
    }

  private:
    struct Range {
        Condition filter;
        std::string index;
    };
    bool sqlite_;
    std::string column_, dir_;
    bool valued_, blanks_last_;
    std::vector<Range> ranges_;
};

}  // namespace

bool OwnerPageSorts(std::string_view column) { return FindOrder(column) != nullptr; }

Result<std::int64_t> LiveCustomers(db::Connection& conn, const access::CustomerOwners& owners) {
    if (owners.None()) return 0;
    const Condition keys = CounterKeys(owners);
    GX_TRY_ASSIGN(auto count, conn.QueryOne("SELECT CAST(coalesce(SUM(live), 0) AS BIGINT) FROM "
                                            "customer_owner_counts WHERE " +
                                                keys.sql,
                                            keys.params));
    return count->Int(0);
}

Result<std::optional<OwnerPage>> PlanOwnerPage(db::Connection& conn,
                                               const access::CustomerOwners& owners,
                                               const http::SortKey& sort, std::int64_t page_size,
                                               std::int64_t offset) {
    const OrderIndexes* order = FindOrder(sort.field);
    if (order == nullptr) return Error::Internal("no by-owner index for sort " + sort.field);
    if (owners.None()) return std::optional(OwnerPage{});
    GX_TRY_ASSIGN(const std::int64_t visible, LiveCustomers(conn, owners));
    if (visible == 0) return std::optional(OwnerPage{});

    PartQuery valued(conn.backend(), *order, sort.descending, true);
    PartQuery missing(conn.backend(), *order, sort.descending, false);
    // One range per owner reads ranges × (offset + page) index entries; the ordered scan reads
    // about (offset + page) × all / visible. Ranges win for a few owners with a small share.
    const size_t ranges = owners.owner_ids.size() + (owners.pool ? 1 : 0);
    bool by_range = false;
    const bool scan_only = order->owner_index.empty();
    if (!owners.every_owner && (scan_only || ranges <= kMaxOwnerRanges)) {
        // The highest id stands in for the number of live customers: never below it, one index
        // probe instead of summing every owner's counter; it only picks the plan.
        GX_TRY_ASSIGN(auto top_row, conn.QueryOne("SELECT coalesce(MAX(id), 0) FROM customers"));
        const std::int64_t top = top_row->Int(0);
        if (scan_only) {
            // Scan only: a scope so small that the scan would read more than kScanEntriesPerRow
            // index entries per row of it is sorted whole by the general list instead.
            if ((offset + page_size) * top > kScanEntriesPerRow * visible * visible) {
                return std::optional<OwnerPage>();
            }
        } else {
            by_range = static_cast<std::int64_t>(ranges) * visible <= top;
        }
    }
    if (by_range) {
        for (std::int64_t id : owners.owner_ids) {
            valued.AddRange({"c.owner_id = ?", {id}}, order->owner_index);
            missing.AddRange({"c.owner_id = ?", {id}}, order->owner_index);
        }
        if (owners.pool) {
            valued.AddRange({"c.owner_id IS NULL", {}}, order->owner_index);
            missing.AddRange({"c.owner_id IS NULL", {}}, order->owner_index);
        }
    } else {
        valued.AddRange(ScanFilter(owners), order->scan_index);
        missing.AddRange(ScanFilter(owners), order->scan_index);
    }
    // The customers without a value come after all the others: read them only when the page
    // reaches past the valued ones (their range may be long and hold few of the scope's).
    OwnerPage page{visible, {}};
    GX_TRY_ASSIGN(std::vector<std::int64_t> head, valued.Run(conn, offset + page_size, 0));
    const std::int64_t valued_count = static_cast<std::int64_t>(head.size());
    if (valued_count > offset) page.ids.assign(head.begin() + offset, head.end());
    if (valued_count < offset + page_size && SortsBlanksLast(order->column)) {
        GX_TRY_ASSIGN(std::vector<std::int64_t> tail,
                      missing.Run(conn, page_size - static_cast<std::int64_t>(page.ids.size()),
                                  std::max<std::int64_t>(0, offset - valued_count)));
        page.ids.insert(page.ids.end(), tail.begin(), tail.end());
    }
    return std::optional(std::move(page));
}

}  // namespace guanxi::customers
