#pragma once
// Spreadsheets read row by row (customer import): CSV and the first sheet of an XLSX workbook.
// Readers stream: they never hold more than a buffer and the current rows, whatever the file's
// size (an XLSX workbook's shared-string table is the exception: it is held in memory, up to a
// limit; see io/xlsx_reader.hpp for the XLSX reader and its limits).
//
// Thread-safety: a reader is used by one thread.

#include "core/error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace guanxi::io {

class TableReader {
  public:
    virtual ~TableReader() = default;

    // The next non-blank row's cells, in column order (missing cells in between are ""; trailing
    // empty cells may be absent). False at the end of the table. An error ends the file: it cannot
    // be read on (a quoted CSV cell never closed, a broken zip or XML); its message names the row.
    virtual Result<bool> Next(std::vector<std::string>& cells) = 0;

    // The number a spreadsheet shows for the row Next last returned (1 for a header row).
    virtual std::int64_t row_number() const = 0;

    // An opaque position just after the row Next last returned. A new reader of the same file,
    // after Resume(position, row_number), continues with the row after it.
    virtual std::int64_t position() const = 0;
    virtual Status Resume(std::int64_t position, std::int64_t row_number) = 0;

    // How much of the file has been read, 0 to 1.
    virtual double progress() const = 0;
};

// The largest cell either reader accepts; a longer one is an error (in CSV, usually a quote that is
// never closed).
inline constexpr std::size_t kMaxCellBytes = 1 << 20;
// Columns beyond this are an error too.
inline constexpr std::size_t kMaxColumns = 1000;

// A file that cannot be read on: a 422 whose English `message` is the whole sentence (the "file"
// complaint too), with the key of a field message (core/error.cpp) and its `params` as the "file"
// complaint's code, so a failed import says why in its reader's language.
inline Error Unreadable(std::string message, std::string_view key,
                        nlohmann::json params = nlohmann::json::object()) {
    Error error{ErrorCode::kValidationFailed, message, nlohmann::json::object(), {}};
    error.details["fields"]["file"] = std::move(message);
    error.details["field_codes"]["file"] = {{"code", key}, {"params", std::move(params)}};
    return error;
}

// Opens a CSV file (UTF-8, an optional byte-order mark; comma-separated; RFC 4180 quoting; CRLF,
// LF or CR line ends).
Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path);
// Reads CSV from memory (tests, fuzzing).
std::unique_ptr<TableReader> CsvFromString(std::string text);

}  // namespace guanxi::io
