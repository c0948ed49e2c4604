#pragma once
// The first worksheet of an XLSX workbook, read row by row (customer import).
//
// An XLSX file is a zip of XML parts, so a small file may expand a thousandfold (a zip bomb). The
// reader decompresses a part only as its rows are read, and bounds what a file may cost
// (XlsxLimits): the bytes decompressed, each part's expansion ratio, the shared-string table in
// memory, the text of a row and of all rows, the size of one XML tag, and the zip's entries. A file
// past any limit is an error (422) whose message names the limit.
//
// Thread-safety: a reader is used by one thread.

#include "io/table_reader.hpp"

namespace guanxi::io {

// What an XLSX file may cost to read. The defaults admit a 1M-row, 15-column customer sheet
// (measured: 0.71 GB of XML with shared strings, 0.99 GB with inline strings, each part 9-12
// times its compressed size).
struct XlsxLimits {
    // Bytes decompressed from all the parts read (workbook, relationships, shared strings, sheet).
    std::uint64_t max_uncompressed_bytes = 2ull << 30;
    // A part may expand to at most this many times its compressed size, judged once it has
    // produced ratio_grace_bytes (a small part may compress far better and costs nothing).
    std::uint64_t max_ratio = 100;
    std::uint64_t ratio_grace_bytes = 1ull << 20;
    // The shared-string table in memory: its text plus 8 bytes per string.
    std::uint64_t max_shared_strings_bytes = 256ull << 20;
    // The text of one row's cells (a cell referring to a shared string costs the string's length).
    std::uint64_t max_row_bytes = 16ull << 20;
    // The text of all the cells returned: bounds what shared strings referred to again and again
    // add up to.
    std::uint64_t max_text_bytes = 2ull << 30;
    // One XML tag (the parser holds a tag whole in memory).
    std::uint64_t max_tag_bytes = 16ull << 20;
    // The zip's entries (a workbook has a few dozen; each costs memory when the zip is opened).
    std::uint64_t max_entries = 10000;
};

// Opens the first worksheet of an XLSX workbook: shared and inline strings, numbers (integral
// values without a decimal point or exponent), booleans as "TRUE"/"FALSE", formula results.
// Opening reads the workbook's small parts and the shared strings; the sheet is decompressed as
// Next() asks for rows. Errors (not a zip, a broken part, a limit passed) are 422s.
Result<std::unique_ptr<TableReader>> OpenXlsx(const std::string& path,
                                              const XlsxLimits& limits = {});
// Reads an XLSX workbook from memory (tests, fuzzing).
Result<std::unique_ptr<TableReader>> XlsxFromString(std::string bytes,
                                                    const XlsxLimits& limits = {});

}  // namespace guanxi::io
