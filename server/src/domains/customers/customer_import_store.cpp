#include "domains/customers/customer_import_store.hpp"

#include "core/time.hpp"
#include "db/bulk_insert.hpp"
#include "db/row_json.hpp"

namespace guanxi::customers::import_store {

namespace {

constexpr std::string_view kInsert =
    "INSERT INTO customer_imports (created_by, filename, format, path, bytes, duplicates, dry_run, "
    "column_map, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr std::string_view kSetJob = "UPDATE customer_imports SET job_id = ? WHERE id = ?";
constexpr std::string_view kSetColumns = "UPDATE customer_imports SET column_map = ? WHERE id = ?";
constexpr std::string_view kGet =
    "SELECT i.id, i.job_id, i.created_by, i.filename, i.format, i.path, i.bytes, i.duplicates, "
    "i.dry_run, i.status, i.rows_read, i.created, i.updated, i.skipped, i.failed, i.percent, "
    "i.resume_position, i.last_row, i.column_map, i.error, i.created_at, i.updated_at, "
    "i.finished_at, j.status, j.last_error, i.error_code, i.error_params FROM customer_imports i "
    "LEFT JOIN jobs j ON j.id = i.job_id WHERE i.id = ?";
constexpr std::string_view kSaveProgress =
    "UPDATE customer_imports SET rows_read = ?, created = ?, updated = ?, skipped = ?, failed = ?, "
    "percent = ?, resume_position = ?, last_row = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kSetRunning =
    "UPDATE customer_imports SET status = 'running', updated_at = ? WHERE id = ? AND status = "
    "'queued'";
constexpr std::string_view kFinish =
    "UPDATE customer_imports SET status = ?, error = ?, error_code = ?, error_params = ?, percent "
    "= "
    "CASE WHEN ? = 'done' THEN 100 ELSE percent END, finished_at = ?, updated_at = ? WHERE id = ?";
constexpr std::string_view kInsertErrorsHead =
    "INSERT INTO customer_import_errors (import_id, row_number, kind, field, reason, cells)";
constexpr std::string_view kErrors =
    "SELECT row_number, kind, field, reason, cells FROM customer_import_errors WHERE import_id = ? "
    "ORDER BY row_number";
constexpr std::string_view kUsersNamed =
    "SELECT id, username, display_name, department_id, active FROM users WHERE username = ? "
    "UNION SELECT id, username, display_name, department_id, active FROM users WHERE "
    "display_name = ? ORDER BY 1";
constexpr std::string_view kMaxCustomerId = "SELECT COALESCE(MAX(id), 0) FROM customers";
constexpr std::string_view kNextCustomerIds =
    "SELECT nextval(pg_get_serial_sequence('customers', 'id')) FROM generate_series(1, ?)";
constexpr std::string_view kCustomersHead =
    "INSERT INTO customers (name, category, owner_id, last_owner_id, department_id, industry, "
    "region, source, phone, email, address, tags, custom, last_contact_at, next_contact_at, "
    "phone_norm, email_norm, name_norm, id, search_text, created_by, created_at, updated_at)";
constexpr std::string_view kGramsHead =
    "INSERT INTO customer_search (gram, owner_key, customer_id)";
// SQLite: a new customer's grams cannot conflict, and a statement that cannot abort needs no
// statement journal (search_index.cpp's InsertGrams).
constexpr std::string_view kGramsHeadSqlite =
    "INSERT OR IGNORE INTO customer_search (gram, owner_key, customer_id)";
constexpr std::string_view kOwnershipHead =
    "INSERT INTO ownership_changes (customer_id, kind, from_user_id, to_user_id, by_user_id, "
    "reason, at)";

// "?, ?, ?" for n values.
std::string Placeholders(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
    return out;
}

}  // namespace

Result<std::int64_t> Insert(db::Connection& conn, const NewImport& import, std::int64_t now) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne(kInsert, {import.created_by, import.filename,
                                                    import.format, import.path, import.bytes,
                                                    import.duplicates, std::int64_t{import.dry_run},
                                                    import.column_map.dump(), now, now}));
    return row->Int(0);
}

Status SetJob(db::Connection& conn, std::int64_t import_id, std::int64_t job_id) {
    GX_TRY(conn.Execute(kSetJob, {job_id, import_id}));
    return {};
}

Status SetColumns(db::Connection& conn, std::int64_t import_id, const nlohmann::json& column_map) {
    GX_TRY(conn.Execute(kSetColumns, {column_map.dump(), import_id}));
    return {};
}

Result<std::optional<db::Row>> Get(db::Connection& conn, std::int64_t id) {
    return conn.QueryOne(kGet, {id});
}

nlohmann::json ImportJson(const db::Row& r) {
    std::string status = r.Text(9);
    nlohmann::json error = db::JsonText(r, 19);
    nlohmann::json error_code = db::JsonText(r, 25);
    nlohmann::json error_params =
        error_code.is_null() ? nlohmann::json() : db::JsonDoc(r, 26, nlohmann::json::object());
    // A job that used up its attempts leaves the import unfinished: it failed.
    if ((status == "queued" || status == "running") && r.Text(23) == "dead") {
        status = "failed";
        error = db::JsonText(r, 24);
        error_code = error_params = nullptr;
    }
    const std::int64_t id = r.Int(0);
    const bool has_report = r.Int(13) + r.Int(14) > 0;
    return {{"id", id},
            {"job_id", db::JsonInt(r, 1)},
            {"created_by", r.Int(2)},
            {"filename", r.Text(3)},
            {"format", r.Text(4)},
            {"bytes", r.Int(6)},
            {"duplicates", r.Text(7)},
            {"dry_run", r.Bool(8)},
            {"status", status},
            {"rows_read", r.Int(10)},
            {"created", r.Int(11)},
            {"updated", r.Int(12)},
            {"skipped", r.Int(13)},
            {"failed", r.Int(14)},
            {"percent", r.Int(15)},
            {"columns", db::JsonDoc(r, 18, nlohmann::json::object())},
            {"error", error},
            {"error_code", error_code},
            {"error_params", error_params},
            {"error_report", has_report ? nlohmann::json("/api/v1/customers/imports/" +
                                                         std::to_string(id) + "/errors")
                                        : nlohmann::json()},
            {"created_at", FormatRfc3339(r.Int(20))},
            {"updated_at", FormatRfc3339(r.Int(21))},
            {"finished_at", db::JsonTime(r, 22)}};
}

Progress ProgressFromRow(const db::Row& r) {
    return Progress{r.Int(10), r.Int(11), r.Int(12), r.Int(13),
                    r.Int(14), r.Int(15), r.Int(16), r.Int(17)};
}

Status SaveProgress(db::Connection& conn, std::int64_t id, const Progress& p, std::int64_t now) {
    GX_TRY(conn.Execute(kSaveProgress, {p.rows_read, p.created, p.updated, p.skipped, p.failed,
                                        p.percent, p.resume_position, p.last_row, now, id}));
    return {};
}

Status SetRunning(db::Connection& conn, std::int64_t id, std::int64_t now) {
    GX_TRY(conn.Execute(kSetRunning, {now, id}));
    return {};
}

Status Finish(db::Connection& conn, std::int64_t id, std::string_view status,
              const std::optional<std::string>& error, const nlohmann::json& reason,
              std::int64_t now) {
    std::optional<std::string> code, params;
    if (reason.is_object() && reason.contains("code")) {
        code = reason["code"].get<std::string>();
        params = reason.value("params", nlohmann::json::object()).dump();
    }
    GX_TRY(conn.Execute(kFinish, {std::string(status), db::Nullable(error), db::Nullable(code),
                                  db::Nullable(params), std::string(status), now, now, id}));
    return {};
}

Status InsertErrors(db::Connection& conn, std::int64_t import_id,
                    const std::vector<RowError>& errors) {
    db::BulkInsert out(conn, std::string(kInsertErrorsHead), 6, 500);
    for (const auto& e : errors) {
        GX_TRY(out.Row(import_id, e.row_number, e.kind,
                       e.field.empty() ? db::Value(nullptr) : db::Value(e.field), e.reason,
                       nlohmann::json(e.cells).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)));
    }
    return out.Flush();
}

Status ForEachError(db::Connection& conn, std::int64_t import_id, const db::RowCallback& callback) {
    return conn.ForEach(kErrors, {import_id}, callback);
}

Result<db::Rows> CustomersByKeys(db::Connection& conn, const std::vector<std::string>& keys) {
    if (keys.empty()) return db::Rows{};
    // +c.deleted_at: see customer_store.cpp's duplicate lookups.
    const std::string in = "(" + Placeholders(keys.size()) + ")";
    const std::string sql =
        "SELECT c.phone_norm, c.id, c.owner_id FROM customers c WHERE +c.deleted_at IS NULL AND "
        "c.phone_norm IN " +
        in +
        " UNION ALL SELECT c.email_norm, c.id, c.owner_id FROM customers c WHERE +c.deleted_at IS "
        "NULL AND c.email_norm IN " +
        in +
        " UNION ALL SELECT k.phone_norm, c.id, c.owner_id FROM contacts k JOIN customers c ON c.id "
        "= k.customer_id WHERE k.deleted_at IS NULL AND +c.deleted_at IS NULL AND k.phone_norm "
        "IN " +
        in +
        " UNION ALL SELECT k.email_norm, c.id, c.owner_id FROM contacts k JOIN customers c ON c.id "
        "= k.customer_id WHERE k.deleted_at IS NULL AND +c.deleted_at IS NULL AND k.email_norm "
        "IN " +
        in;
    db::Params params;
    params.reserve(keys.size() * 4);
    for (int i = 0; i < 4; ++i) {
        for (const auto& k : keys) params.emplace_back(k);
    }
    return conn.Query(sql, params);
}

Status LockKeys(db::Connection& conn, const std::vector<std::string>& keys) {
    if (conn.backend() != db::Backend::kPostgres || keys.empty()) return {};
    std::string values;
    db::Params params;
    for (const auto& k : keys) {
        values += values.empty() ? "(?)" : ", (?)";
        params.emplace_back(k);
    }
    GX_TRY(conn.Query("SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM (VALUES " +
                          values + ") AS v(k) ORDER BY k) AS sorted",
                      params));
    return {};
}

Result<db::Rows> UsersNamed(db::Connection& conn, std::string_view name) {
    return conn.Query(kUsersNamed, {std::string(name), std::string(name)});
}

Result<std::vector<std::int64_t>> ReserveCustomerIds(db::Connection& conn, std::int64_t n) {
    std::vector<std::int64_t> ids;
    if (n <= 0) return ids;
    ids.reserve(static_cast<size_t>(n));
    if (conn.backend() == db::Backend::kPostgres) {
        GX_TRY_ASSIGN(db::Rows rows, conn.Query(kNextCustomerIds, {n}));
        for (const auto& r : rows) ids.push_back(r.Int(0));
    } else {
        GX_TRY_ASSIGN(auto max, conn.QueryOne(kMaxCustomerId));
        for (std::int64_t i = 1; i <= n; ++i) ids.push_back(max->Int(0) + i);
    }
    return ids;
}

struct CustomerBulkWriter::Impl {
    explicit Impl(db::Connection& conn)
        : customers(conn, std::string(kCustomersHead), 23, 100),
          grams(conn,
                std::string(conn.backend() == db::Backend::kSqlite ? kGramsHeadSqlite : kGramsHead),
                3, 3000, &customers),
          ownership(conn, std::string(kOwnershipHead), 7, 500, &customers) {}
    db::BulkInsert customers;
    db::BulkInsert grams;
    db::BulkInsert ownership;
};

CustomerBulkWriter::CustomerBulkWriter(db::Connection& conn)
    : impl_(std::make_unique<Impl>(conn)) {}

CustomerBulkWriter::~CustomerBulkWriter() = default;

Status CustomerBulkWriter::Add(std::int64_t id, db::Params record_params,
                               const std::string& search_text,
                               const std::vector<std::string>& grams,
                               std::optional<std::int64_t> owner_id, std::int64_t created_by,
                               std::int64_t now) {
    record_params.emplace_back(id);
    record_params.emplace_back(search_text);
    record_params.emplace_back(created_by);
    record_params.emplace_back(now);
    record_params.emplace_back(now);
    GX_TRY(impl_->customers.Append(std::move(record_params)));
    // The bigram index is keyed by owner (0 for the public pool), as search::Reindex writes it.
    const std::int64_t owner_key = owner_id.value_or(0);
    for (const auto& g : grams) GX_TRY(impl_->grams.Row(g, owner_key, id));
    return impl_->ownership.Row(id, std::string("create"), nullptr, db::Nullable(owner_id),
                                created_by, nullptr, now);
}

Status CustomerBulkWriter::Flush() {
    GX_TRY(impl_->customers.Flush());
    GX_TRY(impl_->grams.Flush());
    return impl_->ownership.Flush();
}

}  // namespace guanxi::customers::import_store
