#include "domains/customers/document_type.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>

namespace guanxi::customers {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 14> kAllowed = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "text/plain",
    "text/csv",
    "application/zip",
};

constexpr std::array<std::string_view, 5> kPreviewable = {"image/png", "image/jpeg", "image/gif",
                                                          "image/webp", "application/pdf"};

// Code points that are never part of a name: C0 and C1 controls, DEL, and the bidirectional
// embeddings, overrides and isolates that make "invoice<U+202E>fdp.exe" read as "invoiceexe.pdf".
bool Unwanted(std::string_view cp) {
    if (cp.size() == 1) return static_cast<unsigned char>(cp[0]) < 0x20 || cp[0] == 0x7f;
    if (cp == "\u200e" || cp == "\u200f") return true;  // left-to-right and right-to-left marks
    if (cp.size() == 2) return cp[0] == '\xc2' && static_cast<unsigned char>(cp[1]) < 0xa0;
    if (cp.size() != 3 || cp[0] != '\xe2') return false;
    const auto b1 = static_cast<unsigned char>(cp[1]), b2 = static_cast<unsigned char>(cp[2]);
    return (b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) ||  // U+202A–U+202E
           (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9);    // U+2066–U+2069
}

// A name is a name, not a path: a rename must not bring back what an upload's cleaning removes.
Status CheckFileName(const json& record) {
    const auto it = record.find("file_name");
    if (it == record.end() || !it->is_string()) return {};
    const std::string name = it->get<std::string>();
    if (CleanFileName(name) != text::Trim(name)) {
        return Error::Validation("file_name",
                                 "must be a file name without folders (no / or \\, not . or ..)");
    }
    return {};
}

}  // namespace

std::optional<std::string> CleanFileName(std::string_view sent) {
    if (!text::IsValidUtf8(sent)) return std::nullopt;
    const std::size_t slash = sent.find_last_of("/\\");
    if (slash != std::string_view::npos) sent = sent.substr(slash + 1);
    std::string kept;
    for (std::string_view cp : text::CodePoints(sent)) {
        if (!Unwanted(cp)) kept += cp;
    }
    std::string name = text::Trim(kept);
    if (name.empty() || name == "." || name == "..") return std::nullopt;
    std::vector<std::string_view> cps = text::CodePoints(name);
    if (cps.size() <= kMaxFileNameLength) return name;
    // Too long: cut the stem, keep a short extension (".pdf") so the type still shows.
    std::string extension;
    const std::size_t dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0 && text::CodePointCount(name.substr(dot)) <= 16) {
        extension = name.substr(dot);
    }
    const std::size_t keep = kMaxFileNameLength - text::CodePointCount(extension);
    std::string cut;
    for (std::size_t i = 0; i < keep; ++i) cut += cps[i];
    return text::Trim(cut) + extension;
}

std::optional<std::string> DocumentContentType(std::string_view sniffed) {
    const std::string lower = text::AsciiLower(sniffed);
    const auto it = std::find(kAllowed.begin(), kAllowed.end(), lower);
    if (it == kAllowed.end()) return std::nullopt;
    return std::string(*it);
}

bool Previewable(std::string_view content_type) {
    return std::find(kPreviewable.begin(), kPreviewable.end(), content_type) != kPreviewable.end();
}

kit::RecordType DocumentType() {
    kit::RecordType type;
    type.name = "documents";
    type.singular = "document";
    type.table = "documents";
    type.label = {"文档", "Document"};
    type.fields = {
        {{.name = "file_name",
          .required = true,
          .max_length = kMaxFileNameLength,
          .list = true,
          .sort = true,
          .nullable = false},
         {"文件名", "File name"},
         true},
        // Set by the server from the content, never by a client (readonly: a create or patch
        // naming them is refused as naming unknown fields).
        {{.name = "content_type",
          .max_length = 100,
          .list = true,
          .filter = true,
          .readonly = true,
          .nullable = false},
         {"文件类型", "Type"}},
        {{.name = "size",
          .type = FieldType::kInteger,
          .list = true,
          .sort = true,
          .readonly = true,
          .nullable = false},
         {"大小（字节）", "Size (bytes)"}},
        {{.name = "sha256", .max_length = 64, .readonly = true, .nullable = false},
         {"SHA-256", "SHA-256"}},
        {{.name = "note", .type = FieldType::kText, .max_length = 1000}, {"备注", "Note"}, true},
    };
    // What the generic tests upload (a small text file by this name) and OpenAPI shows.
    type.example = {{"file_name", "2027 年报价单.txt"}, {"note", "第一版"}};
    type.generic_create = false;
    type.create_by_upload = true;
    // Uploads join the customer's timeline at the moment they were made.
    type.timeline = kit::TimelineSource{.at = "created_at",
                                        .summary = {"file_name", "content_type", "size", "note"}};
    type.check_record = CheckFileName;
    return type;
}

}  // namespace guanxi::customers
