#include "domains/customers/customer_export.hpp"

#include "core/time.hpp"
#include "db/row_json.hpp"

#include <xlsxwriter.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <sstream>

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

class CsvWriter final : public ExportWriter {
  public:
    CsvWriter() {
        body_ = "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8 Chinese correctly
        AddLine(ExportHeader());
    }
    void Add(const db::Row& row) override {
        AddLine(ExportCells(row));
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        return ExportFile{"text/csv; charset=utf-8", "customers.csv", std::move(body_), rows_};
    }

  private:
    void AddLine(const std::vector<std::string>& cells) { body_ += CsvLine(cells); }
    std::string body_;
    std::int64_t rows_ = 0;
};

class XlsxWriter final : public ExportWriter {
  public:
    XlsxWriter() {
        char path[] = "/tmp/guanxi-export-XXXXXX";
        const int fd = mkstemp(path);
        if (fd >= 0) close(fd);
        path_ = path;
        workbook_ = workbook_new(path_.c_str());
        sheet_ = workbook_add_worksheet(workbook_, "customers");
        WriteLine(ExportHeader());
    }
    ~XlsxWriter() override {
        if (workbook_ != nullptr) workbook_close(workbook_);
        std::remove(path_.c_str());
    }
    void Add(const db::Row& row) override {
        WriteLine(ExportCells(row));
        ++rows_;
    }
    Result<ExportFile> Finish() override {
        const lxw_error err = workbook_close(workbook_);
        workbook_ = nullptr;
        if (err != LXW_NO_ERROR) return Error::Internal(std::string("xlsx: ") + lxw_strerror(err));
        std::ifstream in(path_, std::ios::binary);
        std::stringstream buffer;
        buffer << in.rdbuf();
        return ExportFile{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          "customers.xlsx", buffer.str(), rows_};
    }

  private:
    void WriteLine(const std::vector<std::string>& cells) {
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
