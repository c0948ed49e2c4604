#include "io/table_writer.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <utility>

namespace guanxi::io {

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

// The file one export is written to, under the system's temporary folder. Removed with this
// object unless handed over (Release) to the response, which sends and removes it.
class ExportTempFile {
  public:
    ExportTempFile() {
        std::error_code ec;
        std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
        if (ec) dir = "/tmp";
        path_ = (dir / "guanxi-export-XXXXXX").string();
        fd_ = mkstemp(path_.data());
        if (fd_ < 0) path_.clear();
    }
    ~ExportTempFile() {
        if (fd_ >= 0) close(fd_);
        if (!path_.empty()) std::remove(path_.c_str());
    }
    ExportTempFile(const ExportTempFile&) = delete;
    ExportTempFile& operator=(const ExportTempFile&) = delete;

    bool ok() const { return !path_.empty(); }
    const std::string& path() const { return path_; }
    // The open descriptor, now the caller's to close (-1 if the file could not be made).
    int TakeFd() { return std::exchange(fd_, -1); }
    std::string Release() { return std::exchange(path_, {}); }

  private:
    std::string path_;
    int fd_ = -1;
};

Error CannotCreate() { return Error::Internal("export: cannot create a temporary file"); }

// Writes the CSV to a file as rows arrive (a few hundred bytes per row: a million-row export must
// not sit in memory), handed to the response to send from disk.
class CsvWriter final : public TableWriter {
  public:
    CsvWriter(std::string name, const std::vector<std::string>& header) : name_(std::move(name)) {
        if (file_.ok()) out_ = fdopen(file_.TakeFd(), "wb");
        buffer_ = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8 Chinese correctly
        AddLine(header);
    }
    ~CsvWriter() override {
        if (out_ != nullptr) std::fclose(out_);
    }
    void Add(std::vector<std::string> cells) override {
        AddLine(std::move(cells));
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        if (out_ == nullptr) return CannotCreate();
        Flush();
        const bool failed = std::ferror(out_) != 0;
        const bool closed = std::fclose(out_) == 0;
        out_ = nullptr;
        if (failed || !closed) return Error::Internal("export: cannot write " + file_.path());
        return ExportFile{"text/csv; charset=utf-8", name_ + ".csv", rows_, file_.Release()};
    }

  private:
    static constexpr size_t kFlushAt = size_t{1} << 20;
    // A CSV cell has no type: whatever starts like a formula is defused.
    void AddLine(std::vector<std::string> cells) {
        for (auto& cell : cells) cell = Defuse(std::move(cell));
        buffer_ += CsvLine(cells);
        if (buffer_.size() >= kFlushAt) Flush();
    }
    void Flush() {
        if (out_ != nullptr && !buffer_.empty())
            std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
        buffer_.clear();
    }
    std::string name_;
    ExportTempFile file_;
    std::FILE* out_ = nullptr;
    std::string buffer_;
    std::int64_t rows_ = 0;
};

// Every cell is written as a string cell (worksheet_write_string), which a spreadsheet shows as
// text and never evaluates, so a name such as "=1+1" comes back as written, without the apostrophe
// CSV needs.
class XlsxWriter final : public TableWriter {
  public:
    XlsxWriter(std::string name, const std::vector<std::string>& header) : name_(std::move(name)) {
        if (!file_.ok()) return;  // Finish reports it
        close(file_.TakeFd());    // libxlsxwriter opens the file by name
        workbook_ = workbook_new(file_.path().c_str());
        if (workbook_ == nullptr) return;
        sheet_ = workbook_add_worksheet(workbook_, name_.c_str());
        WriteLine(header);
    }
    ~XlsxWriter() override {
        if (workbook_ != nullptr) workbook_close(workbook_);
    }
    void Add(std::vector<std::string> cells) override {
        WriteLine(cells);
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        if (workbook_ == nullptr) return CannotCreate();
        const lxw_error err = workbook_close(workbook_);
        workbook_ = nullptr;
        if (err != LXW_NO_ERROR) return Error::Internal(std::string("xlsx: ") + lxw_strerror(err));
        return ExportFile{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          name_ + ".xlsx", rows_, file_.Release()};
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
    std::string name_;
    ExportTempFile file_;
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

std::unique_ptr<TableWriter> TableWriter::Create(std::string_view format, std::string name,
                                                 const std::vector<std::string>& header) {
    if (format == "xlsx") return std::make_unique<XlsxWriter>(std::move(name), header);
    return std::make_unique<CsvWriter>(std::move(name), header);
}

http::Response ExportResponse(ExportFile file) {
    http::Response response;
    response.file = std::move(file.path);
    response.SetHeader("Content-Type", file.content_type);
    response.SetHeader("Content-Disposition", "attachment; filename=\"" + file.filename + "\"");
    response.SetHeader("X-Export-Rows", std::to_string(file.rows));
    return response;
}

}  // namespace guanxi::io
