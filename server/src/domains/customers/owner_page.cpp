#include "domains/customers/owner_page.hpp"

#include "db/sql_builder.hpp"

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

// The scope as a filter on a scan in next-contact order. The unary + keeps the owner column out of
// index choice, so the scan stays the ordered one.
Condition ScanFilter(const access::CustomerOwners& owners) {
    if (owners.every_owner) return {owners.pool ? "1 = 1" : "c.owner_id IS NOT NULL", {}};
    Condition c{"+c.owner_id IN (" + db::Placeholders(owners.owner_ids.size()) + ")", {}};
    for (std::int64_t id : owners.owner_ids) c.params.emplace_back(id);
    if (owners.owner_ids.empty()) c.sql = "1 = 0";
    if (owners.pool) c.sql = "(c.owner_id IS NULL OR " + c.sql + ")";
    return c;
}

// The sorts read by owner, with their per-owner and whole-table indexes.
struct OrderIndexes {
    std::string_view column;
    bool nullable;
    std::string_view owner_index, scan_index;
};
constexpr OrderIndexes kOrders[] = {
    {"next_contact_at", true, "customers_owner_live", "customers_live_next"},
    {"updated_at", false, "customers_owner_updated", "customers_live_updated"},
};

const OrderIndexes* FindOrder(std::string_view column) {
    for (const auto& o : kOrders) {
        if (o.column == column) return &o;
    }
    return nullptr;
}

class IdsQuery {
  public:
    IdsQuery(db::Backend backend, const OrderIndexes& order, bool descending, std::int64_t limit)
        : sqlite_(backend == db::Backend::kSqlite),
          order_(order),
          dir_(descending ? " DESC" : ""),
          limit_(limit) {}

    // The customers matching `filter` in order of the column, then those without a value.
    void AddRanges(const Condition& filter, std::string_view index) {
        const std::string hint = sqlite_ ? " INDEXED BY " + std::string(index) : "";
        const std::string column = "c." + std::string(order_.column);
        for (const bool valued : {true, false}) {
            if (!valued && !order_.nullable) break;
            if (!sql_.empty()) sql_ += " UNION ALL ";
            sql_ += "SELECT * FROM (SELECT " + std::string(valued ? "0" : "1") + " AS part, " +
                    column + " AS k, c.id AS id FROM customers c" + hint +
                    " WHERE c.deleted_at IS NULL AND " +
                    (order_.nullable ? column + (valued ? " IS NOT NULL AND " : " IS NULL AND ")
                                     : std::string()) +
                    filter.sql + " ORDER BY " + (valued ? column + dir_ + ", " : std::string()) +
                    "c.id" + dir_ + " LIMIT ?) r" + std::to_string(++arms_);
            params_.insert(params_.end(), filter.params.begin(), filter.params.end());
            params_.emplace_back(limit_);
        }
    }

    OwnerPage Finish(std::int64_t total, std::int64_t page_size, std::int64_t offset) && {
        params_.emplace_back(page_size);
        params_.emplace_back(offset);
        return {total,
                "SELECT id FROM (" + sql_ + " ORDER BY part, k" + dir_ + ", id" + dir_ +
                    " LIMIT ? OFFSET ?) page",
                std::move(params_)};
    }

  private:
    bool sqlite_;
    const OrderIndexes& order_;
    std::string dir_;
    std::int64_t limit_;
    int arms_ = 0;
    std::string sql_;
    db::Params params_;
};

}  // namespace

bool OwnerPageSorts(std::string_view column) { return FindOrder(column) != nullptr; }

Result<OwnerPage> PlanOwnerPage(db::Connection& conn, const access::CustomerOwners& owners,
                                const http::SortKey& sort, std::int64_t page_size,
                                std::int64_t offset) {
    const OrderIndexes* order = FindOrder(sort.field);
    if (order == nullptr) return Error::Internal("no by-owner index for sort " + sort.field);
    if (owners.None()) return OwnerPage{};
    const Condition keys = CounterKeys(owners);
    GX_TRY_ASSIGN(auto sums, conn.QueryOne("SELECT CAST(coalesce(SUM(live), 0) AS BIGINT), "
                                           "CAST(coalesce(SUM(CASE WHEN " +
                                               keys.sql +
                                               " THEN live ELSE 0 END), 0) AS BIGINT) "
                                               "FROM customer_owner_counts",
                                           keys.params));
    const std::int64_t all_live = sums->Int(0);
    const std::int64_t visible = sums->Int(1);
    if (visible == 0) return OwnerPage{};

    IdsQuery ids(conn.backend(), *order, sort.descending, offset + page_size);
    // One range per owner reads ranges × (offset + page) index entries; the ordered scan reads
    // about (offset + page) × all / visible. Ranges win for a few owners with a small share.
    const size_t ranges = owners.owner_ids.size() + (owners.pool ? 1 : 0);
    if (!owners.every_owner && ranges <= kMaxOwnerRanges &&
        static_cast<std::int64_t>(ranges) * visible <= all_live) {
        for (std::int64_t id : owners.owner_ids) {
            ids.AddRanges({"c.owner_id = ?", {id}}, order->owner_index);
        }
        if (owners.pool) ids.AddRanges({"c.owner_id IS NULL", {}}, order->owner_index);
    } else {
        ids.AddRanges(ScanFilter(owners), order->scan_index);
    }
    return std::move(ids).Finish(visible, page_size, offset);
}

}  // namespace guanxi::customers
