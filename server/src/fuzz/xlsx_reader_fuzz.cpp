// libFuzzer target: arbitrary bytes as an uploaded XLSX file. The reader must never crash or hang,
// must stay within its limits (the cells, rows and text it returns; the memory and time they bound)
// and an error must end the file.
//
// The first byte chooses how the rest is used. Odd: the rest is the file itself (the zip layer,
// seeded with real workbooks). Even: the rest is the XML of the parts — shared strings, sheet,
// workbook, relationships, separated by NUL bytes — zipped here, stored or deflated (bit 1), so
// that the XML parsing is reached without the fuzzer having to forge zip checksums.

#include "io/xlsx_reader.hpp"

#include <zip.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A zip of `parts` (name, content) in memory; empty when libzip fails.
std::string Zip(const std::vector<std::pair<std::string, std::string_view>>& parts, bool deflate) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_error_fini(&error);
    if (buffer == nullptr) return {};
    zip_source_keep(buffer);
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, nullptr);
    std::string bytes;
    if (archive != nullptr) {
        for (const auto& [name, content] : parts) {
            const zip_int64_t index = zip_file_add(
                archive, name.c_str(),
                zip_source_buffer(archive, content.data(), content.size(), 0), ZIP_FL_OVERWRITE);
            if (index >= 0) {
                zip_set_file_compression(archive, static_cast<zip_uint64_t>(index),
                                         deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
            }
        }
        if (zip_close(archive) != 0) zip_discard(archive);
        if (zip_source_open(buffer) == 0) {
            zip_source_seek(buffer, 0, SEEK_END);
            const zip_int64_t size = zip_source_tell(buffer);
            zip_source_seek(buffer, 0, SEEK_SET);
            if (size > 0) {
                bytes.resize(static_cast<std::size_t>(size));
                const zip_int64_t n = zip_source_read(buffer, bytes.data(), bytes.size());
                bytes.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
            }
            zip_source_close(buffer);
        }
    }
    zip_source_free(buffer);
    return bytes;
}

std::string Workbook(std::string_view input, bool deflate) {
    std::vector<std::string_view> xml;
    while (xml.size() < 3) {
        const std::size_t nul = input.find('\0');
        if (nul == std::string_view::npos) break;
        xml.push_back(input.substr(0, nul));
        input.remove_prefix(nul + 1);
    }
    xml.push_back(input);
    static constexpr std::string_view kWorkbook =
        R"(<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>)";
    static constexpr std::string_view kRels =
        R"(<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>)";
    return Zip({{"xl/sharedStrings.xml", xml[0]},
                {"xl/worksheets/sheet1.xml", xml.size() > 1 ? xml[1] : std::string_view()},
                {"xl/workbook.xml", xml.size() > 2 ? xml[2] : kWorkbook},
                {"xl/_rels/workbook.xml.rels", xml.size() > 3 ? xml[3] : kRels}},
               deflate);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string file = (data[0] & 1) != 0 ? std::string(rest) : Workbook(rest, (data[0] & 2) != 0);

    // Small limits, so that each input costs little; the checks are the same at any size.
    guanxi::io::XlsxLimits limits;
    limits.max_uncompressed_bytes = 64 << 20;
    limits.ratio_grace_bytes = 256 << 10;
    limits.max_shared_strings_bytes = 16 << 20;
    limits.max_row_bytes = 4 << 20;
    limits.max_text_bytes = 64 << 20;
    limits.max_tag_bytes = 1 << 20;
    limits.max_entries = 100;

    auto reader = guanxi::io::XlsxFromString(std::move(file), limits);
    if (!reader.ok()) return 0;
    std::vector<std::string> cells;
    std::uint64_t text = 0;
    while (true) {
        auto more = (*reader)->Next(cells);
        if (!more.ok()) {
            if ((*reader)->Next(cells).ok()) std::abort();  // an error ends the file
            break;
        }
        if (!*more) break;
        if (cells.empty() || cells.size() > guanxi::io::kMaxColumns) std::abort();
        std::uint64_t row = 0;
        bool blank = true;
        for (const auto& cell : cells) {
            if (cell.size() > guanxi::io::kMaxCellBytes) std::abort();
            row += cell.size();
            blank = blank && cell.empty();
        }
        if (blank || row > limits.max_row_bytes) std::abort();
        text += row;
        if (text > limits.max_text_bytes) std::abort();
        const double progress = (*reader)->progress();
        if (progress < 0.0 || progress > 1.0) std::abort();
    }
    return 0;
}
