#include "io/xlsx_reader.hpp"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <optional>

// An XLSX workbook is a zip of XML parts. The first sheet's part is found through
// xl/workbook.xml (the first <sheet>'s relationship id) and xl/_rels/workbook.xml.rels (that id's
// target). Strings usually live once in xl/sharedStrings.xml and cells refer to them by index. The
// sheet is parsed with expat as it is decompressed, a chunk at a time; finished rows wait in a
// small queue for Next(), and the parser is suspended while the queue is full, so one chunk of XML
// cannot queue more than the queue's bound however many rows it holds.
//
// Everything that can grow with the file is counted against XlsxLimits: decompressed bytes (per
// part against its compressed size, and in total), the shared-string table, the text of a row and
// of the file, the tag expat buffers, and the entries libzip allocates when the zip is opened.

namespace guanxi::io {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// Rows are read on a quarter of a million sheet cells ahead at most.
constexpr std::size_t kMaxQueuedRows = 4096;
// How much of the file's end is searched for the zip's end-of-central-directory records (a record
// is 22 bytes, followed by a comment of up to 64 KiB).
constexpr std::uint64_t kZipTailBytes = 128 * 1024;

// "The XLSX file cannot be read: <why>.", with the field message that says it in either language.
Error Broken(const std::string& why, std::string_view key,
             nlohmann::json params = nlohmann::json::object()) {
    return Unreadable("The XLSX file cannot be read: " + why + ".", key, std::move(params));
}
// A part of the workbook that cannot be opened, decompressed or parsed.
Error Damaged(const std::string& part, const std::string& why) {
    return Broken(why, "xlsx_damaged", {{"part", part}});
}

std::string Mib(std::uint64_t bytes) {
    if (bytes >= (1u << 20)) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " B";
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

std::uint64_t LittleEndian(std::string_view bytes, std::size_t at, std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = width; i-- > 0;) {
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

// The most entries any end-of-central-directory record (zip64 ones included) near the file's end
// claims. libzip allocates memory for every entry a record claims before it reads them, and picks
// one of the records by rules of its own: judging the largest claim keeps the check on the safe
// side. `read_at(offset, length)` reads the file (fewer bytes at its end).
std::uint64_t ClaimedEntries(
    std::uint64_t file_size,
    const std::function<std::string(std::uint64_t, std::size_t)>& read_at) {
    const std::uint64_t from = file_size - std::min(file_size, kZipTailBytes);
    const std::string tail = read_at(from, static_cast<std::size_t>(file_size - from));
    std::uint64_t claimed = 0;
    for (std::size_t i = 0; i + 20 <= tail.size(); ++i) {
        const std::uint64_t signature = LittleEndian(tail, i, 4);
        if (signature == 0x06054b50 && i + 22 <= tail.size()) {
            claimed =
                std::max({claimed, LittleEndian(tail, i + 8, 2), LittleEndian(tail, i + 10, 2)});
        } else if (signature == 0x07064b50) {  // the zip64 locator: where the zip64 record is
            const std::string record = read_at(LittleEndian(tail, i + 8, 8), 56);
            if (record.size() == 56 && LittleEndian(record, 0, 4) == 0x06064b50) {
                claimed =
                    std::max({claimed, LittleEndian(record, 24, 8), LittleEndian(record, 32, 8)});
            }
        }
    }
    return claimed;
}

// What the reader has decompressed so far, against the limits.
struct Budget {
    XlsxLimits limits;
    std::uint64_t inflated = 0;
};

// One part of the archive, decompressed as it is read. Each read counts against the budget and the
// part's own expansion ratio; the sizes the zip declares are judged before anything is
// decompressed (they may lie, so what is read is counted too).
class Part {
  public:
    // Null when the archive has no such part.
    static Result<std::unique_ptr<Part>> Open(zip_t* archive, const std::string& name,
                                              Budget& budget) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat(archive, name.c_str(), 0, &st) != 0) return std::unique_ptr<Part>();
        const std::uint64_t compressed =
            (st.valid & ZIP_STAT_COMP_SIZE) != 0 ? std::max<zip_uint64_t>(st.comp_size, 1) : 1;
        std::unique_ptr<Part> part(new Part(name, compressed, budget));
        if ((st.valid & ZIP_STAT_SIZE) != 0) {
            part->declared_ = st.size;
            GX_TRY(part->Check(st.size, budget.inflated + st.size));
        }
        part->file_ = zip_fopen(archive, name.c_str(), 0);
        if (part->file_ == nullptr) return Damaged(name, "cannot open " + name);
        return part;
    }
    ~Part() {
        if (file_ != nullptr) zip_fclose(file_);
    }
    Part(const Part&) = delete;
    Part& operator=(const Part&) = delete;

    // Up to `size` bytes; 0 at the end of the part.
    Result<std::size_t> Read(char* into, std::size_t size) {
        const zip_int64_t n = zip_fread(file_, into, size);
        if (n < 0) return Damaged(name_, "cannot decompress " + name_);
        read_ += static_cast<std::uint64_t>(n);
        budget_.inflated += static_cast<std::uint64_t>(n);
        GX_TRY(Check(read_, budget_.inflated));
        return static_cast<std::size_t>(n);
    }

    const std::string& name() const { return name_; }
    std::uint64_t declared_size() const { return declared_; }
    std::uint64_t read() const { return read_; }

  private:
    Part(std::string name, std::uint64_t compressed, Budget& budget)
        : name_(std::move(name)), compressed_(compressed), budget_(budget) {}

    Status Check(std::uint64_t part_bytes, std::uint64_t total_bytes) const {
        const XlsxLimits& limits = budget_.limits;
        if (total_bytes > limits.max_uncompressed_bytes) {
            return Broken("it expands to more than " + Mib(limits.max_uncompressed_bytes) +
                              " (the limit on the uncompressed size of a workbook)",
                          "xlsx_too_large", {{"limit", Mib(limits.max_uncompressed_bytes)}});
        }
        if (part_bytes > limits.ratio_grace_bytes && limits.max_ratio > 0 &&
            part_bytes / limits.max_ratio >= compressed_) {
            return Broken(name_ + " expands to more than " + std::to_string(limits.max_ratio) +
                              " times its compressed size (the limit on the compression ratio, "
                              "against zip bombs)",
                          "xlsx_ratio", {{"part", name_}, {"ratio", limits.max_ratio}});
        }
        return {};
    }

    std::string name_;
    std::uint64_t compressed_;
    Budget& budget_;
    zip_file_t* file_ = nullptr;
    std::uint64_t declared_ = 0, read_ = 0;
};

// One expat parser with C++ callbacks, fed from a Part through expat's own buffer (which outlives
// a suspension). A handler may end the parse with an error (Fail) or pause it (Suspend).
class Xml {
  public:
    using Start = std::function<void(std::string_view, const XML_Char**)>;
    using End = std::function<void(std::string_view)>;
    using Text = std::function<void(std::string_view)>;
    enum class Parsed { kMore, kSuspended, kEnded };

    Xml(std::uint64_t max_tag_bytes, Start start, End end, Text text)
        : parser_(XML_ParserCreate(nullptr)),
          max_tag_bytes_(max_tag_bytes),
          start_(std::move(start)),
          end_(std::move(end)),
          text_(std::move(text)) {
        XML_SetUserData(parser_, this);
        XML_SetElementHandler(
            parser_,
            [](void* self, const XML_Char* name, const XML_Char** attributes) {
                static_cast<Xml*>(self)->Event();
                static_cast<Xml*>(self)->start_(Local(name), attributes);
            },
            [](void* self, const XML_Char* name) {
                static_cast<Xml*>(self)->Event();
                static_cast<Xml*>(self)->end_(Local(name));
            });
        XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* s, int len) {
            static_cast<Xml*>(self)->Event();
            static_cast<Xml*>(self)->text_(std::string_view(s, static_cast<size_t>(len)));
        });
        // Office never writes a DTD; refusing one rules out entity expansion altogether.
        XML_SetStartDoctypeDeclHandler(
            parser_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
                static_cast<Xml*>(self)->Fail(Broken("its XML declares a DTD", "xlsx_dtd"));
            });
    }
    ~Xml() { XML_ParserFree(parser_); }
    Xml(const Xml&) = delete;
    Xml& operator=(const Xml&) = delete;

    // Parses the next chunk of `part` (or what a suspension left of the last one).
    Result<Parsed> Step(Part& part) {
        XML_Status status;
        if (suspended_) {
            suspended_ = false;
            status = XML_ResumeParser(parser_);
        } else {
            void* buffer = XML_GetBuffer(parser_, static_cast<int>(kChunkBytes));
            if (buffer == nullptr) return Damaged(part.name(), part.name() + " cannot be parsed");
            GX_TRY_ASSIGN(std::size_t n, part.Read(static_cast<char*>(buffer), kChunkBytes));
            fed_ += n;
            final_ = n == 0;
            status = XML_ParseBuffer(parser_, static_cast<int>(n), final_ ? 1 : 0);
        }
        if (status == XML_STATUS_ERROR) {
            if (error_) return *error_;
            return Damaged(part.name(), part.name() + ": XML error: " +
                                            XML_ErrorString(XML_GetErrorCode(parser_)));
        }
        // Expat holds the tag it is in whole: a tag that never ends would grow its buffer with the
        // part.
        if (fed_ - last_event_ > max_tag_bytes_) {
            return Broken(part.name() + " has an XML tag longer than " + Mib(max_tag_bytes_) +
                              " (the limit per tag)",
                          "xlsx_long_tag", {{"part", part.name()}, {"limit", Mib(max_tag_bytes_)}});
        }
        if (status == XML_STATUS_SUSPENDED) {
            suspended_ = true;
            return Parsed::kSuspended;
        }
        return final_ ? Parsed::kEnded : Parsed::kMore;
    }

    // From a handler: ends the parse; Step returns `error` (a Broken one).
    void Fail(Error error) {
        if (!error_) error_ = std::move(error);
        XML_StopParser(parser_, XML_FALSE);
    }
    // From a handler: pauses the parse after this event; the next Step resumes it.
    void Suspend() { XML_StopParser(parser_, XML_TRUE); }

  private:
    void Event() {
        last_event_ =
            static_cast<std::uint64_t>(std::max<XML_Index>(0, XML_GetCurrentByteIndex(parser_)));
    }

    XML_Parser parser_;
    std::uint64_t max_tag_bytes_;
    Start start_;
    End end_;
    Text text_;
    std::uint64_t fed_ = 0, last_event_ = 0;
    bool suspended_ = false, final_ = false;
    std::optional<Error> error_;
};

// Reads a whole (small) part; false when it is absent.
Result<bool> ParseWhole(zip_t* archive, const std::string& name, Budget& budget, Xml& xml) {
    GX_TRY_ASSIGN(std::unique_ptr<Part> part, Part::Open(archive, name, budget));
    if (part == nullptr) return false;
    while (true) {
        GX_TRY_ASSIGN(Xml::Parsed parsed, xml.Step(*part));
        if (parsed == Xml::Parsed::kEnded) return true;
    }
}

// The shared-string table, compact: the texts back to back in blocks, and where each one starts
// (8 bytes a string, where a std::string each would cost 32 and more). No block is ever
// reallocated, so the table never needs twice its size while it grows.
class SharedStrings {
  public:
    std::size_t size() const { return starts_.size(); }
    // Memory held: the text, its last block's unused end, and the starts.
    std::uint64_t bytes() const {
        return blocks_.size() * kBlockBytes + starts_.size() * sizeof(std::uint64_t);
    }

    void Add(std::string_view text) {
        starts_.push_back(end_);
        while (!text.empty()) {
            const std::size_t in_block = end_ % kBlockBytes;
            if (in_block == 0 && end_ / kBlockBytes == blocks_.size()) {
                blocks_.emplace_back(new char[kBlockBytes]);
            }
            const std::size_t n = std::min(text.size(), kBlockBytes - in_block);
            std::memcpy(blocks_[end_ / kBlockBytes].get() + in_block, text.data(), n);
            end_ += n;
            text.remove_prefix(n);
        }
    }

    std::string At(std::size_t index) const {
        std::uint64_t from = starts_[index];
        const std::uint64_t to = index + 1 < starts_.size() ? starts_[index + 1] : end_;
        std::string text;
        text.reserve(static_cast<std::size_t>(to - from));
        while (from < to) {
            const std::size_t in_block = from % kBlockBytes;
            const std::size_t n = static_cast<std::size_t>(
                std::min<std::uint64_t>(to - from, kBlockBytes - in_block));
            text.append(blocks_[from / kBlockBytes].get() + in_block, n);
            from += n;
        }
        return text;
    }

  private:
    static constexpr std::size_t kBlockBytes = 1 << 20;
    std::vector<std::unique_ptr<char[]>> blocks_;
    std::deque<std::uint64_t> starts_;
    std::uint64_t end_ = 0;
};

class XlsxReader final : public TableReader {
  public:
    // `source` reads the file, or `bytes` (an in-memory workbook, kept alive with the reader).
    static Result<std::unique_ptr<TableReader>> Open(zip_source_t* source,
                                                     std::unique_ptr<std::string> bytes,
                                                     const XlsxLimits& limits) {
        zip_error_t error;
        zip_error_init(&error);
        zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
        zip_error_fini(&error);
        if (archive == nullptr) {
            zip_source_free(source);
            return Broken("it is not a zip archive", "not_a_zip");
        }
        std::unique_ptr<XlsxReader> reader(new XlsxReader(archive, std::move(bytes), limits));
        GX_TRY(reader->Start());
        return std::unique_ptr<TableReader>(std::move(reader));
    }

    ~XlsxReader() override {
        sheet_xml_.reset();
        sheet_.reset();
        zip_discard(archive_);
    }

    Result<bool> Next(std::vector<std::string>& cells) override {
        if (failure_) return *failure_;
        while (rows_.empty()) {
            if (finished_) return false;
            if (Status fed = FeedSheet(); !fed) {
                failure_ = std::move(fed).error();
                return *failure_;
            }
        }
        auto& [number, row] = rows_.front();
        for (const auto& cell : row) queued_bytes_ -= cell.size();
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
        const std::uint64_t size = sheet_ != nullptr ? sheet_->declared_size() : 0;
        if (size == 0) return finished_ ? 1.0 : 0.0;
        return std::min(1.0, static_cast<double>(sheet_->read()) / static_cast<double>(size));
    }

  private:
    XlsxReader(zip_t* archive, std::unique_ptr<std::string> bytes, const XlsxLimits& limits)
        : archive_(archive), bytes_(std::move(bytes)), budget_{limits, 0} {}

    const XlsxLimits& limits() const { return budget_.limits; }

    Status Start() {
        if (zip_get_num_entries(archive_, 0) > static_cast<zip_int64_t>(limits().max_entries)) {
            return TooManyEntries(limits());
        }
        GX_TRY_ASSIGN(std::string sheet, FirstSheetPart());
        GX_TRY(LoadSharedStrings());
        GX_TRY_ASSIGN(sheet_, Part::Open(archive_, sheet, budget_));
        if (sheet_ == nullptr) return Damaged(sheet, "no worksheet " + sheet);
        sheet_xml_ = std::make_unique<Xml>(
            limits().max_tag_bytes,
            [this](std::string_view name, const XML_Char** attributes) {
                SheetStart(name, attributes);
            },
            [this](std::string_view name) { SheetEnd(name); },
            [this](std::string_view text) { SheetText(text); });
        return {};
    }

  public:
    static Error TooManyEntries(const XlsxLimits& limits) {
        return Broken("its zip holds more than " + std::to_string(limits.max_entries) +
                          " entries (the limit per workbook)",
                      "xlsx_too_many_entries", {{"max", limits.max_entries}});
    }

  private:
    // The part name of the first sheet in the workbook's order.
    Result<std::string> FirstSheetPart() {
        std::string first_id;
        Xml workbook(
            limits().max_tag_bytes,
            [&](std::string_view name, const XML_Char** attributes) {
                if (name == "sheet" && first_id.empty()) {
                    const char* id = Attribute(attributes, "id");
                    if (id != nullptr) first_id = id;
                }
            },
            [](std::string_view) {}, [](std::string_view) {});
        GX_TRY_ASSIGN(bool has_workbook,
                      ParseWhole(archive_, "xl/workbook.xml", budget_, workbook));
        std::string target;
        if (has_workbook && !first_id.empty()) {
            Xml rels(
                limits().max_tag_bytes,
                [&](std::string_view name, const XML_Char** attributes) {
                    const char* id = Attribute(attributes, "Id");
                    const char* t = Attribute(attributes, "Target");
                    if (name == "Relationship" && id != nullptr && t != nullptr && first_id == id) {
                        target = t;
                    }
                },
                [](std::string_view) {}, [](std::string_view) {});
            GX_TRY(ParseWhole(archive_, "xl/_rels/workbook.xml.rels", budget_, rels));
        }
        if (target.empty()) return std::string("xl/worksheets/sheet1.xml");
        if (target.front() == '/') return target.substr(1);
        return "xl/" + target;
    }

    Status LoadSharedStrings() {
        bool in_si = false, in_t = false, in_phonetic = false;
        std::string current;
        Xml* xml_ptr = nullptr;
        Xml xml(
            limits().max_tag_bytes,
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
                    shared_.Add(current);
                    current.clear();
                    in_si = false;
                    if (shared_.bytes() > limits().max_shared_strings_bytes) {
                        xml_ptr->Fail(Broken("its shared strings take more than " +
                                                 Mib(limits().max_shared_strings_bytes) +
                                                 " (the limit on the shared-string table)",
                                             "xlsx_shared_strings",
                                             {{"limit", Mib(limits().max_shared_strings_bytes)}}));
                    }
                } else if (name == "rPh") {
                    in_phonetic = false;
                } else if (name == "t") {
                    in_t = false;
                }
            },
            [&](std::string_view text) {
                if (!in_si || !in_t || in_phonetic) return;
                if (current.size() + text.size() > kMaxCellBytes) {
                    xml_ptr->Fail(Broken("a shared string is longer than " + Mib(kMaxCellBytes),
                                         "xlsx_long_text", {{"limit", Mib(kMaxCellBytes)}}));
                    return;
                }
                current.append(text);
            });
        xml_ptr = &xml;
        GX_TRY(ParseWhole(archive_, "xl/sharedStrings.xml", budget_, xml));
        return {};
    }

    Status FeedSheet() {
        while (rows_.empty() && !finished_) {
            GX_TRY_ASSIGN(Xml::Parsed parsed, sheet_xml_->Step(*sheet_));
            if (parsed == Xml::Parsed::kEnded) finished_ = true;
        }
        return {};
    }

    void SheetStart(std::string_view name, const XML_Char** attributes) {
        if (name == "row") {
            in_row_ = true;
            cells_.clear();
            row_bytes_ = 0;
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

    void SheetText(std::string_view text) {
        if (!in_value_) return;
        if (value_.size() + text.size() > kMaxCellBytes) {
            sheet_xml_->Fail(
                Broken("a cell of row " + std::to_string(row_in_sheet_) + " is too long",
                       "cell_too_long", {{"row", row_in_sheet_}, {"limit", Mib(kMaxCellBytes)}}));
            return;
        }
        value_.append(text);
    }

    void SheetEnd(std::string_view name) {
        if (name == "v" || name == "t") {
            in_value_ = false;
        } else if (name == "c" && in_row_) {
            if (column_ >= static_cast<std::int64_t>(kMaxColumns)) {
                sheet_xml_->Fail(Broken("row " + std::to_string(row_in_sheet_) + " has more than " +
                                            std::to_string(kMaxColumns) + " columns",
                                        "too_many_columns",
                                        {{"row", row_in_sheet_}, {"max", kMaxColumns}}));
                return;
            }
            std::string text = CellText();
            row_bytes_ += text.size();
            if (row_bytes_ > limits().max_row_bytes) {
                sheet_xml_->Fail(
                    Broken("row " + std::to_string(row_in_sheet_) + " holds more than " +
                               Mib(limits().max_row_bytes) + " of text (the limit per row)",
                           "row_too_large",
                           {{"row", row_in_sheet_}, {"limit", Mib(limits().max_row_bytes)}}));
                return;
            }
            if (cells_.size() <= static_cast<size_t>(column_)) cells_.resize(column_ + 1);
            cells_[column_] = std::move(text);
            next_column_ = column_ + 1;
        } else if (name == "row") {
            in_row_ = false;
            bool blank = true;
            for (const auto& c : cells_) blank = blank && c.empty();
            if (!blank) {
                text_bytes_ += row_bytes_;
                if (text_bytes_ > limits().max_text_bytes) {
                    sheet_xml_->Fail(
                        Broken("its cells hold more than " + Mib(limits().max_text_bytes) +
                                   " of text (the limit per workbook)",
                               "xlsx_too_much_text", {{"limit", Mib(limits().max_text_bytes)}}));
                    return;
                }
                queued_bytes_ += row_bytes_;
                rows_.emplace_back(row_in_sheet_, std::move(cells_));
                // The queue is full: the rest of the chunk waits in expat until Next() asks.
                if (rows_.size() >= kMaxQueuedRows || queued_bytes_ >= limits().max_row_bytes) {
                    sheet_xml_->Suspend();
                }
            }
            cells_.clear();
        }
    }

    std::string CellText() {
        if (type_ == "s") {
            std::size_t index = 0;
            const auto [p, ec] =
                std::from_chars(value_.data(), value_.data() + value_.size(), index);
            if (ec != std::errc() || index >= shared_.size()) return "";
            return shared_.At(index);
        }
        if (type_ == "b") return value_ == "1" ? "TRUE" : "FALSE";
        if (type_ == "n") return NumberText(value_);
        return value_;  // inlineStr, str (a formula's text), e (an error such as #N/A), d
    }

    zip_t* archive_;
    std::unique_ptr<std::string> bytes_;  // an in-memory workbook, which the archive reads
    Budget budget_;
    SharedStrings shared_;
    std::unique_ptr<Part> sheet_;
    std::unique_ptr<Xml> sheet_xml_;
    bool finished_ = false;
    std::optional<Error> failure_;  // a read error ends the file: Next repeats it

    // Parse state of the sheet.
    bool in_row_ = false, in_value_ = false;
    std::int64_t row_in_sheet_ = 0, column_ = 0, next_column_ = 0;
    std::string type_, value_;
    std::vector<std::string> cells_;
    std::uint64_t row_bytes_ = 0, queued_bytes_ = 0, text_bytes_ = 0;
    std::deque<std::pair<std::int64_t, std::vector<std::string>>> rows_;

    std::int64_t row_ = 0;
    std::int64_t returned_ = 0;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenXlsx(const std::string& path, const XlsxLimits& limits) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) return Broken("it cannot be opened", "not_a_zip");
    const auto size = static_cast<std::uint64_t>(file.tellg());
    const std::uint64_t entries =
        ClaimedEntries(size, [&](std::uint64_t offset, std::size_t length) {
            std::string bytes(length, '\0');
            file.clear();
            file.seekg(static_cast<std::streamoff>(offset));
            file.read(bytes.data(), static_cast<std::streamsize>(length));
            bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, file.gcount())));
            return bytes;
        });
    if (entries > limits.max_entries) return XlsxReader::TooManyEntries(limits);
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_file_create(path.c_str(), 0, -1, &error);  // -1: to the end
    zip_error_fini(&error);
    if (source == nullptr) return Broken("it cannot be opened", "not_a_zip");
    return XlsxReader::Open(source, nullptr, limits);
}

Result<std::unique_ptr<TableReader>> XlsxFromString(std::string bytes, const XlsxLimits& limits) {
    const std::uint64_t entries =
        ClaimedEntries(bytes.size(), [&](std::uint64_t offset, std::size_t length) {
            if (offset >= bytes.size()) return std::string();
            return bytes.substr(static_cast<std::size_t>(offset), length);
        });
    if (entries > limits.max_entries) return XlsxReader::TooManyEntries(limits);
    // On the heap, so that the bytes libzip reads stay where they are when the reader takes them.
    auto owned = std::make_unique<std::string>(std::move(bytes));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(owned->data(), owned->size(), 0, &error);
    zip_error_fini(&error);
    if (source == nullptr) return Broken("it cannot be opened", "not_a_zip");
    return XlsxReader::Open(source, std::move(owned), limits);
}

}  // namespace guanxi::io
