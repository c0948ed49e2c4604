#pragma once
// All SQL of the customers domain. Functions run inside the caller's transaction and never check
// permissions: that is the service's job, through the access gate.

#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::customers::store {

struct CustomerRecord {
    std::string name;
    std::string category = "potential";
    std::optional<std::int64_t> owner_id;
    std::optional<std::int64_t> last_owner_id;
    std::optional<std::int64_t> department_id;
    std::optional<std::string> industry, region, source, phone, email, address;
    nlohmann::json tags = nlohmann::json::array();
    nlohmann::json custom = nlohmann::json::object();
    std::optional<std::int64_t> last_contact_at, next_contact_at;
};

// A record from a row of kCustomerColumns.
CustomerRecord RecordFromRow(const db::Row& row);
// The values an INSERT binds for a record, in the order name, category, owner_id, last_owner_id,
// department_id, industry, region, source, phone, email, address, tags, custom, last_contact_at,
// next_contact_at, phone_norm, email_norm, name_norm (bulk loaders use it too).
db::Params RecordParams(const CustomerRecord& record);

Result<std::optional<db::Row>> Get(db::Connection& conn, std::int64_t id);
// owner_id, last_owner_id of a live customer (what the gate needs), or nullopt. `lock`: on
// PostgreSQL the row stays locked (FOR NO KEY UPDATE) until the caller's transaction ends.
Result<std::optional<db::Row>> LiveOwners(db::Connection& conn, std::int64_t id, bool lock = false);
// The customer (kCustomerColumns) and its live contacts (kContactColumns after them), one row
// per contact in the order of Contacts — or one row with NULL contact columns — in one read.
Status GetWithContacts(db::Connection& conn, std::int64_t id, const db::RowCallback& callback);
Result<std::int64_t> Insert(db::Connection& conn, const CustomerRecord& record,
                            std::optional<std::int64_t> created_by, std::int64_t now);
// False when `expected_version` is no longer current.
Result<bool> Update(db::Connection& conn, std::int64_t id, const CustomerRecord& record,
                    std::int64_t expected_version, std::int64_t now);
// Moves customer `id` to the recycle bin at `deleted_at` by `deleted_by` (both null: restores it).
Status SetDeleted(db::Connection& conn, std::int64_t id, std::optional<std::int64_t> deleted_at,
                  std::optional<std::int64_t> deleted_by, std::int64_t now);

// Ownership
Result<bool> ClaimIfInPool(db::Connection& conn, std::int64_t id, std::int64_t user_id,
                           std::optional<std::int64_t> department_id, std::int64_t now);
Status SetOwner(db::Connection& conn, std::int64_t id, std::optional<std::int64_t> owner_id,
                std::optional<std::int64_t> department_id,
                std::optional<std::int64_t> last_owner_id, std::int64_t now);
Status LogOwnership(db::Connection& conn, std::int64_t customer_id, std::string_view kind,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                    std::int64_t by, const std::optional<std::string>& reason, std::int64_t now);
// Moves every customer of `from` (recycle bin included, so a restore cannot hand one back) to `to`
// in one statement; logs each. Returns how many.
Result<std::int64_t> HandOver(db::Connection& conn, std::int64_t from, std::int64_t to,
                              std::optional<std::int64_t> to_department, std::int64_t by,
                              std::int64_t now);
Result<db::Rows> History(db::Connection& conn, std::int64_t customer_id);
// The kind ("create", "claim", ...) of the customer's latest ownership change; nullopt when none.
Result<std::optional<std::string>> LastOwnershipKind(db::Connection& conn,
                                                     std::int64_t customer_id);
nlohmann::json HistoryJson(const db::Row& row);

// Duplicate candidates (live customers only): id, name, owner_id, owner name, last_owner_id.
Result<db::Rows> ByPhone(db::Connection& conn, std::string_view phone_norm);
Result<db::Rows> ByEmail(db::Connection& conn, std::string_view email_norm);
Result<db::Rows> ByName(db::Connection& conn, std::string_view name_norm);

// Follow-ups
Result<std::int64_t> InsertFollowup(db::Connection& conn, std::int64_t customer_id,
                                    std::int64_t user_id, std::string_view kind,
                                    std::string_view content, std::int64_t contacted_at,
                                    std::optional<std::int64_t> next_contact_at, std::int64_t now);
// last_contact_at becomes the later of its value and `contacted_at`; next_contact_at is replaced
// when `next_contact_at` is set.
Status TouchContactTimes(db::Connection& conn, std::int64_t customer_id, std::int64_t contacted_at,
                         std::optional<std::int64_t> next_contact_at, std::int64_t now);

}  // namespace guanxi::customers::store
