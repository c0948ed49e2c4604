#include "io/table_reader.hpp"

#include <fstream>
#include <sstream>

namespace guanxi::io {

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// An RFC 4180 reader over any seekable stream. Positions are byte offsets of the start of the next
// record, so a resumed import seeks straight to it.
class CsvReader final : public TableReader {
  public:
    CsvReader(std::unique_ptr<std::istream> in, std::int64_t size)
        : in_(std::move(in)), size_(size) {
        buffer_.resize(kBufferBytes);
    }

    Result<bool> Next(std::vector<std::string>& cells) override {
        while (true) {
            if (AtEnd()) return false;
            GX_TRY_ASSIGN(bool blank, ReadRecord(cells));
            ++row_;
            position_ = offset_;
            if (!blank) return true;
        }
    }

    std::int64_t row_number() const override { return row_; }
    std::int64_t position() const override { return position_; }

    Status Resume(std::int64_t position, std::int64_t row_number) override {
        if (position < 0 || position > size_) {
            return Error::Internal("csv: resume position out of range");
        }
        in_->clear();
        in_->seekg(position);
        if (!*in_) return Error::Internal("csv: cannot seek to the resume position");
        begin_ = end_ = 0;
        offset_ = position_ = position;
        row_ = row_number;
        return {};
    }

    double progress() const override {
        return size_ <= 0 ? 1.0 : static_cast<double>(position_) / static_cast<double>(size_);
    }

  private:
    // The next byte without consuming it; -1 at the end of the stream.
    int Peek() {
        if (begin_ == end_ && !Fill()) return -1;
        return static_cast<unsigned char>(buffer_[begin_]);
    }
    int Get() {
        const int c = Peek();
        if (c >= 0) {
            ++begin_;
            ++offset_;
        }
        return c;
    }
    bool Fill() {
        if (!*in_) return false;
        in_->read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        begin_ = 0;
        end_ = static_cast<std::size_t>(in_->gcount());
        return end_ > 0;
    }
    bool AtEnd() {
        if (offset_ == 0) SkipBom();
        return Peek() < 0;
    }
    void SkipBom() {
        for (char expected : kBom) {
            if (Peek() != static_cast<unsigned char>(expected)) return;
            Get();
        }
    }

    Error TooLong() const {
        Error error = Unreadable("Row " + std::to_string(row_ + 1) +
                                     ": a quoted cell is never closed, or a cell is longer than "
                                     "1 MiB.",
                                 "unclosed_quote", {{"row", row_ + 1}});
        error.details["row"] = row_ + 1;
        return error;
    }

    // Reads one record into `cells`; true when the line was blank.
    Result<bool> ReadRecord(std::vector<std::string>& cells) {
        cells.clear();
        cells.emplace_back();
        bool quoted = false;        // inside a quoted cell
        bool cell_started = false;  // the current cell has content or quotes
        while (true) {
            const int c = Get();
            if (c < 0) {
                if (quoted) return TooLong();
                break;
            }
            std::string& cell = cells.back();
            if (quoted) {
                if (c == '"') {
                    if (Peek() == '"') {
                        Get();
                        cell.push_back('"');
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.push_back(static_cast<char>(c));
                }
            } else if (c == ',') {
                if (cells.size() >= kMaxColumns) {
                    Error error =
                        Unreadable("Row " + std::to_string(row_ + 1) + " has more than " +
                                       std::to_string(kMaxColumns) + " columns.",
                                   "too_many_columns", {{"row", row_ + 1}, {"max", kMaxColumns}});
                    error.details["row"] = row_ + 1;
                    return error;
                }
                cells.emplace_back();
                cell_started = false;
                continue;
            } else if (c == '\n') {
                break;
            } else if (c == '\r') {
                if (Peek() == '\n') Get();
                break;
            } else if (c == '"' && !cell_started) {
                quoted = true;
            } else {
                cell.push_back(static_cast<char>(c));
            }
            cell_started = true;
            if (cell.size() > kMaxCellBytes) return TooLong();
        }
        return cells.size() == 1 && cells[0].empty();
    }

    std::unique_ptr<std::istream> in_;
    std::int64_t size_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0, end_ = 0;
    std::int64_t offset_ = 0;    // bytes consumed
    std::int64_t position_ = 0;  // offset after the last returned record
    std::int64_t row_ = 0;
};

}  // namespace

Result<std::unique_ptr<TableReader>> OpenCsv(const std::string& path) {
    auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*in) return Error::Internal("csv: cannot open " + path);
    in->seekg(0, std::ios::end);
    const std::int64_t size = in->tellg();
    in->seekg(0);
    return std::unique_ptr<TableReader>(std::make_unique<CsvReader>(std::move(in), size));
}

std::unique_ptr<TableReader> CsvFromString(std::string text) {
    const auto size = static_cast<std::int64_t>(text.size());
    return std::make_unique<CsvReader>(std::make_unique<std::istringstream>(std::move(text)), size);
}

}  // namespace guanxi::io
