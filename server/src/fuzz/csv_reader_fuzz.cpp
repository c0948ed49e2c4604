// libFuzzer target: arbitrary bytes as an uploaded CSV file. The reader must never crash or hang,
// must end (every call consumes input or stops), and must keep its promises: row numbers grow,
// no cell exceeds the cell limit, no row exceeds the column limit.

#include "io/table_reader.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto reader = guanxi::io::CsvFromString(std::string(reinterpret_cast<const char*>(data), size));
    std::vector<std::string> cells;
    std::int64_t last_row = 0;
    while (true) {
        auto more = reader->Next(cells);
        if (!more.ok() || !*more) break;
        if (reader->row_number() <= last_row) std::abort();
        last_row = reader->row_number();
        if (cells.empty() || cells.size() > guanxi::io::kMaxColumns) std::abort();
        for (const auto& cell : cells) {
            if (cell.size() > guanxi::io::kMaxCellBytes + 1) std::abort();
        }
        if (reader->progress() < 0.0 || reader->progress() > 1.0) std::abort();
    }
    return 0;
}
