#pragma once
// Writes customer rows (kCustomerColumns) as CSV or XLSX. Cells that a spreadsheet would run as a
// formula (starting with = + - @) are prefixed with an apostrophe.

#include "db/database.hpp"
#include "domains/customers/customer_service.hpp"

#include <memory>

namespace guanxi::customers {

class ExportWriter {
  public:
    virtual ~ExportWriter() = default;
    // "csv" or "xlsx" (the caller has checked).
    static std::unique_ptr<ExportWriter> Create(std::string_view format);
    virtual void Add(const db::Row& row) = 0;
    virtual Result<ExportFile> Finish() = 0;
};

// A cell a spreadsheet would run as a formula (starting with = + - @), prefixed with an apostrophe.
std::string Defuse(std::string cell);
// One CSV line (RFC 4180 quoting, CRLF).
std::string CsvLine(const std::vector<std::string>& cells);

// The exported columns, in order, and one row's cells.
const std::vector<std::string>& ExportHeader();
std::vector<std::string> ExportCells(const db::Row& row);

}  // namespace guanxi::customers
