#include "domains/customers/customer_store.hpp"

#include "core/text.hpp"
#include "db/row_json.hpp"
#include "domains/customers/customer.hpp"

namespace guanxi::customers::store {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO customers (name, category, owner_id, last_owner_id, department_id, industry, "
    "region, "
    "source, phone, email, address, tags, custom, last_contact_at, next_contact_at, phone_norm, "
    "email_norm, name_norm, created_by, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE customers SET name = ?, category = ?, owner_id = ?, last_owner_id = ?, department_id = "
    "?, "
    "industry = ?, region = ?, source = ?, phone = ?, email = ?, address = ?, tags = ?, custom = "
    "?, "
    "last_contact_at = ?, next_contact_at = ?, phone_norm = ?, email_norm = ?, name_norm = ?, "
    "updated_at = ?, version = version + 1 WHERE id = ? AND version = ?";
constexpr std::string_view kSetDeleted =
    "UPDATE customers SET deleted_at = ?, deleted_by = ?, updated_at = ?, version = version + 1 "
    "WHERE id = ?";
constexpr std::string_view kClaim =
    "UPDATE customers SET owner_id = ?, department_id = ?, updated_at = ?, version = version + 1 "
    "WHERE id = ? AND owner_id IS NULL AND deleted_at IS NULL";
constexpr std::string_view kSetOwner =
    "UPDATE customers SET owner_id = ?, department_id = ?, last_owner_id = ?, updated_at = ?, "
    "version = version + 1 WHERE id = ?";
constexpr std::string_view kLogOwnership =
    "INSERT INTO ownership_changes (customer_id, kind, from_user_id, to_user_id, by_user_id, "
    "reason, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kHandOverLog =
    "INSERT INTO ownership_changes (customer_id, kind, from_user_id, to_user_id, by_user_id, "
    "reason, at) "
    "SELECT id, 'handover', owner_id, ?, ?, 'handover', ? FROM customers WHERE owner_id = ?";
constexpr std::string_view kHandOver =
    "UPDATE customers SET owner_id = ?, department_id = ?, last_owner_id = ?, updated_at = ?, "
    "version = version + 1 WHERE owner_id = ?";
constexpr std::string_view kHistory =
    "SELECT o.id, o.customer_id, o.kind, o.from_user_id, fu.display_name, o.to_user_id, "
    "tu.display_name, "
    "o.by_user_id, bu.display_name, o.reason, o.at FROM ownership_changes o "
    "LEFT JOIN users fu ON fu.id = o.from_user_id LEFT JOIN users tu ON tu.id = o.to_user_id "
    "LEFT JOIN users bu ON bu.id = o.by_user_id WHERE o.customer_id = ? ORDER BY o.at DESC, o.id "
    "DESC";
constexpr std::string_view kLastOwnershipKind =
    "SELECT kind FROM ownership_changes WHERE customer_id = ? ORDER BY id DESC LIMIT 1";
constexpr std::string_view kDuplicateColumns =
    "SELECT DISTINCT c.id, c.name, c.owner_id, ou.display_name, c.last_owner_id FROM customers c "
    "LEFT JOIN users ou ON ou.id = c.owner_id ";
// Each match is an index lookup (the customer's own key, or a live contact's); the unary + keeps
// "deleted_at IS NULL" from steering SQLite onto an index led by deleted_at (migration 011), which
// without statistics it takes for selective. A single OR across the join scanned every customer.
constexpr std::string_view kByPhoneTail =
    "WHERE +c.deleted_at IS NULL AND c.id IN (SELECT id FROM customers WHERE phone_norm = ? "
    "UNION SELECT customer_id FROM contacts WHERE phone_norm = ? AND deleted_at IS NULL) "
    "ORDER BY c.id LIMIT 20";
constexpr std::string_view kByEmailTail =
    "WHERE +c.deleted_at IS NULL AND c.id IN (SELECT id FROM customers WHERE email_norm = ? "
    "UNION SELECT customer_id FROM contacts WHERE email_norm = ? AND deleted_at IS NULL) "
    "ORDER BY c.id LIMIT 20";
constexpr std::string_view kByNameTail =
    "WHERE +c.deleted_at IS NULL AND c.name_norm = ? ORDER BY c.id LIMIT 20";

constexpr std::string_view kInsertFollowup =
    "INSERT INTO followups (customer_id, user_id, created_by, kind, content, contacted_at, "
    "next_contact_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// A follow-up changes its customer once: last contact (if later), next contact (if given).
constexpr std::string_view kTouchContact =
    "UPDATE customers SET last_contact_at = CASE WHEN last_contact_at IS NULL OR "
    "last_contact_at < ? THEN ? ELSE last_contact_at END, updated_at = ?, version = version + 1 "
    "WHERE id = ?";
constexpr std::string_view kTouchContactAndNext =
    "UPDATE customers SET last_contact_at = CASE WHEN last_contact_at IS NULL OR "
    "last_contact_at < ? THEN ? ELSE last_contact_at END, next_contact_at = ?, updated_at = ?, "
    "version = version + 1 WHERE id = ?";

db::Value OptText(const std::optional<std::string>& s) {
    return s && !s->empty() ? db::Value(*s) : db::Value(nullptr);
}

db::Value NormOrNull(std::string s) {
    return s.empty() ? db::Value(nullptr) : db::Value(std::move(s));
}

}  // namespace

db::Params RecordParams(const CustomerRecord& r) {
    return {r.name,
            r.category,
            db::Nullable(r.owner_id),
            db::Nullable(r.last_owner_id),
            db::Nullable(r.department_id),
            OptText(r.industry),
            OptText(r.region),
            OptText(r.source),
            OptText(r.phone),
            OptText(r.email),
            OptText(r.address),
            r.tags.dump(),
            r.custom.dump(),
            db::Nullable(r.last_contact_at),
            db::Nullable(r.next_contact_at),
            NormOrNull(text::NormalizePhone(r.phone.value_or(""))),
            NormOrNull(text::NormalizeEmail(r.email.value_or(""))),
            NormOrNull(text::NormalizeCompanyName(r.name))};
}

CustomerRecord RecordFromRow(const db::Row& r) {
    CustomerRecord c;
    c.name = r.Text(1);
    c.category = r.Text(2);
    c.owner_id = r.OptInt(3);
    c.department_id = r.OptInt(5);
    c.industry = r.OptText(7);
    c.region = r.OptText(8);
    c.source = r.OptText(9);
    c.phone = r.OptText(10);
    c.email = r.OptText(11);
    c.address = r.OptText(12);
    c.tags = db::JsonDoc(r, 13, nlohmann::json::array());
    c.custom = db::JsonDoc(r, 14, nlohmann::json::object());
    c.last_contact_at = r.OptInt(15);
    c.next_contact_at = r.OptInt(16);
    c.last_owner_id = r.OptInt(kColLastOwnerId);
    return c;
}

Result<std::optional<db::Row>> Get(db::Connection& conn, std::int64_t id) {
    return conn.QueryOne(
        "SELECT " + std::string(kCustomerColumns) + std::string(kCustomerFrom) + " WHERE c.id = ?",
        {id});
}

Result<std::optional<db::Row>> LiveOwners(db::Connection& conn, std::int64_t id, bool lock) {
    const bool for_update = lock && conn.backend() == db::Backend::kPostgres;
    return conn.QueryOne(
        std::string("SELECT owner_id, last_owner_id FROM customers WHERE id = ? AND deleted_at IS "
                    "NULL") +
            (for_update ? " FOR NO KEY UPDATE" : ""),
        {id});
}

Status GetWithContacts(db::Connection& conn, std::int64_t id, const db::RowCallback& callback) {
    static const std::string sql = "SELECT " + std::string(kCustomerColumns) + ", " +
                                   std::string(kContactColumns) + std::string(kCustomerFrom) +
                                   " LEFT JOIN contacts k ON k.customer_id = c.id AND "
                                   "k.deleted_at IS NULL WHERE c.id = ? ORDER BY k.is_primary "
                                   "DESC, k.id";
    return conn.ForEach(sql, {id}, callback);
}

Result<std::int64_t> Insert(db::Connection& conn, const CustomerRecord& record,
                            std::optional<std::int64_t> created_by, std::int64_t now) {
    db::Params params = RecordParams(record);
    params.push_back(db::Nullable(created_by));
    params.emplace_back(now);
    params.emplace_back(now);
    return conn.InsertReturningId(kInsert, params);
}

Result<bool> Update(db::Connection& conn, std::int64_t id, const CustomerRecord& record,
                    std::int64_t expected_version, std::int64_t now) {
    db::Params params = RecordParams(record);
    params.emplace_back(now);
    params.emplace_back(id);
    params.emplace_back(expected_version);
    GX_TRY_ASSIGN(std::int64_t changed, conn.Execute(kUpdate, params));
    return changed == 1;
}

Status SetDeleted(db::Connection& conn, std::int64_t id, std::optional<std::int64_t> deleted_at,
                  std::optional<std::int64_t> deleted_by, std::int64_t now) {
    GX_TRY(
        conn.Execute(kSetDeleted, {db::Nullable(deleted_at), db::Nullable(deleted_by), now, id}));
    return {};
}

Result<bool> ClaimIfInPool(db::Connection& conn, std::int64_t id, std::int64_t user_id,
                           std::optional<std::int64_t> department_id, std::int64_t now) {
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn.Execute(kClaim, {user_id, db::Nullable(department_id), now, id}));
    return changed == 1;
}

Status SetOwner(db::Connection& conn, std::int64_t id, std::optional<std::int64_t> owner_id,
                std::optional<std::int64_t> department_id,
                std::optional<std::int64_t> last_owner_id, std::int64_t now) {
    GX_TRY(conn.Execute(kSetOwner, {db::Nullable(owner_id), db::Nullable(department_id),
                                    db::Nullable(last_owner_id), now, id}));
    return {};
}

Status LogOwnership(db::Connection& conn, std::int64_t customer_id, std::string_view kind,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                    std::int64_t by, const std::optional<std::string>& reason, std::int64_t now) {
    GX_TRY(conn.Execute(kLogOwnership, {customer_id, std::string(kind), db::Nullable(from),
                                        db::Nullable(to), by, db::Nullable(reason), now}));
    return {};
}

Result<std::int64_t> HandOver(db::Connection& conn, std::int64_t from, std::int64_t to,
                              std::optional<std::int64_t> to_department, std::int64_t by,
                              std::int64_t now) {
    GX_TRY(conn.Execute(kHandOverLog, {to, by, now, from}));
    return conn.Execute(kHandOver, {to, db::Nullable(to_department), from, now, from});
}

Result<db::Rows> History(db::Connection& conn, std::int64_t customer_id) {
    return conn.Query(kHistory, {customer_id});
}

Result<std::optional<std::string>> LastOwnershipKind(db::Connection& conn,
                                                     std::int64_t customer_id) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kLastOwnershipKind, {customer_id}));
    if (!row) return std::optional<std::string>();
    return std::optional<std::string>(row->Text(0));
}

nlohmann::json HistoryJson(const db::Row& r) {
    return {{"id", r.Int(0)},
            {"customer_id", r.Int(1)},
            {"kind", r.Text(2)},
            {"from_user_id", db::JsonInt(r, 3)},
            {"from_user_name", db::JsonText(r, 4)},
            {"to_user_id", db::JsonInt(r, 5)},
            {"to_user_name", db::JsonText(r, 6)},
            {"by_user_id", db::JsonInt(r, 7)},
            {"by_user_name", db::JsonText(r, 8)},
            {"reason", db::JsonText(r, 9)},
            {"at", FormatRfc3339(r.Int(10))}};
}

Result<db::Rows> ByPhone(db::Connection& conn, std::string_view phone_norm) {
    return conn.Query(std::string(kDuplicateColumns) + std::string(kByPhoneTail),
                      {std::string(phone_norm), std::string(phone_norm)});
}

Result<db::Rows> ByEmail(db::Connection& conn, std::string_view email_norm) {
    return conn.Query(std::string(kDuplicateColumns) + std::string(kByEmailTail),
                      {std::string(email_norm), std::string(email_norm)});
}

Result<db::Rows> ByName(db::Connection& conn, std::string_view name_norm) {
    return conn.Query(std::string(kDuplicateColumns) + std::string(kByNameTail),
                      {std::string(name_norm)});
}

Result<std::int64_t> InsertFollowup(db::Connection& conn, std::int64_t customer_id,
                                    std::int64_t user_id, std::string_view kind,
                                    std::string_view content, std::int64_t contacted_at,
                                    std::optional<std::int64_t> next_contact_at, std::int64_t now) {
    return conn.InsertReturningId(
        kInsertFollowup, {customer_id, user_id, user_id, std::string(kind), std::string(content),
                          contacted_at, db::Nullable(next_contact_at), now, now});
}

Status TouchContactTimes(db::Connection& conn, std::int64_t customer_id, std::int64_t contacted_at,
                         std::optional<std::int64_t> next_contact_at, std::int64_t now) {
    if (next_contact_at) {
        GX_TRY(conn.Execute(kTouchContactAndNext,
                            {contacted_at, contacted_at, *next_contact_at, now, customer_id}));
    } else {
        GX_TRY(conn.Execute(kTouchContact, {contacted_at, contacted_at, now, customer_id}));
    }
    return {};
}

}  // namespace guanxi::customers::store
