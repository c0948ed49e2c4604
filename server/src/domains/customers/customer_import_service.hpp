#pragma once
// Customer import (POST /api/v1/customers/import). An uploaded CSV or XLSX file is kept under the
// upload folder and handed to the job "customer.import", which runs in the background. A CSV
// header is checked at upload (it must name the columns); an XLSX file is only checked to be a zip,
// since a few MB of it may decompress to gigabytes: its header is read, and the reader's limits
// (io/xlsx_reader.hpp) applied, by the job, which fails the import with the reason. The job:
//   - it reads the file row by row and never holds it whole;
//   - each row is validated as POST /customers validates a body (ApplyCustomerBody); bad rows go to
//     the error report and never stop the import;
//   - good rows are inserted in batches, each one piece of the group commit (db::GroupCommit), with
//     the search index, the owner history and the import's progress (where the reader resumes) in
//     the same transaction;
//   - duplicates by normalised phone or e-mail, against the database and earlier rows of the file,
//     are skipped, created anyway or update the customer, as the upload asked;
//   - a job that crashes is run again by the job runner and resumes after the last committed
//     batch: no row is lost or imported twice. Each batch renews the job's lease in its
//     transaction, so a worker that lost its lease cannot commit.
// The owner defaults to the uploader; an `owner` column (username or display name) assigns others,
// which needs customers.transfer like the API.

#include "core/principal.hpp"
#include "db/database.hpp"
#include "db/group_commit.hpp"
#include "domains/accounts/account_service.hpp"
#include "domains/custom_fields/custom_field.hpp"
#include "jobs/job_store.hpp"

#include <nlohmann/json.hpp>

#include <functional>

namespace guanxi::customers {

struct ImportSettings {
    std::string upload_dir;                   // where accepted files wait for their job
    std::uint64_t max_bytes = 512ull << 20;   // larger uploads are refused with 413
    std::int64_t batch_rows = 1000;           // rows per transaction
    std::int64_t max_reported_rows = 100000;  // error-report rows kept per import
};

// An uploaded file: in memory, or in a file the HTTP server streamed it to.
struct Upload {
    std::string content_type;
    std::string body;
    std::string body_file;  // moved under the upload folder when the import is accepted
};

// A stored reason of the error report in English or Chinese (a field's label, then its message;
// "; " between fields). Text stored before reasons had codes is returned as it is.
std::string ImportReasonText(const std::string& stored, bool english);
// The codes of the import's own reasons (besides the field messages), for the tests.
std::vector<std::string_view> ImportReasonCodes();

class CustomerImportService {
  public:
    static constexpr std::string_view kJobName = "customer.import";

    CustomerImportService(db::Database& db, db::GroupCommit& writes, jobs::JobStore& jobs,
                          accounts::AccountService& accounts, ImportSettings settings);

    // Needs customers.create and customers.import. Query: duplicates=skip|create|update (default
    // skip), dry_run=true|false (validate and count only), format=csv|xlsx (default: from the
    // content type, else the file's first bytes), filename (shown in the UI). 400 for other
    // parameters, 413 above max_bytes, 422 for an empty file, a CSV header without a name column,
    // or an XLSX file that is not a zip. Never decompresses. Answers
    // {"import": ..., "job": {"id", "name", "status"}}.
    Result<nlohmann::json> Start(const Principal& caller, Upload upload,
                                 const std::vector<std::pair<std::string, std::string>>& query);
    // The uploader's imports, and everyone's for users.manage; 404 otherwise.
    Result<nlohmann::json> Get(const Principal& caller, std::int64_t id);
    // The rows not imported, as CSV: row, status (failed | skipped), field, reason, then the row's
    // own cells under the file's header — so a fixed report can be imported again. Its own
    // columns' names, the status and the reasons are written in English, else in Chinese; the
    // field column is the field's key.
    Result<std::string> ErrorReport(const Principal& caller, std::int64_t id, bool english);

    // The job handler: runs or resumes the import named by payload.import_id.
    Result<nlohmann::json> Run(const jobs::Job& job);

    // Tests: called before each batch commits (1, 2, ...); an error aborts the batch as a crash
    // would.
    void SetBeforeCommit(std::function<Status(std::int64_t batch)> hook) {
        before_commit_ = std::move(hook);
    }
    ImportSettings& settings() { return settings_; }
    // The custom fields whose columns are imported (by key or label) and checked as the API does.
    void UseCustomFields(const custom_fields::Catalog* catalog) { custom_ = catalog; }

  private:
    class Importer;
    db::Database& db_;
    db::GroupCommit& writes_;  // every batch is a piece of it
    jobs::JobStore& jobs_;
    accounts::AccountService& accounts_;
    ImportSettings settings_;
    std::function<Status(std::int64_t)> before_commit_;
    const custom_fields::Catalog* custom_ = nullptr;
};

}  // namespace guanxi::customers
