#pragma once
// Writes customer rows (kCustomerColumns) as CSV or XLSX. No cell is ever run as a formula: in CSV,
// cells starting with = + - @ are prefixed with an apostrophe (Defuse); in XLSX every cell is a
// string cell, which is never evaluated, and keeps its text as it is.

#include "db/database.hpp"
#include "domains/customers/customer_service.hpp"

#include <memory>

namespace guanxi::customers {

class ExportWriter {
  public:
    // Custom fields' columns, after the built-in ones: each one's header and key in `custom`.
    struct CustomColumns {
        std::vector<std::string> header;
        std::vector<std::string> keys;
    };

    virtual ~ExportWriter() = default;
    // "csv" or "xlsx" (the caller has checked).
    static std::unique_ptr<ExportWriter> Create(std::string_view format, CustomColumns custom = {});
    virtual void Add(const db::Row& row) = 0;
    virtual Result<ExportFile> Finish() = 0;
};

// A cell a spreadsheet would run as a formula (starting with = + - @), prefixed with an apostrophe.
std::string Defuse(std::string cell);
// One CSV line (RFC 4180 quoting, CRLF).
std::string CsvLine(const std::vector<std::string>& cells);

// The exported columns, in order, and one row's cells as stored (each writer defuses as its format
// needs).
const std::vector<std::string>& ExportHeader();
std::vector<std::string> ExportCells(const db::Row& row);
// The built-in columns and the custom ones.
std::vector<std::string> ExportHeader(const ExportWriter::CustomColumns& custom);
std::vector<std::string> ExportCells(const db::Row& row, const ExportWriter::CustomColumns& custom);

}  // namespace guanxi::customers
