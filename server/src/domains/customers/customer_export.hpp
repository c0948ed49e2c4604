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
std::vector<std::string> ExportHeader(const CustomColumns& custom);
std::vector<std::string> ExportCells(const db::Row& row, const CustomColumns& custom);

// The exported columns, in order, and one row's cells as stored.
const std::vector<std::string>& ExportHeader();
std::vector<std::string> ExportCells(const db::Row& row);

}  // namespace guanxi::customers
