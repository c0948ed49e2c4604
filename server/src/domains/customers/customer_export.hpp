#pragma once
// The customer export's columns: the header and one customer row's cells (kCustomerColumns),
// written by io::TableWriter as CSV or XLSX, formula-neutralised there.

#include "db/database.hpp"
#include "io/table_writer.hpp"

namespace guanxi::customers {

// The import's error report writes CSV lines the same way.
using io::CsvLine;
using io::Defuse;

// Custom fields' columns, after the built-in ones: each one's header and key in `custom`.
struct CustomColumns {
    std::vector<std::string> header;
    std::vector<std::string> keys;
};
// The exported columns, in order (CustomerFieldLabel names each), and one row's cells as stored.
const std::vector<std::string>& ExportColumns();
std::vector<std::string> ExportCells(const db::Row& row);
// The header: the built-in columns' labels in English or Chinese, then the custom ones'. The
// import reads either back (customer_import.cpp maps the same labels).
std::vector<std::string> ExportHeader(const CustomColumns& custom, bool english);
std::vector<std::string> ExportCells(const db::Row& row, const CustomColumns& custom);

}  // namespace guanxi::customers
