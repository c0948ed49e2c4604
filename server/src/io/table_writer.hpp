#pragma once
// Writes a table (a header line, then rows of text cells) as CSV or XLSX to a temporary file that
// the response sends from disk and removes: an export of a million rows never sits in memory. No
// cell is ever run as a formula: in CSV, cells starting with = + - @ are prefixed with an
// apostrophe (Defuse); in XLSX every cell is a string cell, which is never evaluated, and keeps its
// text as it is. Used by every export (customers, every kit record type).

#include "core/error.hpp"
#include "http/message.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guanxi::io {

struct ExportFile {
    std::string content_type;
    std::string filename;
    std::int64_t rows = 0;
    // The exported file, written to disk (http::Response::file sends it and removes it).
    std::string path;
};

class TableWriter {
  public:
    virtual ~TableWriter() = default;
    // `format` "csv" or "xlsx" (the caller has checked). `name` is the file's name without its
    // extension and the worksheet's name (ASCII); `header` the first line.
    static std::unique_ptr<TableWriter> Create(std::string_view format, std::string name,
                                               const std::vector<std::string>& header);
    // One row's cells as stored; each format defuses as it needs.
    virtual void Add(std::vector<std::string> cells) = 0;
    // The file, or an error when it could not be made or written (500).
    virtual Result<ExportFile> Finish() = 0;
};

// A cell a spreadsheet would run as a formula (starting with = + - @), prefixed with an apostrophe.
std::string Defuse(std::string cell);
// One CSV line (RFC 4180 quoting, CRLF).
std::string CsvLine(const std::vector<std::string>& cells);

// The download of an export: its file, type, a Content-Disposition attachment and X-Export-Rows.
http::Response ExportResponse(ExportFile file);

}  // namespace guanxi::io
