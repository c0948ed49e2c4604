#include "io/table_reader.hpp"

#include <expat.h>
#include <zip.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>

// An XLSX workbook is a zip of XML parts. The first sheet's part is found through
// xl/workbook.xml (the first <sheet>'s relationship id) and xl/_rels/workbook.xml.rels (that id's
// target). Strings usually live once in xl/sharedStrings.xml and cells refer to them by index. The
// sheet is parsed with expat as it is decompressed, a chunk at a time; finished rows wait in a
// small queue for Next().

namespace guanxi::io {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// The shared-string table is held in memory; a larger one is refused rather than exhausting it.
constexpr zip_uint64_t kMaxSharedStringsBytes = 512ull << 20;
// Rows are read on a quarter of a million sheet cells ahead at most.
constexpr std::size_t kMaxQueuedRows = 4096;

Error Broken(const std::string& why) {
    return Error{
        ErrorCode::kValidationFailed, "The XLSX file cannot be read: " + why + ".", {}, {}};
}

// Strips a namespace prefix: "x:row" → "row".
std::string_view Local(const XML_Char* name) {
    std::string_view n(name);
    const size_t colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attribute(const XML_Char** attributes, std::string_view name) {
    for (int i = 0; attributes[i] != nullptr; i += 2) {
        if (Local(attributes[i]) == name) return attributes[i + 1];
    }
    return nullptr;
}

// "AB12" → column 27 (0-based) and row 12; -1 when absent.
void ParseCellRef(const char* ref, std::int64_t& column, std::int64_t& row) {
    column = -1;
    row = -1;
    if (ref == nullptr) return;
    std::int64_t col = 0;
    const char* p = ref;
    while (*p >= 'A' && *p <= 'Z') {
        col = col * 26 + (*p - 'A' + 1);
        if (col > 1 << 20) return;
        ++p;
    }
    if (p == ref) return;
    column = col - 1;
    std::int64_t r = 0;
    if (std::from_chars(p, p + std::strlen(p), r).ec == std::errc()) row = r;
}

// Numbers as a person typed them: 13800138000 rather than 1.3800138E+10.
std::string NumberText(const std::string& raw) {
    if (raw.find_first_of("Ee") == std::string::npos) return raw;
    char* end = nullptr;
    const double value = std::strtod(raw.c_str(), &end);
    if (end == raw.c_str() || !std::isfinite(value)) return raw;
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        return std::to_string(static_cast<std::int64_t>(value));
    }
    return raw;
}

// One expat parser with C++ callbacks.
class Xml {
  public:
    using Start = std::function<void(std::string_view, const XML_Char**)>;
    using End = std::function<void(std::string_view)>;
    using Text = std::function<void(std::string_view)>;

    Xml(Start start, End end, Text text)
        : parser_(XML_ParserCreate(nullptr)),
          start_(std::move(start)),
          end_(std::move(end)),
          text_(std::move(text)) {
        XML_SetUserData(parser_, this);
        XML_SetElementHandler(
            parser_,
            [](void* self, const XML_Char* name, const XML_Char** attributes) {
                static_cast<Xml*>(self)->start_(Local(name), attributes);
            },
            [](void* self, const XML_Char* name) { static_cast<Xml*>(self)->end_(Local(name)); });
        XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* s, int len) {
            static_cast<Xml*>(self)->text_(std::string_view(s, static_cast<size_t>(len)));
        });
    }
    ~Xml() { XML_ParserFree(parser_); }
    Xml(const Xml&) = delete;
    Xml& operator=(const Xml&) = delete;

    Status Feed(const char* data, size_t size, bool last) {
        if (XML_Parse(parser_, data, static_cast<int>(size), last ? 1 : 0) == XML_STATUS_ERROR) {
            return Broken(std::string("XML error: ") + XML_ErrorString(XML_GetErrorCode(parser_)));
        }
        return {};
    }

  private:
    XML_Parser parser_;
    Start start_;
    End end_;
    Text text_;
};

class ZipFile {
  public:
    explicit ZipFile(zip_file_t* f) : f_(f) {}
    ~ZipFile() {
        if (f_ != nullptr) zip_fclose(f_);
    }
    ZipFile(const ZipFile&) = delete;
    ZipFile& operator=(const ZipFile&) = delete;
    zip_file_t* get() const { return f_; }

  private:
    zip_file_t* f_;
};

// Parses a whole (small) part of the archive; false when it is absent.
Result<bool> ParsePart(zip_t* archive, const std::string& name, Xml& xml,
                       zip_uint64_t max_bytes = kMaxSharedStringsBytes) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(archive, name.c_str(), 0, &st) != 0) return false;
    if ((st.valid & ZIP_STAT_SIZE) != 0 && st.size > max_bytes)
        return Broken(name + " is too large");
    ZipFile file(zip_fopen(archive, name.c_str(), 0));
    if (file.get() == nullptr) return Broken("cannot open " + name);
    std::vector<char> chunk(kChunkBytes);
    zip_uint64_t total = 0;
    while (true) {
        const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
        if (n < 0) return Broken("cannot decompress " + name);
        total += static_cast<zip_uint64_t>(n);
        if (total > max_bytes) return Broken(name + " is too large");
        GX_TRY(xml.Feed(chunk.data(), static_cast<size_t>(n), n == 0));
        if (n == 0) return true;
    }
}

class XlsxReader final : public TableReader {
  public:
    static Result<std::unique_ptr<TableReader>> Open(const std::string& path) {
        int code = 0;
        zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
        if (archive == nullptr) return Broken("it is not a zip archive");
        std::unique_ptr<XlsxReader> reader(new XlsxReader(archive));
        GX_TRY(reader->Start());
        return std::unique_ptr<TableReader>(std::move(reader));
    }

    ~XlsxReader() override {
        sheet_file_.reset();
        zip_discard(archive_);
    }

    Result<bool> Next(std::vector<std::string>& cells) override {
        while (rows_.empty()) {
            if (finished_) return false;
            GX_TRY(FeedSheet());
        }
        auto& [number, row] = rows_.front();
        cells = std::move(row);
        row_ = number;
        rows_.pop_front();
        ++returned_;
        return true;
    }

    std::int64_t row_number() const override { return row_; }
    std::int64_t position() const override { return returned_; }

    // The sheet cannot be entered in the middle: the rows before the position are read again and
    // dropped.
    Status Resume(std::int64_t position, std::int64_t) override {
        std::vector<std::string> cells;
        while (returned_ < position) {
            GX_TRY_ASSIGN(bool more, Next(cells));
            if (!more) break;
        }
        return {};
    }

    double progress() const override {
        if (sheet_size_ == 0) return finished_ ? 1.0 : 0.0;
        return std::min(1.0, static_cast<double>(sheet_read_) / static_cast<double>(sheet_size_));
    }

  private:
    explicit XlsxReader(zip_t* archive) : archive_(archive) {}

    Status Start() {
        GX_TRY_ASSIGN(std::string sheet, FirstSheetPart());
        GX_TRY(LoadSharedStrings());
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(archive_, sheet.c_str(), 0, &st) != 0) return Broken("no worksheet " + sheet);
        sheet_size_ = (st.valid & ZIP_STAT_SIZE) != 0 ? st.size : 0;
        sheet_file_ = std::make_unique<ZipFile>(zip_fopen(archive_, sheet.c_str(), 0));
        if (sheet_file_->get() == nullptr) return Broken("cannot open " + sheet);
        sheet_xml_ = std::make_unique<Xml>(
            [this](std::string_view name, const XML_Char** attributes) {
                SheetStart(name, attributes);
            },
            [this](std::string_view name) { SheetEnd(name); },
            [this](std::string_view text) {
                if (in_value_) value_.append(text);
            });
        return {};
    }

    // The part name of the first sheet in the workbook's order.
    Result<std::string> FirstSheetPart() {
        std::string first_id;
        Xml workbook(
            [&](std::string_view name, const XML_Char** attributes) {
                if (name == "sheet" && first_id.empty()) {
                    const char* id = Attribute(attributes, "id");
                    if (id != nullptr) first_id = id;
                }
            },
            [](std::string_view) {}, [](std::string_view) {});
        GX_TRY_ASSIGN(bool has_workbook, ParsePart(archive_, "xl/workbook.xml", workbook));
        std::string target;
        if (has_workbook && !first_id.empty()) {
            Xml rels(
                [&](std::string_view name, const XML_Char** attributes) {
                    const char* id = Attribute(attributes, "Id");
                    const char* t = Attribute(attributes, "Target");
                    if (name == "Relationship" && id != nullptr && t != nullptr && first_id == id) {
                        target = t;
                    }
                },
                [](std::string_view) {}, [](std::string_view) {});
            GX_TRY(ParsePart(archive_, "xl/_rels/workbook.xml.rels", rels));
        }
        if (target.empty()) return std::string("xl/worksheets/sheet1.xml");
        if (target.front() == '/') return target.substr(1);
        return "xl/" + target;
    }

    Status LoadSharedStrings() {
        bool in_si = false, in_t = false, in_phonetic = false;
        std::string current;
        Xml xml(
            [&](std::string_view name, const XML_Char**) {
                if (name == "si") {
                    in_si = true;
                    current.clear();
                } else if (name == "rPh") {
                    in_phonetic = true;
                } else if (name == "t") {
                    in_t = true;
                }
            },
            [&](std::string_view name) {
                if (name == "si") {
                    shared_.push_back(std::move(current));
                    current.clear();
                    in_si = false;
                } else if (name == "rPh") {
                    in_phonetic = false;
                } else if (name == "t") {
                    in_t = false;
                }
            },
            [&](std::string_view text) {
                if (in_si && in_t && !in_phonetic) current.append(text);
            });
        GX_TRY(ParsePart(archive_, "xl/sharedStrings.xml", xml));
        return {};
    }

    Status FeedSheet() {
        std::vector<char> chunk(kChunkBytes);
        while (rows_.size() < kMaxQueuedRows && !finished_) {
            const zip_int64_t n = zip_fread(sheet_file_->get(), chunk.data(), chunk.size());
            if (n < 0) return Broken("the worksheet cannot be decompressed");
            sheet_read_ += static_cast<zip_uint64_t>(n);
            GX_TRY(sheet_xml_->Feed(chunk.data(), static_cast<size_t>(n), n == 0));
            if (!error_.empty()) return Broken(error_);
            if (n == 0) finished_ = true;
            if (!rows_.empty()) break;
        }
        return {};
    }

    void SheetStart(std::string_view name, const XML_Char** attributes) {
        if (name == "row") {
            in_row_ = true;
            cells_.clear();
            const char* r = Attribute(attributes, "r");
            std::int64_t number = 0;
            if (r != nullptr) std::from_chars(r, r + std::strlen(r), number);
            row_in_sheet_ = number > 0 ? number : row_in_sheet_ + 1;
            next_column_ = 0;
        } else if (name == "c" && in_row_) {
            std::int64_t column = -1, row = -1;
            ParseCellRef(Attribute(attributes, "r"), column, row);
            column_ = column >= 0 ? column : next_column_;
            const char* t = Attribute(attributes, "t");
            type_ = t != nullptr ? t : "n";
            value_.clear();
        } else if ((name == "v" || name == "t") && in_row_) {
            in_value_ = true;
        }
    }

    void SheetEnd(std::string_view name) {
        if (name == "v" || name == "t") {
            in_value_ = false;
        } else if (name == "c" && in_row_) {
            if (column_ >= static_cast<std::int64_t>(kMaxColumns)) {
                error_ = "row " + std::to_string(row_in_sheet_) + " has more than " +
                         std::to_string(kMaxColumns) + " columns";
                return;
            }
            if (value_.size() > kMaxCellBytes) {
                error_ = "a cell of row " + std::to_string(row_in_sheet_) + " is too long";
                return;
            }
            if (cells_.size() <= static_cast<size_t>(column_)) cells_.resize(column_ + 1);
            cells_[column_] = CellText();
            next_column_ = column_ + 1;
        } else if (name == "row") {
            in_row_ = false;
            bool blank = true;
            for (const auto& c : cells_) blank = blank && c.empty();
            if (!blank) rows_.emplace_back(row_in_sheet_, std::move(cells_));
            cells_.clear();
        }
    }

    std::string CellText() {
        if (type_ == "s") {
            std::size_t index = 0;
            const auto [p, ec] =
                std::from_chars(value_.data(), value_.data() + value_.size(), index);
            if (ec != std::errc() || index >= shared_.size()) return "";
            return shared_[index];
        }
        if (type_ == "b") return value_ == "1" ? "TRUE" : "FALSE";
        if (type_ == "n") return NumberText(value_);
        return value_;  // inlineStr, str (a formula's text), e (an error such as #N/A), d
    }

    zip_t* archive_;
    std::vector<std::string> shared_;
    std::unique_ptr<ZipFile> sheet_file_;
    std::unique_ptr<Xml> sheet_xml_;
    zip_uint64_t sheet_size_ = 0, sheet_read_ = 0;
    bool finished_ = false;
    std::string error_;

    // Parse state of the sheet.
    bool in_row_ = false, in_value_ = false;
    std::int64_t row_in_sheet_ = 0, column_ = 0, next_column_ = 0;
    std::string type_, value_;
    std::vector<std::string> cells_;
    std::deque<std::pair<std::int64_t, std::vector<std::string>>> rows_;

    std::int64_t row_ = 0;
    std::int64_t returned_ = 0;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenXlsx(const std::string& path) {
    return XlsxReader::Open(path);
}

}  // namespace guanxi::io
