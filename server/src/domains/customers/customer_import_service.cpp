#include "domains/customers/customer_import_service.hpp"

#include "core/log.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "db/row_json.hpp"
#include "domains/access/access_gate.hpp"
#include "domains/audit/audit_service.hpp"
#include "domains/customers/customer.hpp"
#include "domains/customers/customer_export.hpp"
#include "domains/customers/customer_import.hpp"
#include "domains/customers/customer_import_store.hpp"
#include "domains/customers/customer_service.hpp"
#include "domains/customers/customer_store.hpp"
#include "domains/customers/search_document.hpp"
#include "domains/customers/search_index.hpp"
#include "http/router.hpp"
#include "io/encoding.hpp"
#include "io/xlsx_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

namespace guanxi::customers {

namespace {

namespace fs = std::filesystem;
using access::Gate;
using nlohmann::json;

Error BadParam(const std::string& name, const std::string& message) {
    return Error{ErrorCode::kBadRequest, message, {{"parameter", name}}, {}};
}

// A file error (unreadable, no header, ...) in the form the upload answers with: `message` for
// the log and the import's record, the field message `key` for the person (details.field_codes).
Error FileError(std::string message, std::string_view key) {
    Error e{ErrorCode::kValidationFailed, std::move(message), json::object(), {}};
    return e.FieldCode("file", key);
}

Result<std::unique_ptr<io::TableReader>> OpenTable(const std::string& format,
                                                   const std::string& path) {
    return format == "xlsx" ? io::OpenXlsx(path) : io::OpenCsv(path);
}

// A batch is closed early once its rows hold this much text, so that a file of long rows cannot
// make the importer hold a thousand of them at once.
constexpr std::uint64_t kMaxBatchBytes = 16ull << 20;

// Reads the header row and maps it.
// `custom`: the customers' custom fields, whose columns are mapped too.
Result<ColumnMap> ReadHeader(io::TableReader& reader, std::vector<std::string>& header,
                             const custom_fields::Catalog* custom) {
    GX_TRY_ASSIGN(bool any, reader.Next(header));
    if (!any) return FileError("The file is empty.", "empty_file");
    if (custom == nullptr) return MapColumns(header);
    return MapColumns(header, custom->Current()->Of("customers"));
}

// The import's "columns": the map and the header as the file has it.
json ColumnsJson(const ColumnMap& columns, const std::vector<std::string>& header) {
    json out = columns.ToJson();
    out["header"] = json::array();
    for (const auto& h : header)
        out["header"].push_back(text::IsValidUtf8(h) ? h : std::string("?"));
    return out;
}

// A failed import's message: the error's, with what it says of the file ("has no name column"),
// and the key that says it in the reader's language ({"code", "params"}; null when it has none).
std::pair<std::string, json> FailureText(const Error& error) {
    json reason;
    const json* codes =
        error.details.contains("field_codes") ? &error.details["field_codes"] : nullptr;
    if (codes != nullptr && codes->contains("file") && (*codes)["file"].contains("code")) {
        reason = {{"code", (*codes)["file"]["code"]},
                  {"params", (*codes)["file"].value("params", json::object())}};
    }
    const json* fields = error.details.contains("fields") ? &error.details["fields"] : nullptr;
    if (fields == nullptr || !fields->contains("file") || !(*fields)["file"].is_string() ||
        (*fields)["file"] == error.message) {
        return {error.message, reason};
    }
    std::string message = error.message;
    if (!message.empty() && message.back() == '.') message.pop_back();
    return {message + ": the file " + (*fields)["file"].get<std::string>() + ".", reason};
}

bool LooksLikeZip(std::string_view first_bytes) { return first_bytes.rfind("PK\x03\x04", 0) == 0; }

std::string FirstBytes(const Upload& upload) {
    if (upload.body_file.empty()) return upload.body.substr(0, 4);
    std::ifstream in(upload.body_file, std::ios::binary);
    char bytes[4] = {};
    in.read(bytes, sizeof bytes);
    return std::string(bytes, static_cast<size_t>(in.gcount()));
}

// A row's reason as stored: a JSON array of complaints, each {"field" (if one is named), "code",
// "params"}, written out in the reader's language when the report is downloaded (ReasonText).
// The code is a field message's key (core/error.hpp), one of kImportReasons, or "text" (a
// message without a key, params.text, shown as it is).
json Part(std::string field, std::string_view code, json params = json::object()) {
    json part = {{"code", code}, {"params", std::move(params)}};
    if (!field.empty()) part["field"] = std::move(field);
    return part;
}

// The complaints of a refused row (a 422 names each field) and the first field named.
std::pair<std::string, json> Complaint(const Error& error) {
    std::string field;
    json parts = json::array();
    const json* codes =
        error.details.contains("field_codes") ? &error.details["field_codes"] : nullptr;
    if (error.details.contains("fields") && error.details["fields"].is_object()) {
        for (const auto& [key, value] : error.details["fields"].items()) {
            if (field.empty()) field = key;
            if (codes != nullptr && codes->contains(key)) {
                parts.push_back(Part(key, (*codes)[key].value("code", ""),
                                     (*codes)[key].value("params", json::object())));
            } else {
                const std::string text =
                    value.is_string() ? value.get<std::string>() : value.dump();
                parts.push_back(Part(key, "text", {{"text", text}}));
            }
        }
    }
    if (parts.empty()) parts.push_back(Part("", "text", {{"text", error.message}}));
    return {field, parts};
}

// The import's own reasons, in both languages. {what}: "phone" or "email", written as the
// field's label.
struct ImportReason {
    std::string_view code, en, zh_cn;
};
constexpr ImportReason kImportReasons[] = {
    {"owner_not_found", "no user is named {name}", "没有名为 {name} 的用户"},
    {"owner_ambiguous", "several users are named {name}", "有多位用户名为 {name}"},
    {"owner_deactivated", "the user {name} is deactivated", "用户 {name} 已停用"},
    {"duplicate_of_row", "duplicate (same {what}) of row {row}", "与第 {row} 行重复（{what}相同）"},
    {"duplicate_of_customer", "duplicate (same {what}) of customer #{id}",
     "与客户 #{id} 重复（{what}相同）"},
    {"duplicate_of_hidden", "duplicate (same {what}) of an existing customer you cannot see",
     "与一位您无权查看的已有客户重复（{what}相同）"},
    {"duplicate_not_editable", "duplicate (same {what}) of a customer you may not edit",
     "与一位您无权修改的客户重复（{what}相同）"},
    {"matches_several", "matches several customers{ids}; cannot tell which to update",
     "与多位客户匹配{ids}，无法确定应更新哪一位"},
    {"transfer_to_change_owner",
     "you need the permission customers.transfer to change a customer's owner",
     "需要“转移客户”权限才能更改客户的负责人"},
    {"transfer_to_import_for_others",
     "you need the permission customers.transfer to import customers for others",
     "需要“转移客户”权限才能为他人导入客户"},
};

}  // namespace

std::string ImportReasonText(const std::string& stored, bool english) {
    const json parts = json::parse(stored, nullptr, false);
    if (!parts.is_array()) return stored;  // an import stored before reasons had codes
    std::string out;
    for (const json& part : parts) {
        const std::string code = part.value("code", "");
        json params = part.value("params", json::object());
        std::string text;
        if (code == "text") {
            text = params.value("text", "");
        } else if (auto reason =
                       std::find_if(std::begin(kImportReasons), std::end(kImportReasons),
                                    [&](const ImportReason& r) { return r.code == code; });
                   reason != std::end(kImportReasons)) {
            if (params.contains("what"))
                params["what"] = CustomerFieldLabel(params.value("what", ""), english);
            text = FillPlaceholders(english ? reason->en : reason->zh_cn, params);
        } else {
            text = FieldMessageText(code, params, english ? "en" : "zh-CN");
        }
        if (!out.empty()) out += english ? "; " : "；";
        if (part.contains("field")) {
            out += CustomerFieldLabel(part.value("field", ""), english) + (english ? ": " : "：");
        }
        out += text;
    }
    return out;
}

std::vector<std::string_view> ImportReasonCodes() {
    std::vector<std::string_view> codes;
    for (const ImportReason& r : kImportReasons) codes.push_back(r.code);
    return codes;
}

namespace {

struct OwnerInfo {
    std::int64_t id = 0;
    std::optional<std::int64_t> department_id;
    json problem;  // why the cell names no usable owner (a Part), null if it does
};

// One row on its way into a batch.
struct PendingRow {
    std::int64_t number = 0;
    std::vector<std::string> cells;
    json body;
    std::optional<std::string> owner;
    std::optional<Error> invalid;  // refused before any lookup
    store::CustomerRecord record;  // as created (valid when create_error is empty)
    std::optional<Error> create_error;
    std::string phone_key, email_key;
};

}  // namespace

// One run of the job for one import: the reader, the uploader and the counters, batch by batch.
class CustomerImportService::Importer {
  public:
    Importer(CustomerImportService& service, const jobs::Job& job, std::int64_t import_id)
        : s_(service), job_(job), import_id_(import_id) {}

    Result<json> Execute() {
        {
            GX_TRY_ASSIGN(db::Lease conn, s_.db_.Acquire());
            GX_TRY_ASSIGN(auto row, import_store::Get(*conn, import_id_));
            if (!row) return json{{"error", "no such import"}};
            const std::string status = row->Text(import_store::kColStatus);
            if (status == "done" || status == "failed") return import_store::ImportJson(*row);
            uploader_id_ = row->Int(import_store::kColCreatedBy);
            format_ = row->Text(import_store::kColFormat);
            path_ = row->Text(import_store::kColPath);
            mode_ = ParseDuplicateMode(row->Text(import_store::kColDuplicates))
                        .value_or(DuplicateMode::kSkip);
            dry_run_ = row->Bool(import_store::kColDryRun);
            progress_ = import_store::ProgressFromRow(*row);
        }
        GX_TRY(s_.writes_.Transact([&](db::Connection& conn) {
            return import_store::SetRunning(conn, import_id_, NowSeconds());
        }));
        GX_TRY_ASSIGN(auto principal, s_.accounts_.ActingAs(uploader_id_));
        if (!principal) {
            return Fail(io::Unreadable("The user who uploaded the file is deactivated.",
                                       "uploader_inactive"));
        }
        caller_ = std::move(*principal);
        // The file is opened (and an XLSX file decompressed) here only, off the HTTP threads: a
        // file past the reader's limits fails the import with the limit named.
        auto reader = OpenTable(format_, path_);
        if (!reader) return Fail(reader.error());
        reader_ = std::move(*reader);
        auto columns = ReadHeader(*reader_, header_, s_.custom_);
        if (!columns) return Fail(columns.error());
        columns_ = std::move(*columns);
        if (progress_.resume_position == 0) {
            // The upload did not read an XLSX file's header: the import shows it from now on.
            GX_TRY(s_.writes_.Transact([&](db::Connection& conn) {
                return import_store::SetColumns(conn, import_id_, ColumnsJson(columns_, header_));
            }));
        }
        if (progress_.resume_position > 0) {
            GX_TRY(reader_->Resume(progress_.resume_position, progress_.last_row));
            log::Info("import_resumed",
                      {{"import_id", import_id_}, {"after_row", progress_.last_row}});
        }

        std::int64_t batch_number = 0;
        while (true) {
            if (batch_number > 0 && job_.stop_requested && job_.stop_requested()) {
                // The server is stopping: what is committed stays; the job is handed back and
                // resumes here on whichever server takes it next.
                return Error{ErrorCode::kUnavailable,
                             "The server is stopping; the import continues after row " +
                                 std::to_string(progress_.last_row) + ".",
                             {},
                             {}};
            }
            std::vector<PendingRow> rows;
            std::optional<Error> read_error;
            bool ended = false;
            std::uint64_t batch_bytes = 0;
            while (static_cast<std::int64_t>(rows.size()) < s_.settings_.batch_rows &&
                   batch_bytes < kMaxBatchBytes) {
                std::vector<std::string> cells;
                auto more = reader_->Next(cells);
                if (!more) {
                    read_error = more.error();
                    break;
                }
                if (!*more) {
                    ended = true;
                    break;
                }
                for (const auto& cell : cells) batch_bytes += cell.size();
                rows.push_back(Prepare(std::move(cells)));
            }
            if (!rows.empty()) GX_TRY(CommitBatch(rows, ++batch_number));
            if (read_error) return Fail(*read_error);
            if (ended) break;
        }
        return Finish("done", std::nullopt, nullptr);
    }

    // Ends the import as failed (a file that cannot be read on, an uploader who left): the job
    // itself is done — running it again would not help.
    Result<json> Fail(const Error& error) {
        auto [message, reason] = FailureText(error);
        return Finish("failed", message, reason);
    }

  private:
    PendingRow Prepare(std::vector<std::string> cells) {
        PendingRow row;
        row.number = reader_->row_number();
        RowBody converted = RowToBody(columns_, cells);
        row.cells = std::move(cells);
        if (converted.bad_field) {
            row.invalid = Error::ValidationCode(*converted.bad_field, "not_utf8_cell");
            return row;
        }
        row.body = std::move(converted.body);
        row.owner = std::move(converted.owner);
        if (mode_ == DuplicateMode::kUpdate) {
            // A row may update an existing customer with some cells only; whether it must be
            // complete as a new customer is known after the lookup.
            store::CustomerRecord partial;
            if (Status s = ApplyCustomerBody(partial, row.body, false, {}, s_.custom_); !s) {
                row.invalid = std::move(s).error();
                return row;
            }
        }
        if (Status s = ApplyCustomerBody(row.record, row.body, true, {}, s_.custom_); !s) {
            row.create_error = std::move(s).error();
            if (mode_ != DuplicateMode::kUpdate) {
                row.invalid = std::move(row.create_error);
                return row;
            }
        }
        const std::string phone = row.body.value("phone", std::string());
        const std::string email = row.body.value("email", std::string());
        row.phone_key = text::NormalizePhone(phone);
        row.email_key = text::NormalizeEmail(email);
        return row;
    }

    // The user an owner cell names (cached for the run).
    Result<OwnerInfo> ResolveOwner(db::Connection& conn, const std::string& name) {
        auto it = owners_.find(name);
        if (it != owners_.end()) return it->second;
        GX_TRY_ASSIGN(db::Rows users, import_store::UsersNamed(conn, name));
        OwnerInfo info;
        std::vector<const db::Row*> active;
        const db::Row* by_username = nullptr;
        for (const auto& u : users) {
            if (u.Text(1) == name) by_username = &u;
            if (u.Bool(4)) active.push_back(&u);
        }
        const db::Row* chosen = by_username != nullptr ? by_username
                                : active.size() == 1   ? active.front()
                                                       : nullptr;
        if (chosen == nullptr) {
            info.problem = Part("owner", users.empty() ? "owner_not_found" : "owner_ambiguous",
                                {{"name", name}});
        } else if (!chosen->Bool(4)) {
            info.problem = Part("owner", "owner_deactivated", {{"name", name}});
        } else {
            info.id = chosen->Int(0);
            info.department_id = chosen->OptInt(3);
        }
        owners_.emplace(name, info);
        return info;
    }

    void Reject(std::vector<import_store::RowError>& errors, PendingRow& row, std::string_view kind,
                std::string field, const json& reason) {
        if (kind == "failed") {
            ++batch_.failed;
        } else {
            ++batch_.skipped;
        }
        if (reported_ + static_cast<std::int64_t>(errors.size()) >=
            s_.settings_.max_reported_rows) {
            return;
        }
        // The cells are copied: the batch's piece may run again.
        errors.push_back(
            {row.number, std::string(kind), std::move(field), reason.dump(), row.cells});
    }

    void RejectInvalid(std::vector<import_store::RowError>& errors, PendingRow& row,
                       const Error& error) {
        auto [field, reason] = Complaint(error);
        Reject(errors, row, "failed", std::move(field), std::move(reason));
    }

    struct Target {  // an existing customer the batch updates
        store::CustomerRecord record;
        store::CustomerRecord before;
        std::int64_t version = 0;
    };

    Status CommitBatch(std::vector<PendingRow>& rows, std::int64_t batch_number) {
        batch_ = import_store::Progress{};
        const std::int64_t now = NowSeconds();
        std::vector<import_store::RowError> errors;
        // A test's simulated crash stays a crash if the group commit runs the piece again.
        std::optional<Error> crashed;
        import_store::Progress next;
        // The rows' records as prepared: a later row of the batch may amend an earlier one's.
        std::vector<store::CustomerRecord> prepared;
        prepared.reserve(rows.size());
        for (const auto& row : rows) prepared.push_back(row.record);
        // A piece of the group commit (docs/adr/0006-record-kit.md, "The write path as built"):
        // the batch commits with whatever other writes are queued, and this returns only once it
        // is on disk. The piece may run twice, so it starts afresh each time (the rows' records
        // as prepared) and leaves its results in `errors`, `batch_` and `next`.
        GX_TRY(s_.writes_.Transact([&](db::Connection& conn) -> Status {
            if (crashed) return *crashed;
            for (size_t i = 0; i < rows.size(); ++i) rows[i].record = prepared[i];
            errors.clear();
            batch_ = import_store::Progress{};
            GX_TRY_ASSIGN(bool leased, jobs::JobStore::Renew(conn, job_));
            if (!leased) {
                return Error{ErrorCode::kConflict, "The import's job lease was lost.", {}, {}};
            }
            GX_TRY_ASSIGN(Gate gate, Gate::For(conn, caller_));

            // Existing customers sharing a phone or e-mail with a row of the batch.
            std::vector<std::string> keys;
            if (mode_ != DuplicateMode::kCreate) {
                for (const auto& r : rows) {
                    if (r.invalid) continue;
                    for (const auto* k : {&r.phone_key, &r.email_key}) {
                        if (!k->empty()) keys.push_back(*k);
                    }
                }
                std::sort(keys.begin(), keys.end());
                keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
                if (!dry_run_) GX_TRY(import_store::LockKeys(conn, keys));
            }
            std::unordered_map<std::string,
                               std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>>>
                existing;
            for (size_t start = 0; start < keys.size(); start += 1000) {
                const std::vector<std::string> chunk(
                    keys.begin() + static_cast<std::ptrdiff_t>(start),
                    keys.begin() +
                        static_cast<std::ptrdiff_t>(std::min(keys.size(), start + 1000)));
                GX_TRY_ASSIGN(db::Rows found, import_store::CustomersByKeys(conn, chunk));
                for (const auto& f : found) existing[f.Text(0)].emplace_back(f.Int(1), f.OptInt(2));
            }

            std::vector<size_t> inserts;                         // indexes into rows
            std::unordered_map<std::string, size_t> batch_keys;  // key → index into rows
            std::map<std::int64_t, Target> targets;
            for (size_t i = 0; i < rows.size(); ++i) {
                PendingRow& row = rows[i];
                if (row.invalid) {
                    RejectInvalid(errors, row, *row.invalid);
                    continue;
                }
                // The owner: the uploader unless the row names another.
                OwnerInfo owner{caller_.user_id, caller_.department_id, {}};
                if (row.owner) {
                    GX_TRY_ASSIGN(owner, ResolveOwner(conn, *row.owner));
                    if (!owner.problem.is_null()) {
                        Reject(errors, row, "failed", "owner", json::array({owner.problem}));
                        continue;
                    }
                }
                const bool owner_named = row.owner.has_value();
                // Duplicates: an earlier row of this batch, of an earlier batch in a dry run
                // (a real run finds those in the database), or an existing customer.
                std::optional<size_t> same_row;
                std::optional<std::int64_t> same_row_number;
                std::vector<std::pair<std::int64_t, std::optional<std::int64_t>>> matches;
                std::string reason_key;
                for (const auto* k : {&row.phone_key, &row.email_key}) {
                    if (mode_ == DuplicateMode::kCreate || k->empty()) continue;
                    const char* what = k == &row.phone_key ? "phone" : "email";
                    if (auto b = batch_keys.find(*k); b != batch_keys.end() && !same_row) {
                        same_row = b->second;
                        reason_key = what;
                    }
                    if (auto d = dry_seen_.find(*k); d != dry_seen_.end() && !same_row_number) {
                        same_row_number = d->second;
                        if (reason_key.empty()) reason_key = what;
                    }
                    if (auto e = existing.find(*k); e != existing.end()) {
                        for (const auto& m : e->second) {
                            if (std::find(matches.begin(), matches.end(), m) == matches.end())
                                matches.push_back(m);
                        }
                        if (reason_key.empty()) reason_key = what;
                    }
                }
                if (mode_ == DuplicateMode::kSkip &&
                    (same_row || same_row_number || !matches.empty())) {
                    json of;
                    if (same_row || same_row_number) {
                        of = Part("", "duplicate_of_row",
                                  {{"what", reason_key},
                                   {"row", same_row ? rows[*same_row].number : *same_row_number}});
                    } else if (gate.SeesCustomer(matches.front().second)) {
                        of = Part("", "duplicate_of_customer",
                                  {{"what", reason_key}, {"id", matches.front().first}});
                    } else {
                        of = Part("", "duplicate_of_hidden", {{"what", reason_key}});
                    }
                    Reject(errors, row, "skipped", reason_key, json::array({of}));
                    continue;
                }
                if (mode_ == DuplicateMode::kUpdate && same_row) {
                    // A later row for a customer this batch creates: it amends that row.
                    PendingRow& first = rows[*same_row];
                    if (Status s = ApplyCustomerBody(first.record, row.body, false, {}, s_.custom_);
                        !s) {
                        RejectInvalid(errors, row, s.error());
                        continue;
                    }
                    if (owner_named) {
                        first.record.owner_id = owner.id;
                        first.record.department_id = owner.department_id;
                    }
                    ++batch_.updated;
                    continue;
                }
                if (mode_ == DuplicateMode::kUpdate && same_row_number && matches.empty()) {
                    ++batch_.updated;  // a dry run: the earlier row would have created it
                    continue;
                }
                if (mode_ == DuplicateMode::kUpdate && !matches.empty()) {
                    if (matches.size() > 1) {
                        std::string ids;
                        for (const auto& m : matches) {
                            if (gate.SeesCustomer(m.second))
                                ids += (ids.empty() ? " #" : ", #") + std::to_string(m.first);
                        }
                        Reject(errors, row, "failed", reason_key,
                               json::array({Part("", "matches_several", {{"ids", ids}})}));
                        continue;
                    }
                    const auto [id, current_owner] = matches.front();
                    if (!gate.SeesCustomer(current_owner) || !caller_.Can("customers.edit")) {
                        Reject(errors, row, "failed", reason_key,
                               json::array(
                                   {Part("", "duplicate_not_editable", {{"what", reason_key}})}));
                        continue;
                    }
                    auto target = targets.find(id);
                    if (target == targets.end()) {
                        GX_TRY_ASSIGN(auto current, store::Get(conn, id));
                        Target t;
                        t.record = store::RecordFromRow(*current);
                        t.before = t.record;
                        t.version = current->Int(kColVersion);
                        target = targets.emplace(id, std::move(t)).first;
                    }
                    store::CustomerRecord changed = target->second.record;
                    if (Status s = ApplyCustomerBody(changed, row.body, false, {}, s_.custom_);
                        !s) {
                        RejectInvalid(errors, row, s.error());
                        continue;
                    }
                    if (owner_named && changed.owner_id != std::optional(owner.id)) {
                        if (!caller_.Can("customers.transfer")) {
                            Reject(errors, row, "failed", "owner",
                                   json::array({Part("owner", "transfer_to_change_owner")}));
                            continue;
                        }
                        changed.last_owner_id = target->second.before.owner_id;
                        changed.owner_id = owner.id;
                        changed.department_id = owner.department_id;
                    }
                    target->second.record = std::move(changed);
                    ++batch_.updated;
                    continue;
                }
                // A new customer.
                if (row.create_error) {
                    RejectInvalid(errors, row, *row.create_error);
                    continue;
                }
                if (owner_named && owner.id != caller_.user_id &&
                    !caller_.Can("customers.transfer")) {
                    Reject(errors, row, "failed", "owner",
                           json::array({Part("owner", "transfer_to_import_for_others")}));
                    continue;
                }
                row.record.owner_id = owner.id;
                row.record.department_id = owner.department_id;
                inserts.push_back(i);
                for (const auto* k : {&row.phone_key, &row.email_key}) {
                    if (!k->empty()) batch_keys.emplace(*k, i);
                }
                ++batch_.created;
            }

            if (!dry_run_) {
                GX_TRY_ASSIGN(auto ids, import_store::ReserveCustomerIds(
                                            conn, static_cast<std::int64_t>(inserts.size())));
                import_store::CustomerBulkWriter writer(conn);
                search::Document document;
                for (size_t n = 0; n < inserts.size(); ++n) {
                    const store::CustomerRecord& r = rows[inserts[n]].record;
                    document.Clear();
                    document.AddRow(r.name, r.phone.value_or(""), r.email.value_or(""));
                    document.Finish();
                    GX_TRY(writer.Add(ids[n], store::RecordParams(r), document.search_text,
                                      document.grams, r.owner_id, caller_.user_id, now));
                }
                GX_TRY(writer.Flush());
                for (auto& [id, target] : targets) {
                    GX_TRY_ASSIGN(bool updated,
                                  store::Update(conn, id, target.record, target.version, now));
                    if (!updated) {
                        return Error{ErrorCode::kStaleVersion,
                                     "A customer changed while the import updated it.",
                                     {},
                                     "customer " + std::to_string(id)};
                    }
                    GX_TRY(search::Reindex(conn, id));
                    if (target.record.owner_id != target.before.owner_id) {
                        GX_TRY(store::LogOwnership(conn, id, "transfer", target.before.owner_id,
                                                   target.record.owner_id, caller_.user_id,
                                                   std::nullopt, now));
                    }
                }
            }
            GX_TRY(import_store::InsertErrors(conn, import_id_, errors));

            next = progress_;
            next.rows_read += static_cast<std::int64_t>(rows.size());
            next.created += batch_.created;
            next.updated += batch_.updated;
            next.skipped += batch_.skipped;
            next.failed += batch_.failed;
            next.percent =
                std::min<std::int64_t>(99, static_cast<std::int64_t>(reader_->progress() * 100));
            next.resume_position = reader_->position();
            next.last_row = reader_->row_number();
            GX_TRY(import_store::SaveProgress(conn, import_id_, next, now));
            if (s_.before_commit_) {
                if (Status s = s_.before_commit_(batch_number); !s) {
                    crashed = s.error();
                    return std::move(s).error();
                }
            }
            return {};
        }));
        progress_ = next;
        reported_ += static_cast<std::int64_t>(errors.size());
        if (dry_run_) {
            for (const auto& row : rows) {
                if (row.invalid) continue;
                for (const auto* k : {&row.phone_key, &row.email_key}) {
                    if (!k->empty()) dry_seen_.emplace(*k, row.number);
                }
            }
        }
        return {};
    }

    Result<json> Finish(std::string_view status, const std::optional<std::string>& error,
                        const json& reason) {
        GX_TRY(s_.writes_.Transact([&](db::Connection& conn) -> Status {
            GX_TRY(import_store::Finish(conn, import_id_, status, error, reason, NowSeconds()));
            if (caller_.user_id == 0) return {};
            return audit::Record(conn, caller_,
                                 {"customer.import_finished",
                                  "customer_import",
                                  import_id_,
                                  {{"status", status},
                                   {"rows_read", progress_.rows_read},
                                   {"created", progress_.created},
                                   {"updated", progress_.updated},
                                   {"skipped", progress_.skipped},
                                   {"failed", progress_.failed},
                                   {"dry_run", dry_run_}}});
        }));
        reader_.reset();
        std::error_code ec;
        fs::remove(path_, ec);
        log::Info("import_finished", {{"import_id", import_id_},
                                      {"status", status},
                                      {"rows_read", progress_.rows_read},
                                      {"created", progress_.created},
                                      {"failed", progress_.failed}});
        GX_TRY_ASSIGN(db::Lease conn, s_.db_.Acquire());
        GX_TRY_ASSIGN(auto row, import_store::Get(*conn, import_id_));
        return import_store::ImportJson(*row);
    }

    CustomerImportService& s_;
    const jobs::Job& job_;
    std::int64_t import_id_;
    std::int64_t uploader_id_ = 0;
    std::string format_, path_;
    DuplicateMode mode_ = DuplicateMode::kSkip;
    bool dry_run_ = false;
    Principal caller_;
    std::unique_ptr<io::TableReader> reader_;
    std::vector<std::string> header_;
    ColumnMap columns_;
    import_store::Progress progress_;  // as last committed
    import_store::Progress batch_;     // the batch being committed
    std::int64_t reported_ = 0;        // error rows stored by this run
    std::map<std::string, OwnerInfo, std::less<>> owners_;
    std::unordered_map<std::string, std::int64_t> dry_seen_;  // dry run: keys of earlier batches
};

CustomerImportService::CustomerImportService(db::Database& db, db::GroupCommit& writes,
                                             jobs::JobStore& jobs,
                                             accounts::AccountService& accounts,
                                             ImportSettings settings)
    : db_(db), writes_(writes), jobs_(jobs), accounts_(accounts), settings_(std::move(settings)) {}

Result<nlohmann::json> CustomerImportService::Start(
    const Principal& caller, Upload upload,
    const std::vector<std::pair<std::string, std::string>>& query) {
    // Both: the import creates customers, and customers.import (a permission of its own in the
    // role editor, held by managers but not salespeople by default) says who may do it in bulk.
    for (std::string_view permission : {"customers.create", "customers.import"}) {
        GX_TRY(RequirePermission(caller, permission));
    }
    DuplicateMode mode = DuplicateMode::kSkip;
    bool dry_run = false;
    std::string format, filename = "upload";
    for (const auto& [key, value] : query) {
        if (key == "duplicates") {
            auto m = ParseDuplicateMode(value);
            if (!m) return BadParam(key, "duplicates must be skip, create or update.");
            mode = *m;
        } else if (key == "dry_run") {
            if (value != "true" && value != "false")
                return BadParam(key, "dry_run must be true or false.");
            dry_run = value == "true";
        } else if (key == "format") {
            if (value != "csv" && value != "xlsx")
                return BadParam(key, "format must be csv or xlsx.");
            format = value;
        } else if (key == "filename") {
            filename = fs::path(value).filename().string();
            if (filename.empty() || text::CodePointCount(filename) > 200) filename = "upload";
        } else {
            return BadParam(key, "Unknown parameter '" + key + "'.");
        }
    }
    std::error_code ec;
    const std::uint64_t bytes =
        upload.body_file.empty() ? upload.body.size() : fs::file_size(upload.body_file, ec);
    if (ec) return Error::Internal("import: " + ec.message());
    if (bytes > settings_.max_bytes) {
        return Error{
            ErrorCode::kPayloadTooLarge,
            "The file is larger than " + std::to_string(settings_.max_bytes >> 20) + " MiB.",
            {{"max_bytes", settings_.max_bytes}},
            {}};
    }
    if (bytes == 0) return FileError("The file is empty.", "empty_file");
    if (text::AsciiLower(upload.content_type).rfind("multipart/", 0) == 0) {
        return Error{ErrorCode::kBadRequest,
                     "Send the file itself as the request body (Content-Type text/csv or the XLSX "
                     "type), not as a form.",
                     {{"parameter", "body"}},
                     {}};
    }
    const std::string first_bytes = FirstBytes(upload);
    if (format.empty()) {
        const std::string type = text::AsciiLower(upload.content_type);
        if (type.find("spreadsheetml") != std::string::npos) {
            format = "xlsx";
        } else if (type.rfind("text/csv", 0) == 0) {
            format = "csv";
        } else {
            format = LooksLikeZip(first_bytes) ? "xlsx" : "csv";
        }
    }
    // An XLSX file is not opened here: a few MB may decompress to gigabytes, which is the job's to
    // find out (and refuse, with the limit named), never an HTTP thread's. Its first bytes cost
    // nothing to check.
    if (format == "xlsx" && !LooksLikeZip(first_bytes)) {
        return FileError("The XLSX file cannot be read: it is not a zip archive.", "not_a_zip");
    }

    // The file waits for its job under the upload folder.
    fs::create_directories(settings_.upload_dir, ec);
    const fs::path path =
        fs::path(settings_.upload_dir) / ("import-" + http::NewRequestId() + "." + format);
    if (upload.body_file.empty()) {
        std::ofstream out(path, std::ios::binary);
        out.write(upload.body.data(), static_cast<std::streamsize>(upload.body.size()));
        if (!out) return Error::Internal("import: cannot write " + path.string());
    } else {
        fs::rename(upload.body_file, path, ec);
        if (ec) {  // another file system: copy
            ec.clear();
            fs::copy_file(upload.body_file, path, ec);
            if (ec) return Error::Internal("import: " + ec.message());
        }
    }
    const auto discard = [&](Error error) -> Error {
        std::error_code ignored;
        fs::remove(path, ignored);
        return error;
    };
    // A Chinese Excel saves "CSV" as GB18030 (GBK): convert it once, here.
    if (format == "csv") {
        std::string head(64 * 1024, '\0');
        {
            std::ifstream in(path, std::ios::binary);
            in.read(head.data(), static_cast<std::streamsize>(head.size()));
            head.resize(static_cast<size_t>(in.gcount()));
        }
        if (!io::LooksLikeUtf8(head)) {
            const std::string converted = path.string() + ".utf8";
            if (Status s = io::ConvertToUtf8(path.string(), converted, "GB18030"); !s) {
                fs::remove(converted, ec);
                return discard(std::move(s).error());
            }
            fs::rename(converted, path, ec);
            if (ec) return discard(Error::Internal("import: " + ec.message()));
        }
    }

    // A CSV header must name the columns: better said now than by a failed job (reading it costs
    // at most the bytes the client sent). An XLSX header is read by the job.
    json column_map = json::object();
    if (format == "csv") {
        auto reader = OpenTable(format, path.string());
        if (!reader) return discard(std::move(reader).error());  // cannot open: internal
        std::vector<std::string> header;
        auto columns = ReadHeader(**reader, header, custom_);
        if (!columns) return discard(std::move(columns).error());
        column_map = ColumnsJson(*columns, header);
    }

    std::int64_t import_id = 0, job_id = 0;
    auto started = writes_.Transact([&](db::Connection& conn) -> Status {
        GX_TRY_ASSIGN(import_id, import_store::Insert(
                                     conn,
                                     {caller.user_id, filename, format, path.string(),
                                      static_cast<std::int64_t>(bytes),
                                      std::string(DuplicateModeName(mode)), dry_run, column_map},
                                     NowSeconds()));
        GX_TRY_ASSIGN(auto job, jobs_.Enqueue(conn, kJobName, {{"import_id", import_id}},
                                              jobs::EnqueueOptions{}));
        job_id = job.value_or(0);
        GX_TRY(import_store::SetJob(conn, import_id, job_id));
        return audit::Record(conn, caller,
                             {"customer.import",
                              "customer_import",
                              import_id,
                              {{"filename", filename},
                               {"format", format},
                               {"bytes", bytes},
                               {"duplicates", DuplicateModeName(mode)},
                               {"dry_run", dry_run}}});
    });
    if (!started) return discard(std::move(started).error());
    GX_TRY_ASSIGN(json import, Get(caller, import_id));
    return json{{"import", import},
                {"job", {{"id", job_id}, {"name", kJobName}, {"status", "queued"}}}};
}

Result<nlohmann::json> CustomerImportService::Get(const Principal& caller, std::int64_t id) {
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY_ASSIGN(auto row, import_store::Get(*conn, id));
    if (!row ||
        (row->Int(import_store::kColCreatedBy) != caller.user_id && !caller.Can("users.manage"))) {
        return Error::NotFound("Import");
    }
    return import_store::ImportJson(*row);
}

Result<std::string> CustomerImportService::ErrorReport(const Principal& caller, std::int64_t id,
                                                       bool english) {
    GX_TRY_ASSIGN(json import, Get(caller, id));
    // Its own columns are named in a way no import maps, so the fixed report imports again.
    std::vector<std::string> line =
        english ? std::vector<std::string>{"row", "status", "field", "reason"}
                : std::vector<std::string>{"行号", "结果", "字段", "原因"};
    for (const auto& h : import["columns"].value("header", json::array())) {
        line.push_back(h.is_string() ? h.get<std::string>() : std::string());
    }
    std::string out = "\xEF\xBB\xBF" + CsvLine(line);
    GX_TRY_ASSIGN(db::Lease conn, db_.Acquire());
    GX_TRY(import_store::ForEachError(*conn, id, [&](const db::Row& r) {
        const std::string kind = r.Text(1);
        line = {std::to_string(r.Int(0)), english ? kind : (kind == "skipped" ? "跳过" : "失败"),
                r.Text(2), Defuse(ImportReasonText(r.Text(3), english))};
        for (const auto& cell : db::JsonDoc(r, 4, json::array())) {
            line.push_back(Defuse(cell.is_string() ? cell.get<std::string>() : std::string()));
        }
        out += CsvLine(line);
        return true;
    }));
    return out;
}

Result<nlohmann::json> CustomerImportService::Run(const jobs::Job& job) {
    const auto id = OptInt(job.payload, "import_id");
    if (!id) return Error::Internal("customer.import: payload has no import_id");
    Importer importer(*this, job, *id);
    auto result = importer.Execute();
    if (!result && result.error().code != ErrorCode::kUnavailable &&
        job.attempts >= job.max_attempts) {
        // The last attempt: the job goes dead, and the import with it.
        log::Warn("import_gave_up", {{"import_id", *id}, {"error", result.error().message}});
        (void)importer.Fail(result.error());
    }
    return result;
}

}  // namespace guanxi::customers
