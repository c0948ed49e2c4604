#pragma once
// All SQL of customer imports: the import rows, their error rows, and the bulk steps of a batch.
// Functions run inside the caller's transaction and never check permissions.

#include "db/database.hpp"

#include <nlohmann/json.hpp>

namespace guanxi::customers::import_store {

struct NewImport {
    std::int64_t created_by = 0;
    std::string filename;
    std::string format;  // csv | xlsx
    std::string path;
    std::int64_t bytes = 0;
    std::string duplicates;  // skip | create | update
    bool dry_run = false;
    nlohmann::json column_map;
};
Result<std::int64_t> Insert(db::Connection& conn, const NewImport& import, std::int64_t now);
Status SetJob(db::Connection& conn, std::int64_t import_id, std::int64_t job_id);
// The header as the job read it (an XLSX header is not read at upload).
Status SetColumns(db::Connection& conn, std::int64_t import_id, const nlohmann::json& column_map);

// An import row with its job's status and last error (the columns ImportJson reads).
Result<std::optional<db::Row>> Get(db::Connection& conn, std::int64_t id);
nlohmann::json ImportJson(const db::Row& row);
// Positions in Get's row the service reads.
inline constexpr size_t kColCreatedBy = 2;
inline constexpr size_t kColFormat = 4;
inline constexpr size_t kColPath = 5;
inline constexpr size_t kColDuplicates = 7;
inline constexpr size_t kColDryRun = 8;
inline constexpr size_t kColStatus = 9;
inline constexpr size_t kColResumePosition = 16;
inline constexpr size_t kColLastRow = 17;

// The counters a committed batch leaves behind; the reader resumes at resume_position.
struct Progress {
    std::int64_t rows_read = 0, created = 0, updated = 0, skipped = 0, failed = 0;
    std::int64_t percent = 0;
    std::int64_t resume_position = 0, last_row = 0;
};
Progress ProgressFromRow(const db::Row& row);
Status SaveProgress(db::Connection& conn, std::int64_t id, const Progress& progress,
                    std::int64_t now);
Status SetRunning(db::Connection& conn, std::int64_t id, std::int64_t now);
// Ends the import: status done or failed, with a message for failed and, when the failure has
// one, its field message's key and parameters (`reason`: {"code", "params"}, else null).
Status Finish(db::Connection& conn, std::int64_t id, std::string_view status,
              const std::optional<std::string>& error, const nlohmann::json& reason,
              std::int64_t now);

// A row that was not imported.
struct RowError {
    std::int64_t row_number = 0;
    std::string kind;  // failed | skipped
    std::string field;
    std::string reason;
    std::vector<std::string> cells;
};
Status InsertErrors(db::Connection& conn, std::int64_t import_id,
                    const std::vector<RowError>& errors);
// Streams the error rows in row order: row_number, kind, field, reason, cells (a JSON array).
Status ForEachError(db::Connection& conn, std::int64_t import_id, const db::RowCallback& callback);

// Live customers whose own or whose contacts' normalised phone or e-mail is one of `keys`
// (phones and e-mails together; they never collide): rows of key, customer id, owner_id.
Result<db::Rows> CustomersByKeys(db::Connection& conn, const std::vector<std::string>& keys);
// PostgreSQL: takes the advisory locks the API's create takes for these keys, in a fixed order.
Status LockKeys(db::Connection& conn, const std::vector<std::string>& keys);

// Users by username or, failing that, display name: id, username, display_name, department_id,
// active.
Result<db::Rows> UsersNamed(db::Connection& conn, std::string_view name);

// `n` new customer ids (taken from the sequence on PostgreSQL; above the largest id on SQLite,
// whose write transaction the caller holds).
Result<std::vector<std::int64_t>> ReserveCustomerIds(db::Connection& conn, std::int64_t n);

// The bulk writers of one batch: customers with their search_text, bigram rows, and the "create"
// entries of the ownership history. Flush() before committing.
class CustomerBulkWriter {
  public:
    explicit CustomerBulkWriter(db::Connection& conn);
    ~CustomerBulkWriter();
    // `record_params` from store::RecordParams.
    Status Add(std::int64_t id, db::Params record_params, const std::string& search_text,
               const std::vector<std::string>& grams, std::optional<std::int64_t> owner_id,
               std::int64_t created_by, std::int64_t now);
    Status Flush();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace guanxi::customers::import_store
