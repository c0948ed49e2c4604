#include "domains/customers/customer_export.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>

namespace guanxi::customers {

namespace {

std::string CsvQuote(const std::string& cell) {
    if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
    std::string out = "\"";
    for (char c : cell) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    return out + "\"";
}

// A new file for one export under the system's temporary folder; "" if none can be made.
std::string NewExportFile(int& fd) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string path = (dir / "guanxi-export-XXXXXX").string();
    fd = mkstemp(path.data());
    return fd >= 0 ? path : std::string();
}

// Writes the CSV to a file as rows arrive (a few hundred bytes per customer: a million-customer
// export must not sit in memory), handed to the response to send from disk.
class CsvWriter final : public ExportWriter {
  public:
    CsvWriter() {
        int fd = -1;
        path_ = NewExportFile(fd);
        if (fd >= 0) out_ = fdopen(fd, "wb");
        buffer_ = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8 Chinese correctly
        AddLine(ExportHeader());
    }
    ~CsvWriter() override {
        if (out_ != nullptr) std::fclose(out_);
        if (!path_.empty()) std::remove(path_.c_str());  // not handed over: an error came first
    }
    void Add(const db::Row& row) override {
        AddLine(ExportCells(row));
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        if (out_ == nullptr) return Error::Internal("export: cannot create a temporary file");
        Flush();
        const bool failed = std::ferror(out_) != 0;
        const bool closed = std::fclose(out_) == 0;
        out_ = nullptr;
        if (failed || !closed) return Error::Internal("export: cannot write " + path_);
        ExportFile file{"text/csv; charset=utf-8", "customers.csv", {}, rows_, path_};
        path_.clear();
        return file;
    }

  private:
    static constexpr size_t kFlushAt = size_t{1} << 20;
    void AddLine(const std::vector<std::string>& cells) {
        buffer_ += CsvLine(cells);
        if (buffer_.size() >= kFlushAt) Flush();
    }
    void Flush() {
        if (out_ != nullptr && !buffer_.empty())
            std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
        buffer_.clear();
    }
    std::string path_;
    std::FILE* out_ = nullptr;
    std::string buffer_;
    std::int64_t rows_ = 0;
};

class XlsxWriter final : public ExportWriter {
  public:
    XlsxWriter() {
        int fd = -1;
        path_ = NewExportFile(fd);
        if (fd < 0) return;  // Finish reports it
        close(fd);
        workbook_ = workbook_new(path_.c_str());
        if (workbook_ == nullptr) return;
        sheet_ = workbook_add_worksheet(workbook_, "customers");
        WriteLine(ExportHeader());
    }
    ~XlsxWriter() override {
        if (workbook_ != nullptr) workbook_close(workbook_);
        if (!path_.empty()) std::remove(path_.c_str());  // not handed over
    }
    void Add(const db::Row& row) override {
        WriteLine(ExportCells(row));
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        if (workbook_ == nullptr) return Error::Internal("export: cannot create a temporary file");
        const lxw_error err = workbook_close(workbook_);
        workbook_ = nullptr;
        if (err != LXW_NO_ERROR) return Error::Internal(std::string("xlsx: ") + lxw_strerror(err));
        ExportFile file{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "customers.xlsx",
                        {},
                        rows_,
                        path_};
        path_.clear();
        return file;
    }

  private:
    void WriteLine(const std::vector<std::string>& cells) {
        if (sheet_ == nullptr) return;
        for (size_t col = 0; col < cells.size(); ++col) {
            worksheet_write_string(sheet_, static_cast<lxw_row_t>(line_),
                                   static_cast<lxw_col_t>(col), cells[col].c_str(), nullptr);
        }
        ++line_;
    }
    std::string path_;
    lxw_workbook* workbook_ = nullptr;
    lxw_worksheet* sheet_ = nullptr;
    std::int64_t line_ = 0;
    std::int64_t rows_ = 0;
};

}  // namespace

std::string Defuse(std::string cell) {
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
        cell.insert(cell.begin(), '\'');
    }
    return cell;
}

std::string CsvLine(const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) line.push_back(',');
        line += CsvQuote(cells[i]);
    }
    return line + "\r\n";
}

std::unique_ptr<ExportWriter> ExportWriter::Create(std::string_view format) {
    if (format == "xlsx") return std::make_unique<XlsxWriter>();
    return std::make_unique<CsvWriter>();
}

const std::vector<std::string>& ExportHeader() {
    static const std::vector<std::string> kHeader = {
        "id",       "name",   "category",        "owner",           "department",
        "industry", "region", "source",          "phone",           "email",
        "address",  "tags",   "last_contact_at", "next_contact_at", "created_at"};
    return kHeader;
}

std::vector<std::string> ExportCells(const db::Row& r) {
    std::string tags;
    for (const auto& t : db::JsonDoc(r, 13, nlohmann::json::array())) {
        if (!tags.empty()) tags += ";";
        tags += t.get<std::string>();
    }
    const auto time = [&](size_t i) {
        return r.IsNull(i) ? std::string() : FormatRfc3339(r.Int(i));
    };
    return {std::to_string(r.Int(0)),
            Defuse(r.Text(1)),
            r.Text(2),
            Defuse(r.Text(4)),
            Defuse(r.Text(6)),
            Defuse(r.Text(7)),
            Defuse(r.Text(8)),
            Defuse(r.Text(9)),
            Defuse(r.Text(10)),
            Defuse(r.Text(11)),
            Defuse(r.Text(12)),
            Defuse(tags),
            time(15),
            time(16),
            time(18)};
}

}  // namespace guanxi::customers
